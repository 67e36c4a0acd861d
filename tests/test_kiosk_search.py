"""Typing at the kiosk in real Chromium on a live server: a typo still finds the service, a word
that matches nothing offers the agencies instead, and a search that cannot reach the server
keeps the list on screen and says so."""

from __future__ import annotations

import pytest
from conftest import LiveServer, screenshot
from fakeprinter import FakePrinter
from kiosk_support import (  # noqa: F401  (printer_fixture, site_fixture: the module's fixtures)
    TIMEOUT,
    Kiosk,
    printer_fixture,
    site_fixture,
)
from playwright.sync_api import Page, Route, expect

pytestmark = pytest.mark.browser

SEARCH = "**/api/v1/services/search**"


@pytest.fixture
def kiosk(page: Page, site: LiveServer, printer: FakePrinter) -> Kiosk:
    printer.clear()
    return Kiosk(page, site)


@pytest.mark.parametrize(("typed", "first"), [("pasport", "paspor-baru"), ("buat ktp", "ktp-el-perekaman"),
                                              ("kk hilang", "kartu-keluarga"), ("ijin usaha", "oss-nib")])
def test_a_visitor_who_mistypes_still_gets_the_service(kiosk: Kiosk, typed: str, first: str) -> None:
    kiosk.open()
    kiosk.touch("#search-open")
    kiosk.type(typed)
    results = kiosk.page.locator("#search-results .service-tile")
    expect(results.first).to_have_attribute("data-service-id", first, timeout=TIMEOUT)
    expect(kiosk.page.locator("#search-count")).to_contain_text("layanan ditemukan")
    if typed == "pasport":
        screenshot(kiosk.page, "kiosk-search-typo")
    kiosk.touch(results.first)
    assert kiosk.shown_ticket()["service_id"] == first
    assert kiosk.touches == 2


def test_nonsense_offers_the_agency_list(kiosk: Kiosk) -> None:
    kiosk.open()
    kiosk.touch("#search-open")
    kiosk.type("qxzv")
    page = kiosk.page
    expect(page.locator("#search-count")).to_contain_text("Tidak ada layanan yang cocok", timeout=TIMEOUT)
    expect(page.locator("#search-results .agency-tile")).to_have_count(33)
    expect(page.locator("#search-results .service-tile")).to_have_count(0)
    screenshot(page, "kiosk-search-nothing-found")
    kiosk.touch(page.locator("#search-results").locator(kiosk.agency("Imigrasi Jember")))
    expect(page.locator("#agency-title")).to_contain_text("Imigrasi")
    kiosk.touch(kiosk.service("Permohonan Paspor Baru"))
    assert kiosk.shown_ticket()["service_id"] == "paspor-baru"


def test_the_english_kiosk_offers_the_offices_in_english(kiosk: Kiosk) -> None:
    kiosk.open()
    kiosk.touch("#lang-switch")
    kiosk.touch("#search-open")
    kiosk.type("qxzv")
    expect(kiosk.page.locator("#search-count")).to_contain_text("Choose its office below", timeout=TIMEOUT)
    expect(kiosk.page.locator("#search-results .agency-tile")).to_have_count(33)


def test_a_search_that_cannot_reach_the_server_keeps_the_list_and_says_so(kiosk: Kiosk) -> None:
    kiosk.open()
    kiosk.touch("#search-open")
    kiosk.type("paspor")
    page = kiosk.page
    results = page.locator("#search-results .service-tile")
    expect(results.first).to_have_attribute("data-service-id", "paspor-baru", timeout=TIMEOUT)
    shown = results.count()
    assert shown > 1

    def refuse(route: Route) -> None:
        route.abort("connectionrefused")  # the request really fails in the browser

    page.route(SEARCH, refuse)
    kiosk.type(" hilang")
    expect(page.locator("#search-count")).to_contain_text("Pencarian belum tersambung", timeout=TIMEOUT)
    expect(results).to_have_count(shown)  # the last list stays, to touch
    expect(results.first).to_have_attribute("data-service-id", "paspor-baru")
    screenshot(page, "kiosk-search-offline")

    page.unroute(SEARCH)  # the link is back: the kiosk asks again by itself, no key needed
    expect(page.locator("#search-count")).not_to_contain_text("belum tersambung", timeout=TIMEOUT)
    expect(results.first).to_have_attribute("data-service-id", "paspor-hilang-rusak")
    page.locator('[data-key="backspace"]').click()
    kiosk.type("g")  # the next letter asks again, and the answer replaces the old list
    expect(results).to_have_count(1, timeout=TIMEOUT)
    expect(results.first).to_have_attribute("data-service-id", "paspor-hilang-rusak")
    expect(page.locator("#search-count")).to_contain_text("1 layanan ditemukan")
