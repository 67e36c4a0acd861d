"""The counter page's way in: log in (and a wrong password), choose a counter, a counter
the officer may not use, a session that survives a reload, logging out, the English
switch, and a page that loads nothing from outside the server."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from conftest import ROOT, screenshot
from playwright.sync_api import expect
from test_counter_support import (  # noqa: F401  (fixtures)
    KTP,
    at_counter,
    button,
    current_number,
    desks_fixture,
    issue,
    log_in,
    site_fixture,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module", autouse=True)
def officers(site: Any) -> None:
    """The accounts of this module's tests (each test keeps to its own counters)."""
    site.add_user("budi", "officer", counters=["loket-1", "loket-3"])
    site.add_user("sari", "officer", counters=["loket-2"])
    site.add_user("rina", "officer", counters=["loket-15"])
    site.add_user("kepala", "supervisor", agency="bapenda")


def test_wrong_password_then_log_in_and_choose_a_counter(site: Any, desks: Any) -> None:
    page = desks()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(site.url + "/counter")
    expect(page.locator("#login-title")).to_have_text("Masuk petugas loket")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    screenshot(page, "counter-login")

    log_in(page, site, "budi", password="bukan-sandinya")
    message = page.locator("#login-message")
    expect(message).to_have_text(re.compile("Nama pengguna atau kata sandi salah"))
    expect(page.locator("#login-view")).to_be_visible()
    screenshot(page, "counter-login-wrong-password")

    page.fill("#password", "rahasia-123")
    page.click("#login-submit")
    choices = page.locator("#counter-list .counter-choice")
    expect(choices).to_have_count(2)  # only the counters budi is assigned to
    expect(choices.nth(0)).to_contain_text("Loket 1")
    expect(choices.nth(1)).to_contain_text("Aktivasi Identitas Kependudukan Digital")
    expect(page.locator(".user-name")).to_have_text("budi")
    screenshot(page, "counter-choose")

    page.click('[data-counter-id="loket-3"]')
    expect(page.locator("#counter-name")).to_have_text("Loket 3")
    expect(page).to_have_url(site.url + "/counter/loket-3")
    expect(button(page, "call-next")).to_be_enabled()
    expect(page.locator("#service-lines li")).to_have_count(2)  # KTP-el recording and IKD activation
    # Every byte the page needed came from our own server: the hall has no internet.
    ours = f"127.0.0.1:{site.port}"
    outside = [url for url in requested if not url.startswith("data:") and urlsplit(url).netloc != ours]
    assert requested and not outside, outside


def test_a_counter_the_officer_may_not_use_is_refused_in_words(site: Any, desks: Any) -> None:
    page = desks()
    page.goto(site.url + "/counter/loket-9")
    log_in(page, site, "budi")
    message = page.locator("#choose-message")
    expect(message).to_have_text(re.compile("Anda tidak ditugaskan di Loket 9"))
    expect(page.locator("#counter-list .counter-choice")).to_have_count(2)
    expect(page).to_have_url(site.url + "/counter")
    screenshot(page, "counter-forbidden")


def test_the_session_and_the_counter_survive_a_reload_then_log_out(site: Any, desks: Any) -> None:
    number = issue(site, KTP)["number"]
    page = desks()
    at_counter(page, site, "budi", "loket-1")
    page.keyboard.press("Enter")
    expect(current_number(page)).to_have_text(number)

    page.reload()
    expect(page.locator("#counter-name")).to_have_text("Loket 1")
    expect(current_number(page)).to_have_text(number)
    expect(page.locator("#current-status")).to_have_text("Dipanggil")
    expect(button(page, "recall")).to_be_enabled()

    # The counter is remembered on this device even when the address loses it.
    page.goto(site.url + "/counter")
    expect(page.locator("#counter-name")).to_have_text("Loket 1")
    expect(page).to_have_url(site.url + "/counter/loket-1")

    page.click("#change-counter")
    expect(page.locator("#choose-view")).to_be_visible()
    expect(page.locator(".counter-choice.remembered")).to_contain_text("Loket 1")
    page.click('[data-counter-id="loket-3"]')
    expect(page.locator("#counter-name")).to_have_text("Loket 3")

    page.click("#logout")
    expect(page.locator("#login-view")).to_be_visible()
    page.reload()
    expect(page.locator("#login-view")).to_be_visible()
    expect(page.locator("#logout")).to_be_hidden()


def test_english_switch_translates_every_text_and_is_remembered(site: Any, desks: Any) -> None:
    page = desks()
    page.goto(site.url + "/counter")
    strings = page.evaluate("window.COUNTER_STRINGS")
    assert set(strings["id"]) == set(strings["en"]), "every text needs both languages"
    assert all(strings["en"][key] for key in strings["en"])

    page.click("#lang-switch")
    expect(page.locator("#login-title")).to_have_text("Counter officer login")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    at_counter(page, site, "sari")  # a single counter: straight to work
    expect(button(page, "call-next")).to_contain_text("Call next")
    expect(button(page, "no-show")).to_contain_text("No-show")
    expect(page.locator("#service-lines li").first).to_contain_text("Electronic ID Card (KTP-el) Biometric Recording")
    page.reload()
    expect(button(page, "pause")).to_contain_text("Pause")
    page.click("#lang-switch")
    expect(button(page, "pause")).to_contain_text("Jeda")
    expect(page.locator("#lang-switch")).to_have_text("English")


def test_supervisors_choose_among_their_agencys_counters(site: Any, desks: Any) -> None:
    page = desks()
    log_in(page, site, "kepala")
    choices = page.locator("#counter-list .counter-choice")
    expect(choices).to_have_count(3)  # loket-10, 11 and 12 belong to Bapenda
    expect(choices.first).to_contain_text("Bapenda")


def test_a_session_ended_elsewhere_sends_the_officer_back_to_log_in(site: Any, desks: Any) -> None:
    page = desks()
    at_counter(page, site, "rina")
    # The session ends on the server (e.g. the officer logged out in another tab).
    session = page.context.request.get(site.url + "/api/v1/session").json()
    page.context.request.delete(site.url + "/api/v1/session",
                                headers={"X-CSRF-Token": session["csrf_token"]})
    page.keyboard.press("Enter")
    expect(page.locator("#login-view")).to_be_visible()
    expect(page.locator("#login-message")).to_have_text("Sesi Anda telah berakhir. Silakan masuk lagi.")


def test_the_page_names_no_outside_address() -> None:
    folder = ROOT / "counter"
    for path in [*folder.rglob("*.html"), *folder.rglob("*.js"), *folder.rglob("*.css")]:
        text = Path(path).read_text(encoding="utf-8")
        assert not re.search(r"https?://", text), f"{path} names an outside address"
