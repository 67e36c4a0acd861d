"""API v1 route by route through the real Flask app: services and printers, counter actions
over HTTP (bearer tokens, call, transfer, pause, resume), cookie sessions and CSRF, logout,
hashed passwords and audited logins, who did a counter action from which device, agency
logos, and a ticket whose service was removed since."""

from __future__ import annotations

from typing import Any

from api_support import check, document_fixture  # noqa: F401  (document_fixture: the module's fixture)
from rules import issue


def test_services_say_open_waiting_and_remaining(small_app: Any) -> None:
    issue(small_app, "ktp")
    issue(small_app, "ktp")
    services = {s["id"]: s for s in small_app.client().get("/api/v1/services").json["services"]}
    assert (services["ktp"]["waiting"], services["ktp"]["quota"], services["ktp"]["remaining"]) == (2, 5, 3)
    assert services["kk"]["remaining"] is None and services["ktp"]["open"] is True
    agencies = small_app.client().get("/api/v1/agencies").json["agencies"]
    assert [s["id"] for s in agencies[0]["services"]] == ["ktp", "kk"]


def test_printer_status_is_reported(small_app: Any) -> None:
    printers = small_app.client().get("/api/v1/printers").json["printers"]
    assert printers[0]["id"] == "p1" and printers[0]["status"] in ("online", "offline", "paper_out", "unknown")


def test_login_with_bearer_token_and_counter_actions(small_app: Any, document: dict[str, Any]) -> None:
    headers = small_app.add_user("budi", "officer", counters=["loket-1"])
    client = small_app.client()
    issue(small_app, "kk")
    answer = client.post("/api/v1/counters/loket-1/call-next", headers=headers)
    assert answer.status_code == 200
    check(document, "/api/v1/counters/{counter_id}/call-next", "post", answer)
    assert answer.json["ticket"]["number"] == "B001" and answer.json["counter"]["officer"] == "budi"
    assert answer.json["counter"]["current"]["status"] == "called"
    for action, status in [("recall", "called"), ("start", "serving"), ("finish", "done")]:
        answer = client.post(f"/api/v1/counters/loket-1/{action}", headers=headers)
        assert answer.status_code == 200, answer.json
        assert answer.json["ticket"]["status"] == status
    empty = client.post("/api/v1/counters/loket-1/call-next", headers=headers)
    assert empty.status_code == 200 and empty.json["ticket"] is None and empty.json["counter"]["current"] is None


def test_call_transfer_pause_resume_over_http(small_app: Any) -> None:
    headers = small_app.add_user("sari", "supervisor", agency="capil")
    client = small_app.client()
    first = issue(small_app, "kk")
    second = issue(small_app, "kk")
    answer = client.post("/api/v1/counters/loket-1/call", json={"ticket_id": second["id"]}, headers=headers)
    assert answer.json["ticket"]["id"] == second["id"]
    answer = client.post("/api/v1/counters/loket-1/transfer", json={"service_id": "pbb"}, headers=headers)
    assert answer.json["ticket"]["status"] == "waiting" and answer.json["ticket"]["service_id"] == "pbb"
    answer = client.post("/api/v1/counters/loket-1/no-show", headers=headers)
    assert answer.json["error"]["code"] == "no_current_ticket"
    assert client.post("/api/v1/counters/loket-1/pause", headers=headers).json["counter"]["state"] == "paused"
    assert client.post("/api/v1/counters/loket-1/resume", headers=headers).json["counter"]["state"] == "open"
    answer = client.post("/api/v1/counters/loket-1/call-next", headers=headers)
    assert answer.json["ticket"]["id"] == first["id"]
    assert client.post("/api/v1/counters/loket-3/call-next", headers=headers).status_code == 403  # other agency


def test_cookie_sessions_need_the_csrf_token(small_app: Any) -> None:
    small_app.add_user("budi", "officer", counters=["loket-1"])
    client = small_app.client()
    login = client.post("/api/v1/session", json={"username": "budi", "password": "rahasia-123"})
    csrf = login.json["csrf_token"]
    refused = client.post("/api/v1/counters/loket-1/pause")
    assert (refused.status_code, refused.json["error"]["code"]) == (403, "csrf_failed")
    allowed = client.post("/api/v1/counters/loket-1/pause", headers={"X-CSRF-Token": csrf})
    assert allowed.status_code == 200
    assert client.get("/api/v1/session").json["user"]["username"] == "budi"
    client.delete("/api/v1/session", headers={"X-CSRF-Token": csrf})
    assert client.get("/api/v1/session").status_code == 401


