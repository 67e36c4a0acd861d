"""Scale-out mode: two real server processes on one database (Redis joins their Socket.IO),
one real (fake) network printer. Each printer is driven by one process at a time, the
holder of its lease; every ticket prints exactly once, counted at the printer, and when
the holder is killed with SIGKILL the other process takes the printer over."""

from __future__ import annotations

import copy
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from conftest import TUESDAY_9AM, LiveServer, free_port, write_site
from fakeprinter import FakePrinter

REDIS = "/usr/bin/redis-server"
SERVICE = "kartu-keluarga"


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    if not Path(REDIS).exists():
        pytest.fail("redis-server is not installed; scripts/test installs it")
    import redis

    port = free_port()
    process = subprocess.Popen([REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
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
def printer() -> Iterator[FakePrinter]:
    fake = FakePrinter().start()
    yield fake
    fake.stop()


@pytest.fixture
def two_servers(tmp_path: Path, bundled_data: dict[str, Any], redis_url: str,
                printer: FakePrinter) -> Iterator[list[LiveServer]]:
    """Two processes, one site folder and database; both kiosks print on the one printer."""
    data = copy.deepcopy(bundled_data)
    data["server"] = {**data.get("server", {}), "message_queue": redis_url}
    data["printers"] = [{"id": "printer-lobi", "name": "Printer Lobi", "type": "network", "host": "127.0.0.1",
                         "port": printer.port}]
    data["kiosks"] = [{"id": "kiosk-1", "name": "Kios Lobi 1", "printer": "printer-lobi"},
                      {"id": "kiosk-2", "name": "Kios Lobi 2", "printer": "printer-lobi"}]
    folder = tmp_path / "site"
    servers = [LiveServer(folder, free_port(), TUESDAY_9AM) for _ in range(2)]
    write_site(folder, data, servers[0].port)
    for server in servers:
        server.start()
    yield servers
    for server in servers:
        server.stop()


def numbers_printed(printer: FakePrinter) -> list[str]:
    """The ticket numbers on the paper (the one line printed at a large size)."""
    return [line.text for line in printer.decoded().lines if line.size[0] >= 4]


def issue_through_both(servers: list[LiveServer], count: int) -> list[dict[str, Any]]:
    """`count` tickets, half through each process, two kiosks at once."""
    issued: list[dict[str, Any]] = []
    lock = threading.Lock()

    def kiosk(server: LiveServer, kiosk_id: str) -> None:
        for _ in range(count // 2):
            answer = requests.post(server.url + "/api/v1/tickets", json={"service_id": SERVICE, "kiosk_id": kiosk_id},
                                   timeout=15)
            assert answer.status_code == 201, answer.text
            with lock:
                issued.append(answer.json())

    threads = [threading.Thread(target=kiosk, args=(server, f"kiosk-{n + 1}")) for n, server in enumerate(servers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(issued) == count
    return issued


def all_printed(server: LiveServer, tickets: list[dict[str, Any]]) -> bool:
    return all(requests.get(f"{server.url}/api/v1/tickets/{t['id']}", timeout=5).json()["print"]["status"]
               == "printed" for t in tickets)


def eventually(condition: Any, timeout: float = 45.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return bool(condition())


def lease_holder(server: LiveServer) -> str:
    with sqlite3.connect(server.db_path) as db:
        row = db.execute("SELECT holder FROM printer_leases WHERE printer_id = 'printer-lobi'").fetchone()
    assert row is not None, "nobody holds the printer's lease"
    return str(row[0])


def test_tickets_issued_through_both_processes_print_exactly_once(
        two_servers: list[LiveServer], printer: FakePrinter) -> None:
    first = issue_through_both(two_servers, 10)  # the printer works
    port = printer.port
    printer.stop()  # then it is switched off a while: tickets wait in the one queue
    waiting = issue_through_both(two_servers, 20)
    assert all(t["print"]["status"] == "queued" for t in waiting)
    printer.start()  # the same port: it is back, and both processes are ready to print
    assert printer.port == port
    later = issue_through_both(two_servers, 10)
    everything = first + waiting + later
    assert eventually(lambda: all_printed(two_servers[1], everything))
    time.sleep(2.0)  # retries, polls and health checks go on: nothing may come out twice
    printed = numbers_printed(printer)
    assert sorted(printed) == sorted(t["number"] for t in everything)
    assert len(printed) == len(set(printed)) == 40


def test_when_the_lease_holder_is_killed_the_other_process_takes_over(
        two_servers: list[LiveServer], printer: FakePrinter) -> None:
    first = issue_through_both(two_servers, 6)
    assert eventually(lambda: all_printed(two_servers[0], first))
    holder = lease_holder(two_servers[0])
    pids = [server.process.pid for server in two_servers if server.process is not None]
    dying = next(s for s, pid in zip(two_servers, pids, strict=True) if f":{pid}:" in holder)
    survivor = next(s for s in two_servers if s is not dying)

    printer.stop()  # nothing in flight when the holder dies: its attempts are refused at once
    waiting = issue_through_both(two_servers, 10)
    assert dying.process is not None
    dying.process.kill()  # SIGKILL: no goodbye, its lease just stops being renewed
    dying.process.wait(10)
    printer.start()
    more = [requests.post(survivor.url + "/api/v1/tickets", json={"service_id": SERVICE, "kiosk_id": "kiosk-1"},
                          timeout=15).json() for _ in range(4)]

    assert eventually(lambda: all_printed(survivor, waiting + more))
    assert f":{survivor.process.pid}:" in lease_holder(survivor)  # type: ignore[union-attr]
    time.sleep(2.0)
    printed = numbers_printed(printer)
    assert sorted(printed) == sorted(t["number"] for t in first + waiting + more)
    assert len(printed) == len(set(printed)) == 20
