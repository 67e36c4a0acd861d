"""The kiosk in real Chromium on a live server: touches to a ticket, honest state, printing,
double taps, English, idle return, a lost connection. The phone page is in test_kiosk_phone.py.
"""

from __future__ import annotations

import re

import pytest
import requests
from conftest import LiveServer
from fakeprinter import FakePrinter
from kiosk_support import (  # noqa: F401  (printer_fixture, site_fixture: the module's fixtures)
    ENDED_SERVICE,
    QUOTA_SERVICE,
    TIMEOUT,
    Kiosk,
    api,
    printer_fixture,
    site_fixture,
    waiting,
)
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


@pytest.fixture
def kiosk(page: Page, site: LiveServer, printer: FakePrinter) -> Kiosk:
    printer.clear()
    return Kiosk(page, site)


def printed_text(printer: FakePrinter, count: int = 1) -> str:
    assert printer.wait_for(lambda p: p.tickets() >= count, timeout=10), "the printer got no ticket"
    return printer.decoded().text()


# --- at most three touches from start to ticket ---------------------------------------------


def test_a_popular_service_takes_one_touch_and_the_paper_matches_the_screen(
        kiosk: Kiosk, printer: FakePrinter) -> None:
    kiosk.open()
    kiosk.touch(kiosk.page.locator("#popular").locator(kiosk.service("Perekaman KTP-el")))
    ticket = kiosk.shown_ticket()
    assert kiosk.touches == 1
    page = kiosk.page
    assert ticket["service_id"] == "ktp-el-perekaman" and re.fullmatch(r"A\d{3}", ticket["number"])
    expect(page.locator("#ticket-number")).to_have_text(ticket["number"])
    expect(page.locator("#ticket-service")).to_have_text("Perekaman KTP-el")
    expect(page.locator("#print-status")).to_have_attribute("data-status", "printed")
    expect(page.locator("#print-message")).to_contain_text("Tiket sedang dicetak")
    expect(page.locator("#print-photo")).to_be_hidden()
    qr = page.locator("#ticket-qr")
    # The on-screen code, like the printed one, carries the ticket's survey secret (?k=), which the
    # public ticket (`ticket`, read back by id) does not have.
    expect(qr).to_have_attribute("src", re.compile(rf"^/kiosk/qr/{ticket['id']}\.svg\?k=[A-Za-z0-9_-]{{22}}$"))
    assert page.evaluate("document.getElementById('ticket-qr').naturalWidth") > 0

    paper = printed_text(printer)
    assert ticket["number"] in paper and "Perekaman KTP-el" in paper
    key = qr.get_attribute("src").split("?k=")[1]
    assert printer.decoded().qr_payloads == [f"{ticket['status_url']}?k={key}"]


def test_a_service_of_an_agency_takes_two_touches(kiosk: Kiosk) -> None:
    kiosk.open()
    kiosk.touch(kiosk.agency("Samsat Jember"))
    expect(kiosk.page.locator("#agency-title")).to_contain_text("Samsat")
    kiosk.touch(kiosk.service("Balik Nama Kendaraan Bermotor (BBNKB)"))
    ticket = kiosk.shown_ticket()
    assert kiosk.touches == 2
    assert ticket["service_id"] == "bbnkb" and ticket["priority"] is None


@pytest.mark.parametrize(("query", "first"), [
    ("skck", "skck-baru"),
    ("ktp", "ktp-el-perekaman"),
    ("paspor", "paspor-baru"),
    ("pajak kendaraan", "pkb-tahunan"),
    ("imigrasi", "paspor-baru"),
])
def test_search_by_any_word_of_a_service_or_its_agency(kiosk: Kiosk, query: str, first: str) -> None:
    kiosk.open()
    kiosk.touch("#search-open")
    expect(kiosk.page.locator("#keyboard .key")).to_have_count(39)  # 36 letters and digits, delete, clear, space
    kiosk.type(query)
    expect(kiosk.page.locator("#search-text")).to_have_text(query)
    results = kiosk.page.locator("#search-results .service-tile")
    expect(results.first).to_have_attribute("data-service-id", first)
    kiosk.touch(results.first)
    assert kiosk.shown_ticket()["service_id"] == first
    assert kiosk.touches == 2  # the search field and the result; the letters are typing


def test_search_that_finds_nothing_says_so(kiosk: Kiosk) -> None:
    kiosk.open()
    kiosk.touch("#search-open")
    kiosk.type("zzq")
    expect(kiosk.page.locator("#search-results .service-tile")).to_have_count(0)
    expect(kiosk.page.locator("#search-count")).to_contain_text("Tidak ada layanan yang cocok")
    kiosk.page.locator('[data-key="clear"]').click()
    expect(kiosk.page.locator("#search-text")).to_have_text("")


