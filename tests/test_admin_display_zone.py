"""Admin edits a display's zone (`displays[].speaks`) where displays are edited, in real
Chromium: the form shows the bundled zone, saves a list of counters, and a floor none of the
display's counters is on is refused with the field named, changing nothing."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import screenshot
from test_admin_browser import TIMEOUT, eventually, login

from server.core.config_load import load_config

pytestmark = [pytest.mark.browser]


def test_a_displays_zone_is_edited_and_a_wrong_floor_refused_by_name(live_server: Any, page: Any) -> None:
    live_server.add_user("kepala", "admin")
    login(page, f"{live_server.url}/admin/setup#displays", "kepala")
    page.click('#items-table tr[data-id="lantai-2"]', timeout=TIMEOUT)
    form = page.locator("#item-form")
    speaks = form.locator('input[name="speaks"]')
    assert speaks.input_value() == "floor 2"
    speaks.fill("loket-33, loket-34")
    page.click("#save-item")
    page.wait_for_selector("#notice:not([hidden])", timeout=TIMEOUT)
    eventually(lambda: load_config(live_server.config_path).displays[2].speaks == ["loket-33", "loket-34"])

    before = live_server.config_path.read_bytes()
    page.click('#items-table tr[data-id="lantai-2"]', timeout=TIMEOUT)
    speaks.fill("floor 1")
    page.click("#save-item")
    error = page.locator("#item-error")
    error.wait_for(timeout=TIMEOUT)
    assert "displays[2].speaks" in error.inner_text() and "floor 1" in error.inner_text()
    assert "invalid" in (speaks.get_attribute("class") or "")
    assert live_server.config_path.read_bytes() == before
    screenshot(page, "admin-setup-display-zone-refused")
