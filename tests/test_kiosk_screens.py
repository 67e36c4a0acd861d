"""Every kiosk screen at the three screen sizes: it fits, touch targets are large, and a
screenshot of each lands in test-artifacts/screenshots/kiosk-SIZE-SCREEN.png for people to look at.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import TUESDAY_9AM, LiveServer, screenshot
from kiosk_support import (  # noqa: F401  (printer_fixture, site_fixture: the module's fixtures)
    TIMEOUT,
    Kiosk,
    kiosk_site_data,
    printer_fixture,
    site_fixture,
    waiting,
)
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser

SIZES = {"portrait": (1080, 1920), "landscape": (1920, 1080), "small": (1366, 768)}
NO_AUTO_RETURN = "?idle=600&back=600&backfail=600"


def sized_page(browser: Browser, size: str) -> Page:
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="id-ID", has_touch=True)
    return context.new_page()


def check_fits(page: Page, what: str) -> None:
    """Nothing sticks out sideways, and every visible button is at least 64 px both ways."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{what}: {overflow}px wider than the screen"
    small = page.evaluate("""() => [...document.querySelectorAll('button')]
        .filter(b => b.offsetParent && !b.closest('[hidden]'))
        .map(b => [b.textContent.trim().slice(0, 30), b.getBoundingClientRect()])
        .filter(([, r]) => r.width < 64 || r.height < 63.5).map(([t, r]) => `${t} ${r.width}x${r.height}`)""")
    assert not small, f"{what}: buttons smaller than 64 px: {small}"


def all_inside_viewport(page: Page, selector: str) -> bool:
    return bool(page.evaluate(f"""() => [...document.querySelectorAll('{selector}')].every(el => {{
        const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight + 1; }})"""))


@pytest.mark.parametrize("size", list(SIZES))
def test_every_kiosk_screen_fits_and_is_photographed(browser: Browser, site: LiveServer, size: str) -> None:
    page = sized_page(browser, size)
    kiosk = Kiosk(page, site)
    try:
        kiosk.open(query=NO_AUTO_RETURN)
        # The whole start screen (popular services and all 33 agencies) is one glance, no scrolling.
        assert all_inside_viewport(page, ".agency-tile"), "some agencies are below the fold"
        assert all_inside_viewport(page, "#popular .service-tile"), "some popular services are below the fold"
        check_fits(page, "start")
        screenshot(page, f"kiosk-{size}-start")

        kiosk.touch(kiosk.agency("Dispendukcapil"))
        expect(page.locator("#agency-services .service-tile")).to_have_count(16)
        check_fits(page, "agency")
        screenshot(page, f"kiosk-{size}-agency")

        kiosk.touch(kiosk.service("Akta Kematian"))
        expect(page.locator("#notice")).to_be_visible()
        screenshot(page, f"kiosk-{size}-closed-service")
        page.locator("[data-action=notice-ok]").click()
        page.locator("#screen-agency [data-action=back]").click()

        kiosk.touch("#search-open")
        kiosk.type("paspor")
        expect(page.locator("#search-results .service-tile").first).to_be_visible()
        check_fits(page, "search")
        screenshot(page, f"kiosk-{size}-search-keyboard")
        page.locator("#screen-search [data-action=back]").click()

        kiosk.touch('[data-priority="disabled"]')
        expect(page.locator("#priority-heading")).to_contain_text("PRIORITAS: Penyandang Disabilitas")
        assert all_inside_viewport(page, ".agency-tile"), "priority mode pushed agencies below the fold"
        check_fits(page, "priority")
        screenshot(page, f"kiosk-{size}-priority")
        kiosk.touch(page.locator("#popular").locator(kiosk.service("SKCK Baru")))
        expect(page.locator("#print-status")).to_have_attribute("data-status", "printed", timeout=TIMEOUT)
        expect(page.locator("#ticket-qr")).to_be_visible()
        expect(page.locator("#ticket-qr")).to_have_js_property("complete", True)  # loaded (no eval: the CSP)
        check_fits(page, "confirmation")
        assert all_inside_viewport(page, "#ticket-number, #ticket-qr, #print-status, .done-button")
        screenshot(page, f"kiosk-{size}-confirmation")

        kiosk.open("kiosk-2", NO_AUTO_RETURN)
        kiosk.touch(page.locator("#popular").locator(kiosk.service("Kartu Keluarga")))
        expect(page.locator("#print-photo")).to_be_visible(timeout=TIMEOUT)
        expect(page.locator("#ticket-qr")).to_have_js_property("complete", True)  # loaded (no eval: the CSP)
        assert all_inside_viewport(page, "#ticket-number, #ticket-qr, #print-status")
        screenshot(page, f"kiosk-{size}-printer-failed")
    finally:
        page.context.close()


def test_after_hours_the_whole_hall_says_when_it_opens_again(browser: Browser, live_server_factory: Any) -> None:
    server = live_server_factory(start_at=TUESDAY_9AM.replace(hour=20))
    page = sized_page(browser, "small")
    kiosk = Kiosk(page, server)
    try:
        kiosk.open()
        expect(page.locator("#hall-closed")).to_have_text("Jam layanan sudah berakhir. Buka lagi: besok, Rabu 07:30")
        expect(page.locator(".agency-tile.closed")).to_have_count(33)
        tile = page.locator("#popular").locator(kiosk.service("SKCK Baru"))
        expect(tile).to_contain_text("TUTUP · Jam layanan sudah berakhir")
        kiosk.touch(tile)
        expect(page.locator("#notice")).to_contain_text("SKCK Baru tidak bisa diambil sekarang.")
        screenshot(page, "kiosk-small-hall-closed")
        assert waiting(server, "skck-baru") == 0
    finally:
        page.context.close()