def test_a_priority_ticket_takes_three_touches_even_through_an_agency(kiosk: Kiosk) -> None:
    kiosk.open()
    kiosk.touch('[data-priority="elderly"]')
    expect(kiosk.page.locator("#priority-heading")).to_have_text("Nomor PRIORITAS: Lansia. Sekarang pilih layanan.")
    expect(kiosk.page.locator('[data-priority="elderly"]')).to_have_attribute("aria-pressed", "true")
    kiosk.touch(kiosk.agency("Imigrasi Jember"))
    expect(kiosk.page.locator("#priority-banner")).to_contain_text("PRIORITAS: Lansia")
    kiosk.touch(kiosk.service("Penggantian Paspor Hilang atau Rusak"))
    ticket = kiosk.shown_ticket()
    assert kiosk.touches == 3
    assert ticket["priority"] == "elderly" and ticket["service_id"] == "paspor-hilang-rusak"
    expect(kiosk.page.locator("#ticket-priority")).to_have_text("PRIORITAS: Lansia")


# --- honest state -----------------------------------------------------------------------------


def test_a_service_whose_hours_ended_cannot_be_taken_and_says_why(kiosk: Kiosk) -> None:
    before = waiting(kiosk.server, ENDED_SERVICE)
    kiosk.open()
    kiosk.touch(kiosk.agency("Dispendukcapil"))
    tile = kiosk.service("Akta Kematian")
    expect(tile).to_have_class(re.compile(r"\bclosed\b"))
    expect(tile).to_contain_text("TUTUP · Jam layanan sudah berakhir")
    expect(tile).to_contain_text("Buka lagi: besok, Rabu 07:30")
    kiosk.touch(tile)
    notice = kiosk.page.locator("#notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Akta Kematian tidak bisa diambil sekarang.")
    expect(notice).to_contain_text("Jam layanan sudah berakhir")
    kiosk.page.locator("[data-action=notice-ok]").click()
    expect(notice).to_be_hidden()
    expect(kiosk.page.locator("#screen-ticket")).to_be_hidden()
    assert waiting(kiosk.server, ENDED_SERVICE) == before


def test_tiles_follow_the_queue_live_and_a_used_up_quota_closes_the_service(kiosk: Kiosk) -> None:
    kiosk.open()
    kiosk.touch(kiosk.agency("Dispendukcapil"))
    quota_tile = kiosk.service("Kartu Identitas Anak (KIA)")
    expect(quota_tile).not_to_have_class(re.compile(r"\bclosed\b"))
    other = kiosk.service("Akta Perkawinan (Non-Muslim)")
    waiting_before = waiting(kiosk.server, "akta-perkawinan")

    # Tickets taken elsewhere (another kiosk, the API) change these tiles without a reload.
    api(kiosk.server, "/tickets", "POST", json={"service_id": QUOTA_SERVICE})
    api(kiosk.server, "/tickets", "POST", json={"service_id": "akta-perkawinan"})
    expect(quota_tile).to_have_class(re.compile(r"\bclosed\b"), timeout=TIMEOUT)
    expect(quota_tile).to_contain_text("Kuota nomor hari ini sudah habis")
    expect(other.locator(".waiting")).to_have_text(f"{waiting_before + 1} menunggu", timeout=TIMEOUT)

    kiosk.touch(quota_tile)
    expect(kiosk.page.locator("#notice")).to_contain_text("Kuota nomor hari ini sudah habis")
    assert waiting(kiosk.server, QUOTA_SERVICE) == 1


# --- sturdy -----------------------------------------------------------------------------------


def test_a_double_tap_makes_one_ticket(kiosk: Kiosk, printer: FakePrinter) -> None:
    service_id, name = "informasi-umrah-wakaf", "Informasi Umrah, Zakat dan Wakaf"
    before = waiting(kiosk.server, service_id)
    kiosk.open()
    kiosk.touch(kiosk.agency("Kemenag Jember"))
    kiosk.service(name).dblclick()
    kiosk.ticket_screen()
    # Two clicks in the same instant, faster than any finger.
    kiosk.page.locator("[data-action=done]").click()
    kiosk.touch(kiosk.agency("Kemenag Jember"))
    kiosk.page.evaluate(
        """name => { const tile = [...document.querySelectorAll('#agency-services .service-tile')]
                       .find(t => t.querySelector('.tile-name').textContent === name);
                     tile.click(); tile.click(); }""", name)
    kiosk.ticket_screen()
    assert printer.wait_for(lambda p: p.tickets() >= 2)
    assert waiting(kiosk.server, service_id) == before + 2
    assert printer.tickets() == 2


def test_a_failed_printer_keeps_the_number_on_screen(kiosk: Kiosk) -> None:
    kiosk.open("kiosk-2")
    kiosk.touch(kiosk.page.locator("#popular").locator(kiosk.service("Kartu Keluarga")))
    ticket = kiosk.shown_ticket()
    page = kiosk.page
    assert ticket["print"]["status"] in ("queued", "failed")
    expect(page.locator("#ticket-number")).to_have_text(ticket["number"])
    expect(page.locator("#print-status")).to_have_attribute("data-status", ticket["print"]["status"])
    expect(page.locator("#print-photo")).to_have_text("Silakan foto nomor dan kode QR ini.")
    expect(page.locator("#print-staff")).to_be_visible()
    expect(page.locator("#ticket-qr")).to_be_visible()
    expect(page.locator("#back-countdown")).to_contain_text(re.compile(r"dalam 2[45] detik"))
    # Staff see which printer is down (printer.updated to the kiosk's room, or its status at load).
    staff = page.locator("#staff-line")
    expect(staff).to_contain_text("Untuk petugas: printer Printer Rusak — tidak terhubung", timeout=TIMEOUT)


