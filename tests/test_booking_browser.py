"""Booking ahead in real Chromium, against a live server and a fake network printer (a real
TCP socket): a visitor books on a phone, gets the code and its QR, cancels and reschedules;
at the kiosk, a scanner (fast keys and Enter) checks the booking in and the ticket prints, the
phone page follows it; a second scan prints nothing; too early says when to come back; a full
service offers the next slots and prints a booking slip.

The live server's clock starts on Tuesday at 09:00 (Asia/Jakarta); Perekaman KTP-el takes
bookings in half-hour slots, check-in from 30 minutes before a slot to 15 after its start.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import requests
from conftest import TUESDAY_9AM, LiveServer, screenshot, start_site
from fakeprinter import FakePrinter
from kiosk_support import TIMEOUT, Kiosk, api, kiosk_site_data, printer_fixture  # noqa: F401
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser

KTP = "ktp-el-perekaman"
FAMILY_CARD = "kartu-keluarga"  # takes bookings; its quota here is small, so the tests fill it
PASSPORT = "paspor-baru"  # takes bookings; here its hours end at 08:30, so it is closed at 09:00
TOMORROW = (TUESDAY_9AM + timedelta(days=1)).date().isoformat()
CODE = re.compile(r"^[ACDEFGHJKLMNPQRTUVWXY34679]{6}$")


@pytest.fixture(name="site", scope="module")
def site_fixture(tmp_path_factory: pytest.TempPathFactory, bundled_data: dict[str, Any],
                 printer: FakePrinter) -> Iterator[LiveServer]:
    data = kiosk_site_data(copy.deepcopy(bundled_data), printer.port)
    for agency in data["agencies"]:
        for service in agency["services"]:
            if service["id"] == FAMILY_CARD:
                service["quota"] = 4
            if service["id"] == PASSPORT:
                service["hours"] = {"open": "07:30", "close": "08:30"}
    server = start_site(tmp_path_factory.mktemp("booking-site"), data)
    yield server
    server.stop()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True, locale="id-ID")
    yield context.new_page()
    context.close()


@pytest.fixture
def kiosk(page: Page, site: LiveServer, printer: FakePrinter) -> Kiosk:
    printer.clear()
    return Kiosk(page, site)


def slots(site: LiveServer, service_id: str, day: str | None = None) -> list[dict[str, Any]]:
    query = f"?from={day}&to={day}" if day else ""
    return api(site, f"/services/{service_id}/slots{query}")["slots"]  # type: ignore[no-any-return]


def book(site: LiveServer, slot: dict[str, Any]) -> dict[str, Any]:
    return api(site, "/bookings", "POST", json={"slot_id": slot["id"], "lang": "id"})  # type: ignore[no-any-return]


def scan(page: Page, text: str) -> None:
    """A barcode scanner: the QR's text typed in a burst (a few ms a key), then Enter, onto the page."""
    page.keyboard.type(text, delay=5)
    page.keyboard.press("Enter")


def test_book_on_a_phone_then_cancel_and_reschedule(site: LiveServer, phone: Page) -> None:
    phone.goto(f"{site.url}/booking")
    expect(phone.locator("h1")).to_have_text("Pesan antrean")
    phone.get_by_label("Cari layanan").fill("ktp")
    phone.locator(".service-choice", has_text="Perekaman KTP-el").click()
    expect(phone.locator(".day-choice").first).to_be_visible(timeout=TIMEOUT)
    screenshot(phone, "booking-phone-days")
    phone.locator(".day-choice").first.click()
    free = phone.locator(".slot-choice:not([disabled])")
    expect(free.first).to_be_visible()
    # Someone else books that time meanwhile: its places left follow, without a reload.
    taken = next(s for s in slots(site, KTP) if s["id"] == free.first.get_attribute("data-slot-id"))
    left = taken["capacity"] - taken["booked"]
    expect(free.first.locator(".choice-note")).to_have_text(f"sisa {left}")
    book(site, taken)
    expect(free.first.locator(".choice-note")).to_have_text(f"sisa {left - 1}", timeout=TIMEOUT)
    chosen = free.first.inner_text().split("\n")[0]
    free.first.click()
    expect(phone.locator("#phone")).to_be_visible()  # the bundled site asks for a phone number (optional)
    phone.locator("#submit").click()

    code = phone.locator("#code")
    expect(code).to_have_text(CODE, timeout=TIMEOUT)
    booked = code.inner_text()
    expect(phone).to_have_url(re.compile(f"/booking/{booked}$"))
    expect(phone.locator("#qr")).to_have_js_property("complete", True)
    assert phone.locator("#qr").evaluate("img => img.naturalWidth") > 0
    expect(phone.locator("#save")).to_contain_text("Simpan kode ini")
    expect(phone.locator("#result-when")).to_contain_text(chosen)
    expect(phone.locator("#result-window")).to_have_text(re.compile(r"^\d\d:\d\d–\d\d:\d\d$"))
    screenshot(phone, "booking-phone-code")
    assert api(site, f"/bookings/{booked}")["status"] == "booked"

    # Reschedule to another free slot: the same code, the new time.
    phone.locator("#reschedule-button").click()
    expect(phone.locator("h1")).to_have_text("Pilih jadwal baru")
    phone.locator(".day-choice:not([disabled])").last.click()
    phone.locator(".slot-choice:not([disabled])").last.click()
    new_time = phone.locator(".slot-choice[aria-pressed=true] .choice-name").inner_text()
    phone.locator("#submit").click()
    expect(phone.locator("#code")).to_have_text(booked, timeout=TIMEOUT)
    expect(phone.locator("#result-when")).to_contain_text(new_time)
    expect(phone.locator("#status")).to_contain_text("Jadwal sudah diubah")
    after = api(site, f"/bookings/{booked}")
    assert after["slot"]["start"][11:16] == new_time[:5]

    # In English, then cancel with a confirmation.
    phone.locator("#lang-switch").click()
    expect(phone.locator("#cancel-button")).to_have_text("Cancel the booking")
    phone.locator("#cancel-button").click()
    expect(phone.locator("#cancel-question")).to_be_visible()
    expect(phone.locator("#cancel-no")).to_be_focused()
    phone.locator("#cancel-yes").click()
    expect(phone.locator("#result-status")).to_have_text("Cancelled", timeout=TIMEOUT)
    expect(phone.locator("#manage")).to_be_hidden()
    screenshot(phone, "booking-phone-cancelled-en")
    assert api(site, f"/bookings/{booked}")["status"] == "cancelled"


