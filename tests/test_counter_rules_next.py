"""The counter's rules met in a first week: a called visitor who never came up is a no-show,
not a served visitor, when the officer calls the next one; a service nobody can serve takes
no tickets; one wait estimate, counting only the counters open now; the counter's last call
however many came before; and a counter reprinting its own tickets."""

from __future__ import annotations

from typing import Any

import pytest
from rules import act, issue, ticket

from server.core import closures, counters, day_figures, print_queue, survey
from server.core.config_load import ConfigError, parse_config
from server.core.errors import RuleError
from server.core.print_queue import PrinterHealth
from server.web import views
from server.web.printing import build_ticket_print


def test_call_next_over_a_ticket_only_called_records_a_no_show(small_app: Any) -> None:
    """A012 called, never started, then "call next": A012 is a no-show (not served), so the
    counter's figures, the reports and the survey tablet leave it out."""
    first = issue(small_app, "ktp")
    second = issue(small_app, "ktp")
    act(small_app, "call_next", "loket-2")
    small_app.clock.advance(90)
    called = act(small_app, "call_next", "loket-2")
    assert called["id"] == second["id"]
    assert ticket(small_app, first["id"])["status"] == "no_show"
    with small_app.hall.store.read() as tx:
        figures = day_figures.of_today(tx, small_app.site, small_app.clock.now(), counter_id="loket-2")
        assert (figures["served"], figures["no_show"]) == (0, 1)
        assert survey.status(tx, small_app.site, first["id"])["can_answer"] is False
        assert survey.latest_finished(tx, small_app.site, "loket-2", small_app.clock.now()) is None
    admin = small_app.add_user("kepala", "admin")
    summary = small_app.app.test_client().get("/api/v1/reports/summary", headers=admin).json
    assert (summary["served"], summary["no_show"]) == (0, 1)


def test_calling_a_given_ticket_over_one_only_called_also_records_a_no_show(small_app: Any) -> None:
    first = issue(small_app, "ktp")
    second = issue(small_app, "ktp")
    act(small_app, "call_next", "loket-1")
    act(small_app, "call_ticket", "loket-1", ticket_id=second["id"])
    assert ticket(small_app, first["id"])["status"] == "no_show"


def test_a_visitor_being_served_is_still_done_when_the_next_is_called(small_app: Any) -> None:
    first = issue(small_app, "ktp")
    issue(small_app, "ktp")
    act(small_app, "call_next", "loket-1")
    act(small_app, "start", "loket-1")
    act(small_app, "call_next", "loket-1")
    assert ticket(small_app, first["id"])["status"] == "done"
    with small_app.hall.store.read() as tx:
        assert survey.status(tx, small_app.site, first["id"])["can_answer"] is True


# --- a service nobody can serve ---------------------------------------------------------------


def test_config_refuses_a_service_that_no_counter_serves(bundled_data: dict[str, Any]) -> None:
    # Every counter but those serving the first service, Perekaman KTP-el (the admin removed them).
    data = {**bundled_data, "counters": [c for c in bundled_data["counters"]
                                         if "ktp-el-perekaman" not in c["services"]]}
    with pytest.raises(ConfigError) as caught:
        parse_config(data)
    problems = [p for p in caught.value.problems if "served by no counter" in p]
    assert len(problems) == 1
    assert problems[0].startswith("agencies[0].services[0].id: 'ktp-el-perekaman' is served by no counter")
    parse_config(bundled_data)  # the bundled site passes


def test_a_service_whose_counters_are_all_closed_today_takes_no_tickets(small_app: Any) -> None:
    with small_app.hall.store.write() as tx:
        closures.close(tx, small_app.site, small_app.clock.now(), "counter", "loket-3", "listrik padam", "kepala")
    with small_app.hall.store.read() as tx:
        service = views.service_json(tx, small_app.site, "pbb", small_app.clock.now(), 0)
    assert (service["open"], service["closed_reason"]) == (False, "no_counter")
    with pytest.raises(RuleError) as caught:
        issue(small_app, "pbb")
    assert (caught.value.status, caught.value.code) == (409, "service_closed")


# --- one wait estimate ------------------------------------------------------------------------


def _paper_wait(small_app: Any, ticket_id: str) -> str | None:
    from printers import wording

    printed = build_ticket_print(small_app.hall, ticket_id, "id")
    return wording.wait_line(printed.wait, "id")


def test_the_wait_counts_only_counters_open_now_and_never_promises_one_with_none(small_app: Any) -> None:
    """ktp is served at loket-1 and loket-2 (standard 10 minutes). Four ahead: 20 minutes with
    both open, 40 with one paused, and "no counter open yet" with the other closed too; the
    ticket, the kiosk's tile and the paper say the same."""
    for _ in range(4):
        issue(small_app, "ktp")
    last = issue(small_app, "ktp")

    def said() -> tuple[Any, ...]:
        shown = ticket(small_app, last["id"])
        with small_app.hall.store.read() as tx:
            tile = views.service_json(tx, small_app.site, "ktp", small_app.clock.now(), 4)
        return (shown["wait_status"], shown["estimated_wait_minutes"], tile["estimated_wait_minutes"],
                _paper_wait(small_app, last["id"]))

    assert said() == ("estimated", 20, 20, "Perkiraan tunggu: ± 20 menit")
    with small_app.hall.store.write() as tx:
        counters.set_paused(tx, small_app.site, small_app.clock.now(), "loket-2", True, "petugas")
    assert said() == ("estimated", 40, 40, "Perkiraan tunggu: ± 40 menit")
    with small_app.hall.store.write() as tx:
        closures.close(tx, small_app.site, small_app.clock.now(), "counter", "loket-1", "rapat", "kepala")
    assert said() == ("no_counter_open", None, None, "Perkiraan tunggu: belum ada loket yang buka")
    assert ticket(small_app, last["id"])["estimated_wait_seconds"] is None


