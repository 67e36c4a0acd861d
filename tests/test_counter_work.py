"""The work screen: call next, recall, start, finish, no-show, transfer, pause and
resume, calling a chosen ticket, keyboard shortcuts (keyboard and numeric keypad),
a double press, today's figures, and the hall display receiving each call."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests
from conftest import screenshot
from playwright.sync_api import expect
from test_counter_support import (  # noqa: F401  (fixtures)
    KK,
    KTP,
    at_counter,
    button,
    current_number,
    desks_fixture,
    hall_listener_fixture,
    issue,
    listed_numbers,
    notice,
    site_fixture,
)

pytestmark = pytest.mark.browser

AKTA = "akta-kelahiran"  # prefix D, loket-7 and loket-8
KIA = "kia"  # prefix V, loket-7
PBB = "pbb-p2"  # prefix N, loket-10 and loket-11
PKB = "pkb-tahunan"  # prefix E, loket-18 to loket-21
SKCK = "skck-baru"  # prefix F, loket-15 and loket-16


@pytest.fixture(scope="module", autouse=True)
def officers(site: Any) -> None:
    """A counter per test, no two tests here sharing one. Andi's figures are checked, so he works alone."""
    site.add_user("andi", "officer", counters=["loket-1"])
    site.add_user("wawan", "officer", counters=["loket-10", "loket-7", "loket-18", "loket-16"])