def test_a_wrong_code_and_a_bad_phone_are_announced(site: LiveServer, phone: Page) -> None:
    phone.goto(f"{site.url}/booking/ACDEFG")
    expect(phone.locator("#message")).to_have_text(re.compile("tidak ditemukan"), timeout=TIMEOUT)
    expect(phone.locator("#message")).to_have_attribute("role", "alert")
    phone.goto(f"{site.url}/booking")
    phone.locator(".service-choice", has_text="Perekaman KTP-el").click()
    phone.locator(".day-choice:not([disabled])").first.click()
    phone.locator(".slot-choice:not([disabled])").first.click()
    phone.locator("#phone").fill("12")
    phone.locator("#submit").click()
    expect(phone.locator("#phone-error")).to_be_visible()
    expect(phone.locator("#phone")).to_have_attribute("aria-invalid", "true")
    expect(phone.locator("#phone")).to_be_focused()
    box = phone.locator("#submit").bounding_box()
    assert box is not None and box["height"] >= 44  # a target a thumb finds


def test_a_scanned_booking_checks_in_prints_and_the_phone_follows(site: LiveServer, kiosk: Kiosk,
                                                                   printer: FakePrinter, phone: Page) -> None:
    slot = next(s for s in slots(site, KTP) if s["available"] and s["start"][11:16] == "09:30")
    booking = book(site, slot)
    phone.goto(booking["qr_url"])
    expect(phone.locator("#code")).to_have_text(booking["code"], timeout=TIMEOUT)

    page = kiosk.open().page
    scan(page, booking["qr_url"])  # the QR holds the booking page's address
    ticket = kiosk.shown_ticket()
    assert ticket["booking_code"] == booking["code"]
    expect(page.locator("#ticket-number")).to_have_text(ticket["number"])
    assert printer.wait_for(lambda p: p.tickets() >= 1, timeout=10)
    assert ticket["number"] in printer.decoded().text()
    screenshot(page, "kiosk-checkin-ticket")

    # The phone page learns of the check-in by itself and leads to the ticket's page.
    expect(phone.locator("#result-status")).to_have_text(f"Sudah check-in: nomor {ticket['number']}",
                                                         timeout=TIMEOUT)
    phone.locator("#ticket-anchor").click()
    expect(phone.locator("#number")).to_have_text(ticket["number"], timeout=TIMEOUT)
    screenshot(phone, "booking-phone-checked-in")

    # A second scan: the same number, said so, and nothing printed.
    page.locator("[data-action=done]").click()
    printed = printer.tickets()
    scan(page, booking["code"].lower())
    expect(page.locator("#notice-title")).to_have_text(
        f"Pesanan ini sudah check-in. Nomor antrean Anda tetap {ticket['number']}.", timeout=TIMEOUT)
    page.wait_for_timeout(1500)
    assert printer.tickets() == printed


