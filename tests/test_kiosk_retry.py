"""The kiosk in real Chromium retries a ticket request whose answer was lost, with the same
Idempotency-Key: the visitor is told it is trying again, and gets one ticket, printed once.

The answer is lost for real: the browser's request reaches the live server, which issues
and prints the ticket; the answer is then thrown away and the page's connection reset.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import LiveServer
from fakeprinter import FakePrinter
from kiosk_support import (  # noqa: F401  (printer_fixture, site_fixture: the module's fixtures)
    TIMEOUT,
    Kiosk,
    printer_fixture,
    site_fixture,
    waiting,
)
from playwright.sync_api import Page, Route, expect

pytestmark = pytest.mark.browser


def test_a_lost_answer_is_retried_with_the_same_key_and_gives_one_ticket(
        page: Page, site: LiveServer, printer: FakePrinter) -> None:
    printer.clear()
    before = waiting(site, "kartu-keluarga")
    sent: list[dict[str, str]] = []
    lost: list[dict[str, Any]] = []

    def lose_the_first_answer(route: Route) -> None:
        sent.append(route.request.headers)
        if lost:
            route.continue_()
            return
        answer = route.fetch()  # the server handles the request: issued and printed
        lost.append(answer.json())
        route.abort("connectionreset")  # ...and the page never hears of it

    page.route("**/api/v1/tickets", lose_the_first_answer)
    kiosk = Kiosk(page, site).open()
    kiosk.touch(kiosk.agency("Dispendukcapil"))
    kiosk.touch(kiosk.service("Kartu Keluarga"))
    expect(page.locator("#taking-text")).to_contain_text("Mencoba lagi (1 dari 3)", timeout=TIMEOUT)
    ticket = kiosk.shown_ticket()

    assert len(sent) == 2
    assert sent[0]["idempotency-key"] == sent[1]["idempotency-key"]
    assert ticket["id"] == lost[0]["id"]
    expect(page.locator("#ticket-number")).to_have_text(lost[0]["number"])
    expect(page.locator("#print-status")).to_have_attribute("data-status", "printed")
    assert waiting(site, "kartu-keluarga") == before + 1
    assert printer.wait_for(lambda p: p.tickets() >= 1, timeout=10)
    assert not printer.wait_for(lambda p: p.tickets() > 1, timeout=2)


def test_each_touch_sends_a_new_key(page: Page, site: LiveServer, printer: FakePrinter) -> None:
    keys: list[str] = []

    def record(route: Route) -> None:
        keys.append(route.request.headers["idempotency-key"])
        route.continue_()

    page.route("**/api/v1/tickets", record)
    kiosk = Kiosk(page, site)
    for _ in range(2):
        kiosk.open()
        kiosk.touch(kiosk.agency("Dispendukcapil"))
        kiosk.touch(kiosk.service("Kartu Keluarga"))
        kiosk.ticket_screen()
    assert len(keys) == 2 and keys[0] != keys[1]
    assert all(len(key) == 32 for key in keys)
