"""A visit through three agencies on one ticket, end to end in real Chromium against a live
server: the visitor chooses Perekaman KTP-el, Pendaftaran Peserta JKN (BPJS Kesehatan) and NIB
(DPMPTSP) at the kiosk and gets one number; three officers, signed in on their counter pages,
call, serve and finish it in turn; the visitor's phone page, open all along, shows at every
moment which steps are done, which is now (with the people ahead, or the counter that called)
and which come next. At the third counter the officer adds a step, Dinsos "then come back to
me"; Dinsos serves it, the visit comes back to that counter alone and ends there.
Screenshots: test-artifacts/screenshots/visit-*.png."""

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
from test_counter_support import at_counter, button, current_number, desks_fixture, notice  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]

KTP, JKN, NIB, DTSEN = "ktp-el-perekaman", "jkn-pendaftaran", "oss-nib", "usulan-dtsen"
NIB_NAME = "Perizinan Berusaha (OSS RBA) dan Nomor Induk Berusaha (NIB)"


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    yield page
    context.close()


def issue(site: LiveServer, service_id: str) -> str:
    answer = requests.post(site.url + "/api/v1/tickets", json={"service_id": service_id}, timeout=10)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["number"])


def phases(phone: Page) -> list[str]:
    return [item.get_attribute("data-phase") or "" for item in phone.locator("#step-list li").all()]


def now_step(phone: Page) -> Any:
    return phone.locator("#step-list li[data-phase=now]")


def serve(desk: Page, number: str) -> None:
    """Call next, see `number` called, start, finish, as an officer does with the buttons."""
    button(desk, "call-next").click()
    expect(current_number(desk)).to_have_text(number)
    button(desk, "start").click()
    expect(desk.locator("#current-status")).to_have_text("Dilayani")
    button(desk, "finish").click()
    expect(current_number(desk)).to_have_text("—")


