"""Shared fixtures: real SQLite files, the real app, a live server, real Chromium.

- `hall_app`: the Flask app in-process (threading mode) on a temp data folder,
  with a clock the test sets (Tuesday 1 December 2026, 09:00 WIB by default).
- `live_server`: `antrean serve` in a subprocess (gevent, real WebSockets) on a
  free port, on a copy of the bundled config.yaml; it can be restarted.
- `browser` / `page`: Debian's Chromium driven by Playwright.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests
import yaml

from server.app import create_app
from server.core.clock import FixedClock
from server.core.config import SiteConfig
from server.core.config_load import load_config, parse_config
from server.core.store import database_name

ROOT = Path(__file__).resolve().parent.parent
BUNDLED_CONFIG = ROOT / "config.yaml"
JAKARTA = ZoneInfo("Asia/Jakarta")
TUESDAY_9AM = datetime(2026, 12, 1, 9, 0, tzinfo=JAKARTA)
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("ANTREAN_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "rahasia-123"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def bundled_data() -> dict[str, Any]:
    return yaml.safe_load(BUNDLED_CONFIG.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def bundled_config() -> SiteConfig:
    return load_config(BUNDLED_CONFIG)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(TUESDAY_9AM)


@dataclass
class HallApp:
    app: Any
    socketio: Any
    clock: FixedClock
    data_dir: Path

    @property
    def hall(self) -> Any:
        return self.app.extensions["antrean"]

    @property
    def site(self) -> Any:
        return self.hall.site

    def client(self) -> Any:
        return self.app.test_client()

    def add_user(self, username: str, role: str, *, counters: list[str] | None = None,
                 agency: str | None = None) -> dict[str, str]:
        """Create a user and return the Authorization header of a fresh login."""
        from server.core import auth

        with self.hall.store.write() as tx:
            auth.create_user(tx, self.site, auth.NewUser(username, PASSWORD, role, agency, counters or []),
                             self.clock.now())
        answer = self.client().post("/api/v1/session", json={"username": username, "password": PASSWORD})
        assert answer.status_code == 200, answer.json
        return {"Authorization": f"Bearer {answer.json['token']}"}


# The hall limits anonymous ticket requests by default (server/core/limits.py). Tests issue
# hundreds of tickets from one address in a second, so their sites turn the limits off unless
# the test's configuration sets them (tests/test_limits.py does).
UNLIMITED = {"rate_limit_per_minute": None, "kiosk_rate_limit_per_minute": None}


def unlimited(config: SiteConfig) -> SiteConfig:
    off = {key: value for key, value in UNLIMITED.items() if key not in config.server.model_fields_set}
    return config.model_copy(update={"server": config.server.model_copy(update=off)})


def make_hall_app(config: SiteConfig, data_dir: Path, clock: FixedClock) -> HallApp:
    app, socketio = create_app(unlimited(config), data_dir=data_dir, clock=clock, start_printing=False)
    app.config["TESTING"] = True
    return HallApp(app, socketio, clock, data_dir)


@pytest.fixture
def hall_app(bundled_config: SiteConfig, tmp_path: Path, clock: FixedClock) -> Iterator[HallApp]:
    made = make_hall_app(bundled_config, tmp_path / "data", clock)
    yield made
    made.hall.store.close()


@pytest.fixture
def small_config(bundled_data: dict[str, Any]) -> SiteConfig:
    """A two-agency site (few counters) for rules whose numbers are worked out by hand."""
    data = {
        "site": {**bundled_data["site"], "breaks": [], "holidays": []},
        "agencies": [
            {"id": "capil", "name": "Dinas Kependudukan", "short_name": "Dukcapil", "services": [
                {"id": "ktp", "name": "Perekaman KTP-el", "prefix": "A", "quota": 5, "standard_minutes": 10},
                {"id": "kk", "name": "Kartu Keluarga", "prefix": "B", "standard_minutes": 20},
            ]},
            {"id": "pajak", "name": "Badan Pendapatan Daerah", "short_name": "Bapenda", "services": [
                {"id": "pbb", "name": "PBB-P2", "prefix": "PBB",
                 "hours": {"open": "08:00", "close": "12:00"}},
            ]},
        ],
        "counters": [
            {"id": "loket-1", "name": "Loket 1", "agency": "capil", "services": ["ktp", "kk"]},
            {"id": "loket-2", "name": "Loket 2", "agency": "capil", "services": ["ktp"]},
            {"id": "loket-3", "name": "Loket 3", "agency": "pajak", "services": ["pbb"]},
        ],
        "printers": [{"id": "p1", "type": "virtual"}],
        "kiosks": [{"id": "kiosk-1", "name": "Kios 1", "printer": "p1"}, {"id": "kiosk-2", "name": "Kios 2"}],
        "displays": [
            {"id": "hall", "name": "Aula", "counters": "all"},
            {"id": "pajak", "name": "Layar Pajak", "counters": ["loket-3"]},
        ],
    }
    return parse_config(data, "small.yaml")


@pytest.fixture
def small_app(small_config: SiteConfig, tmp_path: Path, clock: FixedClock) -> Iterator[HallApp]:
    made = make_hall_app(small_config, tmp_path / "data", clock)
    yield made
    made.hall.store.close()


# --- a live server in a subprocess ---------------------------------------------------------


@dataclass
class LiveServer:
    folder: Path
    port: int
    start_at: datetime
    extra_env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None
    demo: bool = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def config_path(self) -> Path:
        return self.folder / "config.yaml"

    @property
    def db_path(self) -> Path:
        return self.folder / "data" / database_name(self.demo)

    def start(self) -> None:
        env = {**os.environ, "ANTREAN_START_AT": self.start_at.isoformat(), **self.extra_env}
        env.pop("ANTREAN_DB", None)
        command = [sys.executable, "-m", "server.cli", "--config", str(self.config_path), "serve",
                   "--port", str(self.port)] + (["--demo"] if self.demo else [])
        with open(self.folder / "server.log", "ab") as log:  # the child keeps its own copy of the handle
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {(self.folder / 'server.log').read_text()[-3000:]}")
            try:
                if requests.get(self.url + "/api/v1/health", timeout=1).status_code == 200:
                    return
            except requests.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("server did not start within 20 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def add_user(self, username: str, role: str, counters: list[str] = (), agency: str | None = None) -> None:
        """Add a user straight into the running server's database (as `antrean user add` does)."""
        from server.core import auth
        from server.core.site import SiteIndex
        from server.core.store import Store

        store = Store(self.db_path)
        try:
            with store.write() as tx:
                site = SiteIndex(load_config(self.config_path))
                auth.create_user(tx, site, auth.NewUser(username, PASSWORD, role, agency, list(counters)), time.time())
        finally:
            store.close()

    def login(self, username: str) -> dict[str, str]:
        answer = requests.post(self.url + "/api/v1/session", json={"username": username, "password": PASSWORD},
                               timeout=5)
        answer.raise_for_status()
        return {"Authorization": f"Bearer {answer.json()['token']}"}