def test_typed_code_check_in_and_too_early(site: LiveServer, kiosk: Kiosk) -> None:
    tomorrow = next(s for s in slots(site, KTP, TOMORROW) if s["available"])
    later = book(site, tomorrow)
    page = kiosk.open().page
    page.locator("#have-booking").click()
    field = page.locator("#checkin-code")
    expect(field).to_be_focused()
    for char in later["code"][:5]:
        page.locator(f'#checkin-keys [data-code-key="{char}"]').click()
    field.press_sequentially(later["code"][5])
    expect(field).to_have_value(later["code"])
    screenshot(page, "kiosk-checkin-typed")
    field.press("Enter")
    expect(page.locator("#notice-title")).to_have_text("Terlalu awal untuk check-in.", timeout=TIMEOUT)
    opens = later["check_in_from"][11:16]
    expect(page.locator("#notice-reason")).to_have_text(f"Silakan kembali mulai pukul {opens}.")
    screenshot(page, "kiosk-checkin-too-early")
    assert api(site, f"/bookings/{later['code']}")["status"] == "booked"

    page.locator("[data-action=notice-ok]").click()
    page.locator("#have-booking").click()
    page.locator("#checkin-code").fill("K7M3Q")
    page.locator("#checkin-code").press("Enter")
    expect(page.locator("#checkin-error")).to_be_visible()
    page.locator("#checkin-code").fill("ACDEFG")
    page.locator("#checkin-code").press("Enter")
    expect(page.locator("#notice-title")).to_have_text("Pesanan dengan kode ACDEFG tidak ditemukan.", timeout=TIMEOUT)


def test_a_full_service_offers_the_next_slots_and_prints_a_booking_slip(site: LiveServer, kiosk: Kiosk,
                                                                        printer: FakePrinter) -> None:
    while True:  # the walk-ins take today's quota
        answer = requests.post(f"{site.url}/api/v1/tickets", json={"service_id": FAMILY_CARD}, timeout=10)
        if answer.status_code == 409:
            assert answer.json()["error"]["code"] == "quota_reached"
            break
        assert answer.status_code == 201
    page = kiosk.open().page
    kiosk.touch(page.locator("#popular").locator(kiosk.service("Kartu Keluarga")))
    offer = page.locator("#booking-offer")
    expect(offer).to_be_visible(timeout=TIMEOUT)
    # Today's later slots (the bookable share of the quota) come first.
    offered = re.compile(r"^Kuota nomor langsung hari ini habis\. Pesan jam kedatangan\?$")
    expect(page.locator("#offer-title")).to_have_text(offered)
    screenshot(page, "kiosk-booking-offer")
    choice = page.locator(".offer-slot").first
    slot_id = choice.get_attribute("data-slot-id")
    choice.click()
    slip = page.locator("#booking-slip")
    expect(slip).to_be_visible(timeout=TIMEOUT)
    code = page.locator("#slip-code").inner_text()
    assert CODE.match(code)
    booking = api(site, f"/bookings/{code}")
    assert booking["slot"]["id"] == slot_id and booking["status"] == "booked"
    expect(page.locator("#slip-print")).to_have_text("Slip pesanan sedang dicetak. Silakan ambil di bawah layar.")
    assert printer.wait_for(lambda p: p.tickets() >= 1, timeout=10)
    paper = printer.decoded().text()
    assert "SLIP PESANAN" in paper and code in paper and "NOMOR ANTREAN" not in paper
    assert f"Check-in di kios: {booking['check_in_from'][11:16]}-{booking['check_in_until'][11:16]}" in paper
    screenshot(page, "kiosk-booking-slip")

    # Asking for the slip again prints nothing more.
    again = api(site, f"/bookings/{code}/print", "POST", json={"kiosk_id": "kiosk-1"})
    assert again["print"]["status"] == "printed"
    page.wait_for_timeout(1000)
    assert printer.tickets() == 1


def test_a_service_closed_for_today_offers_tomorrow_in_english(site: LiveServer, kiosk: Kiosk) -> None:
    page = kiosk.open().page
    page.locator("#lang-switch").click()
    expect(page.locator("#have-booking")).to_have_text("I have a booking")
    kiosk.touch(page.locator(f"#popular [data-service-id={PASSPORT}]"))
    expect(page.locator("#offer-title")).to_have_text("This service is closed for today. Book for tomorrow?",
                                                      timeout=TIMEOUT)
    first = page.locator(".offer-slot").first
    expect(first).to_have_text(re.compile(r"^Wednesday 2 Dec \(tomorrow\), 07:30–08:30$"))
    box = first.bounding_box()
    assert box is not None and box["height"] >= 44
    page.locator("[data-booking=close]:visible").click()
    expect(page.locator("#booking-offer")).to_be_hidden()
    assert not any(s["booked"] for s in slots(site, PASSPORT, TOMORROW))  # nothing was booked
