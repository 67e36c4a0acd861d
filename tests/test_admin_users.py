"""Admin API, accounts and who may do what: accounts created, assigned, reset and disabled,
bad accounts refused by field, an admin cannot lock themselves out; a supervisor sees only
their agency, officers get 403 and strangers 401, and the OpenAPI document lists the routes."""

from __future__ import annotations

from typing import Any

import pytest
from admin_api_support import (  # noqa: F401  (admin_fixture, site_fixture: the module's fixtures)
    CONFIG_URL,
    admin_fixture,
    site_fixture,
)

from tests.conftest import PASSWORD
from tests.rules import issue

# --- accounts ---------------------------------------------------------------------------------------


def login(site: Any, username: str, password: str = PASSWORD) -> Any:
    return site.client().post("/api/v1/session", json={"username": username, "password": password})


def test_accounts_are_created_assigned_reset_and_disabled(site: Any, admin: Any) -> None:
    client = site.client()
    created = client.post("/api/v1/admin/users", headers=admin, json={
        "username": "siti", "password": "loket-satu-1", "role": "officer", "counters": ["loket-1"]})
    assert created.status_code == 201 and created.json["counters"] == ["loket-1"]
    token = login(site, "siti", "loket-satu-1").json["token"]
    officer = {"Authorization": f"Bearer {token}"}
    assert client.post("/api/v1/counters/loket-2/call-next", headers=officer).status_code == 403

    assigned = client.patch("/api/v1/admin/users/siti", headers=admin, json={"counters": ["loket-1", "loket-2"]})
    assert assigned.json["counters"] == ["loket-1", "loket-2"]
    assert client.post("/api/v1/counters/loket-2/call-next", headers=officer).status_code == 200

    reset = client.post("/api/v1/admin/users/siti/password", headers=admin, json={"password": "kata-sandi-baru"})
    assert reset.status_code == 200
    assert login(site, "siti", "loket-satu-1").status_code == 401
    assert client.get("/api/v1/counters/loket-1", headers=officer).status_code == 401  # old token revoked
    assert login(site, "siti", "kata-sandi-baru").status_code == 200

    disabled = client.patch("/api/v1/admin/users/siti", headers=admin, json={"disabled": True})
    assert disabled.json["disabled"] is True
    assert login(site, "siti", "kata-sandi-baru").status_code == 401
    actions = [e["action"] for e in client.get("/api/v1/admin/audit?actor=kepala&tickets=0", headers=admin).json[
        "entries"]]
    assert actions[:4] == ["user_changed", "password_reset", "user_changed", "user_created"]


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"username": "x", "password": "panjang-sekali", "role": "admin"}, 422, "username"),
    ({"username": "andi", "password": "pendek", "role": "admin"}, 422, "password"),
    ({"username": "andi", "password": "panjang-sekali", "role": "officer"}, 422, "counters"),
    ({"username": "andi", "password": "panjang-sekali", "role": "officer", "counters": ["nope"]}, 422, "counters"),
    ({"username": "andi", "password": "panjang-sekali", "role": "supervisor"}, 422, "agency_id"),
    ({"username": "andi", "password": "panjang-sekali", "role": "boss"}, 422, "role"),
    ({"username": "kepala", "password": "panjang-sekali", "role": "admin"}, 409, "username"),
])
def test_bad_accounts_are_refused_by_field(site: Any, admin: Any, body: dict[str, Any], status: int,
                                           field: str) -> None:
    answer = site.client().post("/api/v1/admin/users", headers=admin, json=body)
    assert answer.status_code == status
    assert answer.json["error"]["field"] == field


def test_an_admin_cannot_lock_themselves_out(site: Any, admin: Any) -> None:
    answer = site.client().patch("/api/v1/admin/users/kepala", headers=admin, json={"disabled": True})
    assert answer.status_code == 409 and answer.json["error"]["code"] == "own_account"
    assert site.client().patch("/api/v1/admin/users/nope", headers=admin, json={"disabled": True}).status_code == 404


# --- who may do what -------------------------------------------------------------------------------


def test_supervisor_sees_only_their_agency(site: Any) -> None:
    issue(site, "ktp")
    issue(site, "pbb")
    supervisor = site.add_user("kasi", "supervisor", agency="capil")
    client = site.client()
    own = client.get("/api/v1/reports/summary", headers=supervisor).json
    assert own["agency_id"] == "capil" and own["issued"] == 1
    assert [s["service_id"] for s in own["by_service"]] == ["ktp"]
    for url in ("/api/v1/reports/summary?agency_id=pajak", "/api/v1/reports/summary?service_id=pbb",
                "/api/v1/reports/ikm?agency_id=pajak", "/api/v1/reports/summary.csv?agency_id=pajak",
                "/api/v1/admin/overview?agency_id=pajak", "/api/v1/reports/queue?service_id=pbb"):
        answer = client.get(url, headers=supervisor)
        assert answer.status_code == 403, url
        assert answer.json["error"]["code"] == "forbidden"
    overview = client.get("/api/v1/admin/overview", headers=supervisor).json
    assert {s["agency_id"] for s in overview["services"]} == {"capil"}
    assert client.get(CONFIG_URL, headers=supervisor).status_code == 200  # reading is fine
    assert client.put(f"{CONFIG_URL}/running_text", headers=supervisor, json={"value": {}}).status_code == 403
    assert client.post("/api/v1/admin/users", headers=supervisor, json={}).status_code == 403
    assert client.get("/api/v1/admin/audit", headers=supervisor).status_code == 403


def test_supervisor_lists_only_their_agency_accounts(site: Any) -> None:
    site.add_user("siti", "officer", counters=["loket-1"])
    site.add_user("rina", "officer", counters=["loket-3"])
    site.add_user("kasi-pajak", "supervisor", agency="pajak")
    supervisor = site.add_user("kasi", "supervisor", agency="capil")
    names = [u["username"] for u in site.client().get("/api/v1/admin/users", headers=supervisor).json["users"]]
    assert sorted(names) == ["kasi", "siti"]


@pytest.mark.parametrize(("method", "url"), [
    ("GET", "/api/v1/reports/summary"), ("GET", "/api/v1/reports/ikm.xlsx"), ("GET", "/api/v1/admin/overview"),
    ("GET", CONFIG_URL), ("GET", "/api/v1/admin/users"), ("GET", "/api/v1/admin/closures"),
    ("POST", "/api/v1/admin/closures"),
])
def test_officers_get_403_and_strangers_401(site: Any, method: str, url: str) -> None:
    officer = site.add_user("siti", "officer", counters=["loket-1"])
    assert site.client().open(url, method=method, headers=officer, json={}).status_code == 403
    assert site.client().open(url, method=method, json={}).status_code == 401


def test_openapi_documents_the_new_routes(site: Any) -> None:
    paths = site.client().get("/api/v1/openapi.json").json["paths"]
    for path in ("/api/v1/tickets/{ticket_id}/survey", "/api/v1/reports/summary", "/api/v1/reports/summary.csv",
                 "/api/v1/reports/summary.xlsx", "/api/v1/reports/ikm", "/api/v1/admin/config/{section}/{item_id}",
                 "/api/v1/admin/closures/{closure_id}/reopen", "/api/v1/admin/audit"):
        assert path in paths, path
    assert "403" in paths["/api/v1/reports/summary"]["get"]["responses"]
