"""Issuing tickets: daily sequences, quotas, hours, cut-off, breaks, holidays, restarts."""

from __future__ import annotations

import copy
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import JAKARTA, make_hall_app
from rules import act, issue, ticket

from server.core import tickets
from server.core.clock import FixedClock
from server.core.config_load import parse_config
from server.core.errors import RuleError
from server.core.events import ServiceHoursTurned


def test_numbers_follow_each_services_own_sequence(small_app: Any) -> None:
    numbers = [issue(small_app, s)["number"] for s in ["ktp", "ktp", "kk", "pbb", "ktp", "kk"]]
    assert numbers == ["A001", "A002", "B001", "PBB001", "A003", "B002"]


def test_numbering_restarts_each_service_day_and_keeps_history(small_app: Any) -> None:
    first = issue(small_app, "kk")
    issue(small_app, "kk")
    small_app.clock.set(datetime(2026, 12, 2, 8, 0, tzinfo=JAKARTA))
    assert issue(small_app, "kk")["number"] == "B001"
    with small_app.hall.store.read() as tx:
        assert tx.scalar("SELECT count(*) FROM tickets") == 3
        assert tx.one("SELECT status FROM tickets WHERE id = ?", (first["id"],))["status"] == "waiting"


def test_tickets_left_waiting_expire_when_their_day_ends(small_app: Any) -> None:
    old = issue(small_app, "kk")
    small_app.clock.set(datetime(2026, 12, 2, 8, 0, tzinfo=JAKARTA))
    with small_app.hall.store.write() as tx:
        assert tickets.expire_stale(tx, small_app.site, small_app.clock.now()) == 1
    assert ticket(small_app, old["id"])["status"] == "expired"
    assert act(small_app, "call_next", "loket-1") is None  # yesterday's ticket is never called


def test_restart_keeps_every_ticket_and_continues_numbering(small_config: Any, tmp_path: Path) -> None:
    clock = FixedClock(datetime(2026, 12, 1, 9, 0, tzinfo=JAKARTA))
    first = make_hall_app(small_config, tmp_path, clock)
    issued = [issue(first, "kk")["number"] for _ in range(3)]
    first.hall.store.close()
    second = make_hall_app(small_config, tmp_path, clock)
    assert issue(second, "kk")["number"] == "B004"
    with second.hall.store.read() as tx:
        assert [r["number"] for r in tx.all("SELECT number FROM tickets ORDER BY seq")] == [*issued, "B004"]


def test_quota_stops_issuing_and_says_so(small_app: Any) -> None:
    for _ in range(5):
        issue(small_app, "ktp")
    with pytest.raises(RuleError) as caught:
        issue(small_app, "ktp")
    assert (caught.value.status, caught.value.code) == (409, "quota_reached")
    assert "quota of 5" in caught.value.message


def test_transfers_do_not_use_quota(small_app: Any) -> None:
    for _ in range(5):
        issue(small_app, "ktp")
    visitor = issue(small_app, "kk")
    act(small_app, "call_ticket", "loket-1", ticket_id=visitor["id"])
    moved = act(small_app, "transfer", "loket-1", "ktp")
    assert moved["service_id"] == "ktp" and moved["status"] == "waiting"


@pytest.mark.parametrize(("moment", "reason"), [
    (datetime(2026, 12, 1, 7, 0), "not_yet_open"),
    (datetime(2026, 12, 1, 14, 40), "cutoff"),  # closes 15:00, cut-off 30 min
    (datetime(2026, 12, 1, 16, 0), "after_hours"),
    (datetime(2026, 12, 5, 10, 0), "closed_day"),  # Saturday
])
def test_hall_hours_and_cutoff(small_app: Any, moment: datetime, reason: str) -> None:
    small_app.clock.set(moment.replace(tzinfo=JAKARTA))
    with pytest.raises(RuleError) as caught:
        issue(small_app, "kk")
    assert caught.value.code == "service_closed"
    with small_app.hall.store.read() as tx:
        available = tickets.service_availability(tx, small_app.site, "kk", small_app.clock.now())
    assert available.reason == reason
    assert available.opens_at is not None and available.opens_at > small_app.clock.now()


def test_a_service_with_its_own_hours(small_app: Any) -> None:
    small_app.clock.set(datetime(2026, 12, 1, 11, 45, tzinfo=JAKARTA))  # PBB 08:00-12:00, cut-off 11:30
    with pytest.raises(RuleError):
        issue(small_app, "pbb")
    assert issue(small_app, "kk")["number"] == "B001"


def test_opening_time_is_the_next_working_morning(small_app: Any) -> None:
    small_app.clock.set(datetime(2026, 12, 4, 16, 0, tzinfo=JAKARTA))  # Friday after hours
    with small_app.hall.store.read() as tx:
        available = tickets.service_availability(tx, small_app.site, "kk", small_app.clock.now())
    assert small_app.site.iso(available.opens_at) == "2026-12-07T07:30:00+07:00"  # Monday


def _site_with(small_config: Any, **site_changes: Any) -> Any:
    data = copy.deepcopy(small_config.model_dump(mode="json", exclude_none=True))
    data["site"].update(site_changes)
    return parse_config(data)