def test_english_issues_an_english_ticket_and_the_next_visitor_starts_in_indonesian(
        kiosk: Kiosk, printer: FakePrinter) -> None:
    kiosk.open()
    page = kiosk.page
    untranslated = page.evaluate("""() => { const id = Object.keys(KioskText.id), en = Object.keys(KioskText.en);
        return id.filter(k => !en.includes(k)).concat(en.filter(k => !id.includes(k))); }""")
    assert untranslated == []
    page.locator("#lang-switch").click()
    expect(page.locator("h1")).to_have_text("Take a Queue Number")
    expect(page.locator("#lang-switch")).to_have_text("Bahasa Indonesia")
    expect(page.locator("#search-open")).to_contain_text("Search a service")
    expect(page.locator('[data-priority="pregnant"]')).to_have_text("Pregnant woman")
    kiosk.touch(page.locator("#popular").locator(kiosk.service("Family Card (KK)")))
    ticket = kiosk.shown_ticket()
    assert ticket["lang"] == "en"
    expect(page.locator(".ticket-label")).to_have_text("Your queue number")
    expect(page.locator("#print-message")).to_contain_text("Your ticket is printing")
    paper = printed_text(printer)
    assert "QUEUE NUMBER" in paper and ticket["number"] in paper and "Family Card (KK)" in paper
    page.locator("[data-action=done]").click()
    expect(page.locator("h1")).to_have_text("Ambil Nomor Antrean")
    expect(page.locator("#lang-switch")).to_have_text("English")


def test_idle_and_the_confirmation_return_to_a_fresh_start(kiosk: Kiosk) -> None:
    kiosk.open(query="?idle=2&back=2")
    page = kiosk.page
    page.locator("#lang-switch").click()
    page.locator('[data-priority="pregnant"]').click()
    kiosk.touch(kiosk.agency("Dinsos"))
    expect(page.locator("#screen-agency")).to_be_visible()
    expect(page.locator("#screen-start")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("h1")).to_have_text("Ambil Nomor Antrean")
    expect(page.locator("#priority-banner")).to_be_hidden()
    expect(page.locator('[data-priority="pregnant"]')).to_have_attribute("aria-pressed", "false")

    kiosk.touch(page.locator("#popular .service-tile:not(.closed)").first)
    kiosk.ticket_screen()
    expect(page.locator("#screen-start")).to_be_visible(timeout=TIMEOUT)


def test_the_kiosk_locks_out_browser_gestures(kiosk: Kiosk) -> None:
    kiosk.open()
    page = kiosk.page
    styles = page.evaluate("""() => { const s = getComputedStyle(document.body);
        return [s.userSelect, s.touchAction]; }""")
    assert styles == ["none", "manipulation"]
    prevented = page.evaluate("""() => { const e = new MouseEvent('contextmenu', {bubbles: true, cancelable: true});
        return !document.querySelector('.agency-tile').dispatchEvent(e); }""")
    assert prevented
    sizes = page.evaluate("""() => [...document.querySelectorAll('button')].filter(b => b.offsetParent)
        .map(b => Math.min(b.getBoundingClientRect().width, b.getBoundingClientRect().height))""")
    assert min(sizes) >= 64


def test_a_lost_connection_shows_a_calm_state_and_recovers_by_itself(kiosk: Kiosk) -> None:
    kiosk.open()
    page = kiosk.page
    overlay = page.locator("#reconnecting")
    expect(overlay).to_be_hidden()
    kiosk.server.stop()
    expect(overlay).to_be_visible(timeout=TIMEOUT)
    expect(overlay).to_contain_text("Sedang menyambung kembali…")
    kiosk.server.start()
    expect(overlay).to_be_hidden(timeout=20_000)
    # Live again: a ticket taken elsewhere shows on the tile, and the kiosk issues tickets.
    before = waiting(kiosk.server, "kartu-keluarga")
    requests.post(kiosk.server.url + "/api/v1/tickets", json={"service_id": "kartu-keluarga"}, timeout=10)
    tile = page.locator("#popular").locator(kiosk.service("Kartu Keluarga"))
    expect(tile.locator(".waiting")).to_have_text(f"{before + 1} menunggu", timeout=TIMEOUT)
    kiosk.touch(tile)
    assert kiosk.shown_ticket()["service_id"] == "kartu-keluarga"


def test_an_unknown_kiosk_shows_a_404_page(page: Page, site: LiveServer) -> None:
    answer = page.goto(f"{site.url}/kiosk/kios-lain")
    assert answer is not None and answer.status == 404
    expect(page.locator("h1")).to_have_text("Kios tidak ditemukan")
    expect(page.locator("h2")).to_have_text("Kiosk not found")
