"""Hypothesis: the promises of booking ahead hold whatever the order and the timing.

- a slot's capacity is never exceeded, and every place is given, when many requesters book
  at once (real threads, each on its own connection to one SQLite file, as server processes);
- a booking checks in at most once: one ticket, the same one answered to every check-in,
  however many kiosks try at once;
- no walk-in is overtaken by a later check-in: under either placement, a walk-in who took a
  ticket before a booking checked in is called before it.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import datetime
from pathlib import Path

from booking_support import booking_config
from conftest import JAKARTA
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rules import together

from server.core import bookings, tickets
from server.core.errors import RuleError
from server.core.site import SiteIndex
from server.core.store import Store

SITES = {placement: SiteIndex(booking_config(placement, per_phone_per_day=None, per_address_per_day=None))
         for placement in ("slot", "check_in")}
SITE = SITES["slot"]
MONDAY_7 = datetime(2026, 11, 30, 7, 0, tzinfo=JAKARTA).timestamp()
SLOT_IDS = ["kk@2026-11-30T0730", "kk@2026-11-30T0830", "kk@2026-11-30T0930"]  # capacity 3 each
HEAVY = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class Folder:
    """A fresh database file per example (Hypothesis runs many in one test)."""

    def __enter__(self) -> Path:
        self.path = Path(tempfile.mkdtemp())
        Store(self.path / "antrean.db").close()  # migrated once, before the threads race
        return self.path / "antrean.db"

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


@HEAVY
@given(threads=st.integers(2, 6), tries=st.integers(1, 4),
       aims=st.lists(st.sampled_from(SLOT_IDS), min_size=6, max_size=6))
def test_concurrent_bookings_never_exceed_a_slots_capacity(threads: int, tries: int, aims: list[str]) -> None:
    with Folder() as path:
        def requester(index: int) -> list[tuple[str, str]]:
            store = Store(path)  # its own connection, like another server process
            got = []
            for attempt in range(tries):
                slot_id = aims[(index + attempt) % len(aims)]
                try:
                    with store.write() as tx:
                        got.append((slot_id, bookings.book(tx, SITE, MONDAY_7, slot_id)["code"]))
                except RuleError as exc:
                    assert exc.code == "slot_full", exc.message
                    got.append((slot_id, "full"))
            store.close()
            return got

        answers = [answer for batch in together(threads, requester) for answer in batch]
        store = Store(path)
        with store.read() as tx:
            held = {row["slot_start"]: row["n"] for row in tx.all(
                "SELECT slot_start, count(*) AS n FROM bookings GROUP BY slot_start")}
            codes = [row["code"] for row in tx.all("SELECT code FROM bookings")]
        store.close()
        assert all(n <= 3 for n in held.values()), held
        asked = {slot_id: sum(1 for s, _ in answers if s == slot_id) for slot_id in SLOT_IDS}
        given_ = {slot_id: sum(1 for s, code in answers if s == slot_id and code != "full") for slot_id in SLOT_IDS}
        assert given_ == {slot_id: min(3, n) for slot_id, n in asked.items()}  # no place left unused either
        assert len(codes) == len(set(codes)) == sum(given_.values())


@HEAVY
@given(kiosks=st.integers(2, 6), minutes=st.integers(0, 44))
def test_a_booking_checks_in_at_most_once(kiosks: int, minutes: int) -> None:
    with Folder() as path:
        store = Store(path)
        with store.write() as tx:
            code = bookings.book(tx, SITE, MONDAY_7, "kk@2026-11-30T0830")["code"]
        store.close()
        moment = MONDAY_7 + 3600 + minutes * 60  # 08:00 + minutes: inside the window 08:00-08:45

        def kiosk(index: int) -> tuple[str, bool]:
            own = Store(path)
            with own.write() as tx:
                _, ticket, made = bookings.check_in(tx, SITE, moment + index, code, kiosk_id="kiosk-1")
            own.close()
            return ticket["id"], made

        answers = together(kiosks, kiosk)
        assert len({ticket_id for ticket_id, _ in answers}) == 1
        assert sum(made for _, made in answers) == 1
        store = Store(path)
        with store.read() as tx:
            assert tx.scalar("SELECT count(*) FROM tickets WHERE booking_code = ?", (code,)) == 1
            assert tx.scalar("SELECT count(*) FROM audit_log WHERE action = 'booking_checked_in'") == 1
        store.close()


STEP = st.tuples(st.sampled_from(["walk_in", "check_in"]), st.integers(0, 2), st.integers(0, 20))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(placement=st.sampled_from(["slot", "check_in"]), booked=st.lists(st.sampled_from(SLOT_IDS), min_size=1,
       max_size=6), steps=st.lists(STEP, min_size=1, max_size=25))
def test_no_walk_in_is_overtaken_by_a_later_check_in(placement: str, booked: list[str],
                                                     steps: list[tuple[str, int, int]]) -> None:
    site = SITES[placement]
    with Folder() as path:
        store = Store(path)
        codes = []
        for slot_id in booked:
            try:
                with store.write() as tx:
                    codes.append(bookings.book(tx, site, MONDAY_7 - 600, slot_id)["code"])
            except RuleError:
                pass  # that slot is full: three each
        now = MONDAY_7 + 25 * 60  # 07:25, when the first slot's window is open
        for action, which, minutes in steps:
            now += minutes * 60
            try:
                with store.write() as tx:
                    if action == "walk_in":
                        tickets.issue_ticket(tx, site, now, "kk")
                    else:
                        bookings.check_in(tx, site, now, codes[which % len(codes)])
            except RuleError as exc:
                assert exc.code in ("too_early", "too_late", "booking_expired", "service_closed"), exc.message
        with store.read() as tx:
            line = tx.all("SELECT id, booking_code, arrival, issued_at FROM tickets WHERE status = 'waiting' "
                          "AND service_id = 'kk' ORDER BY queue_lane, queue_at, arrival")
        store.close()
        place = {row["id"]: index for index, row in enumerate(line)}
        for walk_in in (row for row in line if row["booking_code"] is None):
            for checked in (row for row in line if row["booking_code"] is not None):
                if walk_in["arrival"] < checked["arrival"]:  # the walk-in's ticket came first
                    assert place[walk_in["id"]] < place[checked["id"]], (placement, walk_in, checked)
