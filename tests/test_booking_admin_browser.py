"""The setup page edits booking: a service's booking block in its form, and the site's
booking rules in their tab, saved to config.yaml (real Chromium, the live server)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from test_admin_browser import TIMEOUT, login

from server.core.config_load import load_config
from tests.conftest import screenshot

pytestmark = pytest.mark.browser


def test_a_service_takes_bookings_and_the_site_asks_for_a_phone_from_the_setup_page(live_server: Any,
                                                                                    page: Any) -> None:
    live_server.add_user("kepala", "admin")
    login(page, f"{live_server.url}/admin/setup", "kepala")
    page.click('#items-table tr[data-id="kia"]')
    form = page.locator("#item-form")
    booking = form.locator('[data-key="booking"]')
    assert booking.locator('input[name="booking__on"]').is_checked() is False
    booking.locator('input[name="booking__on"]').check()
    booking.locator('input[name="booking__capacity"]').fill("3")
    booking.locator('input[name="booking__slot_minutes"]').fill("20")
    page.click("#save-item")
    page.wait_for_selector("#notice:not([hidden])", timeout=TIMEOUT)
    kia = {s.id: s for a in load_config(live_server.config_path).agencies for s in a.services}["kia"]
    assert kia.booking is not None and (kia.booking.capacity, kia.booking.slot_minutes) == (3, 20)
    assert kia.booking.horizon_days == 14  # left empty: the default

    page.click('#tabs button[data-tab="booking"]')
    panel = page.locator('section[data-section="booking"]')
    assert panel.locator('select[name="placement"]').input_value() == "slot"
    panel.locator('select[name="ask_nik"]').select_option("required")
    panel.locator('input[name="per_phone_per_day"]').fill("")
    screenshot(page, "admin-setup-booking")
    before = live_server.config_path.read_bytes()
    panel.locator("button[type=submit]").click()
    deadline = time.monotonic() + 10
    while live_server.config_path.read_bytes() == before:
        error = panel.locator(".form-error")
        assert not error.is_visible(), error.inner_text()
        assert time.monotonic() < deadline, "the booking rules were not saved"
        time.sleep(0.1)
    rules = load_config(live_server.config_path).site.booking
    assert (rules.ask_nik, rules.ask_phone, rules.per_phone_per_day) == ("required", "optional", None)