def test_a_visit_through_three_agencies_and_back(site: LiveServer, printer: FakePrinter, page: Page, phone: Page,
                                                 desks: Any) -> None:
    for username, counter in [("ktp", "loket-1"), ("bpjs", "loket-22"), ("nib", "loket-33"), ("dinsos", "loket-43"),
                             ("nib34", "loket-34")]:
        site.add_user(username, "officer", counters=[counter])
    # Somebody is already waiting at the first and the second step: the visitor sees them ahead.
    before_ktp = issue(site, KTP)
    before_jkn = issue(site, JKN)

    # --- the kiosk: three services, one number --------------------------------------------------
    page.set_viewport_size({"width": 1366, "height": 768})
    kiosk = Kiosk(page, site).open(query="?idle=600&back=600")
    kiosk.touch("#plan-toggle")
    kiosk.touch(page.locator("#popular").locator(kiosk.service("Perekaman KTP-el")))
    kiosk.touch(page.get_by_role("button", name="Tambah layanan lain"))
    kiosk.touch(page.locator("#popular").locator(kiosk.service("Pendaftaran Peserta JKN")))
    kiosk.touch(page.get_by_role("button", name="Tambah layanan lain"))
    kiosk.touch("#search-open")
    kiosk.type("nib")
    kiosk.touch(page.locator("#search-results").locator(kiosk.service(NIB_NAME)))
    kiosk.touch("#plan-take")
    ticket = kiosk.shown_ticket()
    number = ticket["number"]
    assert [step["service_id"] for step in ticket["steps"]] == [KTP, JKN, NIB]
    expect(page.locator("#ticket-step-list li")).to_have_count(3)
    screenshot(page, "visit-kiosk-ticket")
    assert printer.wait_for(lambda p: p.tickets() >= 1, timeout=10)
    assert number in printer.decoded().text()

    # --- the phone page from the start: now KTP-el (one ahead), then JKN and NIB ----------------
    phone.goto(f"{site.url}/t/{ticket['id']}")
    expect(phone.locator("#number")).to_have_text(number)
    expect(phone.locator("#step-list li")).to_have_count(3)
    assert phases(phone) == ["now", "next", "next"]
    expect(now_step(phone)).to_contain_text("Perekaman KTP-el")
    expect(now_step(phone).locator(".step-detail")).to_have_text("1 orang di depan Anda")
    expect(phone.locator("#step-list li").nth(1)).to_contain_text("BPJS Kesehatan")
    expect(phone.locator("#step-list li").nth(1)).to_contain_text("Di Loket 22–23, Lantai 1")
    screenshot(phone, "visit-phone-step1-waiting")

    ktp = desks()
    at_counter(ktp, site, "ktp")
    serve(ktp, before_ktp)  # the one ahead: now nobody is
    expect(now_step(phone).locator(".step-detail")).to_have_text("Tidak ada yang di depan Anda")

    button(ktp, "call-next").click()
    expect(current_number(ktp)).to_have_text(number)
    expect(ktp.locator("#current-step-list li")).to_have_count(3)  # the officer sees where they go next
    expect(ktp.locator("#current-step-list li").nth(1)).to_contain_text("BPJS Kesehatan")
    expect(phone.locator("#called")).to_be_visible()
    expect(phone.locator("#called-counter")).to_contain_text("Loket 1")
    expect(now_step(phone).locator(".step-detail")).to_contain_text("Dipanggil: silakan menuju Loket 1")
    screenshot(phone, "visit-phone-step1-called")
    button(ktp, "start").click()
    expect(now_step(phone).locator(".step-detail")).to_contain_text("Sedang dilayani di Loket 1")
    button(ktp, "finish").click()

    # --- step 2, BPJS Kesehatan: the next line took the visitor by itself -------------------------
    expect(phone.locator("#step-list li").first).to_have_attribute("data-phase", "done")
    assert phases(phone) == ["done", "now", "next"]
    expect(now_step(phone)).to_contain_text("Pendaftaran Peserta JKN")
    expect(now_step(phone).locator(".step-detail")).to_have_text("1 orang di depan Anda")
    expect(phone.locator("#status")).to_have_text("Menunggu giliran")
    expect(phone.locator("#called")).to_be_hidden()
    screenshot(phone, "visit-phone-step2-waiting")

    bpjs = desks()
    at_counter(bpjs, site, "bpjs")
    serve(bpjs, before_jkn)
    expect(now_step(phone).locator(".step-detail")).to_have_text("Tidak ada yang di depan Anda")
    serve(bpjs, number)

    # --- step 3, DPMPTSP: the officer sends the visitor to Dinsos and back -----------------------
    expect(now_step(phone)).to_contain_text(NIB_NAME)
    assert phases(phone) == ["done", "done", "now"]
    nib = desks()
    at_counter(nib, site, "nib")
    expect(nib.locator("#add-step")).to_be_hidden()  # nobody at the counter: nothing to add to
    button(nib, "call-next").click()
    expect(current_number(nib)).to_have_text(number)
    expect(phone.locator("#called-counter")).to_contain_text("Loket 33")
    button(nib, "start").click()
    expect(nib.locator("#add-step")).to_be_enabled()
    nib.locator("#add-step").click()
    dialog = nib.locator("#transfer-dialog")
    expect(dialog).to_be_visible()
    expect(nib.locator("#transfer-title")).to_contain_text(number)
    nib.fill("#transfer-search", "dtsen")
    expect(nib.locator("#transfer-list .transfer-option")).to_have_count(1)
    nib.check("#step-return")
    expect(nib.locator("#step-return-row")).to_contain_text("Lalu kembali ke saya (Loket 33)")
    screenshot(nib, "visit-counter-add-step")
    nib.locator("#transfer-confirm").click()
    expect(dialog).to_be_hidden()
    expect(notice(nib)).to_contain_text("lalu kembali ke loket ini")
    expect(nib.locator("#current-step-list li")).to_have_count(5)
    expect(nib.locator("#current-step-list li").nth(4)).to_contain_text("kembali ke loket ini")
    screenshot(nib, "visit-counter-steps")
    # Five steps on the card, and the officer's buttons are still on the 1366x768 screen.
    assert nib.evaluate("document.querySelector('#actions').getBoundingClientRect().bottom") <= 768
    expect(phone.locator("#step-list li")).to_have_count(5)
    assert phases(phone) == ["done", "done", "now", "next", "next"]
    expect(phone.locator("#step-list li").nth(3)).to_contain_text("Dinsos")
    button(nib, "finish").click()

    # --- step 4, Dinsos; step 5 back at Loket 33, which alone calls it -----------------------------
    expect(now_step(phone)).to_contain_text("Dinsos")
    dinsos = desks()
    at_counter(dinsos, site, "dinsos")
    serve(dinsos, number)
    assert phases(phone) == ["done", "done", "done", "done", "now"]
    expect(now_step(phone)).to_contain_text("DPMPTSP")
    screenshot(phone, "visit-phone-coming-back")
    phone.locator("#lang-switch").click()  # the steps in English too
    expect(now_step(phone).locator(".step-badge")).to_have_text("Now")
    expect(phone.locator("#steps-title")).to_have_text("The steps of your visit")
    expect(phone.locator("#step-list li").first).to_contain_text("Electronic ID Card (KTP-el) Biometric Recording")
    expect(phone.locator("#step-list li").first.locator(".step-badge")).to_have_text("Done")
    screenshot(phone, "visit-phone-coming-back-en")
    phone.locator("#lang-switch").click()
    # The return step is this counter's: Loket 34 (same service) does not get the visitor.
    other = requests.post(site.url + "/api/v1/counters/loket-34/call-next", headers=site.login("nib34"), timeout=10)
    assert other.status_code == 200, other.text
    assert other.json()["ticket"] is None
    serve(nib, number)

    # --- the end: every step done, the ticket done, on the phone too ---------------------------------
    expect(phone.locator("#status")).to_have_text("Selesai dilayani")
    assert phases(phone) == ["done"] * 5
    final = api(site, f"/tickets/{ticket['id']}")
    assert final["status"] == "done"
    assert [step["status"] for step in final["steps"]] == ["done"] * 5
    assert final["steps"][4]["counter_id"] == "loket-33"
    screenshot(phone, "visit-phone-done")
