"""Helpers shared by the hall display's browser tests (this module holds no tests).

Test modules import the fixtures `shared_site_fixture` and `screens_fixture`, which pytest
then offers as `shared_site` and `screens`. `shared_site` is one live server shared by a
module's tests (starting one costs seconds on a small machine), so each test there calls
at counters of its own. `staff(...)` is an officer issuing and calling through the API;
a `Screen` is one display page that records the sound files it asks for.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

import pytest
import requests
from conftest import LiveServer, start_site
from PIL import Image, ImageDraw
from playwright.sync_api import expect

ANNOUNCED_TIMEOUT = 25_000  # ms; a voice announcement lasts about 5 s
SIZES = {"1920": (1920, 1080), "1366": (1366, 768), "1280": (1280, 720), "portrait": (1080, 1920)}


# --- a staffed hall: tickets and calls through the API ------------------------------------


@dataclass
class Staff:
    """An officer at some counters of a live server, issuing and calling through the API."""

    server: LiveServer
    headers: dict[str, str]
    open_services: dict[str, list[str]]  # counter id -> its services open now

    def issue(self, counter_id: str) -> str:
        service_id = self.open_services[counter_id][0]
        answer = requests.post(f"{self.server.url}/api/v1/tickets", json={"service_id": service_id}, timeout=10)
        assert answer.status_code == 201, answer.text
        return str(answer.json()["number"])

    def act(self, counter_id: str, action: str) -> dict[str, Any]:
        answer = requests.post(f"{self.server.url}/api/v1/counters/{counter_id}/{action}", headers=self.headers,
                               timeout=10)
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    def call(self, counter_id: str) -> str:
        """Issue a ticket the counter serves and call it there; its number."""
        number = self.issue(counter_id)
        ticket = self.act(counter_id, "call-next")["ticket"]
        assert ticket["number"] == number
        return number


def staff(server: LiveServer, counters: list[str], username: str = "petugas") -> Staff:
    server.add_user(username, "officer", counters=counters)
    services = {s["id"]: s for s in requests.get(f"{server.url}/api/v1/services", timeout=10).json()["services"]}
    listed = {c["id"]: c for c in requests.get(f"{server.url}/api/v1/counters", timeout=10).json()["counters"]}
    open_services = {c: [s for s in listed[c]["service_ids"] if services[s]["open"]] for c in counters}
    assert all(open_services.values()), open_services
    return Staff(server, server.login(username), open_services)


@pytest.fixture(scope="module", name="shared_site")
def shared_site_fixture(bundled_data: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One bundled site for the tests that use counters of their own and need no fresh
    hall; plus a display "iklan" (Loket 60) with a media folder of two slides and a
    chime-only display "pintu" (Loket 7 and 8)."""
    data = copy.deepcopy(bundled_data)
    data["displays"] += [
        {"id": "iklan", "name": "Layar Iklan", "counters": ["loket-60"], "media_folder": "media"},
        {"id": "pintu", "name": "Layar Pintu", "counters": ["loket-7", "loket-8"], "sound": "chime"},
    ]
    folder = tmp_path_factory.mktemp("shared-site")
    (folder / "media").mkdir()
    for index, colour in enumerate(["#0b5cab", "#11793a"], start=1):
        image = Image.new("RGB", (1280, 720), colour)
        ImageDraw.Draw(image).rectangle((80, 80, 1200, 640), outline="white", width=24)
        image.save(folder / "media" / f"slide-{index}.png")
    server = start_site(folder, data)
    yield server
    server.stop()


# --- a display page -------------------------------------------------------------------------


@dataclass
class Screen:
    page: Any
    audio: list[str] = field(default_factory=list)  # paths of /audio/ requests, in order
    errors: list[str] = field(default_factory=list)

    def record(self, request: Any) -> None:
        path = urlparse(request.url).path
        if path.startswith("/audio/"):
            self.audio.append(path)

    def tile(self, counter_id: str) -> Any:
        return self.page.locator(f'.tile[data-counter="{counter_id}"]')

    def tile_number(self, counter_id: str) -> Any:
        return self.tile(counter_id).locator(".tile-number")

    def hero_number(self) -> Any:
        return self.page.locator("#hero-number")

    def announcements(self) -> list[dict[str, Any]]:
        return list(self.page.evaluate("() => window.__announcements.map((entry) => ({ ...entry }))"))

    def wait_announced(self, count: int) -> list[dict[str, Any]]:
        """Wait until `count` announcements have finished; all announcements so far."""
        self.page.wait_for_function(
            "n => window.__announcements.filter((entry) => entry.ended !== null).length >= n",
            arg=count, timeout=ANNOUNCED_TIMEOUT,
        )
        return self.announcements()


@pytest.fixture(name="screens")
def screens_fixture(browser: Any) -> Iterator[Any]:
    """Open display pages: `screens(server, display_id, size="1920", query="", on=browser)`."""
    contexts: list[Any] = []
    opened: list[Screen] = []

    def open_screen(server: LiveServer, display_id: str, size: str = "1920", query: str = "",
                    on: Any = None, init_script: str | None = None, tiles: int | None = None) -> Screen:
        width, height = SIZES[size]
        context = (on or browser).new_context(viewport={"width": width, "height": height}, locale="id-ID")
        contexts.append(context)
        if init_script:
            context.add_init_script(init_script)
        page = context.new_page()
        screen = Screen(page)
        opened.append(screen)
        page.on("request", screen.record)
        page.on("pageerror", lambda error: screen.errors.append(str(error)))
        page.goto(f"{server.url}/display/{display_id}{query}")
        if tiles is not None:
            expect(page.locator(".tile")).to_have_count(tiles, timeout=10_000)
        else:
            expect(page.locator(".tile").first).to_be_visible(timeout=10_000)
        return screen

    yield open_screen
    for context in contexts:
        context.close()
    assert [error for screen in opened for error in screen.errors] == []


def sentence(counter_id: str, number: str) -> str:
    return f"/audio/call/{counter_id}/{number}.wav"


CHIME = "/audio/chime-short.wav"  # the bundled site's short call
FULL_CHIME = "/audio/chime.wav"
CALLING = re.compile(r"\bis-calling\b")
CLOCK = re.compile(r"^09:0\d$")
