"""The visitor's phone page /t/{id} in real Chromium at phone size, on a live server."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from conftest import LiveServer, screenshot, start_site
from kiosk_support import TIMEOUT, api
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser

SERVICE = "pengambilan-paspor"  # served by Loket 57 alone
COUNTER = "loket-57"

# Record what the page asks of the phone: vibrations and sounds.
PHONE_SPY = """
window.__vibrations = [];
window.__sounds = [];
navigator.vibrate = (pattern) => { window.__vibrations.push(pattern); return true; };
const realPlay = HTMLMediaElement.prototype.play;
HTMLMediaElement.prototype.play = function () {
  window.__sounds.push(new URL(this.src).pathname);
  return realPlay.call(this).catch(() => {});
};
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, bundled_data: dict[str, Any]) -> Iterator[LiveServer]:
    server = start_site(Path(tmp_path_factory.mktemp("phone-site")), copy.deepcopy(bundled_data))
    yield server
    server.stop()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True, locale="id-ID")
    context.add_init_script(PHONE_SPY)
    yield context.new_page()
    context.close()


def take(site: LiveServer, lang: str = "id") -> dict[str, Any]:
    return api(site, "/tickets", "POST", json={"service_id": SERVICE, "lang": lang})  # type: ignore[no-any-return]


def test_the_phone_page_follows_the_ticket_until_its_counter_calls_it(site: LiveServer, phone: Page) -> None:
    first, mine = take(site), take(site)
    phone.goto(mine["qr_url"])  # what the QR code on the ticket opens
    expect(phone.locator("#number")).to_have_text(mine["number"], timeout=TIMEOUT)
    expect(phone.locator("#service")).to_have_text("Pengambilan Paspor dan Informasi Keimigrasian")
    expect(phone.locator("#status")).to_have_text("Menunggu giliran")
    expect(phone.locator("#ahead")).to_have_text("1 orang")
    expect(phone.locator("#called")).to_be_hidden()
    expect(phone.locator("#survey")).to_be_hidden()
    screenshot(phone, "phone-waiting")

    site.add_user("petugas57", "officer", counters=[COUNTER])
    officer = site.login("petugas57")

    def counter(action: str) -> dict[str, Any]:
        answer = requests.post(f"{site.url}/api/v1/counters/{COUNTER}/{action}", headers=officer, timeout=10)
        answer.raise_for_status()
        return answer.json()  # type: ignore[no-any-return]

    assert counter("call-next")["ticket"]["id"] == first["id"]
    expect(phone.locator("#ahead")).to_have_text("Tidak ada — Anda berikutnya", timeout=TIMEOUT)
    # Near but not called: the "your turn is near" banner, and its one vibration (site.near_alert).
    expect(phone.locator("#near")).to_be_visible(timeout=TIMEOUT)
    assert phone.evaluate("window.__vibrations.length") == 1

    assert counter("call-next")["ticket"]["id"] == mine["id"]
    expect(phone.locator("#called")).to_be_visible(timeout=TIMEOUT)
    expect(phone.locator("#called-counter")).to_have_text("Silakan menuju Loket 57, Lantai 2")  # the floor too
    expect(phone.locator("#status")).to_have_text("Dipanggil")
    expect(phone.locator("#fact-ahead")).to_be_hidden()
    assert phone.evaluate("window.__vibrations.length") >= 2  # the call's own
    assert "/audio/chime.wav" in phone.evaluate("window.__sounds")
    screenshot(phone, "phone-called")

    counter("finish")
    expect(phone.locator("#status")).to_have_text("Selesai dilayani", timeout=TIMEOUT)
    expect(phone.locator("#called")).to_be_hidden()
    expect(phone.locator("#survey")).to_be_attached()
    expect(phone.locator("#survey")).to_have_attribute("data-ticket-id", mine["id"])
    # The survey's container is unhidden for a finished ticket (the survey script fills it).
    assert phone.evaluate("document.getElementById('survey').hidden") is False


def test_the_phone_page_speaks_the_tickets_language_and_can_switch(site: LiveServer, phone: Page) -> None:
    ticket = take(site, lang="en")
    phone.goto(ticket["status_url"])
    expect(phone.locator("#status")).to_have_text("Waiting for your turn", timeout=TIMEOUT)
    untranslated = phone.evaluate("""() => { const id = Object.keys(PhoneText.id), en = Object.keys(PhoneText.en);
        return id.filter(k => !en.includes(k)).concat(en.filter(k => !id.includes(k))); }""")
    assert untranslated == []
    expect(phone.locator(".label")).to_have_text("Your queue number")
    expect(phone.locator("#service")).to_have_text("Passport Collection and Immigration Information")
    expect(phone.locator("#counters")).to_have_text("Counter 57, Floor 2")
    phone.locator("#lang-switch").click()
    expect(phone.locator("#status")).to_have_text("Menunggu giliran")
    expect(phone.locator("#lang-switch")).to_have_text("English")
    expect(phone.locator("#counters")).to_have_text("Loket 57, Lantai 2")