def ticket(site: Any, ticket_id: str) -> dict[str, Any]:
    answer = requests.get(f"{site.url}/api/v1/tickets/{ticket_id}", timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def figure(page: Any, row: str, column: str) -> Any:
    return page.locator(f"#fig-{row} .{column}")


def test_a_morning_at_the_counter(site: Any, desks: Any, hall_listener: Any) -> None:
    hall = hall_listener(site)
    first, second, third = (issue(site, KTP) for _ in range(3))
    family = issue(site, KK)
    page = desks()
    at_counter(page, site, "andi")
    expect(page.locator("#ticket-list .ticket-number")).to_have_text([first["number"], second["number"],
                                                                       third["number"]])
    expect(page.locator("#service-lines li")).to_contain_text("3 menunggu")
    expect(current_number(page)).to_be_hidden()
    expect(page.locator("#current-service")).to_have_text("Belum ada nomor dipanggil. Tekan Panggil berikutnya.")
    expect(button(page, "recall")).to_be_disabled()
    screenshot(page, "counter-idle")

    # Call next: the first in line, announced in the hall.
    button(page, "call-next").click()
    expect(current_number(page)).to_have_text(first["number"])
    expect(page.locator("#current-status")).to_have_text("Dipanggil")
    expect(page.locator("#current-service")).to_have_text("Perekaman KTP-el · Dispendukcapil")
    expect(page.locator("#timer")).to_have_text(re.compile(r"^0:0\d$"))
    expect(notice(page)).to_have_text(f"Memanggil {first['number']} — Perekaman KTP-el.")
    expect(page.locator("#ticket-list .ticket-number")).to_have_text([second["number"], third["number"]])
    call = hall.wait_for(1)[0]
    assert (call["number"], call["counter_id"], call["recall"]) == (first["number"], "loket-1", False)
    assert call["counter_name"] == "Loket 1"
    expect(page.locator("#timer")).to_have_text(re.compile(r"^0:0[1-9]$"))  # it runs
    screenshot(page, "counter-called")

    # Recall: the hall hears the same number again.
    button(page, "recall").click()
    expect(notice(page)).to_have_text(f"{first['number']} dipanggil ulang.")
    recall = hall.wait_for(2)[1]
    assert (recall["number"], recall["counter_id"], recall["recall"]) == (first["number"], "loket-1", True)

    # Start: the visitor has arrived.
    button(page, "start").click()
    expect(page.locator("#current-status")).to_have_text("Dilayani")
    expect(page.locator("#timer-label")).to_have_text("Lama pelayanan")
    expect(button(page, "start")).to_be_disabled()
    # The buttons follow the server's `actions`: a visitor being served can still be marked no-show.
    expect(button(page, "no-show")).to_be_enabled()
    screenshot(page, "counter-serving")

    # Finish: the counter is free, and today's figures count it.
    button(page, "finish").click()
    expect(notice(page)).to_have_text(f"{first['number']} selesai dilayani.")
    expect(current_number(page)).to_be_hidden()
    expect(figure(page, "counter", "served")).to_have_text("1")
    expect(figure(page, "officer", "served")).to_have_text("1")
    expect(figure(page, "counter", "average")).to_contain_text("sesuai standar")
    expect(page.locator("#fig-standard")).to_have_text("Standar pelayanan: 15 menit per pengunjung.")
    assert ticket(site, first["id"])["status"] == "done"

    # No-show.
    button(page, "call-next").click()
    expect(current_number(page)).to_have_text(second["number"])
    button(page, "no-show").click()
    expect(notice(page)).to_have_text(f"{second['number']} dicatat tidak hadir.")
    expect(figure(page, "counter", "no-show")).to_have_text("1")
    assert ticket(site, second["id"])["status"] == "no_show"

    # Transfer to another agency's service: waiting there, same number, at the front.
    expect(button(page, "call-next")).to_be_enabled()
    button(page, "call-next").click()
    expect(current_number(page)).to_have_text(third["number"])
    button(page, "transfer").click()
    dialog = page.locator("#transfer-dialog")
    expect(dialog).to_be_visible()
    expect(page.locator("#transfer-title")).to_have_text(f"Pindahkan {third['number']} ke layanan lain")
    page.fill("#transfer-search", "keluarga dukcapil")
    options = page.locator("#transfer-list .transfer-option")
    expect(options.first).to_contain_text("Kartu Keluarga")
    options.filter(has_text="Kartu Keluarga").first.click()
    expect(options.filter(has_text="Kartu Keluarga").first).to_have_attribute("aria-selected", "true")
    screenshot(page, "counter-transfer-dialog")
    page.click("#transfer-confirm")
    expect(dialog).to_be_hidden()
    expect(notice(page)).to_contain_text(f"{third['number']} dipindahkan ke Kartu Keluarga")
    expect(current_number(page)).to_be_hidden()
    moved = ticket(site, third["id"])
    assert (moved["status"], moved["service_id"], moved["number"], moved["ahead"]) == (
        "waiting", KK, third["number"], 0)
    assert ticket(site, family["id"])["ahead"] == 1  # it was first; the transferred visitor goes before it
    expect(page.locator("#queue-empty")).to_be_visible()

    # Every call reached the hall display, in order, with the right counter.
    calls = hall.wait_for(4)
    assert [(c["number"], c["counter_id"], c["recall"]) for c in calls] == [
        (first["number"], "loket-1", False), (first["number"], "loket-1", True),
        (second["number"], "loket-1", False), (third["number"], "loket-1", False)]


def test_pause_refuses_calls_until_resumed(site: Any, desks: Any) -> None:
    waiting = issue(site, PBB)
    page = desks()
    at_counter(page, site, "wawan", "loket-10")
    button(page, "pause").click()
    expect(page.locator("#counter-state")).to_have_text("Dijeda")
    expect(page.locator("#paused-note")).to_be_visible()
    expect(button(page, "pause")).to_contain_text("Lanjutkan")
    screenshot(page, "counter-paused")

    # A paused counter does not call (the server's `actions`): the button is off, and the key says why.
    expect(button(page, "call-next")).to_be_disabled()
    page.keyboard.press("Enter")
    expect(notice(page)).to_have_text("Loket sedang dijeda, jadi tidak bisa memanggil. Tekan Lanjutkan (P) dulu.")
    expect(current_number(page)).to_be_hidden()
    expect(page.locator("#ticket-list .ticket-number")).to_have_text([waiting["number"]])
    screenshot(page, "counter-error-message")

    page.keyboard.press("p")
    expect(page.locator("#counter-state")).to_have_text("Buka")
    expect(page.locator("#paused-note")).to_be_hidden()
    button(page, "call-next").click()
    expect(current_number(page)).to_have_text(waiting["number"])


def test_calling_a_chosen_ticket_from_the_list_or_by_its_number(site: Any, desks: Any) -> None:
    birth = issue(site, AKTA)
    child = issue(site, KIA)
    elderly = issue(site, AKTA, priority="elderly")
    page = desks()
    at_counter(page, site, "wawan", "loket-7")
    # Priority first, then by issue time; the priority ticket is marked.
    expect(page.locator("#ticket-list .ticket-number")).to_have_text(
        [elderly["number"], birth["number"], child["number"]])
    first_row = page.locator("#ticket-list .queue-ticket").first
    expect(first_row).to_contain_text("Lansia")
    expect(first_row).to_have_class(re.compile("priority"))
    expect(page.locator('#service-lines [data-service-id="akta-kelahiran"]')).to_contain_text("1 prioritas")

    page.locator(f'#ticket-list [data-number="{child["number"]}"]').click()
    expect(current_number(page)).to_have_text(child["number"])
    expect(page.locator("#current-service")).to_contain_text("Kartu Identitas Anak (KIA)")

    page.fill("#number-input", birth["number"].lower())
    page.press("#number-input", "Enter")
    expect(current_number(page)).to_have_text(birth["number"])
    expect(page.locator("#number-input")).to_have_value("")
    # Calling another ends the one at the counter: only called, never started, it is a no-show.
    assert ticket(site, child["id"])["status"] == "no_show"

    expect(page.locator("#number-submit")).to_be_enabled()
    page.fill("#number-input", birth["number"])
    page.click("#number-submit")
    expect(notice(page)).to_have_text(
        f"Nomor {birth['number']} tidak sedang menunggu di layanan loket ini — mungkin sudah dipanggil loket lain.")
    page.fill("#number-input", "D099")
    page.click("#number-submit")
    expect(notice(page)).to_have_text("Nomor D099 tidak ditemukan di antrean hari ini.")
    page.fill("#number-input", "12")
    page.click("#number-submit")
    expect(notice(page)).to_have_text("Tulis nomor antrean seperti A012.")
    expect(current_number(page)).to_have_text(birth["number"])


def test_keyboard_shortcuts_on_a_keyboard_and_a_numeric_keypad(site: Any, desks: Any, hall_listener: Any) -> None:
    hall = hall_listener(site)
    numbers = [issue(site, PKB)["number"] for _ in range(3)]
    page = desks()
    at_counter(page, site, "wawan", "loket-18")
    expect(button(page, "call-next").locator("kbd")).to_have_text(["Enter", "+"])
    expect(button(page, "finish").locator("kbd")).to_have_text(["/", "F"])
    status = page.locator("#current-status")

    def press(key: str, action: str) -> None:
        # An officer presses once the last action has finished (its button is lit again).
        expect(button(page, action)).to_be_enabled()
        page.keyboard.press(key)

    # The numeric keypad alone runs a whole visit.
    press("NumpadEnter", "call-next")
    expect(current_number(page)).to_have_text(numbers[0])
    press("NumpadDecimal", "recall")
    expect(notice(page)).to_have_text(f"{numbers[0]} dipanggil ulang.")
    press("NumpadMultiply", "start")
    expect(status).to_have_text("Dilayani")
    press("NumpadDivide", "finish")
    expect(notice(page)).to_have_text(f"{numbers[0]} selesai dilayani.")
    press("NumpadAdd", "call-next")
    expect(current_number(page)).to_have_text(numbers[1])
    press("NumpadSubtract", "no-show")
    expect(notice(page)).to_have_text(f"{numbers[1]} dicatat tidak hadir.")

    # The same on the letter keys.
    press("Enter", "call-next")
    expect(current_number(page)).to_have_text(numbers[2])
    press("r", "recall")
    expect(notice(page)).to_have_text(f"{numbers[2]} dipanggil ulang.")
    press("s", "start")
    expect(status).to_have_text("Dilayani")
    press("*", "finish")  # already being served: the key says so
    expect(notice(page)).to_have_text("Nomor ini sudah sedang dilayani.")
    press("t", "transfer")
    expect(page.locator("#transfer-dialog")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#transfer-dialog")).to_be_hidden()
    press("f", "finish")
    expect(notice(page)).to_have_text(f"{numbers[2]} selesai dilayani.")
    press("n", "pause")  # nothing to mark: the key says why instead of doing nothing
    expect(notice(page)).to_have_text("Belum ada nomor yang sedang dipanggil di loket ini.")
    press("Enter", "call-next")
    expect(notice(page)).to_have_text("Tidak ada yang menunggu di layanan loket ini.")
    press("p", "pause")
    expect(page.locator("#counter-state")).to_have_text("Dijeda")
    press("P", "pause")
    expect(page.locator("#counter-state")).to_have_text("Buka")

    # Typing a number in the field is typing, not shortcuts.
    page.click("#number-input")
    page.keyboard.type("FN+")
    expect(page.locator("#number-input")).to_have_value("FN+")
    expect(page.locator("#counter-state")).to_have_text("Buka")
    calls = hall.wait_for(5)
    assert [(c["number"], c["recall"]) for c in calls] == [
        (numbers[0], False), (numbers[0], True), (numbers[1], False), (numbers[2], False), (numbers[2], True)]


def test_a_double_press_calls_one_ticket(site: Any, desks: Any, hall_listener: Any) -> None:
    hall = hall_listener(site)
    numbers = [issue(site, SKCK)["number"] for _ in range(3)]
    page = desks()
    at_counter(page, site, "wawan", "loket-16")
    button(page, "call-next").dblclick()
    expect(current_number(page)).to_have_text(numbers[0])
    expect(page.locator("#ticket-list .ticket-number")).to_have_text(numbers[1:])
    expect(button(page, "call-next")).to_be_enabled()  # ready again once the press has settled
    assert listed_numbers(page) == numbers[1:]

    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    expect(current_number(page)).to_have_text(numbers[1])
    expect(button(page, "call-next")).to_be_enabled()
    assert listed_numbers(page) == numbers[2:]
    assert [c["number"] for c in hall.wait_for(2)] == numbers[:2]
    assert len(hall.calls) == 2