def test_friday_prayer_break_closes_ticketing(small_config: Any, tmp_path: Path) -> None:
    config = _site_with(small_config, breaks=[
        {"name": "Istirahat Salat Jumat", "days": ["fri"], "start": "11:30", "end": "13:00"}])
    clock = FixedClock(datetime(2026, 12, 4, 12, 0, tzinfo=JAKARTA))
    app = make_hall_app(config, tmp_path, clock)
    with pytest.raises(RuleError) as caught:
        issue(app, "kk")
    assert "Istirahat Salat Jumat" in caught.value.message
    with app.hall.store.read() as tx:
        available = tickets.service_availability(tx, app.site, "kk", clock.now())
    assert app.site.iso(available.opens_at) == "2026-12-04T13:00:00+07:00"
    clock.set(datetime(2026, 12, 4, 13, 0, tzinfo=JAKARTA))
    assert issue(app, "kk")["number"] == "B001"


def test_holidays_close_the_hall(small_config: Any, tmp_path: Path) -> None:
    config = _site_with(small_config, holidays=[{"date": "2026-12-25", "name": "Hari Raya Natal"}])
    clock = FixedClock(datetime(2026, 12, 25, 9, 0, tzinfo=JAKARTA))
    app = make_hall_app(config, tmp_path, clock)
    with pytest.raises(RuleError) as caught:
        issue(app, "kk")
    assert "holiday" in caught.value.message and "Hari Raya Natal" in caught.value.message


def test_demo_keeps_every_service_open(small_config: Any, tmp_path: Path) -> None:
    from conftest import HallApp

    from server.app import create_app

    clock = FixedClock(datetime(2026, 12, 6, 23, 0, tzinfo=JAKARTA))  # Sunday night
    app, socketio = create_app(small_config, data_dir=tmp_path, clock=clock, demo=True, start_printing=False)
    demo = HallApp(app, socketio, clock, tmp_path)
    assert issue(demo, "pbb")["number"] == "PBB001"
    assert (tmp_path / "antrean-demo.db").exists() and not (tmp_path / "antrean.db").exists()


def test_supervisor_closure_closes_a_service_for_the_day(small_app: Any) -> None:
    with small_app.hall.store.write() as tx:
        tx.execute("INSERT INTO closures (kind, target_id, service_day, reason, at) VALUES (?,?,?,?,?)",
                   ("service", "kk", "2026-12-01", "sistem pusat sedang gangguan", small_app.clock.now()))
    with pytest.raises(RuleError) as caught:
        issue(small_app, "kk")
    assert "sistem pusat sedang gangguan" in caught.value.message


@pytest.mark.parametrize(("options", "code"), [
    ({"service_id": "tidak-ada"}, "unknown_service"),
    ({"service_id": "kk", "kiosk_id": "kios-hilang"}, "unknown_kiosk"),
    ({"service_id": "kk", "priority": "vip"}, "invalid_request"),
])
def test_refused_issues_change_nothing(small_app: Any, options: dict[str, Any], code: str) -> None:
    service_id = options.pop("service_id")
    with pytest.raises(RuleError) as caught:
        issue(small_app, service_id, **options)
    assert caught.value.code == code
    with small_app.hall.store.read() as tx:
        assert tx.scalar("SELECT count(*) FROM tickets") == 0
        assert tx.scalar("SELECT count(*) FROM sequences") == 0


def test_every_change_is_recorded_with_who_and_where(small_app: Any) -> None:
    visitor = issue(small_app, "kk", kiosk_id="kiosk-1")
    act(small_app, "call_next", "loket-1", actor="budi")
    act(small_app, "start", "loket-1", actor="budi")
    act(small_app, "finish", "loket-1", actor="budi")
    with small_app.hall.store.read() as tx:
        events = tx.all("SELECT kind, actor, device, counter_id FROM ticket_events WHERE ticket_id = ? ORDER BY id",
                        (visitor["id"],))
    assert [e["kind"] for e in events] == ["issued", "called", "started", "done"]
    assert events[0]["device"] == "kiosk-1"
    assert all(e["actor"] == "budi" and e["counter_id"] == "loket-1" for e in events[1:])


def test_housekeeping_tells_kiosks_when_services_open_and_close_by_the_hour(small_app: Any) -> None:
    from server.web.housekeeping import Housekeeper

    published: list[Any] = []
    small_app.hall.store.subscribe(published.extend)
    keeper = Housekeeper(small_app.hall)
    small_app.clock.set(datetime(2026, 12, 1, 7, 0, tzinfo=JAKARTA))
    assert keeper.run_once() == []  # first round: nothing known to have changed
    small_app.clock.set(datetime(2026, 12, 1, 7, 30, tzinfo=JAKARTA))
    assert sorted(keeper.run_once()) == ["kk", "ktp"]  # the hall opens; PBB waits for 08:00
    assert {e.service_id for e in published if isinstance(e, ServiceHoursTurned)} == {"kk", "ktp"}
    small_app.clock.set(datetime(2026, 12, 1, 8, 0, tzinfo=JAKARTA))
    assert keeper.run_once() == ["pbb"]
    assert keeper.run_once() == []