def test_the_call_sound_is_served_by_the_hall_server(site: LiveServer) -> None:
    answer = requests.get(f"{site.url}/audio/chime.wav", timeout=10)
    assert answer.status_code == 200 and answer.content[:4] == b"RIFF"


def test_a_waiting_visitor_can_cancel_their_number_after_saying_yes(site: LiveServer, phone: Page) -> None:
    mine = take(site)
    phone.goto(mine["qr_url"])  # what the QR code on the ticket opens
    expect(phone.locator("#status")).to_have_text("Menunggu giliran", timeout=TIMEOUT)
    expect(phone.locator("#cancel-button")).to_have_text("Batalkan nomor saya")
    expect(phone.locator("#cancel-confirm")).to_be_hidden()

    # A tap only asks; "no" keeps the place.
    phone.locator("#cancel-button").click()
    expect(phone.locator("#cancel-confirm")).to_be_visible()
    expect(phone.locator("#cancel-question")).to_have_text("Batalkan nomor ini? Tempat Anda di antrean akan hilang.")
    expect(phone.locator("#cancel-button")).to_be_hidden()
    screenshot(phone, "phone-cancel-confirm")
    phone.locator("#cancel-no").click()
    expect(phone.locator("#cancel-confirm")).to_be_hidden()
    expect(phone.locator("#cancel-button")).to_be_visible()
    assert api(site, f"/tickets/{mine['id']}")["status"] == "waiting"

    phone.locator("#cancel-button").click()
    phone.locator("#cancel-yes").click()
    expect(phone.locator("#status")).to_have_text("Dibatalkan", timeout=TIMEOUT)
    expect(phone.locator("#hint")).to_have_text(
        "Nomor ini sudah dibatalkan. Bila masih perlu dilayani, ambil nomor baru di kios.")
    expect(phone.locator("#cancel")).to_be_hidden()
    expect(phone.locator("#fact-ahead")).to_be_hidden()
    expect(phone.locator("#sound-button")).to_be_hidden()
    assert api(site, f"/tickets/{mine['id']}")["status"] == "cancelled"
    screenshot(phone, "phone-cancelled")
    phone.reload()  # the page opened again later says the same
    expect(phone.locator("#status")).to_have_text("Dibatalkan", timeout=TIMEOUT)
    expect(phone.locator("#cancel")).to_be_hidden()


def test_a_called_number_offers_no_cancel_in_either_language(site: LiveServer, phone: Page) -> None:
    mine = take(site, lang="en")
    phone.goto(mine["qr_url"])  # what the QR code on the ticket opens
    expect(phone.locator("#cancel-button")).to_have_text("Cancel my number", timeout=TIMEOUT)
    phone.locator("#cancel-button").click()
    expect(phone.locator("#cancel-yes")).to_have_text("Yes, cancel it")
    expect(phone.locator("#cancel-no")).to_have_text("No, keep waiting")

    # The counter calls it while the question is open: the question goes, there is nothing to cancel.
    site.add_user("petugas57-cancel", "officer", counters=[COUNTER])
    officer = site.login("petugas57-cancel")
    answer = requests.post(f"{site.url}/api/v1/counters/{COUNTER}/call", headers=officer,
                           json={"ticket_id": mine["id"]}, timeout=10)
    assert answer.status_code == 200, answer.text
    expect(phone.locator("#status")).to_have_text("Called", timeout=TIMEOUT)
    expect(phone.locator("#cancel")).to_be_hidden()
    key = mine["qr_url"].split("?k=")[1]
    refused = requests.post(f"{site.url}/api/v1/tickets/{mine['id']}/cancel", json={"key": key}, timeout=10)
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "not_cancellable")


def test_the_bare_address_of_a_ticket_follows_it_but_offers_no_cancel(site: LiveServer, phone: Page) -> None:
    # A ticket id is public (the display's recent calls, the rooms): without the QR code's
    # secret the page follows the ticket and no one else can give up the visitor's place.
    mine = take(site)
    phone.goto(mine["status_url"])
    expect(phone.locator("#number")).to_have_text(mine["number"], timeout=TIMEOUT)
    expect(phone.locator("#status")).to_have_text("Menunggu giliran")
    expect(phone.locator("#cancel")).to_be_hidden()
    refused = requests.post(f"{site.url}/api/v1/tickets/{mine['id']}/cancel", timeout=10)
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "cancel_forbidden")
    assert api(site, f"/tickets/{mine['id']}")["status"] == "waiting"
