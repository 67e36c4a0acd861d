"""Admin API, closures: a supervisor closes their service with a reason the kiosk shows, a
closed counter refuses to call, reopening undoes both, unknown closures are 404."""

from __future__ import annotations

from typing import Any

from admin_api_support import (  # noqa: F401  (admin_fixture, site_fixture: the module's fixtures)
    admin_fixture,
    site_fixture,
)

from tests.rules import issue

# --- closures ---------------------------------------------------------------------------------------


def test_supervisor_closes_their_service_with_a_reason_shown_on_the_kiosk(site: Any) -> None:
    supervisor = site.add_user("kasi", "supervisor", agency="capil")
    client = site.client()
    closed = client.post("/api/v1/admin/closures", headers=supervisor,
                         json={"kind": "service", "target_id": "ktp", "reason": "sistem pusat sedang gangguan"})
    assert closed.status_code == 201 and closed.json["active"] is True
    services = {s["id"]: s for s in client.get("/api/v1/services").json["services"]}
    assert (services["ktp"]["open"], services["ktp"]["closed_reason"], services["ktp"]["closed_note"]) == (
        False, "closed_today", "sistem pusat sedang gangguan")
    refused = client.post("/api/v1/tickets", json={"service_id": "ktp"})
    assert refused.status_code == 409 and refused.json["error"]["code"] == "service_closed"
    again = client.post("/api/v1/admin/closures", headers=supervisor,
                        json={"kind": "service", "target_id": "ktp", "reason": "lagi"})
    assert again.status_code == 409 and again.json["error"]["code"] == "already_closed"
    other = client.post("/api/v1/admin/closures", headers=supervisor,
                        json={"kind": "service", "target_id": "pbb", "reason": "x"})
    assert other.status_code == 403

    reopened = client.post(f"/api/v1/admin/closures/{closed.json['id']}/reopen", headers=supervisor)
    assert reopened.status_code == 200 and reopened.json["active"] is False
    assert client.post("/api/v1/tickets", json={"service_id": "ktp"}).status_code == 201
    listed = client.get("/api/v1/admin/closures", headers=supervisor).json["closures"]
    assert [(c["target_id"], c["active"]) for c in listed] == [("ktp", False)]


def test_a_closed_counter_refuses_to_call(site: Any) -> None:
    admin = site.add_user("kepala", "admin")
    officer = site.add_user("siti", "officer", counters=["loket-1"])
    issue(site, "ktp")
    client = site.client()
    closed = client.post("/api/v1/admin/closures", headers=admin,
                         json={"kind": "counter", "target_id": "loket-1", "reason": "komputer rusak"})
    assert closed.status_code == 201
    refused = client.post("/api/v1/counters/loket-1/call-next", headers=officer)
    assert refused.status_code == 409
    assert refused.json["error"]["code"] == "counter_closed" and "komputer rusak" in refused.json["error"]["message"]
    client.post(f"/api/v1/admin/closures/{closed.json['id']}/reopen", headers=admin)
    assert client.post("/api/v1/counters/loket-1/call-next", headers=officer).json["ticket"]["number"] == "A001"
    actions = [e["action"] for e in client.get("/api/v1/admin/audit?tickets=0", headers=admin).json["entries"]]
    assert actions[:2] == ["counter_reopened", "counter_closed"]


def test_unknown_closures_are_404(site: Any, admin: Any) -> None:
    for closure_id in ("7", str(2**70)):
        answer = site.client().post(f"/api/v1/admin/closures/{closure_id}/reopen", headers=admin)
        assert answer.status_code == 404 and answer.json["error"]["code"] == "unknown_closure"
