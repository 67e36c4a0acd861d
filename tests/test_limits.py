"""Anonymous ticket requests are limited by default, per kiosk and per client address, and the
limit holds across server processes; reprints need the ticket's kiosk or a staff session.

The sites here keep the server's own default limits (conftest turns them off for the other
tests, which issue hundreds of tickets from one address in a second)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import requests
from conftest import PASSWORD, TUESDAY_9AM, LiveServer, free_port, make_hall_app, write_site
from test_scale_out import redis_server, redis_url  # noqa: F401  # a real Redis for the scale-out mode

from server.core.config import ServerSettings
from server.core.config_load import load_config, parse_config

DEFAULTS = ServerSettings()
DEFAULT_LIMITS = {"rate_limit_per_minute": DEFAULTS.rate_limit_per_minute,
                  "kiosk_rate_limit_per_minute": DEFAULTS.kiosk_rate_limit_per_minute}
ROOT = Path(__file__).resolve().parent.parent


def default_limited(small_config: Any, tmp_path: Path, clock: Any) -> Any:
    data = small_config.model_dump(mode="json", exclude_none=True)
    data["server"].update(DEFAULT_LIMITS)
    return make_hall_app(parse_config(data), tmp_path / "data", clock)


def test_the_limits_are_on_unless_a_site_turns_them_off() -> None:
    bundled = load_config(ROOT / "config.yaml").server
    assert bundled.rate_limit_per_minute == 5 and bundled.kiosk_rate_limit_per_minute == 20
    off = parse_config({**load_config(ROOT / "config.yaml").model_dump(mode="json", exclude_none=True),
                        "server": {"rate_limit_per_minute": None, "kiosk_rate_limit_per_minute": None}})
    assert off.server.rate_limit_per_minute is None and off.server.kiosk_rate_limit_per_minute is None


def test_one_address_cannot_empty_a_service(small_config: Any, tmp_path: Path, clock: Any) -> None:
    """The attack: one client, no kiosk, as fast as it can. Five pass, the rest are refused in
    the contract's shape with Retry-After, and the service's day is not used up."""
    app = default_limited(small_config, tmp_path, clock)
    client = app.client()
    answers = [client.post("/api/v1/tickets", json={"service_id": "kk"}) for _ in range(40)]
    assert [a.status_code for a in answers] == [201] * 5 + [429] * 35
    refused = answers[-1]
    assert refused.json["error"]["code"] == "rate_limited" and "try again in 12 s" in refused.json["error"]["message"]
    assert refused.headers["Retry-After"] == "12"
    with app.hall.store.read() as tx:
        assert tx.scalar("SELECT count(*) FROM tickets") == 5
    clock.advance(12)  # one more a dozen seconds later
    assert client.post("/api/v1/tickets", json={"service_id": "kk"}).status_code == 201
    assert client.post("/api/v1/tickets", json={"service_id": "kk"}).status_code == 429
    # Cancelling spends the same allowance (it was limited like taking a ticket before too).
    assert client.post(f"/api/v1/tickets/{answers[0].json['id']}/cancel").status_code == 429
    app.hall.store.close()


def test_kiosks_behind_one_address_each_have_their_own_allowance(small_config: Any, tmp_path: Path,
                                                                  clock: Any) -> None:
    app = default_limited(small_config, tmp_path, clock)
    client = app.client()

    def take(kiosk_id: str | None) -> int:
        body = {"service_id": "kk", **({"kiosk_id": kiosk_id} if kiosk_id else {})}
        return int(client.post("/api/v1/tickets", json=body).status_code)

    assert [take("kiosk-2") for _ in range(22)] == [201] * 20 + [429] * 2
    # Same address (a NAT), another kiosk: its own allowance; no kiosk: the address's.
    assert [take("kiosk-1") for _ in range(20)] == [201] * 20
    assert [take(None) for _ in range(6)] == [201] * 5 + [429]
    # An id that is no kiosk spends the address's allowance (already used up here).
    assert take("kiosk-99") == 429
    app.hall.store.close()


def test_a_kiosk_on_a_busy_morning_is_never_refused(small_config: Any, tmp_path: Path, clock: Any) -> None:
    """Peak pace, one ticket every 10 s for an hour, with a family of four now and then taking
    theirs one after another: not a single refusal."""
    app = default_limited(small_config, tmp_path, clock)
    client = app.client()
    codes = []
    for minute in range(60):
        for second in range(0, 60, 10):
            burst = 4 if second == 0 and minute % 5 == 0 else 1
            codes += [client.post("/api/v1/tickets", json={"service_id": "kk", "kiosk_id": "kiosk-2"}).status_code
                      for _ in range(burst)]
            clock.advance(10)
    assert set(codes) == {201} and len(codes) == 360 + 36
    app.hall.store.close()


def test_staff_sessions_are_not_limited(small_config: Any, tmp_path: Path, clock: Any) -> None:
    app = default_limited(small_config, tmp_path, clock)
    officer = app.add_user("budi", "officer", counters=["loket-1"])
    client = app.client()
    codes = [client.post("/api/v1/tickets", json={"service_id": "kk"}, headers=officer).status_code
             for _ in range(30)]
    assert codes == [201] * 30
    # A kiosk page opened in a browser where someone signed in: the cookie comes along, without
    # the CSRF token; the ticket is still issued, as an anonymous one.
    browser = app.client()
    assert browser.post("/api/v1/session", json={"username": "budi", "password": PASSWORD}).status_code == 200
    codes = [browser.post("/api/v1/tickets", json={"service_id": "kk", "kiosk_id": "kiosk-2"}).status_code
             for _ in range(21)]
    assert codes == [201] * 20 + [429]
    app.hall.store.close()


def test_the_limit_holds_across_two_server_processes(tmp_path: Path, bundled_data: dict[str, Any],
                                                     redis_url: str) -> None:  # noqa: F811
    """Scale-out: two processes, one database, Redis. Requests alternate between them; the
    address and the kiosk have one allowance between the two, not one each."""
    folder = tmp_path / "site"
    data = {**bundled_data, "server": {**bundled_data.get("server", {}), "message_queue": redis_url,
                                       **DEFAULT_LIMITS}}
    servers = [LiveServer(folder, free_port(), TUESDAY_9AM) for _ in range(2)]
    write_site(folder, data, servers[0].port)
    try:
        for server in servers:
            server.start()
        sessions = [requests.Session() for _ in servers]

        def take(index: int, body: dict[str, Any]) -> requests.Response:
            return sessions[index % 2].post(servers[index % 2].url + "/api/v1/tickets", json=body, timeout=10)

        started = time.monotonic()
        answers = [take(i, {"service_id": "kartu-keluarga"}) for i in range(20)]
        refill = int((time.monotonic() - started) / 12)  # one more per 12 s the test itself took
        passed = [a for a in answers if a.status_code == 201]
        assert 5 <= len(passed) <= 5 + refill, [a.status_code for a in answers]
        assert {a.json()["error"]["code"] for a in answers if a.status_code != 201} == {"rate_limited"}
        assert all(int(a.headers["Retry-After"]) >= 1 for a in answers if a.status_code == 429)

        started = time.monotonic()
        answers = [take(i, {"service_id": "kartu-keluarga", "kiosk_id": "kiosk-2"}) for i in range(30)]
        refill = int((time.monotonic() - started) / 3)
        passed = [a for a in answers if a.status_code == 201]
        assert 20 <= len(passed) <= 20 + refill, [a.status_code for a in answers]
    finally:
        for server in servers:
            server.stop()


def test_a_reprint_needs_the_tickets_kiosk_or_a_staff_session(live_server_factory: Any,
                                                             bundled_data: dict[str, Any]) -> None:
    """Anyone who saw a ticket (its id is in its QR code) could reprint it on the kiosk's printer
    over and over. Now: nobody 401, another kiosk or printer 403; the kiosk itself and staff may."""
    site: LiveServer = live_server_factory({**bundled_data, "server": DEFAULT_LIMITS})
    url = site.url
    ticket = requests.post(url + "/api/v1/tickets", json={"service_id": "kartu-keluarga", "kiosk_id": "kiosk-1"},
                           timeout=10).json()
    assert ticket["print"]["status"] == "printed"
    reprint = f"{url}/api/v1/tickets/{ticket['id']}/print"

    def jobs() -> int:
        import sqlite3

        with sqlite3.connect(site.db_path) as db:
            return int(db.execute("SELECT count(*) FROM print_jobs WHERE ticket_id = ?", (ticket["id"],)).fetchone()[0])

    refusals = [
        (requests.post(reprint, timeout=10), 401, "unauthenticated"),
        (requests.post(reprint, json={}, timeout=10), 401, "unauthenticated"),
        (requests.post(reprint, json={"printer_id": "printer-kios-2"}, timeout=10), 401, "unauthenticated"),
        (requests.post(reprint, json={"kiosk_id": "kiosk-2"}, timeout=10), 403, "forbidden"),
        (requests.post(reprint, json={"kiosk_id": "kiosk-99"}, timeout=10), 403, "forbidden"),
        (requests.post(reprint, json={"kiosk_id": "kiosk-1", "printer_id": "printer-kios-2"}, timeout=10),
         403, "forbidden"),
    ]
    for answer, status, code in refusals:
        assert (answer.status_code, answer.json()["error"]["code"]) == (status, code), answer.text
        assert answer.json()["error"]["message"]
    assert jobs() == 1  # nothing more was printed

    by_kiosk = requests.post(reprint, json={"kiosk_id": "kiosk-1"}, timeout=10)
    assert by_kiosk.status_code == 200 and by_kiosk.json()["print"]["status"] == "printed"
    site.add_user("siti", "officer", counters=["loket-5"])
    by_staff = requests.post(reprint, json={"printer_id": "printer-kios-2"}, headers=site.login("siti"), timeout=10)
    assert by_staff.status_code == 200 and by_staff.json()["print"]["printer_id"] == "printer-kios-2"
    assert jobs() == 3


def test_a_forged_forwarded_for_does_not_escape_the_limit(small_config: Any, tmp_path: Path, clock: Any) -> None:
    """Clients connect directly (no proxy configured): X-Forwarded-For is anyone's to write, so
    it is ignored, and a client that sends a new one each time is still one address."""
    app = default_limited(small_config, tmp_path, clock)
    client = app.client()
    codes = [client.post("/api/v1/tickets", json={"service_id": "kk"},
                         headers={"X-Forwarded-For": f"10.0.0.{n}"}).status_code for n in range(10)]
    assert codes == [201] * 5 + [429] * 5
    app.hall.store.close()


def test_behind_a_tls_proxy_each_client_has_its_own_allowance(small_config: Any, tmp_path: Path,
                                                              clock: Any) -> None:
    """With `server.proxy_hops: 1` every request comes from the proxy's address; the client's is
    the one the proxy adds, and HSTS goes out only over TLS."""
    data = small_config.model_dump(mode="json", exclude_none=True)
    data["server"].update(DEFAULT_LIMITS, proxy_hops=1)
    app = make_hall_app(parse_config(data), tmp_path / "data", clock)
    client = app.client()

    def take(address: str, proto: str = "https") -> Any:
        return client.post("/api/v1/tickets", json={"service_id": "kk"},
                           headers={"X-Forwarded-For": address, "X-Forwarded-Proto": proto})

    first = [take("192.168.1.21").status_code for _ in range(6)]
    second = [take("192.168.1.22").status_code for _ in range(6)]
    assert first == second == [201] * 5 + [429]
    assert take("192.168.1.23").headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in take("192.168.1.24", proto="http").headers
    assert "Strict-Transport-Security" not in default_limited(small_config, tmp_path / "direct", clock).client().get(
        "/api/v1/health", headers={"X-Forwarded-Proto": "https"}).headers
    app.hall.store.close()
