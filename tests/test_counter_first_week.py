"""What a first week at the counters would show, in real Chromium against a live server with
two fake network printers (real TCP sockets):

- "call next" over a visitor only called says, before it is pressed, that they will be
  recorded as a no-show, and the figures then count a no-show, not a visit served;
- the counter says which number it called last after hundreds of calls;
- the counter reprints a ticket on the kiosk printer that printed it, or on a chosen one;
- the admin printer table's test print reaches the printer, and is audited;
- the admin setup form refuses a service no counter serves, pointing at its counters;
- the kiosk screen, the phone page and the paper say the same wait, and promise none when no
  counter of the service is open.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from conftest import PASSWORD, LiveServer, screenshot, start_site
from fakeprinter import FakePrinter
from playwright.sync_api import Page, expect
from test_counter_support import at_counter, button, current_number, notice

from server.core import counters, tickets
from server.core.config_load import load_config
from server.core.site import SiteIndex
from server.core.store import Store

pytestmark = pytest.mark.browser
TIMEOUT = 10_000
KTP = "ktp-el-perekaman"  # loket-1, loket-2, loket-3
KK = "kartu-keluarga"  # loket-5, loket-6
KIA = "kia"  # loket-7 only
DEATH = "akta-kematian"  # loket-8 only, standard 15 minutes


@pytest.fixture(name="lobby", scope="module")
def lobby_fixture() -> Iterator[FakePrinter]:
    """kiosk-1's printer."""
    with FakePrinter() as fake:
        yield fake


@pytest.fixture(name="desk_printer", scope="module")
def desk_printer_fixture() -> Iterator[FakePrinter]:
    """A second printer an officer may choose for a reprint."""
    with FakePrinter() as fake:
        yield fake


@pytest.fixture(name="site", scope="module")
def site_fixture(tmp_path_factory: Any, bundled_data: dict[str, Any], lobby: FakePrinter,
                 desk_printer: FakePrinter) -> Iterator[LiveServer]:
    data = copy.deepcopy(bundled_data)
    data["printers"] = [
        {"id": "printer-lobi", "name": "Printer Lobi", "type": "network", "host": "127.0.0.1", "port": lobby.port},
        {"id": "printer-loket", "name": "Printer Loket", "type": "network", "host": "127.0.0.1",
         "port": desk_printer.port},
    ]
    data["kiosks"] = [{"id": "kiosk-1", "name": "Kios Lobi", "printer": "printer-lobi"}]
    server = start_site(tmp_path_factory.mktemp("first-week"), data)
    server.add_user("budi", "officer", counters=["loket-1"])
    server.add_user("sari", "officer", counters=["loket-2"])
    server.add_user("wati", "officer", counters=["loket-5"])
    server.add_user("kepala", "admin")
    yield server
    server.stop()


@pytest.fixture(name="desk")
def desk_fixture(browser: Any) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    yield page
    context.close()


def issue(site: LiveServer, service_id: str, kiosk_id: str | None = None) -> dict[str, Any]:
    answer = requests.post(site.url + "/api/v1/tickets", json={"service_id": service_id, "kiosk_id": kiosk_id},
                           timeout=10)
    assert answer.status_code == 201, answer.text
    return answer.json()  # type: ignore[no-any-return]


def lines(printer: FakePrinter, count: int) -> list[str]:
    assert printer.wait_for(lambda p: p.tickets() >= count, timeout=10), "the printer got no ticket"
    return [line.text.strip() for line in printer.decoded().lines]