def write_site(folder: Path, data: dict[str, Any], port: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    data = {**data, "site": {**data["site"], "public_url": f"http://127.0.0.1:{port}"},
            "server": {**UNLIMITED, **data.get("server", {}), "data_dir": "data"}}
    (folder / "config.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture
def live_server_factory(tmp_path: Path, bundled_data: dict[str, Any]) -> Iterator[Any]:
    """Make live servers: `factory(data=None, start_at=TUESDAY_9AM, env={}, demo=False)`."""
    servers: list[LiveServer] = []

    def factory(data: dict[str, Any] | None = None, start_at: datetime = TUESDAY_9AM,
                env: dict[str, str] | None = None, demo: bool = False) -> LiveServer:
        port = free_port()
        folder = tmp_path / f"site-{len(servers)}"
        write_site(folder, data or bundled_data, port)
        server = LiveServer(folder, port, start_at, env or {}, demo=demo)
        servers.append(server)
        server.start()
        return server

    yield factory
    for server in servers:
        server.stop()


@pytest.fixture
def live_server(live_server_factory: Any) -> LiveServer:
    return live_server_factory()


# --- Chromium through Playwright -----------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}; run scripts/test to install it")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--autoplay-policy=no-user-gesture-required"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="id-ID")
    page = context.new_page()
    yield page
    context.close()


def start_site(folder: Path, data: dict[str, Any], start_at: datetime = TUESDAY_9AM) -> LiveServer:
    """A live server on `data` (a site's configuration) in `folder`, running."""
    port = free_port()
    write_site(folder, data, port)
    server = LiveServer(folder, port, start_at)
    server.start()
    return server


def screenshot(page: Any, name: str) -> Path:
    """Save a screenshot for people to look at (test-artifacts/screenshots/NAME.png)."""
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path))
    return path
