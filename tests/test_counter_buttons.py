"""The counter page renders what the server allows: its buttons follow the counter's `actions`,
and the "call a number" field reads numbers as the server does (four digits and more too)."""

from __future__ import annotations

import copy
from typing import Any

from conftest import LiveServer, screenshot
from playwright.sync_api import expect
from test_counter_support import (  # noqa: F401  (desks_fixture: the module's fixture)
    KTP,
    api,
    at_counter,
    button,
    current_number,
    desks_fixture,
    issue,
    notice,
)

from server.core.store import Store
from tests.rules import seed_sequence

BUTTONS = ("call-next", "recall", "start", "finish", "no-show", "transfer", "pause")


def test_an_officer_calls_a_four_digit_number_by_typing_it(live_server_factory: Any, bundled_data: dict[str, Any],
                                                           desks: Any) -> None:
    data = copy.deepcopy(bundled_data)
    for agency in data["agencies"]:
        for service in agency["services"]:
            if service["id"] == KTP:
                service.pop("quota", None)  # a thousand visitors a day
    live_server = live_server_factory(data)
    live_server.add_user("budi", "officer", counters=["loket-1"])
    store = Store(live_server.db_path)  # the live server's own database, beside it
    seed_sequence(store, "2026-12-01", KTP, 999)
    store.close()
    ticket = issue(live_server, KTP)
    assert ticket["number"] == "A1000"
    page = desks()
    at_counter(page, live_server, "budi")
    page.fill("#number-input", "a1000")
    page.press("#number-input", "Enter")
    expect(current_number(page)).to_have_text("A1000")
    expect(notice(page)).to_have_text("Memanggil A1000 — Perekaman KTP-el.")
    expect(page.locator("#number-input")).to_have_value("")


def test_the_buttons_follow_the_counters_actions(live_server: LiveServer, desks: Any) -> None:
    live_server.add_user("budi", "officer", counters=["loket-1"])
    token = live_server.login("budi")
    issue(live_server, KTP)
    page = desks()
    at_counter(page, live_server, "budi")

    def shown() -> dict[str, bool]:
        return {action: button(page, action).is_enabled() for action in BUTTONS}

    def allowed() -> dict[str, bool]:
        actions = api(live_server, "GET", "/api/v1/counters/loket-1", token)["actions"]
        return {action: actions["resume" if action == "pause" and actions["resume"] else action]
                for action in BUTTONS}

    expect(button(page, "recall")).to_be_disabled()
    assert shown() == allowed()
    button(page, "call-next").click()
    expect(page.locator("#current-status")).to_have_text("Dipanggil")
    expect(button(page, "call-next")).to_be_enabled()  # once a call has settled (a double press calls once)
    assert shown() == allowed()
    button(page, "start").click()
    expect(page.locator("#current-status")).to_have_text("Dilayani")
    expect(button(page, "start")).to_be_disabled()
    # While serving, the server accepts a no-show (the visitor walked away): the button is lit.
    expect(button(page, "no-show")).to_be_enabled()
    assert shown() == allowed()
    screenshot(page, "counter-actions-serving")
    button(page, "no-show").click()
    expect(notice(page)).to_contain_text("dicatat tidak hadir")
    expect(current_number(page)).to_be_hidden()
    assert shown() == allowed()
