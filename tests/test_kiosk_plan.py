"""Several services on one ticket at the kiosk, in real Chromium against a live server: the
one-touch path stays one touch; "Perlu beberapa layanan?" lets a visitor choose services of
several agencies (a popular tile, an agency's tile, a search result), see them as numbered
steps, move and remove them with large buttons or the keyboard, and take one ticket whose
steps the confirmation lists. Both languages; screenshots in test-artifacts/screenshots/."""

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
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

KTP = "Perekaman KTP-el"
JKN = "Pendaftaran Peserta JKN"  # BPJS Kesehatan
NIB = "Perizinan Berusaha (OSS RBA) dan Nomor Induk Berusaha (NIB)"  # DPMPTSP
NO_AUTO_RETURN = "?idle=600&back=600&backfail=600"


@pytest.fixture
def kiosk(page: Page, site: LiveServer, printer: FakePrinter) -> Kiosk:
    printer.clear()
    page.set_viewport_size({"width": 1366, "height": 768})
    return Kiosk(page, site)


def steps_on_plan(page: Page) -> list[str]:
    return page.locator("#plan-steps .plan-name").all_inner_texts()


def choose_three(kiosk: Kiosk) -> Page:
    """KTP-el from the popular tiles, JKN through BPJS Kesehatan's tile, NIB by searching."""
    page = kiosk.open(query=NO_AUTO_RETURN).page
    kiosk.touch("#plan-toggle")
    expect(page.locator("#plan-banner")).to_contain_text("Pilih layanan pertama")
    kiosk.touch(page.locator("#popular").locator(kiosk.service(KTP)))
    expect(page.locator("#screen-plan")).to_be_visible()
    assert steps_on_plan(page) == [KTP]
    expect(page.locator("#plan-take")).to_have_text("Ambil nomor")

    kiosk.touch(page.get_by_role("button", name="Tambah layanan lain"))
    expect(page.locator("#plan-banner")).to_contain_text("1 layanan dipilih")
    kiosk.touch(kiosk.agency("BPJS Kesehatan"))
    screenshot(page, "kiosk-plan-choosing")
    kiosk.touch(kiosk.service(JKN))
    assert steps_on_plan(page) == [KTP, JKN]

    kiosk.touch(page.get_by_role("button", name="Tambah layanan lain"))
    kiosk.touch("#search-open")
    kiosk.type("nib")
    kiosk.touch(page.locator("#search-results").locator(kiosk.service(NIB)))
    assert steps_on_plan(page) == [KTP, JKN, NIB]
    expect(page.locator("#plan-take")).to_have_text("Ambil satu nomor untuk 3 layanan")
    return page


def test_one_service_is_still_one_touch_and_the_plan_stays_out_of_the_way(kiosk: Kiosk) -> None:
    page = kiosk.open(query=NO_AUTO_RETURN).page
    expect(page.locator("#plan-toggle")).to_be_visible()
    screenshot(page, "kiosk-plan-start")
    kiosk.touch(page.locator("#popular").locator(kiosk.service(KTP)))
    ticket = kiosk.shown_ticket()
    assert kiosk.touches == 1
    assert ticket["service_id"] == "ktp-el-perekaman"
    expect(page.locator("#ticket-steps")).to_be_hidden()  # one service: nothing about steps
    expect(page.locator("#plan-toggle")).to_be_hidden()


def test_the_visitor_orders_and_removes_steps_with_large_buttons(kiosk: Kiosk) -> None:
    page = choose_three(kiosk)
    screenshot(page, "kiosk-plan-three")
    first = page.locator(".plan-step").first
    expect(first.locator("[data-action=plan-up]")).to_be_disabled()  # nothing above the first step
    expect(page.locator(".plan-step").last.locator("[data-action=plan-down]")).to_be_disabled()
    # Every target is large (the kiosk's 64 px), including the step buttons.
    for button in page.locator("#screen-plan button:visible").all():
        box = button.bounding_box()
        assert box and box["width"] >= 64 and box["height"] >= 63.5, button.inner_text()

    kiosk.touch(page.get_by_role("button", name=f"Pindahkan {NIB} ke atas"))
    assert steps_on_plan(page) == [KTP, NIB, JKN]
    expect(page.locator("#plan-said")).to_have_text(f"{NIB} sekarang langkah 2.")
    expect(page.locator(".plan-position")).to_have_text(["Langkah 1", "Langkah 2", "Langkah 3"])
    kiosk.touch(page.get_by_role("button", name=f"Hapus {KTP} dari pilihan"))
    assert steps_on_plan(page) == [NIB, JKN]

    # The same service twice is refused in words; a closed one explains itself, as outside a plan.
    kiosk.touch(page.get_by_role("button", name="Tambah layanan lain"))
    kiosk.touch(page.locator("#popular").locator(kiosk.service("Pendaftaran Peserta JKN")))
    expect(page.locator("#notice-title")).to_have_text(f"{JKN} sudah ada di pilihan Anda.")
    page.locator("[data-action=notice-ok]").click()
    kiosk.touch(kiosk.agency("Dispendukcapil"))
    kiosk.touch(kiosk.service("Akta Kematian"))
    expect(page.locator("#notice-reason")).to_have_text("Jam layanan sudah berakhir")
    page.locator("[data-action=notice-ok]").click()
    page.locator("#screen-agency [data-action=back]").click()

    # "Batalkan" in the banner ends the plan: a tile takes a ticket at once again.
    page.locator("#plan-banner").get_by_role("button", name="Batalkan").click()
    expect(page.locator("#plan-banner")).to_be_hidden()
    kiosk.touch(page.locator("#popular").locator(kiosk.service("Kartu Keluarga")))
    assert kiosk.shown_ticket()["service_id"] == "kartu-keluarga"


