"""The floor where the visitor sees it, in real Chromium: the kiosk's confirmation and the phone
page, in both languages; the English phone page names the agency in English; a number called
and missed is told so, not thanked."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from conftest import LiveServer, screenshot
from fakeprinter import FakePrinter
from kiosk_support import (  # noqa: F401  (printer_fixture, site_fixture: the module's fixtures)
    TIMEOUT,
    Kiosk,
    api,
    printer_fixture,
    site_fixture,
)
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser

UPSTAIRS = "pengambilan-paspor"  # Loket 57 alone, on floor 2 (Kantor Imigrasi)


@pytest.fixture
def kiosk(page: Page, site: LiveServer, printer: FakePrinter) -> Kiosk:
    printer.clear()
    return Kiosk(page, site)


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True, locale="id-ID")
    yield context.new_page()
    context.close()


def test_the_kiosk_confirmation_and_the_paper_say_which_floor(kiosk: Kiosk, printer: FakePrinter) -> None:
    page = kiosk.open().page
    kiosk.touch(page.locator("#popular").locator(kiosk.service("Perekaman KTP-el")))
    kiosk.shown_ticket()
    expect(page.locator("#ticket-counters")).to_have_text("Loket 1–3, Lantai 1")
    screenshot(page, "kiosk-ticket-floor")
    assert printer.wait_for(lambda p: p.tickets() >= 1, timeout=10)
    assert "Dilayani di: Loket 1-3, Lantai 1" in printer.decoded().text()  # the paper's font has no en dash

    page.locator("[data-action=done]").click()
    page.locator("#lang-switch").click()
    expect(page.locator("h1")).to_have_text("Take a Queue Number")
    kiosk.touch(page.locator("#popular").locator(kiosk.service("Family Card (KK)")))
    kiosk.shown_ticket()
    expect(page.locator("#ticket-counters")).to_have_text("Counters 5–6, Floor 1 (ground floor)")
    screenshot(page, "kiosk-ticket-floor-en")
    assert printer.wait_for(lambda p: p.tickets() >= 2, timeout=10)
    assert "Served at: Counters 5-6, Floor 1 (ground floor)" in printer.decoded().text()


def _officer(site: LiveServer, counter: str) -> Any:
    site.add_user(f"petugas-{counter}", "officer", counters=[counter])
    headers = site.login(f"petugas-{counter}")

    def act(action: str) -> dict[str, Any]:
        answer = requests.post(f"{site.url}/api/v1/counters/{counter}/{action}", headers=headers, timeout=10)
        answer.raise_for_status()
        return answer.json()  # type: ignore[no-any-return]

    return act


def test_the_phone_page_says_the_floor_and_the_agency_in_the_visitors_language(site: LiveServer,
                                                                               phone: Page) -> None:
    ticket = api(site, "/tickets", "POST", json={"service_id": UPSTAIRS, "lang": "en"})
    phone.goto(ticket["qr_url"])
    expect(phone.locator("#status")).to_have_text("Waiting for your turn", timeout=TIMEOUT)
    expect(phone.locator("#counters")).to_have_text("Counter 57, Floor 2")
    expect(phone.locator("#agency")).to_have_text("Jember Immigration Office")
    screenshot(phone, "phone-waiting-floor-en")
    phone.locator("#lang-switch").click()
    expect(phone.locator("#counters")).to_have_text("Loket 57, Lantai 2")
    expect(phone.locator("#agency")).to_have_text("Kantor Imigrasi Kelas II Non TPI Jember")
    screenshot(phone, "phone-waiting-floor")

    act = _officer(site, "loket-57")
    while act("call-next")["ticket"]["id"] != ticket["id"]:  # earlier tests' visitors go first
        pass
    expect(phone.locator("#called-counter")).to_have_text("Silakan menuju Loket 57, Lantai 2", timeout=TIMEOUT)
    screenshot(phone, "phone-called-floor")
    phone.locator("#lang-switch").click()
    expect(phone.locator("#called-counter")).to_have_text("Please go to Counter 57, Floor 2")

    act("no-show")
    expect(phone.locator("#status")).to_have_text("Called, but you did not come", timeout=TIMEOUT)
    hint = phone.locator("#hint")
    expect(hint).to_have_text("Your number was called at Counter 57, Floor 2, but you did not come, so this "
                              "number is no longer valid. If you still need the service, take a new number "
                              "at a kiosk or ask the staff.")
    screenshot(phone, "phone-no-show-en")
    phone.locator("#lang-switch").click()
    expect(phone.locator("#status")).to_have_text("Dipanggil, tetapi Anda tidak datang")
    expect(hint).to_contain_text("Nomor Anda sudah dipanggil di Loket 57, Lantai 2, tetapi Anda tidak datang")
    expect(hint).not_to_contain_text("Terima kasih")
    screenshot(phone, "phone-no-show")