def admin_login(page: Page, site: LiveServer, path: str) -> None:
    page.goto(site.url + path)
    page.fill("#login-username", "kepala")
    page.fill("#login-password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector(".nav", timeout=TIMEOUT)


# --- the counter -------------------------------------------------------------------------------


def test_call_next_over_a_visitor_who_never_came_says_no_show_first(site: LiveServer, desk: Page) -> None:
    first, second = issue(site, KTP), issue(site, KTP)
    at_counter(desk, site, "budi")
    warning = desk.locator("#call-next-warning")
    expect(warning).to_be_hidden()
    button(desk, "call-next").click()
    expect(current_number(desk)).to_have_text(first["number"])
    # Called, never started: the button says what pressing it will record.
    expect(warning).to_have_text(f"Nomor {first['number']} belum dilayani: akan dicatat tidak hadir")
    expect(button(desk, "call-next")).to_be_enabled()
    expect(desk.locator("#reprint-ticket option")).to_have_text([first["number"]])
    screenshot(desk, "counter-call-next-will-record-no-show")
    button(desk, "call-next").click()
    expect(current_number(desk)).to_have_text(second["number"])
    expect(notice(desk)).to_have_text(f"{first['number']} dicatat tidak hadir. Memanggil {second['number']} — "
                                      "Perekaman KTP-el.")
    expect(desk.locator("#fig-counter .served")).to_have_text("0")
    expect(desk.locator("#fig-counter .no-show")).to_have_text("1")
    shown = requests.get(f"{site.url}/api/v1/tickets/{first['id']}", timeout=10).json()
    assert shown["status"] == "no_show"
    # Being served, the same button closes the visit as served, and says nothing more.
    button(desk, "start").click()
    expect(warning).to_be_hidden()


def test_the_counter_names_its_last_call_after_hundreds(site: LiveServer, desk: Page) -> None:
    """A busy day at loket-5: 320 calls made by the rules straight on the server's database,
    the last one finished; the page names it rather than saying nothing was called."""
    now = requests.get(site.url + "/time.json", timeout=5).json()["server_time"] / 1000
    hall = SiteIndex(load_config(site.config_path))
    store = Store(site.db_path)
    try:
        for step in range(320):
            with store.write() as tx:
                tickets.issue_ticket(tx, hall, now + step, KK)
                counters.call_next(tx, hall, now + step, "loket-5", "wati")
        with store.write() as tx:
            last = counters.finish(tx, hall, now + 320, "loket-5", "wati")
    finally:
        store.close()
    at_counter(desk, site, "wati")
    expect(current_number(desk)).to_be_hidden()
    expect(desk.locator("#current-service")).to_have_text(
        f"Terakhir dipanggil: {last['number']} (selesai). Tekan Panggil berikutnya.")
    assert last["number"] == "C320"
    screenshot(desk, "counter-last-call-after-hundreds")


def test_the_counter_reprints_on_the_kiosk_printer_or_a_chosen_one(
        site: LiveServer, desk: Page, lobby: FakePrinter, desk_printer: FakePrinter) -> None:
    ticket = issue(site, KTP, kiosk_id="kiosk-1")
    lines(lobby, 1)  # the kiosk printed it
    lobby.clear()
    at_counter(desk, site, "sari")
    button(desk, "call-next").click()
    expect(current_number(desk)).to_have_text(ticket["number"])
    expect(desk.locator("#reprint-ticket option")).to_have_text([ticket["number"]])
    expect(desk.locator("#reprint-printer option").first).to_have_text(
        "Printer kios yang mencetaknya (Printer Lobi)")
    desk.click("#reprint-submit")
    expect(desk.locator("#reprint-message")).to_have_text(f"{ticket['number']} dicetak ulang di Printer Lobi.")
    assert ticket["number"] in lines(lobby, 1)
    screenshot(desk, "counter-reprinted")

    desk.select_option("#reprint-printer", "printer-loket")
    desk.click("#reprint-submit")
    expect(desk.locator("#reprint-message")).to_have_text(f"{ticket['number']} dicetak ulang di Printer Loket.")
    assert ticket["number"] in lines(desk_printer, 1)
    assert lobby.tickets() == 1  # nothing more on the lobby printer

    # The ticket's history names the officer and the counter.
    headers = {"Authorization": "Bearer " + requests.post(
        site.url + "/api/v1/session", json={"username": "kepala", "password": PASSWORD}, timeout=5).json()["token"]}
    entries = requests.get(site.url + "/api/v1/admin/audit?action=reprint", headers=headers,
                           timeout=10).json()["entries"]
    mine = [e for e in entries if e["detail"].get("ticket_id") == ticket["id"]]
    assert len(mine) == 2, json.dumps(entries[:3])
    assert all(e["actor"] == "sari" and e["target"] == f"{ticket['number']} @ loket-2" for e in mine)
    assert {e["detail"]["printer"] for e in mine} == {"printer-lobi", "printer-loket"}


# --- the admin pages ---------------------------------------------------------------------------


def test_the_admin_printer_table_prints_a_test_ticket(site: LiveServer, desk: Page, lobby: FakePrinter) -> None:
    lobby.clear()
    admin_login(desk, site, "/admin/operations")
    test = desk.locator('#printers-table [data-test-printer="printer-lobi"]')
    expect(test).to_have_text("Cetak percobaan")
    test.click()
    row = desk.locator('#printers-table tr[data-printer-id="printer-lobi"]')
    expect(row).to_contain_text("Tiket percobaan tercetak.")
    printed = lines(lobby, 1)
    assert "TEST" in printed and "Tiket percobaan printer - bukan nomor antrean" in " ".join(printed)
    screenshot(desk, "admin-printer-test-print")
    headers = {"Authorization": "Bearer " + requests.post(
        site.url + "/api/v1/session", json={"username": "kepala", "password": PASSWORD}, timeout=5).json()["token"]}
    entries = requests.get(site.url + "/api/v1/admin/audit?action=printer_test", headers=headers,
                           timeout=10).json()["entries"]
    assert entries and entries[0]["action"] == "printer_test" and entries[0]["target"] == "printer-lobi"
    assert entries[0]["actor"] == "kepala"


def test_the_setup_form_refuses_a_service_no_counter_serves(site: LiveServer, desk: Page) -> None:
    before = site.config_path.read_bytes()
    admin_login(desk, site, "/admin/setup")
    desk.click("#add-item")
    form = desk.locator("#item-form")
    form.locator('input[name="id"]').fill("akta-baru")
    form.locator('input[name="name"]').fill("Akta Baru")
    form.locator('input[name="prefix"]').fill("ABR")
    desk.click("#save-item")
    error = desk.locator("#item-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("agencies[0].services[")
    expect(error).to_contain_text(".counters")
    counters_box = form.locator('[data-key="counters"]')
    expect(counters_box.locator(".field-error")).to_be_visible()
    assert site.config_path.read_bytes() == before
    screenshot(desk, "admin-setup-service-without-counter")
    # With a counter chosen, it is saved and that counter serves it.
    counters_box.locator('input[value="loket-9"]').check()
    desk.click("#save-item")
    desk.wait_for_selector("#notice:not([hidden])", timeout=TIMEOUT)
    saved = load_config(site.config_path)
    assert "akta-baru" in {c.id: c for c in saved.counters}["loket-9"].services


# --- the wait, on the kiosk screen, the phone page and the paper -----------------------------------


def _take(page: Page, site: LiveServer, agency: str, service: str) -> dict[str, Any]:
    page.goto(f"{site.url}/kiosk/kiosk-1")
    page.locator(".agency-tile", has=page.locator(".agency-short", has_text=agency)).click()
    tile = page.locator(".service-tile:visible", has=page.locator(".tile-name", has_text=service))
    tile.click()
    expect(page.locator("#screen-ticket")).to_be_visible()
    ticket_id = page.locator("body").get_attribute("data-ticket-id")
    return requests.get(f"{site.url}/api/v1/tickets/{ticket_id}", timeout=10).json()  # type: ignore[no-any-return]


def test_the_wait_reads_the_same_on_the_kiosk_the_phone_and_the_paper(
        site: LiveServer, browser: Any, lobby: FakePrinter) -> None:
    for _ in range(5):
        issue(site, DEATH)  # five ahead at one counter, 15 minutes each: 75 minutes
    kiosk = browser.new_context(viewport={"width": 1080, "height": 1920}, locale="id-ID").new_page()
    lobby.clear()
    ticket = _take(kiosk, site, "Dispendukcapil", "Akta Kematian")
    expect(kiosk.locator("#ticket-wait")).to_have_text("± 75 menit")
    assert "Perkiraan tunggu: ± 75 menit" in lines(lobby, 1)
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID").new_page()
    phone.goto(ticket["status_url"])
    expect(phone.locator("#wait")).to_have_text("± 75 menit")
    kiosk.context.close()
    phone.context.close()


def test_no_wait_is_promised_while_no_counter_of_the_service_is_open(
        site: LiveServer, browser: Any, lobby: FakePrinter) -> None:
    site.add_user("tono", "officer", counters=["loket-7"])
    officer = {"Authorization": "Bearer " + requests.post(
        site.url + "/api/v1/session", json={"username": "tono", "password": PASSWORD}, timeout=5).json()["token"]}
    assert requests.post(site.url + "/api/v1/counters/loket-7/pause", headers=officer, timeout=10).ok
    kiosk = browser.new_context(viewport={"width": 1080, "height": 1920}, locale="id-ID").new_page()
    kiosk.goto(f"{site.url}/kiosk/kiosk-1")
    kiosk.locator(".agency-tile", has=kiosk.locator(".agency-short", has_text="Dispendukcapil")).click()
    tile = kiosk.locator(".service-tile:visible", has=kiosk.locator(".tile-name", has_text="Kartu Identitas Anak"))
    expect(tile).to_contain_text("Belum ada loket yang buka")  # nobody waiting, and still no promise
    issue(site, KIA)
    expect(tile).to_contain_text("1 menunggu")
    expect(tile).to_contain_text("Belum ada loket yang buka")
    expect(tile).not_to_contain_text("menit")
    screenshot(kiosk, "kiosk-no-counter-open")
    lobby.clear()
    tile.click()
    expect(kiosk.locator("#ticket-wait")).to_have_text("belum ada loket yang buka")
    assert "Perkiraan tunggu: belum ada loket yang buka" in lines(lobby, 1)
    # Resumed: a wait is given again, live on the open kiosk.
    assert requests.post(site.url + "/api/v1/counters/loket-7/resume", headers=officer, timeout=10).ok
    kiosk.locator("#screen-ticket [data-action='done']").click()
    kiosk.locator(".agency-tile", has=kiosk.locator(".agency-short", has_text="Dispendukcapil")).click()
    expect(tile).to_contain_text("menit")
    kiosk.context.close()
