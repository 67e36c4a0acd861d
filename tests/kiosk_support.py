"""Shared pieces of the kiosk browser tests: the test site, a live server on it, a touch counter.

The site is the bundled one with a few changes that the tests need:
- kiosk-1 prints on a fake network printer (tests/fakeprinter.py), kiosk-2 on a
  network printer whose port nothing listens on (printing fails);
- KIA has a quota of one ticket a day; Akta Kematian's hours ended at 08:30
  (the tests run at Tuesday 09:00).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from conftest import LiveServer, free_port, start_site
from fakeprinter import FakePrinter
from playwright.sync_api import Locator, Page, expect

QUOTA_SERVICE = "kia"
ENDED_SERVICE = "akta-kematian"
TIMEOUT = 10_000  # ms: generous for a loaded 2-core machine, never waited for when things work


def kiosk_site_data(bundled: dict[str, Any], printer_port: int) -> dict[str, Any]:
    data = copy.deepcopy(bundled)
    data["printers"] = [
        {"id": "printer-ok", "name": "Printer Lobi", "type": "network", "host": "127.0.0.1", "port": printer_port},
        {"id": "printer-rusak", "name": "Printer Rusak", "type": "network", "host": "127.0.0.1",
         "port": free_port()},
    ]
    data["kiosks"] = [
        {"id": "kiosk-1", "name": "Kios Lobi", "printer": "printer-ok"},
        {"id": "kiosk-2", "name": "Kios Rusak", "printer": "printer-rusak"},
    ]
    for agency in data["agencies"]:
        for service in agency["services"]:
            if service["id"] == QUOTA_SERVICE:
                service["quota"] = 1
            if service["id"] == ENDED_SERVICE:
                service["hours"] = {"open": "07:30", "close": "08:30"}
    return data


@pytest.fixture(name="printer", scope="module")
def printer_fixture() -> Iterator[FakePrinter]:
    """kiosk-1's printer: a fake network printer that records what it was sent."""
    with FakePrinter() as fake:
        yield fake


@pytest.fixture(name="site", scope="module")
def site_fixture(tmp_path_factory: pytest.TempPathFactory, bundled_data: dict[str, Any],
                 printer: FakePrinter) -> Iterator[LiveServer]:
    """The kiosk test site on a live server, shared by one module's tests."""
    server = start_site(tmp_path_factory.mktemp("kiosk-site"), kiosk_site_data(bundled_data, printer.port))
    yield server
    server.stop()


def api(server: LiveServer, path: str, method: str = "GET", **kwargs: Any) -> Any:
    answer = requests.request(method, server.url + "/api/v1" + path, timeout=10, **kwargs)
    answer.raise_for_status()
    return answer.json()


def waiting(server: LiveServer, service_id: str) -> int:
    services = api(server, "/services")["services"]
    return int(next(s["waiting"] for s in services if s["id"] == service_id))


class Kiosk:
    """A kiosk page that counts the visitor's touches (keys typed on the keyboard apart)."""

    def __init__(self, page: Page, server: LiveServer) -> None:
        self.page = page
        self.server = server
        self.touches = 0

    def open(self, kiosk_id: str = "kiosk-1", query: str = "") -> Kiosk:
        self.page.goto(f"{self.server.url}/kiosk/{kiosk_id}{query}")
        expect(self.page.locator(".agency-tile")).to_have_count(33, timeout=TIMEOUT)
        self.touches = 0
        return self

    def touch(self, target: str | Locator) -> None:
        locator = self.page.locator(target) if isinstance(target, str) else target
        locator.click()
        self.touches += 1

    def agency(self, short_name: str) -> Locator:
        return self.page.locator(".agency-tile", has=self.page.locator(".agency-short", has_text=short_name))

    def service(self, name: str) -> Locator:
        """The visible service tile whose name is exactly `name`."""
        tile_name = self.page.locator(".tile-name", has_text=re.compile(f"^{re.escape(name)}$"))
        return self.page.locator(".service-tile:visible", has=tile_name)

    def type(self, text: str) -> None:
        for char in text.lower():
            self.page.locator(f'[data-key="{"space" if char == " " else char}"]').click()

    def ticket_screen(self) -> Locator:
        screen = self.page.locator("#screen-ticket")
        expect(screen).to_be_visible(timeout=TIMEOUT)
        return screen

    def shown_ticket(self) -> dict[str, Any]:
        """The ticket on the confirmation screen, as the API knows it."""
        self.ticket_screen()
        ticket_id = self.page.locator("body").get_attribute("data-ticket-id")
        return api(self.server, f"/tickets/{ticket_id}")  # type: ignore[no-any-return]
