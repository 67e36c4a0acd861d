"""Two server processes on one database, joined by Redis as Socket.IO's message queue:
a display connected to one sees the calls made through the other, and kiosks on both
never duplicate a number."""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from conftest import TUESDAY_9AM, LiveServer, free_port, write_site
from live import Listener

REDIS = "/usr/bin/redis-server"


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    if not Path(REDIS).exists():
        pytest.fail("redis-server is not installed; scripts/test installs it")
    port = free_port()
    process = subprocess.Popen([REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    import redis

    while time.monotonic() < deadline:
        try:
            redis.Redis(port=port).ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(10)


@pytest.fixture
def two_servers(tmp_path: Path, bundled_data: dict[str, Any], redis_url: str) -> Iterator[list[LiveServer]]:
    folder = tmp_path / "site"
    data = {**bundled_data, "server": {**bundled_data.get("server", {}), "message_queue": redis_url}}
    servers = [LiveServer(folder, free_port(), TUESDAY_9AM) for _ in range(2)]
    write_site(folder, data, servers[0].port)
    for server in servers:
        server.start()
    yield servers
    for server in servers:
        server.stop()


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
