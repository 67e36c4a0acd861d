"""Booking ahead, the rules on a real SQLite file: slots, capacity, the quota's share, limits,
cancel, reschedule, check-in and its window, expiry, the erasure of contacts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from booking_support import book, booking_config, check_in
from conftest import JAKARTA, HallApp, make_hall_app
from rules import issue

from server.core import bookings, report_bookings, slots, tickets
from server.core.clock import FixedClock
from server.core.errors import RuleError
from server.web import views
from server.web.housekeeping import Housekeeper

TUESDAY = "2026-12-01"


def at(hour: int, minute: int = 0, day: int = 1) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=JAKARTA)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[HallApp]:
    made = make_hall_app(booking_config(), tmp_path / "data", FixedClock(at(9)))
    yield made
    made.hall.store.close()


def listing(app: HallApp, service_id: str, first: str, last: str | None = None) -> list[dict[str, Any]]:
    from datetime import date

    with app.hall.store.read() as tx:
        return slots.slot_rows(tx, app.site, service_id, date.fromisoformat(first),
                               date.fromisoformat(last or first), app.clock.now())


def refused(code: str, work: Any, *args: Any, **options: Any) -> RuleError:
    with pytest.raises(RuleError) as caught:
        work(*args, **options)
    assert caught.value.code == code, caught.value.message
    return caught.value


def test_slots_are_cut_from_the_hours_and_say_why_they_cannot_be_booked(app: HallApp) -> None:
    today = listing(app, "ktp", TUESDAY)
    # 07:30 to the 14:30 cut-off, every 30 minutes; those begun by 09:00 are past.
    assert [s["id"] for s in today][:3] == ["ktp@2026-12-01T0730", "ktp@2026-12-01T0800", "ktp@2026-12-01T0830"]
    assert today[-1]["start"] == "2026-12-01T14:00:00+07:00" and today[-1]["end"] == "2026-12-01T14:30:00+07:00"
    assert len(today) == 14
    assert [s["reason"] for s in today[:4]] == ["past", "past", "past", "past"]  # 09:00 has begun
    assert today[4] == {"id": "ktp@2026-12-01T0930", "service_id": "ktp", "day": TUESDAY,
                        "start": "2026-12-01T09:30:00+07:00", "end": "2026-12-01T10:00:00+07:00",
                        "capacity": 2, "booked": 0, "available": True, "reason": None}
    assert {s["reason"] for s in listing(app, "ktp", "2026-12-03")} == {"holiday"}
    assert {s["reason"] for s in listing(app, "ktp", "2026-12-05")} == {"closed_day"}  # a Saturday
    assert {s["reason"] for s in listing(app, "ktp", "2026-12-09")} == {"beyond_horizon"}  # 7 days ahead: 12-08
    assert {s["reason"] for s in listing(app, "ktp", "2026-12-08")} == {None}
    assert listing(app, "kia", TUESDAY) == []  # takes no bookings


def test_a_slot_takes_its_capacity_and_no_more(app: HallApp) -> None:
    first, second = book(app, "ktp@2026-12-02T0800"), book(app, "ktp@2026-12-02T0800")
    assert first["code"] != second["code"] and len(first["code"]) == 6
    assert set(first["code"]) <= set(bookings.ALPHABET)
    error = refused("slot_full", book, app, "ktp@2026-12-02T0800")
    assert "08:00 slot of Perekaman KTP-el is full" in error.message
    slot = next(s for s in listing(app, "ktp", "2026-12-02") if s["id"] == "ktp@2026-12-02T0800")
    assert (slot["booked"], slot["available"], slot["reason"]) == (2, False, "full")


def test_bookings_take_only_their_share_of_the_quota_and_walk_ins_keep_the_rest(app: HallApp) -> None:
    # quota 10, quota_share 0.6: six bookings a day, four walk-ins.
    for start in ("0930", "0930", "1000", "1000", "1030", "1030"):
        book(app, f"ktp@{TUESDAY}T{start}")
    error = refused("slot_unavailable", book, app, f"ktp@{TUESDAY}T1100")
    assert "bookable places are all taken" in error.message
    assert {s["reason"] for s in listing(app, "ktp", TUESDAY) if s["booked"] == 0 and s["reason"] != "past"} == {
        "day_full"}
    for _ in range(4):
        issue(app, "ktp")
    error = refused("quota_reached", issue, app, "ktp")
    assert "4 walk-in tickets" in error.message and "6 of its quota of 10 are for bookings" in error.message
    # A booking's check-in still gets its ticket, and does not give walk-ins a place.
    with app.hall.store.read() as tx:
        first = tx.one("SELECT code FROM bookings ORDER BY created_at LIMIT 1")
    assert first is not None
    app.clock.set(at(9, 20))
    _, ticket, made = check_in(app, first["code"])
    assert made and ticket["number"] == "A005" and ticket["booking_code"] == first["code"]
    refused("quota_reached", issue, app, "ktp")
    with app.hall.store.read() as tx:
        service = views.service_json(tx, app.site, "ktp", app.clock.now(), 5)
    assert (service["open"], service["closed_reason"], service["remaining"]) == (False, "quota_reached", 0)


def test_a_service_without_a_quota_is_limited_by_its_slots_only(app: HallApp) -> None:
    for _ in range(3):
        book(app, f"kk@{TUESDAY}T1030")
    refused("slot_full", book, app, f"kk@{TUESDAY}T1030")
    for _ in range(12):
        issue(app, "kk")  # walk-ins are not limited by the bookings


def test_unknown_slots_are_refused_by_name(app: HallApp) -> None:
    for raw in ("", "ktp", "ktp@2026-12-02T0815", "kia@2026-12-02T0800", "nope@2026-12-02T0800",
                "ktp@2026-13-02T0800", "KTP@2026-12-02T0800"):
        error = refused("unknown_slot", book, app, raw)
        assert error.field == "slot_id"


def test_what_is_asked_is_checked_and_the_phone_limit_holds_per_day(tmp_path: Path) -> None:
    app = make_hall_app(booking_config(per_phone_per_day=2, ask_phone="required"), tmp_path, FixedClock(at(9)))
    refused("invalid_request", book, app, "ktp@2026-12-02T0800")
    error = refused("invalid_request", book, app, "ktp@2026-12-02T0800", phone="12345")
    assert error.field == "phone" and "0812 3456 7890" in error.message
    error = refused("invalid_request", book, app, "ktp@2026-12-02T0800", phone="0812 3456 7890", nik_last4="12a4")
    assert error.field == "nik_last4"
    row = book(app, "ktp@2026-12-02T0800", phone="0812-3456-7890", nik_last4="0421")
    assert (row["phone"], row["nik_last4"]) == ("081234567890", "0421")
    book(app, "kk@2026-12-02T0930", phone="+62 812 3456 7890")  # the same number, written otherwise
    error = refused("booking_limit", book, app, "ktp@2026-12-02T0830", phone="6281234567890")
    assert "already holds 2 booking(s) for 2026-12-02" in error.message
    book(app, "ktp@2026-12-04T0830", phone="081234567890")  # another day: its own two
    app.hall.store.close()


def test_a_site_that_asks_for_nothing_refuses_personal_data(tmp_path: Path) -> None:
    app = make_hall_app(booking_config(ask_phone="off", ask_nik="off"), tmp_path, FixedClock(at(9)))
    error = refused("invalid_request", book, app, "ktp@2026-12-02T0800", phone="081234567890")
    assert "does not ask for a phone number" in error.message
    assert book(app, "ktp@2026-12-02T0800", phone=" ")["phone"] is None  # empty is not given
    app.hall.store.close()


def test_the_address_limit_counts_bookings_made_today_but_not_a_hall_kiosk(tmp_path: Path) -> None:
    app = make_hall_app(booking_config(per_address_per_day=2), tmp_path, FixedClock(at(9)))
    book(app, "ktp@2026-12-02T0800", address="36.68.10.9")
    cancelled = book(app, "ktp@2026-12-02T0800", address="36.68.10.9")
    with app.hall.store.write() as tx:
        bookings.cancel(tx, app.site, app.clock.now(), cancelled["code"])
    error = refused("booking_limit", book, app, "kk@2026-12-04T0830", address="36.68.10.9")
    assert "2 bookings were made from this network address today" in error.message
    book(app, "kk@2026-12-04T0830", address="36.68.10.10")
    for _ in range(3):  # the hall's kiosk, on the hall's network, books for many visitors
        book(app, "kk@2026-12-07T0830", address="192.168.1.20", kiosk_id="kiosk-1")
    refused("booking_limit", book, app, "kk@2026-12-07T0930", address="36.68.10.9", kiosk_id="kiosk-1")
    app.clock.set(at(9, day=2))  # the next day: a new allowance
    book(app, "kk@2026-12-04T0930", address="36.68.10.9")
    app.hall.store.close()


def test_cancel_gives_the_place_back_and_a_repeat_changes_nothing(app: HallApp) -> None:
    rows = [book(app, f"ktp@{TUESDAY}T1000") for _ in range(2)]
    with app.hall.store.write() as tx:
        gone = bookings.cancel(tx, app.site, app.clock.now(), rows[0]["code"].lower())
        again = bookings.cancel(tx, app.site, app.clock.now(), rows[0]["code"])
    assert gone["status"] == again["status"] == "cancelled" and gone["updated_at"] == again["updated_at"]
    book(app, f"ktp@{TUESDAY}T1000")  # its place is free again
    app.clock.set(at(9, 50))
    check_in(app, rows[1]["code"])
    with app.hall.store.write() as tx:
        refused("booking_checked_in", bookings.cancel, tx, app.site, app.clock.now(), rows[1]["code"])
        refused("booking_not_found", bookings.cancel, tx, app.site, app.clock.now(), "AAAAAA")


def test_reschedule_keeps_the_code_and_checks_the_new_slot(app: HallApp) -> None:
    row = book(app, "ktp@2026-12-02T0800", phone="081234567890")
    book(app, "ktp@2026-12-02T0900")
    book(app, "ktp@2026-12-02T0900")
    with app.hall.store.write() as tx:
        moved = bookings.reschedule(tx, app.site, app.clock.now(), row["code"], "ktp@2026-12-04T1000")
        assert (moved["code"], moved["day"]) == (row["code"], "2026-12-04")
        assert bookings.slot_of(app.site, moved)["id"] == "ktp@2026-12-04T1000"
        assert app.site.iso(moved["check_in_from"]) == "2026-12-04T09:30:00+07:00"
        same = bookings.reschedule(tx, app.site, app.clock.now(), row["code"], "ktp@2026-12-04T1000")
        assert same["updated_at"] == moved["updated_at"]  # already there: nothing changes
        refused("slot_full", bookings.reschedule, tx, app.site, app.clock.now(), row["code"], "ktp@2026-12-02T0900")
        error = refused("invalid_request", bookings.reschedule, tx, app.site, app.clock.now(), row["code"],
                        "kk@2026-12-04T0930")
        assert error.field == "slot_id"
    assert next(s for s in listing(app, "ktp", "2026-12-02") if s["id"].endswith("T0800"))["booked"] == 0


def test_check_in_opens_and_closes_with_its_window_and_answers_the_same_ticket(app: HallApp) -> None:
    row = book(app, f"ktp@{TUESDAY}T1000")
    error = refused("too_early", check_in, app, row["code"])
    assert "opens at 09:30" in error.message and "09:30–10:15" in error.message
    app.clock.set(at(9, 40))
    booking, ticket, made = check_in(app, row["code"], kiosk_id="kiosk-1")
    assert made and booking["status"] == "checked_in" and booking["ticket_id"] == ticket["id"]
    assert ticket["booking_code"] == row["code"] and ticket["status"] == "waiting" and ticket["kiosk_id"] == "kiosk-1"
    assert ticket["queue_at"] == at(10).timestamp()  # placement: slot; early, so at its slot's start
    app.clock.set(at(9, 50))
    booking_again, same, made_again = check_in(app, row["code"])
    assert not made_again and same["id"] == ticket["id"]
    with app.hall.store.read() as tx:
        assert tx.scalar("SELECT count(*) FROM tickets WHERE booking_code = ?", (row["code"],)) == 1
    late = book(app, f"ktp@{TUESDAY}T1000")
    app.clock.set(at(10, 16))
    error = refused("too_late", check_in, app, late["code"])
    assert "closed at 10:15" in error.message and "book another slot" in error.message


def test_check_in_placement_at_check_in_time(tmp_path: Path) -> None:
    app = make_hall_app(booking_config("check_in"), tmp_path, FixedClock(at(9)))
    row = book(app, f"ktp@{TUESDAY}T0930")
    walk_in = issue(app, "ktp")
    app.clock.set(at(9, 5))
    _, ticket, _ = check_in(app, row["code"])
    assert ticket["queue_at"] == at(9, 5).timestamp()
    with app.hall.store.read() as tx:
        line = tickets.waiting_line(tx, app.site, ["ktp"], app.clock.now())
    assert [t["id"] for t in line] == [walk_in["id"], ticket["id"]]
    app.hall.store.close()


def test_a_booking_not_checked_in_expires_and_its_contacts_are_erased_later(app: HallApp) -> None:
    row = book(app, f"ktp@{TUESDAY}T0930", phone="081234567890", nik_last4="0421", address="36.68.10.9")
    kept = book(app, f"ktp@{TUESDAY}T1000")
    keeper = Housekeeper(app.hall)
    published: list[Any] = []
    app.hall.store.subscribe(published.extend)
    app.clock.set(at(9, 46))  # its window ended at 09:45
    keeper.run_once()
    with app.hall.store.read() as tx:
        assert bookings.get_row(tx, row["code"])["status"] == "expired"
        assert bookings.get_row(tx, kept["code"])["status"] == "booked"
        audit = tx.one("SELECT action, target, detail FROM audit_log WHERE action = 'booking_expired'")
    assert audit is not None and audit["target"] == row["code"] and "0812" not in (audit["detail"] or "")
    assert [type(e).__name__ for e in published if "Booking" in type(e).__name__] == ["BookingExpired"]
    error = refused("booking_expired", check_in, app, row["code"])
    assert "09:00–09:45" in error.message
    app.clock.set(at(9, day=31))  # keep_contact_days 30 after the day
    keeper.run_once()
    with app.hall.store.read() as tx:
        assert bookings.get_row(tx, row["code"])["phone"] == "081234567890"
    app.clock.set(at(9, day=1).replace(month=12, day=1).timestamp() + 31 * 86400 + 3600)
    keeper.run_once()
    with app.hall.store.read() as tx:
        erased = bookings.get_row(tx, row["code"])
    assert (erased["phone"], erased["nik_last4"], erased["address"], erased["status"]) == (None, None, None, "expired")


def test_the_report_counts_bookings_per_service_by_the_day_booked(app: HallApp) -> None:
    from datetime import date

    first, second, third = (book(app, f"ktp@{TUESDAY}T{t}") for t in ("0930", "1000", "1030"))
    book(app, "kk@2026-12-02T0830")
    with app.hall.store.write() as tx:
        bookings.cancel(tx, app.site, app.clock.now(), second["code"])
    app.clock.set(at(9, 35))
    check_in(app, first["code"])
    app.clock.set(at(10, 50))
    Housekeeper(app.hall).run_once()  # the 10:30 one was never checked in
    with app.hall.store.read() as tx:
        report = report_bookings.booking_counts(tx, app.site, date(2026, 12, 1), date(2026, 12, 2))
    assert report["services"] == [
        {"service_id": "ktp", "name": "Perekaman KTP-el", "name_en": "Perekaman KTP-el", "booked": 3, "checked_in": 1,
         "cancelled": 1, "expired": 1, "open": 0},
        {"service_id": "kk", "name": "Kartu Keluarga", "name_en": "Kartu Keluarga", "booked": 1, "checked_in": 0,
         "cancelled": 0, "expired": 0, "open": 1},
    ]
    assert report["total"]["booked"] == 4 and third["code"]


def test_a_booking_phone_gets_the_near_sms_of_its_ticket(tmp_path: Path) -> None:
    from near_support import gammu_folders

    config = booking_config(ask_phone="optional")
    config = config.model_copy(update={"sms": gammu_folders(tmp_path / "spool")})
    app = make_hall_app(config, tmp_path / "data", FixedClock(at(9, 40)))
    code = book(app, "ktp@2026-12-01T1000", phone="0812-3456-7890")["code"]
    silent = book(app, "ktp@2026-12-01T1000")["code"]  # no number, no SMS
    _, ticket, _ = check_in(app, code)
    _, other, _ = check_in(app, silent)
    with app.hall.store.read() as tx:
        contacts = tx.all("SELECT ticket_id, phone, source FROM ticket_contacts")
    assert contacts == [{"ticket_id": ticket["id"], "phone": "+6281234567890", "source": "booking"}]
    assert other["id"] != ticket["id"]
    app.hall.store.close()
