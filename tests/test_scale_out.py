"""Two server processes on one database, joined by Redis as Socket.IO's message queue:
a display connected to one sees the calls made through the other, kiosks on both never
duplicate a number, a configuration change made through one (or by hand in config.yaml)
reaches both, screens catch up with what they missed while Redis was down, a stopped Redis
hangs no kiosk or counter, and the servers of one site keep one clock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from conftest import ROOT, TUESDAY_9AM, LiveServer, free_port, write_site
from display_support import screens_fixture, staff  # noqa: F401  (screens_fixture: the `screens` fixture)
from live import Listener
from playwright.sync_api import expect

REDIS = "/usr/bin/redis-server"


class Redis:
    """A real redis-server of the test's own, which the test can kill, start again on the same
    port, or stop (SIGSTOP: connections are still accepted, nothing is answered)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        import redis

        self.process = subprocess.Popen([REDIS, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                         "--appendonly", "no", "--dir", str(self.folder)], stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                redis.Redis(port=self.port).ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start within 10 s")

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait(10)

    def pause(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.resume()
            self.process.terminate()
            self.process.wait(10)


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[Redis]:
    if not Path(REDIS).exists():
        pytest.fail("redis-server is not installed; scripts/test installs it")
    server = Redis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server: Redis) -> str:
    return redis_server.url


def make_servers(tmp_path: Path, bundled_data: dict[str, Any], redis_url: str, count: int = 2) -> list[LiveServer]:
    folder = tmp_path / "site"
    data = {**bundled_data, "server": {**bundled_data.get("server", {}), "message_queue": redis_url}}
    servers = [LiveServer(folder, free_port(), TUESDAY_9AM) for _ in range(count)]
    write_site(folder, data, servers[0].port)
    return servers


@pytest.fixture
def two_servers(tmp_path: Path, bundled_data: dict[str, Any], redis_url: str) -> Iterator[list[LiveServer]]:
    servers = make_servers(tmp_path, bundled_data, redis_url)
    for server in servers:
        server.start()
    yield servers
    for server in servers:
        server.stop()


def antrean(server: LiveServer, *args: str) -> subprocess.CompletedProcess[str]:
    """The `antrean` command on the servers' site, as a person at the server would run it."""
    env = {key: value for key, value in os.environ.items() if key not in ("ANTREAN_DB", "ANTREAN_START_AT")}
    return subprocess.run([sys.executable, "-m", "server.cli", "--config", str(server.config_path), *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def eventually(check: Callable[[], Any], timeout: float = 15) -> Any:
    """Poll `check` until it returns something true; its last answer otherwise (for the assertion)."""
    deadline = time.monotonic() + timeout
    while True:
        answer = check()
        if answer or time.monotonic() > deadline:
            return answer
        time.sleep(0.2)


def service_names(server: LiveServer) -> dict[str, str]:
    services = requests.get(server.url + "/api/v1/services", timeout=5).json()["services"]
    return {service["id"]: service["name"] for service in services}


def test_a_call_through_one_server_reaches_a_display_on_the_other(two_servers: list[LiveServer]) -> None:
    first, second = two_servers
    first.add_user("budi", "officer", counters=["loket-1"])
    display = Listener(second.url, {"display_id": "hall"})
    display.wait_for("display.state")
    ticket = requests.post(second.url + "/api/v1/tickets", json={"service_id": "ktp-el-perekaman"}, timeout=5).json()
    answer = requests.post(first.url + "/api/v1/counters/loket-1/call-next", headers=first.login("budi"), timeout=5)
    assert answer.json()["ticket"]["id"] == ticket["id"]
    call = display.wait_for("ticket.called")
    assert (call["number"], call["counter_id"]) == (ticket["number"], "loket-1")
    display.close()


def test_kiosks_on_both_servers_never_duplicate_a_number(two_servers: list[LiveServer]) -> None:
    numbers: list[str] = []
    lock = threading.Lock()

    def kiosk(server: LiveServer) -> None:
        session = requests.Session()
        for _ in range(25):
            answer = session.post(server.url + "/api/v1/tickets", json={"service_id": "kartu-keluarga"}, timeout=10)
            assert answer.status_code == 201, answer.text
            with lock:
                numbers.append(answer.json()["number"])

    threads = [threading.Thread(target=kiosk, args=(server,)) for server in two_servers for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    prefix = numbers[0][:-3]
    assert sorted(numbers) == [f"{prefix}{i:03d}" for i in range(1, 101)]


# --- one configuration ------------------------------------------------------------------------


def test_a_service_added_through_one_server_is_served_by_the_other_at_once(two_servers: list[LiveServer]) -> None:
    first, second = two_servers
    first.add_user("kepala", "admin")
    new = {"agency_id": "dispendukcapil", "name": "Surat Pindah Antar Provinsi", "prefix": "SPP",
           "counters": ["loket-1"]}  # a service must have a counter that serves it
    answer = requests.put(first.url + "/api/v1/admin/config/services/surat-pindah", headers=first.login("kepala"),
                          json={"value": new}, timeout=30)
    assert answer.status_code == 200, answer.text
    # The very next request through the other server: its kiosk issues, its catalog lists it.
    ticket = requests.post(second.url + "/api/v1/tickets", json={"service_id": "surat-pindah"}, timeout=10)
    assert ticket.status_code == 201, ticket.text
    assert ticket.json()["number"].startswith("SPP")
    assert service_names(second)["surat-pindah"] == "Surat Pindah Antar Provinsi"


def test_config_yaml_edited_by_hand_reaches_every_server_once_valid(two_servers: list[LiveServer]) -> None:
    first, second = two_servers
    first.add_user("kepala", "admin")
    path = first.config_path
    good = path.read_text(encoding="utf-8")

    # A broken edit is not taken: both servers go on with what they ran.
    path.write_text(good.replace("agencies:", "agencies: [unclosed", 1), encoding="utf-8")
    time.sleep(3)
    for server in two_servers:
        answer = requests.post(server.url + "/api/v1/tickets", json={"service_id": "kartu-keluarga"}, timeout=10)
        assert answer.status_code == 201, answer.text

    # A valid edit, written in place as an editor does: every server takes it once it has settled.
    data = yaml.safe_load(good)
    data["agencies"][0]["services"][0]["name"] = "Perekaman KTP-el (Lantai 2)"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for server in two_servers:
        renamed = eventually(lambda s=server: service_names(s)["ktp-el-perekaman"] == "Perekaman KTP-el (Lantai 2)")
        assert renamed, service_names(server)["ktp-el-perekaman"]
    # Said once in the audit log, whichever server took it first.
    entries = requests.get(first.url + "/api/v1/admin/audit?action=config_changed", headers=first.login("kepala"),
                           timeout=10).json()["entries"]
    assert [(entry["target"], entry["actor"]) for entry in entries] == [("config.yaml", None)]


# --- screens catch up when the message queue comes back ---------------------------------------


@pytest.mark.browser
def test_a_display_shows_the_calls_made_while_redis_was_down(two_servers: list[LiveServer], redis_server: Redis,
                                                            screens: Any) -> None:
    first, second = two_servers
    officer = staff(second, ["loket-5"])
    screen = screens(first, "lantai-1")
    before = officer.call("loket-5")
    expect(screen.tile_number("loket-5")).to_have_text(before, timeout=15_000)

    redis_server.kill()
    during = officer.call("loket-5")  # the kiosk and the counter answer as ever
    time.sleep(2)
    expect(screen.tile_number("loket-5")).to_have_text(before)  # the display cannot know yet
    redis_server.start()  # the same port, an empty Redis
    expect(screen.tile_number("loket-5")).to_have_text(during, timeout=20_000)
    after = officer.call("loket-5")  # and the calls flow again
    expect(screen.tile_number("loket-5")).to_have_text(after, timeout=10_000)


def test_a_stopped_redis_hangs_no_kiosk_or_counter(two_servers: list[LiveServer], redis_server: Redis) -> None:
    first, second = two_servers
    officer = staff(second, ["loket-1"])
    display = Listener(first.url, {"display_id": "lantai-1"})
    display.wait_for("display.state")
    redis_server.pause()  # connections are accepted, nothing is answered
    try:
        for server in two_servers:
            answer = requests.post(server.url + "/api/v1/tickets", json={"service_id": "ktp-el-perekaman"}, timeout=10)
            assert answer.status_code == 201, answer.text
        call = requests.post(second.url + "/api/v1/counters/loket-1/call-next", headers=officer.headers, timeout=10)
        assert call.status_code == 200, call.text
        assert requests.get(first.url + "/api/v1/health", timeout=10).status_code == 200
    finally:
        redis_server.resume()
    # Once Redis answers again, calls through one server reach the display on the other.
    def heard() -> bool:
        officer.issue("loket-1")
        number = officer.act("loket-1", "call-next")["ticket"]["number"]
        try:
            display.wait_for("ticket.called", lambda call: call["number"] == number, timeout=3)
        except AssertionError:
            return False
        return True

    assert eventually(heard, timeout=40)
    display.close()


# --- one clock --------------------------------------------------------------------------------


def server_clock(server: LiveServer) -> float:
    return float(requests.get(server.url + "/time.json", timeout=5).json()["server_time"]) / 1000


def test_the_servers_of_a_site_keep_one_clock(tmp_path: Path, bundled_data: dict[str, Any], redis_url: str) -> None:
    servers = make_servers(tmp_path, bundled_data, redis_url)
    first, second = servers
    try:
        first.start()
        time.sleep(3)  # the second starts later, with the same ANTREAN_START_AT
        second.start()
        assert abs(server_clock(first) - server_clock(second)) < 1.0
        second.restart()  # one server restarted joins the site's clock rather than starting it again
        assert abs(server_clock(first) - server_clock(second)) < 1.0

        # A trainer moves the clock to the afternoon: every server follows, and the services
        # that close at 13:00 are closed on both.
        moved = antrean(first, "clock", "set", "2026-12-01T14:00:00+07:00")
        assert moved.returncode == 0, moved.stderr
        afternoon = TUESDAY_9AM.replace(hour=14).timestamp()
        for server in servers:
            assert eventually(lambda s=server: abs(server_clock(s) - afternoon) < 30, timeout=5)
            services = requests.get(server.url + "/api/v1/services", timeout=5).json()["services"]
            assert {s["id"]: s["open"] for s in services}["ktp-el-perekaman"] is False
    finally:
        for server in servers:
            server.stop()


def test_a_server_without_a_set_clock_follows_the_system_clock(live_server_factory: Any) -> None:
    server = live_server_factory(env={"ANTREAN_START_AT": ""})
    refused = antrean(server, "clock", "set", "2030-01-01T09:00:00+07:00")
    assert refused.returncode == 2 and "system clock" in refused.stderr
    assert abs(server_clock(server) - time.time()) < 5
