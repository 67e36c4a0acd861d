"""Helpers shared by the counter page's browser tests (this module holds no tests).

Test modules import the fixtures `site_fixture`, `desks_fixture` and
`hall_listener_fixture`, which pytest then offers as `site`, `desks` and `hall_listener`.
`site` is one live server shared by a module's tests (starting one costs seconds on
a small machine), so each test there works at its own counters and services.

Site facts used (bundled config.yaml): "ktp-el-perekaman" (prefix A) is served by
loket-1, loket-2 and loket-3; loket-3 also serves "aktivasi-ikd" (prefix IKD);
"kartu-keluarga" (prefix C) is served by loket-5 and loket-6, not by loket-1..3.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
import socketio
from conftest import PASSWORD, LiveServer, start_site
from playwright.sync_api import Locator, Page, expect

KTP = "ktp-el-perekaman"
IKD = "aktivasi-ikd"
KK = "kartu-keluarga"
DESKTOP = {"width": 1366, "height": 768}
TABLET_LANDSCAPE = {"width": 1280, "height": 800}
TABLET_PORTRAIT = {"width": 800, "height": 1280}
WAIT_MS = 10_000


def issue(server: LiveServer, service_id: str, priority: str | None = None) -> dict[str, Any]:
    """Issue a ticket the way a kiosk does; return the Ticket."""
    answer = requests.post(server.url + "/api/v1/tickets", json={"service_id": service_id, "priority": priority},
                           timeout=10)
    assert answer.status_code == 201, answer.text
    return answer.json()  # type: ignore[no-any-return]


def api(server: LiveServer, method: str, path: str, headers: dict[str, str] | None = None,
        body: Any = None) -> Any:
    answer = requests.request(method, server.url + path, json=body, headers=headers or {}, timeout=10)
    assert answer.ok, answer.text
    return answer.json()


@pytest.fixture(scope="module", name="site")
def site_fixture(tmp_path_factory: Any, bundled_data: dict[str, Any]) -> Iterator[LiveServer]:
    """The bundled site on a live server, shared by one module's tests."""
    server = start_site(tmp_path_factory.mktemp("counter-site"), bundled_data)
    yield server
    server.stop()


@pytest.fixture(name="desks")
def desks_fixture(browser: Any) -> Iterator[Callable[..., Page]]:
    """Open pages in fresh browser contexts (one per officer's device): `desks(viewport)`."""
    contexts: list[Any] = []

    def open_page(viewport: dict[str, int] | None = None) -> Page:
        context = browser.new_context(viewport=viewport or DESKTOP, locale="id-ID")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        return page

    yield open_page
    for context in contexts:
        context.close()


def log_in(page: Page, server: LiveServer, username: str, password: str = PASSWORD) -> None:
    """Open /counter and log in through the form."""
    if not page.url.startswith(server.url):
        page.goto(server.url + "/counter")
    expect(page.locator("#login-view")).to_be_visible()
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#login-submit")


def at_counter(page: Page, server: LiveServer, username: str, counter_id: str | None = None) -> None:
    """Log in and arrive on the work screen of a counter, connected and in sync."""
    log_in(page, server, username)
    if counter_id is not None:
        # An officer with one counter goes straight to work; others choose first.
        page.wait_for_selector('body[data-view="choose"], body[data-view="work"]', state="attached")
        if page.locator("body").get_attribute("data-view") == "choose":
            page.click(f'#counter-list [data-counter-id="{counter_id}"]')
    expect(page.locator("#work-view")).to_be_visible()
    expect(button(page, "call-next")).to_be_enabled()
    expect(page.locator("#service-lines li").first).to_be_visible()


def button(page: Page, action: str) -> Locator:
    return page.locator(f'#actions [data-action="{action}"]')


def current_number(page: Page) -> Locator:
    return page.locator("#current-number")


def notice(page: Page) -> Locator:
    return page.locator("#notice")


def listed_numbers(page: Page) -> list[str]:
    return page.locator("#ticket-list .ticket-number").all_inner_texts()


class HallListener:
    """A stand-in for the hall display: a real Socket.IO client subscribed to display "hall"."""

    def __init__(self, server: LiveServer, display_id: str = "hall") -> None:
        self.calls: list[dict[str, Any]] = []
        self.subscribed = threading.Event()
        self.client = socketio.Client(reconnection=False)
        self.client.on("ticket.called", self.calls.append)
        self.client.on("display.state", lambda state: self.subscribed.set())
        self.client.connect(server.url, transports=["websocket"], wait_timeout=10)
        self.client.emit("subscribe", {"display_id": display_id})
        assert self.subscribed.wait(10), "the display got no display.state after subscribing"

    def wait_for(self, count: int, timeout: float = 10) -> list[dict[str, Any]]:
        """Wait until at least `count` calls have arrived; return them all."""
        deadline = time.monotonic() + timeout
        while len(self.calls) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(self.calls) >= count, f"expected {count} calls on the hall display, got {self.calls}"
        return list(self.calls)

    def close(self) -> None:
        self.client.disconnect()


@pytest.fixture(name="hall_listener")
def hall_listener_fixture() -> Iterator[Callable[[LiveServer], HallListener]]:
    made: list[HallListener] = []

    def listen(server: LiveServer) -> HallListener:
        listener = HallListener(server)
        made.append(listener)
        return listener

    yield listen
    for listener in made:
        listener.close()
