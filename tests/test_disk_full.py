"""A full disk, for real: the data folder of a live server is a small tmpfs, filled with a
file until writes fail. Kiosks get a 503 in words, the health check says so, no number is
used up without its ticket, and once the file is deleted everything works again by
itself, without a restart.

Mounting needs root (the test machine's tests run as root). Without it the test fails
and says so: a skipped fault test proves nothing.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from conftest import LiveServer, make_hall_app, start_site
from kiosk_support import TIMEOUT, Kiosk
from playwright.sync_api import Page, expect
from rules import issue
from tmpfs import small_tmpfs

from server.core.clock import FixedClock
from server.core.config import SiteConfig
from server.core.errors import RuleError

SERVICE = "kartu-keluarga"  # prefix C


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 48 MiB tmpfs as the site's data folder, unmounted after the test."""
    with small_tmpfs(tmp_path / "site" / "data", "48m", mode="0700") as folder:
        yield folder


@pytest.fixture
def full_site(small_disk: Path, bundled_data: dict[str, Any]) -> Iterator[LiveServer]:
    server = start_site(small_disk.parent, bundled_data)
    try:
        yield server
    finally:
        server.stop()  # before the tmpfs is unmounted


def fill(folder: Path) -> Path:
    """Write a file into `folder` until the disk refuses another byte."""
    filler = folder / "filler.bin"
    with open(filler, "wb", buffering=0) as out:
        for size in (1 << 20, 4096, 1):
            try:
                while True:
                    out.write(b"\0" * size)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC, exc
    return filler


def take(server: LiveServer, **extra: Any) -> requests.Response:
    return requests.post(server.url + "/api/v1/tickets", json={"service_id": SERVICE, **extra}, timeout=20)


def assert_refused(answer: requests.Response) -> None:
    """A 503 in the contract's shape that says the disk is full: no 500, no traceback."""
    assert answer.status_code == 503, answer.text
    assert answer.headers["Content-Type"].startswith("application/json")
    error = answer.json()["error"]
    assert error["code"] == "disk_full" and "disk is full" in error["message"]
    assert "Traceback" not in answer.text


def health(server: LiveServer) -> requests.Response:
    return requests.get(server.url + "/api/v1/health", timeout=10)


def test_a_full_disk_refuses_in_words_and_recovers_by_itself(full_site: LiveServer, small_disk: Path) -> None:
    server = full_site
    first = take(server).json()["number"]
    assert health(server).status_code == 200
    filler = fill(small_disk)

    answer = health(server)
    assert answer.status_code == 503
    assert answer.json()["error"]["code"] == "disk_full"
    for _ in range(3):  # refused, cleanly, as long as the disk stays full
        assert_refused(take(server, kiosk_id="kiosk-1"))
    assert health(server).json()["error"]["code"] == "disk_full"

    filler.unlink()
    assert health(server).status_code == 200
    after = take(server)
    assert after.status_code == 201, after.text
    # No number was used up by a refused request: the next ticket has the next number.
    assert [first, after.json()["number"]] == ["C001", "C002"]
    pid = server.process.pid if server.process else None
    assert server.process is not None and server.process.poll() is None and pid == server.process.pid
    log = (server.folder / "server.log").read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in log, log[-3000:]


def test_the_kiosk_says_in_both_languages_that_the_disk_is_full(
        full_site: LiveServer, small_disk: Path, page: Page) -> None:
    kiosk = Kiosk(page, full_site).open()
    filler = fill(small_disk)
    kiosk.touch(kiosk.agency("Dispendukcapil"))
    kiosk.touch(kiosk.service("Kartu Keluarga"))
    notice = page.locator("#notice-title")
    tile = page.locator(f'.service-tile:visible[data-service-id="{SERVICE}"]').first
    expect(notice).to_have_text("Maaf, nomor belum dapat diambil: penyimpanan server penuh. "
                                "Mohon beri tahu petugas.", timeout=TIMEOUT)
    page.locator('[data-action="notice-ok"]').click()
    page.locator("#lang-switch").click()
    kiosk.touch(tile)
    expect(notice).to_have_text("Sorry, no number can be taken now: the server's storage is full. "
                                "Please tell a staff member.", timeout=TIMEOUT)
    page.locator('[data-action="notice-ok"]').click()

    filler.unlink()
    kiosk.touch(tile)
    ticket = kiosk.shown_ticket()
    assert ticket["number"].startswith("C")
    assert os.path.exists(full_site.db_path)


def test_a_commit_that_finds_the_disk_full_is_rolled_back_whole(
        small_disk: Path, small_config: SiteConfig, clock: FixedClock) -> None:
    """Below the kiosks' reserve, for the writes that have none (calls, finishes, saves): SQLite
    itself runs out of room. The change is rolled back whole (no number without its ticket),
    said as disk_full, and the very next write after space returns succeeds."""
    app = make_hall_app(small_config, small_disk, clock)
    try:
        numbers = [issue(app, "kk")["number"]]
        filler = fill(small_disk)
        refusals = 0
        for _ in range(500):  # the log may still have room for a few tickets
            try:
                numbers.append(issue(app, "kk")["number"])
            except RuleError as exc:
                assert exc.code == "disk_full" and exc.status == 503
                refusals += 1
                if refusals == 3:
                    break
        assert refusals == 3, "500 tickets were saved on a full disk"
        health = app.client().get("/api/v1/health")
        assert health.status_code == 503 and health.json["error"]["code"] == "disk_full"

        filler.unlink()
        assert app.client().get("/api/v1/health").status_code == 200
        numbers.append(issue(app, "kk")["number"])
        assert numbers == [f"B{n:03d}" for n in range(1, len(numbers) + 1)]
        with app.hall.store.read() as tx:
            assert tx.scalar("SELECT last_seq FROM sequences WHERE service_id = 'kk'") == len(numbers)
            assert tx.scalar("SELECT count(*) FROM tickets") == len(numbers)
            assert tx.scalar("PRAGMA integrity_check") == "ok"
    finally:
        app.hall.store.close()
