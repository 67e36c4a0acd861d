"""Admin API, the dashboard: the live overview (lines, longest wait, counters), the audit
search (calls and transfers, logins, bad limits) and the dashboards' Socket.IO room."""

from __future__ import annotations

from typing import Any

from admin_api_support import (  # noqa: F401  (admin_fixture, site_fixture: the module's fixtures)
    admin_fixture,
    site_fixture,
)

from tests.rules import act, issue

# --- overview and audit -------------------------------------------------------------------------------


def test_overview_shows_lines_longest_wait_and_counters(site: Any, admin: Any) -> None:
    issue(site, "ktp")
    site.clock.advance(120)
    issue(site, "kk")
    issue(site, "pbb")
    act(site, "call_next", "loket-2", actor="budi")
    act(site, "set_paused", "loket-3", True, "rina")
    site.clock.advance(60)
    data = site.client().get("/api/v1/admin/overview", headers=admin).json
    waiting = {s["service_id"]: s["waiting"] for s in data["services"]}
    assert waiting == {"ktp": 0, "kk": 1, "pbb": 1} and data["waiting"] == 2
    assert data["longest_wait"]["seconds"] == 60 and data["longest_wait"]["number"] in ("B001", "PBB001")
    activity = {c["counter_id"]: c["activity"] for c in data["counters"]["items"]}
    assert activity == {"loket-1": "idle", "loket-2": "busy", "loket-3": "paused"}
    assert data["counters"]["totals"] == {"busy": 1, "idle": 1, "paused": 1, "closed": 0, "open": 2}
    assert data["served_today"]["served"] == 0


def test_audit_search_shows_calls_and_transfers(site: Any, admin: Any) -> None:
    issue(site, "ktp")
    act(site, "call_next", "loket-1", actor="siti")
    act(site, "transfer", "loket-1", "kk", actor="siti")
    entries = site.client().get("/api/v1/admin/audit?actor=siti", headers=admin).json["entries"]
    assert [(e["action"], e["target"], e["source"]) for e in entries] == [
        ("transferred", "A001 @ loket-1", "ticket"), ("called", "A001 @ loket-1", "ticket")]
    assert entries[0]["detail"]["to"] == "kk"
    logins = site.client().get("/api/v1/admin/audit?action=login", headers=admin).json["entries"]
    assert logins and logins[0]["address"] == "127.0.0.1"
    bad = site.client().get("/api/v1/admin/audit?limit=0", headers=admin)
    assert bad.status_code == 422 and bad.json["error"]["field"] == "limit"


def test_dashboards_hear_that_the_hall_changed(site: Any, admin: Any) -> None:
    dashboard = site.socketio.test_client(site.app, headers=admin)
    stranger = site.socketio.test_client(site.app)
    dashboard.emit("subscribe", {"admin": True})
    stranger.emit("subscribe", {"admin": True})  # no login: refused the room
    assert dashboard.get_received() == []
    assert [e["args"][0]["code"] for e in stranger.get_received() if e["name"] == "error"] == ["unauthenticated"]
    issue(site, "ktp")
    assert [e["name"] for e in dashboard.get_received()].count("overview.changed") == 1
    assert "overview.changed" not in [e["name"] for e in stranger.get_received()]