def test_the_plan_works_from_the_keyboard_and_in_english(kiosk: Kiosk) -> None:
    page = choose_three(kiosk)
    page.locator("#lang-switch").click()
    expect(page.locator("#plan-title")).to_have_text("The services you chose")
    expect(page.locator("#plan-take")).to_have_text("Take one number for 3 services")
    # Keyboard only: focus the second step's "down" button, press Enter, focus follows the step.
    down = page.locator(".plan-step").nth(1).locator("[data-action=plan-down]")
    down.focus()
    page.keyboard.press("Enter")
    names = page.locator("#plan-steps .plan-name").all_inner_texts()
    assert names[2].startswith("National Health Insurance"), names
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused and focused.startswith("Move National Health Insurance") and focused.endswith("up"), focused
    page.keyboard.press("Tab")  # down (off at the end) is skipped: on to "Remove"
    assert page.evaluate("document.activeElement.dataset.action") == "plan-remove"
    screenshot(page, "kiosk-plan-en-keyboard")


def test_an_idle_kiosk_forgets_the_plan(kiosk: Kiosk) -> None:
    page = kiosk.open(query="?idle=2").page
    kiosk.touch("#plan-toggle")
    kiosk.touch(page.locator("#popular").locator(kiosk.service(KTP)))
    expect(page.locator("#screen-plan")).to_be_visible()
    expect(page.locator("#screen-start")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("#plan-banner")).to_be_hidden()
    expect(page.locator("#plan-toggle")).to_be_visible()


def test_several_services_give_one_ticket_whose_steps_the_confirmation_lists(kiosk: Kiosk) -> None:
    page = choose_three(kiosk)
    kiosk.touch("#plan-take")
    ticket = kiosk.shown_ticket()
    assert [step["service_id"] for step in ticket["steps"]] == ["ktp-el-perekaman", "jkn-pendaftaran", "oss-nib"]
    assert ticket["number"].startswith("A")  # the first service's prefix
    expect(page.locator("#ticket-number")).to_have_text(ticket["number"])
    expect(page.locator("#ticket-step-list li")).to_have_count(3)
    expect(page.locator("#ticket-step-list li").first).to_contain_text(f"1. {KTP}")
    expect(page.locator("#ticket-step-list li").first).to_contain_text("Mulai di sini")
    expect(page.locator("#ticket-step-list li").nth(2)).to_contain_text("DPMPTSP")
    shown = "#ticket-number, #ticket-qr, #ticket-steps, .done-button"
    assert page.evaluate(f"""() => [...document.querySelectorAll('{shown}')]
        .every(el => {{ const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight + 1; }})""")
    screenshot(page, "kiosk-plan-ticket")


def test_five_services_are_the_most_one_number_holds(kiosk: Kiosk) -> None:
    page = kiosk.open(query=NO_AUTO_RETURN).page
    kiosk.touch("#plan-toggle")
    popular = page.locator("#popular .service-tile")
    for index in range(5):
        kiosk.touch(popular.nth(index))
        expect(page.locator(".plan-step")).to_have_count(index + 1)
        if index < 4:
            kiosk.touch("#plan-add")
    expect(page.locator("#plan-add")).to_be_disabled()
    expect(page.locator("#plan-add-note")).to_have_text("Sudah 5 layanan: itu jumlah terbanyak untuk satu nomor.")
    expect(page.locator("#plan-take")).to_have_text("Ambil satu nomor untuk 5 layanan")
    screenshot(page, "kiosk-plan-five")
