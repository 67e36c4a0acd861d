"""Admin API: configuration edits (validated, atomic, backed up, live), accounts,
closures, the live overview, the audit log, and who may do what."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from server.core import config_changes, config_file
from server.core.config import SiteConfig
from server.core.config_load import load_config
from tests.conftest import PASSWORD, HallApp
from tests.rules import act, issue

CONFIG_URL = "/api/v1/admin/config"


def _clock_strings(value: Any) -> Any:
    """pydantic writes times as HH:MM:SS; config.yaml speaks HH:MM."""
    if isinstance(value, dict):
        return {k: _clock_strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clock_strings(v) for v in value]
    if isinstance(value, str) and re.fullmatch(r"\d\d:\d\d:00", value):
        return value[:5]
    return value


@pytest.fixture
def site(small_config: SiteConfig, tmp_path: Path, clock: Any) -> Any:
    """The small site, started from a real config.yaml file that the admin pages may rewrite."""
    from server.app import create_app

    path = tmp_path / "site" / "config.yaml"
    path.parent.mkdir()
    data = _clock_strings(small_config.model_dump(mode="json", exclude_defaults=True))
    path.write_text("# written by hand\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    app, socketio = create_app(load_config(path), data_dir=path.parent / "data", clock=clock, config_path=path,
                               start_printing=False)
    app.config["TESTING"] = True
    made = HallApp(app, socketio, clock, path.parent / "data")
    made.path = path  # type: ignore[attr-defined]
    yield made
    made.hall.store.close()


@pytest.fixture
def admin(site: Any) -> dict[str, str]:
    return site.add_user("kepala", "admin")


def service_value(site: Any, service_id: str, **changes: Any) -> dict[str, Any]:
    """The service as GET /admin/config shows it, with some keys changed (a PUT sends it whole)."""
    config = {"sections": config_changes.sections(config_file.read(site.path)[0])}
    for agency in config["sections"]["agencies"]:
        for service in agency["services"]:
            if service["id"] == service_id:
                return {**service, **changes}
    raise AssertionError(service_id)


# --- configuration ---------------------------------------------------------------------------------


def test_invalid_edit_is_refused_with_the_key_named_and_nothing_written(site: Any, admin: Any) -> None:
    before = site.path.read_bytes()
    answer = site.client().put(f"{CONFIG_URL}/services/kk", headers=admin,
                               json={"value": service_value(site, "kk", prefix="kk!")})
    assert answer.status_code == 422
    error = answer.json["error"]
    assert error["code"] == "invalid_config"
    assert error["field"] == "agencies[0].services[1].prefix"
    assert error["message"].startswith("agencies[0].services[1].prefix: got 'kk!'; expected a ticket prefix")
    assert site.path.read_bytes() == before
    assert not (site.data_dir / "config-history").exists()
    assert site.site.services["kk"].prefix == "B"


def test_duplicate_prefix_is_refused_by_name(site: Any, admin: Any) -> None:
    answer = site.client().put(f"{CONFIG_URL}/services/kk", headers=admin,
                               json={"value": service_value(site, "kk", prefix="A")})
    assert answer.status_code == 422
    assert answer.json["error"]["field"] == "agencies[0].services[1].prefix"
    assert "used twice" in answer.json["error"]["message"]


def test_edit_is_written_atomically_with_a_backup_and_goes_live(site: Any, admin: Any) -> None:
    before = site.path.read_bytes()
    kiosk = site.socketio.test_client(site.app)
    kiosk.emit("subscribe", {"kiosk_id": "kiosk-1"})
    kiosk.get_received()
    value = service_value(site, "kk", name="Kartu Keluarga Baru", quota=40, standard_minutes=25,
                          hours={"open": "08:00", "close": "11:00"})
    answer = site.client().put(f"{CONFIG_URL}/services/kk", headers=admin, json={"value": value})
    assert answer.status_code == 200, answer.json

    # On disk: the new file parses as config.yaml, and the old one is kept byte for byte.
    on_disk = load_config(site.path)
    kk = {s.id: s for a in on_disk.agencies for s in a.services}["kk"]
    assert (kk.name, kk.quota, kk.standard_minutes, f"{kk.hours.open:%H:%M}") == ("Kartu Keluarga Baru", 40, 25,
                                                                                   "08:00")
    assert 'open: "08:00"' in site.path.read_text()  # clock times stay quoted
    history = list((site.data_dir / "config-history").iterdir())
    assert len(history) == 1 and history[0].read_bytes() == before
    assert [p.name for p in site.path.parent.iterdir() if p.name.startswith(".")] == []  # no temp file left

    # Live, without a restart: the catalog and the kiosk's socket.
    services = {s["id"]: s for s in site.client().get("/api/v1/services").json["services"]}
    assert (services["kk"]["name"], services["kk"]["remaining"]) == ("Kartu Keluarga Baru", 40)
    received = kiosk.get_received()
    updates = [e["args"][0] for e in received if e["name"] == "queue.updated" and e["args"][0]["service_id"] == "kk"]
    assert updates and updates[-1]["remaining"] == 40
    assert any(e["name"] == "config.updated" for e in received)
    assert answer.json["version"] != answer.json["sections"] and answer.json["editable"] is True


def test_stale_version_is_refused(site: Any, admin: Any) -> None:
    version = site.client().get(CONFIG_URL, headers=admin).json["version"]
    first = site.client().put(f"{CONFIG_URL}/running_text", headers=admin,
                              json={"value": {"running_text": "Selamat datang", "running_text_en": "Welcome"},
                                    "version": version})
    assert first.status_code == 200
    assert load_config(site.path).site.running_text == "Selamat datang"
    second = site.client().put(f"{CONFIG_URL}/running_text", headers=admin,
                               json={"value": {"running_text": "Lain"}, "version": version})
    assert second.status_code == 409 and second.json["error"]["code"] == "config_changed"


def test_holiday_added_today_closes_the_services_at_once(site: Any, admin: Any) -> None:
    answer = site.client().put(f"{CONFIG_URL}/holidays", headers=admin,
                               json={"value": [{"date": "2026-12-01", "name": "Libur Daerah"}]})
    assert answer.status_code == 200
    assert answer.json["sections"]["holidays"] == [{"date": "2026-12-01", "name": "Libur Daerah"}]
    assert "- {date: 2026-12-01, name: Libur Daerah}" in site.path.read_text()  # a YAML date, not a string
    services = site.client().get("/api/v1/services").json["services"]
    assert {(s["closed_reason"], s["closed_note"]) for s in services} == {("holiday", "Libur Daerah")}


@pytest.mark.parametrize(("url", "value", "field"), [
    ("breaks", [{"name": "Istirahat", "start": "13:00", "end": "12:00"}], "site.breaks[0]"),
    ("holidays", [{"date": "2026-02-30", "name": "?"}], "site.holidays[0].date"),
    ("hours", {"hours": {"open": "07:30", "close": "25:00"}}, "site.hours.close"),
    ("counters/loket-9", {"name": "Loket 9", "agency": "capil", "services": ["nope"]}, "counters[3].services"),
    ("kiosks/kiosk-9", {"name": "Kios 9", "printer": "nope"}, "kiosks[2].printer"),
    ("printers/p2", {"type": "network"}, "printers[1]"),
    ("displays/hall", {"name": "Aula", "counters": ["loket-99"]}, "displays[0].counters"),
    ("agencies/capil", {"name": "", "short_name": "Dukcapil"}, "agencies[0].name"),
])
def test_every_section_is_validated_like_config_yaml(site: Any, admin: Any, url: str, value: Any,
                                                     field: str) -> None:
    answer = site.client().put(f"{CONFIG_URL}/{url}", headers=admin, json={"value": value})
    assert answer.status_code == 422, answer.json
    assert answer.json["error"]["field"] == field


def test_items_are_added_and_removed(site: Any, admin: Any) -> None:
    added = site.client().put(f"{CONFIG_URL}/counters/loket-4", headers=admin,
                              json={"value": {"name": "Loket 4", "agency": "capil", "services": ["kk"]}})
    assert added.status_code == 200
    assert "loket-4" in site.site.counters
    new_service = site.client().put(f"{CONFIG_URL}/services/akta", headers=admin,
                                    json={"value": {"agency_id": "capil", "name": "Akta Kelahiran", "prefix": "C"}})
    assert new_service.status_code == 200
    assert site.site.agency_of["akta"] == "capil"
    removed = site.client().delete(f"{CONFIG_URL}/counters/loket-4", headers=admin)
    assert removed.status_code == 200 and "loket-4" not in site.site.counters
    assert site.client().delete(f"{CONFIG_URL}/counters/loket-4", headers=admin).status_code == 404
    assert site.client().put(f"{CONFIG_URL}/nope", headers=admin, json={"value": []}).status_code == 404


def test_a_service_with_people_in_line_is_not_removed(site: Any, admin: Any) -> None:
    issue(site, "pbb")
    answer = site.client().delete(f"{CONFIG_URL}/agencies/pajak", headers=admin)
    assert answer.status_code == 422  # loket-3 still names pbb: the configuration rules say so first
    answer = site.client().put(f"{CONFIG_URL}/displays/pajak", headers=admin,
                               json={"value": {"name": "Layar Pajak", "counters": "all"}})
    assert answer.status_code == 200
    answer = site.client().put(f"{CONFIG_URL}/counters", headers=admin, json={"value": [
        {"id": "loket-1", "name": "Loket 1", "agency": "capil", "services": ["ktp", "kk"]},
        {"id": "loket-2", "name": "Loket 2", "agency": "capil", "services": ["ktp"]},
    ]})
    assert answer.status_code == 200
    answer = site.client().delete(f"{CONFIG_URL}/agencies/pajak", headers=admin)
    assert answer.status_code == 409 and answer.json["error"]["code"] == "in_use"
    assert "pbb" in answer.json["error"]["message"]


def test_changes_are_in_the_audit_log(site: Any, admin: Any) -> None:
    site.client().put(f"{CONFIG_URL}/services/kk", headers=admin, json={"value": service_value(site, "kk", quota=9)})
    entries = site.client().get("/api/v1/admin/audit?q=config", headers=admin).json["entries"]
    assert entries[0]["action"] == "config_changed" and entries[0]["actor"] == "kepala"
    assert entries[0]["target"] == "services/kk" and entries[0]["detail"]["value"]["quota"] == 9


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


def test_a_hand_broken_file_is_reported_not_crashed_on(site: Any, admin: Any) -> None:
    site.path.write_text("site: [unclosed\n", encoding="utf-8")
    answer = site.client().put(f"{CONFIG_URL}/running_text", headers=admin, json={"value": {"running_text": "x"}})
    assert answer.status_code == 422 and answer.json["error"]["code"] == "invalid_config"
    assert "not valid YAML" in answer.json["error"]["message"]
    assert site.path.read_text(encoding="utf-8") == "site: [unclosed\n"  # left for a person to fix


def test_unknown_closures_are_404(site: Any, admin: Any) -> None:
    for closure_id in ("7", str(2**70)):
        answer = site.client().post(f"/api/v1/admin/closures/{closure_id}/reopen", headers=admin)
        assert answer.status_code == 404 and answer.json["error"]["code"] == "unknown_closure"


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


def test_a_save_keeps_the_comments_of_every_section_it_did_not_change(tmp_path: Path, clock: Any) -> None:
    """The bundled config.yaml, with its comments written by hand, edited twice from the admin pages."""
    import shutil

    from server.app import create_app
    from tests.conftest import BUNDLED_CONFIG

    path = tmp_path / "site" / "config.yaml"
    path.parent.mkdir()
    shutil.copy(BUNDLED_CONFIG, path)
    original = path.read_text(encoding="utf-8")
    agencies_part = original[original.index("# 33 agencies"):original.index("# Counters (loket)")]
    app, socketio = create_app(load_config(path), data_dir=path.parent / "data", clock=clock, config_path=path,
                               start_printing=False)
    site = HallApp(app, socketio, clock, path.parent / "data")
    admin = site.add_user("kepala", "admin")
    text = {"running_text": "Selamat datang di MPP Jember", "running_text_en": "Welcome to MPP Jember"}
    assert site.client().put(f"{CONFIG_URL}/running_text", headers=admin, json={"value": text}).status_code == 200
    counter = {"id": "loket-64", "name": "Loket 64 (Pengaduan)", "agency": "dpmptsp",
               "services": ["oss-nib"], "floor": 2}
    answer = site.client().put(f"{CONFIG_URL}/counters/loket-64", headers=admin, json={"value": counter})
    assert answer.status_code == 200, answer.json

    saved = path.read_text(encoding="utf-8")
    assert agencies_part in saved  # untouched: every service and its comments, byte for byte
    assert saved.count(config_file.HEADER_MARK) == 1 and saved.startswith(config_file.HEADER_MARK)
    assert original.splitlines()[0] in saved  # the file's own opening comment stays under the header
    assert "# Counters (loket). Floor 1 holds the walk-in desks" in saved  # the changed section's own comment
    on_disk = load_config(path)
    assert on_disk.site.running_text == "Selamat datang di MPP Jember"
    assert {c.id: c.name for c in on_disk.counters}["loket-64"] == "Loket 64 (Pengaduan)"
    site.hall.store.close()
