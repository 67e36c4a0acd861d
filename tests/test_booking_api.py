"""The booking routes through the real Flask app, every answer checked against the OpenAPI
document: slots, book, look up, cancel, reschedule, check-in (201, then 200 with the same
ticket), the contract's error shape, the rate limit, and the staff's bookings report."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from api_support import check
from booking_support import booking_data
from conftest import JAKARTA, HallApp, make_hall_app

from server.core.clock import FixedClock
from server.core.config_load import parse_config
from server.web.api.openapi import openapi_document

SLOT = "ktp@2026-12-01T1000"
BOOKING = "/api/v1/bookings/{code}"


@pytest.fixture
def app(tmp_path: Path) -> Iterator[HallApp]:
    made = make_hall_app(parse_config(booking_data()), tmp_path / "data",
                         FixedClock(datetime(2026, 12, 1, 9, 0, tzinfo=JAKARTA)))
    yield made
    made.hall.store.close()


@pytest.fixture
def document(app: HallApp) -> dict[str, Any]:
    return openapi_document("http://127.0.0.1:5000")


def error_of(answer: Any, status: int, code: str) -> dict[str, Any]:
    assert answer.status_code == status, answer.json
    assert set(answer.json) == {"error"} and answer.json["error"]["code"] == code
    assert answer.json["error"]["message"]
    return dict(answer.json["error"])


def test_slots_and_the_next_open_ones(app: HallApp, document: dict[str, Any]) -> None:
    client = app.client()
    answer = client.get("/api/v1/services/ktp/slots?from=2026-12-01&to=2026-12-02")
    check(document, "/api/v1/services/{service_id}/slots", "get", answer)
    assert len(answer.json["slots"]) == 28 and answer.json["slots"][4]["id"] == "ktp@2026-12-01T0930"
    answer = client.get("/api/v1/services/ktp/slots/next?limit=2")
    check(document, "/api/v1/services/{service_id}/slots/next", "get", answer)
    assert [s["id"] for s in answer.json["slots"]] == ["ktp@2026-12-01T0930", SLOT]
    assert client.get("/api/v1/services/kia/slots").json == {"slots": []}  # takes no bookings
    error_of(client.get("/api/v1/services/nope/slots"), 404, "unknown_service")
    assert error_of(client.get("/api/v1/services/ktp/slots?from=1-12-2026"), 422, "invalid_request")["field"] == "from"
    error_of(client.get("/api/v1/services/ktp/slots?from=2026-12-02&to=2026-12-01"), 422, "invalid_request")
    error_of(client.get("/api/v1/services/ktp/slots/next?limit=0"), 422, "invalid_request")


def test_book_look_up_reschedule_and_cancel_without_a_session(app: HallApp, document: dict[str, Any]) -> None:
    client = app.client()
    answer = client.post("/api/v1/bookings", json={"slot_id": SLOT, "phone": "0812 3456 7890", "lang": "en"})
    check(document, "/api/v1/bookings", "post", answer)
    booking = answer.json
    assert answer.status_code == 201 and booking["status"] == "booked" and booking["ticket_id"] is None
    assert booking["slot"] == {"id": SLOT, "day": "2026-12-01", "start": "2026-12-01T10:00:00+07:00",
                               "end": "2026-12-01T10:30:00+07:00"}
    assert booking["qr_url"] == f"http://localhost/booking/{booking['code']}"
    assert booking["phone_given"] is True and "phone" not in booking  # never answered back
    code = booking["code"]
    answer = client.get(BOOKING.format(code=code.lower()))
    check(document, BOOKING, "get", answer)
    assert answer.json["code"] == code
    answer = client.post(f"/api/v1/bookings/{code}/reschedule", json={"slot_id": "ktp@2026-12-02T0800"})
    check(document, BOOKING + "/reschedule", "post", answer)
    assert (answer.json["code"], answer.json["slot"]["id"]) == (code, "ktp@2026-12-02T0800")
    answer = client.delete(BOOKING.format(code=code))
    check(document, BOOKING, "delete", answer)
    assert answer.json["status"] == "cancelled"
    assert client.delete(BOOKING.format(code=code)).json["status"] == "cancelled"  # a retry changes nothing
    error_of(client.post(f"/api/v1/bookings/{code}/reschedule", json={"slot_id": SLOT}), 409, "booking_cancelled")


@pytest.mark.parametrize(("body", "status", "code", "field"), [
    ({"slot_id": "ktp@2026-12-01T1015"}, 404, "unknown_slot", "slot_id"),
    ({"slot_id": "ktp@2026-12-01T0830"}, 409, "slot_unavailable", None),  # begun already
    ({"slot_id": "ktp@2026-12-03T0830"}, 409, "slot_unavailable", None),  # a holiday
    ({"slot_id": SLOT, "phone": "123"}, 422, "invalid_request", "phone"),
    ({"slot_id": SLOT, "nik_last4": "12345"}, 422, "invalid_request", "nik_last4"),
    ({"slot_id": SLOT, "name": "Budi"}, 422, "invalid_request", "name"),
    ({}, 422, "invalid_request", "slot_id"),
])
def test_a_refused_booking_says_why_and_books_nothing(app: HallApp, document: dict[str, Any], body: dict[str, Any],
                                                     status: int, code: str, field: str | None) -> None:
    answer = app.client().post("/api/v1/bookings", json=body)
    check(document, "/api/v1/bookings", "post", answer)
    assert error_of(answer, status, code).get("field") == field
    with app.hall.store.read() as tx:
        assert tx.scalar("SELECT count(*) FROM bookings") == 0


def test_a_full_slot_and_the_phone_limit(app: HallApp) -> None:
    client = app.client()
    for _ in range(2):
        assert client.post("/api/v1/bookings", json={"slot_id": SLOT, "phone": "081234567890"}).status_code == 201
    assert "is full" in error_of(client.post("/api/v1/bookings", json={"slot_id": SLOT}), 409, "slot_full")["message"]
    error_of(client.post("/api/v1/bookings", json={"slot_id": "kk@2026-12-01T1030", "phone": "081234567890"}),
             409, "booking_limit")


def test_check_in_gives_the_ticket_once_and_then_the_same_one(app: HallApp, document: dict[str, Any]) -> None:
    client = app.client()
    code = client.post("/api/v1/bookings", json={"slot_id": SLOT}).json["code"]
    early = client.post(f"/api/v1/bookings/{code}/check-in", json={"kiosk_id": "kiosk-1"})
    check(document, BOOKING + "/check-in", "post", early)
    assert "opens at 09:30" in error_of(early, 409, "too_early")["message"]
    app.clock.set(datetime(2026, 12, 1, 9, 45, tzinfo=JAKARTA))
    first = client.post(f"/api/v1/bookings/{code}/check-in", json={"kiosk_id": "kiosk-1"})
    check(document, BOOKING + "/check-in", "post", first)
    assert first.status_code == 201
    ticket = first.json["ticket"]
    assert ticket["number"] == "A001" and ticket["booking_code"] == code and ticket["print"]["status"] != "failed"
    assert first.json["booking"]["status"] == "checked_in" and first.json["booking"]["ticket_id"] == ticket["id"]
    again = client.post(f"/api/v1/bookings/{code}/check-in")  # no body: a typed code at another kiosk
    check(document, BOOKING + "/check-in", "post", again)
    assert again.status_code == 200 and again.json["ticket"]["id"] == ticket["id"]
    assert client.get(f"/api/v1/tickets/{ticket['id']}").json["booking_code"] == code
    error_of(client.delete(BOOKING.format(code=code)), 409, "booking_checked_in")
    error_of(client.post("/api/v1/bookings/ZZZZZZ/check-in"), 404, "booking_not_found")
    other = client.post("/api/v1/bookings", json={"slot_id": SLOT}).json["code"]
    error_of(client.post(f"/api/v1/bookings/{other}/check-in", json={"kiosk_id": "nope"}), 404, "unknown_kiosk")


def test_writes_spend_the_clients_allowance_like_a_ticket(tmp_path: Path) -> None:
    data = booking_data()
    data["server"] = {"rate_limit_per_minute": 2, "kiosk_rate_limit_per_minute": None}
    app = make_hall_app(parse_config(data), tmp_path, FixedClock(datetime(2026, 12, 1, 9, 0, tzinfo=JAKARTA)))
    client = app.client()
    for _ in range(2):
        assert client.post("/api/v1/bookings", json={"slot_id": "kk@2026-12-02T0830"}).status_code == 201
    answer = client.post("/api/v1/bookings", json={"slot_id": "kk@2026-12-02T0830"})
    error_of(answer, 429, "rate_limited")
    assert int(answer.headers["Retry-After"]) >= 1
    assert client.get("/api/v1/services/kk/slots").status_code == 200  # reading is not limited
    app.hall.store.close()


def test_the_booking_routes_are_public_and_the_report_is_staffs(app: HallApp, document: dict[str, Any]) -> None:
    public = [(path, method) for path, item in document["paths"].items() for method, op in item.items()
              if "bookings" in op["tags"]]
    assert sorted(public) == [
        ("/api/v1/bookings", "post"), ("/api/v1/bookings/{code}", "delete"), ("/api/v1/bookings/{code}", "get"),
        ("/api/v1/bookings/{code}/check-in", "post"), ("/api/v1/bookings/{code}/print", "post"),  # at a kiosk
        ("/api/v1/bookings/{code}/reschedule", "post"), ("/api/v1/services/{service_id}/slots", "get"),
        ("/api/v1/services/{service_id}/slots/next", "get")]
    assert all("security" not in document["paths"][p][m] for p, m in public)
    client = app.client()
    client.post("/api/v1/bookings", json={"slot_id": SLOT})
    error_of(client.get("/api/v1/reports/bookings"), 401, "unauthenticated")
    headers = app.add_user("rina", "supervisor", agency="capil")
    answer = client.get("/api/v1/reports/bookings?from=2026-12-01&to=2026-12-07", headers=headers)
    check(document, "/api/v1/reports/bookings", "get", answer)
    assert answer.json["services"][0] == {
        "service_id": "ktp", "name": "Perekaman KTP-el", "name_en": "Perekaman KTP-el",
        "booked": 1, "checked_in": 0, "cancelled": 0, "expired": 0, "open": 1}
    assert answer.json["total"]["booked"] == 1


def test_a_booking_tells_the_services_screens_its_slots_changed_without_its_code(app: HallApp) -> None:
    screen = app.socketio.test_client(app.app)
    screen.emit("subscribe", {"service_id": "ktp"})
    screen.get_received()
    code = app.client().post("/api/v1/bookings", json={"slot_id": SLOT}).json["code"]
    news = [m for m in screen.get_received() if m["name"] == "slots.updated"]
    assert [m["args"][0] for m in news] == [{"service_id": "ktp", "day": "2026-12-01"}]
    app.client().post(f"/api/v1/bookings/{code}/reschedule", json={"slot_id": "ktp@2026-12-02T0800"})
    days = [m["args"][0]["day"] for m in screen.get_received() if m["name"] == "slots.updated"]
    assert days == ["2026-12-01", "2026-12-02"]  # both days' counts changed
    with app.hall.store.read() as tx:
        rows = tx.all("SELECT action, target, address FROM audit_log WHERE action LIKE 'booking_%' ORDER BY id")
    assert [(r["action"], r["target"]) for r in rows] == [("booking_booked", code), ("booking_rescheduled", code)]
    screen.disconnect()


def test_a_retried_booking_answers_the_first_one(app: HallApp, document: dict[str, Any]) -> None:
    client = app.client()
    headers = {"Idempotency-Key": "booking-7f3a"}
    first = client.post("/api/v1/bookings", json={"slot_id": SLOT}, headers=headers)
    again = client.post("/api/v1/bookings", json={"slot_id": SLOT, "lang": "id"}, headers=headers)
    check(document, "/api/v1/bookings", "post", again)
    assert again.status_code == 201 and again.json["code"] == first.json["code"]
    with app.hall.store.read() as tx:
        assert tx.scalar("SELECT count(*) FROM bookings") == 1
    other = client.post("/api/v1/bookings", json={"slot_id": "kk@2026-12-01T1030"}, headers=headers)
    assert error_of(other, 422, "idempotency_key_reused")["field"] == "Idempotency-Key"
    error_of(client.post("/api/v1/bookings", json={"slot_id": SLOT}, headers={"Idempotency-Key": "a b"}),
             422, "invalid_request")