def test_under_a_minute_reads_the_same_on_paper_and_screen(small_app: Any) -> None:
    first = issue(small_app, "ktp")
    assert ticket(small_app, first["id"])["estimated_wait_minutes"] == 0  # nobody ahead
    assert _paper_wait(small_app, first["id"]) == "Perkiraan tunggu: kurang dari 1 menit"


# --- the counter's last call ---------------------------------------------------------------------


def test_the_last_call_is_known_after_hundreds_of_calls(small_app: Any) -> None:
    for _ in range(650):  # more than any list of calls the screens are given (SPOKEN_CALLS: 500)
        issue(small_app, "kk")
    for _ in range(650):
        act(small_app, "call_next", "loket-1")
    last = act(small_app, "finish", "loket-1")
    with small_app.hall.store.read() as tx:
        shown = views.counter_json(tx, small_app.site, "loket-1", small_app.clock.now())
    assert shown["current"] is None
    assert shown["last_called"]["number"] == last["number"] == "B650"
    assert shown["last_called"]["status"] == "done"


# --- reprint at the counter ----------------------------------------------------------------------


class _Printing:
    def health(self, printer_id: str) -> PrinterHealth:
        return PrinterHealth(running=True)


def test_a_counter_reprints_only_its_own_tickets_whose_visit_is_not_over(small_app: Any) -> None:
    own = issue(small_app, "ktp", kiosk_id="kiosk-1")
    other = issue(small_app, "ktp", kiosk_id="kiosk-1")
    act(small_app, "call_next", "loket-1")

    def reprint(ticket_id: str, counter_id: str = "loket-1", printer_id: str | None = None) -> int:
        with small_app.hall.store.write() as tx:
            return print_queue.reprint_at_counter(tx, small_app.site, small_app.clock.now(), counter_id, ticket_id,
                                                  printer_id, _Printing(), actor="petugas")

    job = reprint(own["id"])
    with small_app.hall.store.read() as tx:
        row = tx.one("SELECT printer_id, purpose FROM print_jobs WHERE id = ?", (job,))
        history = tx.one("SELECT actor, counter_id FROM ticket_events WHERE ticket_id = ? AND kind = 'reprint'",
                         (own["id"],))
    assert row == {"printer_id": "p1", "purpose": "ticket"}  # the printer of the kiosk that printed it
    assert history == {"actor": "petugas", "counter_id": "loket-1"}
    with pytest.raises(RuleError) as caught:
        reprint(other["id"])  # still waiting: this counter never called it
    assert (caught.value.status, caught.value.code, caught.value.field) == (403, "forbidden", "ticket_id")
    with pytest.raises(RuleError) as caught:
        reprint(own["id"], "loket-2")
    assert caught.value.status == 403
    act(small_app, "finish", "loket-1")
    with pytest.raises(RuleError) as caught:
        reprint(own["id"])
    assert (caught.value.status, caught.value.code) == (409, "not_printable")
    with small_app.hall.store.read() as tx:
        recent = counters.recent_tickets(tx, small_app.site, "loket-1", small_app.clock.now())
    assert [(r["number"], r["printable"]) for r in recent] == [("A001", False)]


def test_the_reprint_and_test_print_routes_refuse_in_the_contracts_shape(small_app: Any) -> None:
    """Bad input is a 4xx naming what is wrong, and changes nothing (no job is queued)."""
    client = small_app.app.test_client()
    own = issue(small_app, "ktp", kiosk_id="kiosk-1")
    officer = small_app.add_user("budi", "officer", counters=["loket-1"])
    other = small_app.add_user("sari", "officer", counters=["loket-2"])
    admin = small_app.add_user("kepala", "admin")
    act(small_app, "call_next", "loket-1")
    with small_app.hall.store.read() as tx:
        jobs_before = tx.scalar("SELECT count(*) FROM print_jobs")

    def post(path: str, headers: dict[str, str], body: Any = None) -> tuple[int, str | None]:
        answer = client.post(path, headers=headers, json=body)
        return answer.status_code, (answer.json or {}).get("error", {}).get("code")

    assert post("/api/v1/counters/loket-1/reprint", other, {"ticket_id": own["id"]}) == (403, "forbidden")
    assert post("/api/v1/counters/loket-1/reprint", officer, {}) == (422, "invalid_request")
    assert post("/api/v1/counters/loket-1/reprint", officer, {"ticket_id": "nope"}) == (404, "ticket_not_found")
    assert post("/api/v1/counters/loket-1/reprint", officer,
                {"ticket_id": own["id"], "printer_id": "nope"}) == (404, "unknown_printer")
    assert post("/api/v1/printers/p1/test", officer) == (403, "forbidden")
    assert post("/api/v1/printers/nope/test", admin) == (404, "unknown_printer")
    recent = client.get("/api/v1/counters/loket-1/recent", headers=officer).json["tickets"]
    assert [(t["number"], t["kiosk_printer_id"], t["printable"]) for t in recent] == [("A001", "p1", True)]
    assert client.get("/api/v1/counters/loket-1/recent", headers=other).status_code == 403
    with small_app.hall.store.read() as tx:
        assert tx.scalar("SELECT count(*) FROM print_jobs") == jobs_before  # nothing was queued
