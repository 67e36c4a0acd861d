"""The visits report, against figures worked out by hand from three visits on the small site.

From 09:00 (t = seconds after):
- V1 Perekaman KTP-el then PBB-P2. t=60 Loket 1 calls (wait 60), t=180 starts (walk 120),
  t=780 finishes (service 600): the visitor waits at Bapenda from t=780. t=1080 Loket 3 calls
  (wait 300), t=1140 starts (walk 60), t=2040 finishes (service 900). Whole visit 2040.
- V2 Kartu Keluarga then PBB-P2, issued t=2040. t=2070 called (wait 30), t=2100 started (walk
  30), t=2400 finished (service 300); t=2500 Loket 3 calls (wait 100); nobody comes: no-show.
- V3 KTP-el then KK, issued t=2500, cancelled at t=2600 before any call.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from api_support import check, document_fixture  # noqa: F401  (the `document` fixture)
from rules import act

from server.core import report_visits, tickets, visits
from server.core.reports import Filters

DAY = date(2026, 12, 1)


def three_visits(app: Any) -> None:
    start = app.clock.now()

    def to(t: float) -> None:
        app.clock.advance(start + t - app.clock.now())

    def visit(service_ids: list[str]) -> str:
        with app.hall.store.write() as tx:
            return str(visits.issue_visit(tx, app.site, app.clock.now(), service_ids)["id"])

    visit(["ktp", "pbb"])
    for t, counter, action in [(60, "loket-1", "call_next"), (180, "loket-1", "start"), (780, "loket-1", "finish"),
                               (1080, "loket-3", "call_next"), (1140, "loket-3", "start"),
                               (2040, "loket-3", "finish")]:
        to(t)
        act(app, action, counter)
    visit(["kk", "pbb"])
    for t, counter, action in [(2070, "loket-1", "call_next"), (2100, "loket-1", "start"),
                               (2400, "loket-1", "finish"), (2500, "loket-3", "call_next"),
                               (2500, "loket-3", "no_show")]:
        to(t)
        act(app, action, counter)
    third = visit(["ktp", "kk"])
    to(2600)
    with app.hall.store.write() as tx:
        tickets.cancel(tx, app.site, app.clock.now(), third, actor="rina")


def d(avg: float | None, median: float | None, p90: float | None) -> dict[str, float | None]:
    return {"avg": avg, "median": median, "p90": p90}


NONE = d(None, None, None)


def report(app: Any, agency_id: str | None = None) -> dict[str, Any]:
    with app.hall.store.read() as tx:
        return report_visits.visits_report(tx, app.site, Filters(DAY, DAY, agency_id))


def test_per_step_between_agencies_and_whole_visit_times_as_worked_by_hand(small_app: Any) -> None:
    three_visits(small_app)
    got = report(small_app)
    assert (got["visits"], got["completed"], got["no_show"], got["cancelled"], got["active"]) == (3, 1, 1, 1, 0)
    assert got["step"] == {"steps": 6, "served": 3, "wait": d(122.5, 80, 300), "walk": d(70, 60, 120),
                           "service": d(600, 600, 900)}
    assert got["by_position"] == [
        {"position": 1, "steps": 3, "served": 2, "wait": d(45, 45, 60), "walk": d(75, 75, 120),
         "service": d(450, 450, 600)},
        {"position": 2, "steps": 3, "served": 1, "wait": d(200, 200, 300), "walk": d(60, 60, 60),
         "service": d(900, 900, 900)},
    ]
    assert [(s["service_id"], s["steps"], s["served"]) for s in got["by_service"]] == [
        ("ktp", 2, 1), ("kk", 2, 1), ("pbb", 2, 1)]
    # Only V1 went on to a step that started: 300 s waiting at Bapenda, a 60 s walk to Loket 3.
    assert got["between"] == {"wait": d(300, 300, 300), "walk": d(60, 60, 60), "total": d(360, 360, 360)}
    assert got["visit"] == d(2040, 2040, 2040)


def test_one_agency_sees_its_steps_and_the_visitors_arriving_at_it(small_app: Any) -> None:
    three_visits(small_app)
    pajak = report(small_app, "pajak")
    assert (pajak["visits"], pajak["step"]["steps"], pajak["step"]["served"]) == (2, 2, 1)
    assert pajak["step"]["wait"] == d(200, 200, 300)
    assert pajak["between"]["total"] == d(360, 360, 360) and pajak["visit"] == d(2040, 2040, 2040)
    capil = report(small_app, "capil")
    assert (capil["visits"], capil["step"]["steps"], capil["step"]["served"]) == (3, 4, 2)
    assert capil["between"] == {"wait": NONE, "walk": NONE, "total": NONE}  # nobody arrived at Dukcapil from a step


def test_the_route_answers_the_document_and_keeps_each_to_their_reports(small_app: Any,
                                                                          document: dict[str, Any]) -> None:
    three_visits(small_app)
    client = small_app.client()
    admin = small_app.add_user("ani", "admin")
    answer = client.get("/api/v1/reports/visits?from=2026-12-01&to=2026-12-01", headers=admin)
    assert answer.status_code == 200, answer.json
    check(document, "/api/v1/reports/visits", "get", answer)
    assert answer.json["visit"] == d(2040, 2040, 2040)
    supervisor = small_app.add_user("sari", "supervisor", agency="pajak")
    mine = client.get("/api/v1/reports/visits?from=2026-12-01", headers=supervisor)
    assert mine.status_code == 200 and mine.json["agency_id"] == "pajak" and mine.json["visits"] == 2
    other = client.get("/api/v1/reports/visits?agency_id=capil", headers=supervisor)
    assert other.status_code == 403 and other.json["error"]["code"] == "forbidden"
    officer = small_app.add_user("budi", "officer", counters=["loket-1"])
    assert client.get("/api/v1/reports/visits", headers=officer).status_code == 403
    assert client.get("/api/v1/reports/visits").status_code == 401
    bad = client.get("/api/v1/reports/visits?from=2026-12-02&to=2026-12-01", headers=admin)
    assert bad.status_code == 422 and bad.json["error"]["field"] == "to"