def test_logout_revokes_the_bearer_token(small_app: Any) -> None:
    headers = small_app.add_user("budi", "officer", counters=["loket-1"])
    client = small_app.client()
    assert client.delete("/api/v1/session", headers=headers).status_code == 200
    answer = client.post("/api/v1/counters/loket-1/pause", headers=headers)
    assert (answer.status_code, answer.json["error"]["code"]) == (401, "unauthenticated")


def test_passwords_are_hashed_and_logins_audited(small_app: Any) -> None:
    small_app.add_user("budi", "officer", counters=["loket-1"])
    small_app.client().post("/api/v1/session", json={"username": "budi", "password": "salah-sandi"})
    with small_app.hall.store.read() as tx:
        stored = tx.scalar("SELECT password_hash FROM users WHERE username = 'budi'")
        actions = [r["action"] for r in tx.all("SELECT action FROM audit_log ORDER BY id")]
    assert stored.startswith("scrypt:") and "rahasia-123" not in stored
    assert actions == ["login", "login_failed"]


def test_counter_actions_record_the_officer_and_their_device(small_app: Any) -> None:
    headers = small_app.add_user("budi", "officer", counters=["loket-1"])
    visitor = issue(small_app, "kk")
    small_app.client().post("/api/v1/counters/loket-1/call-next", headers=headers,
                            environ_base={"REMOTE_ADDR": "10.20.0.7"})
    with small_app.hall.store.read() as tx:
        called = tx.one("SELECT actor, device, counter_id FROM ticket_events WHERE ticket_id = ? AND kind = 'called'",
                        (visitor["id"],))
    assert called == {"actor": "budi", "device": "10.20.0.7", "counter_id": "loket-1"}


def test_agency_logos_are_served_from_the_site_folder(small_config: Any, tmp_path: Any, clock: Any) -> None:
    from PIL import Image

    from server.app import create_app
    from server.core.config_load import parse_config

    (tmp_path / "media").mkdir()
    Image.new("RGB", (8, 8), "blue").save(tmp_path / "media" / "capil.png")
    data = small_config.model_dump(mode="json", exclude_none=True)
    data["agencies"][0]["logo"] = "media/capil.png"  # relative to config.yaml, inside its media folder
    app, _ = create_app(parse_config(data), data_dir=tmp_path / "data", clock=clock, start_printing=False,
                        config_path=tmp_path / "config.yaml")
    client = app.test_client()
    agencies = client.get("/api/v1/agencies").json["agencies"]
    assert agencies[0]["logo_url"] == "/media/logos/capil" and agencies[1]["logo_url"] is None
    logo = client.get("/media/logos/capil")
    assert logo.status_code == 200 and logo.mimetype == "image/png"
    logo.close()  # the file stays open until the response is closed
    assert client.get("/media/logos/pajak").status_code == 404
    app.extensions["antrean"].store.close()


def test_a_ticket_of_a_service_removed_since_still_answers(small_config: Any, tmp_path: Any, clock: Any) -> None:
    from conftest import make_hall_app

    from server.core.config_load import parse_config

    first = make_hall_app(small_config, tmp_path, clock)
    ticket = first.client().post("/api/v1/tickets", json={"service_id": "pbb"}).json
    first.hall.store.close()
    data = small_config.model_dump(mode="json", exclude_none=True)
    del data["agencies"][1]
    data["counters"] = [c for c in data["counters"] if c["agency"] != "pajak"]
    data["displays"] = [d for d in data["displays"] if d["id"] != "pajak"]
    later = make_hall_app(parse_config(data), tmp_path, clock)
    answer = later.client().get(f"/api/v1/tickets/{ticket['id']}")
    assert answer.status_code == 200
    assert (answer.json["number"], answer.json["service_name"], answer.json["agency_name"]) == ("PBB001", "pbb",
                                                                                                  "pajak")
