"""The kiosk stays honest without polling: a service that closes by the clock (no one touched
anything) changes its tile and the hall's banner through the server's push, and the page runs
no slow timer that would fetch the catalog again."""

from __future__ import annotations

import copy
import re
from datetime import timedelta
from typing import Any

import pytest
from conftest import TUESDAY_9AM, screenshot
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

# Every setInterval the page starts, with its delay (the kiosk's own are 250 ms and 500 ms).
RECORD_INTERVALS = """
window.__intervals = [];
const original = window.setInterval;
window.setInterval = function (fn, delay, ...rest) {
  window.__intervals.push(Number(delay) || 0);
  return original.call(this, fn, delay, ...rest);
};
"""


def test_a_hall_closing_by_the_clock_reaches_the_kiosk_without_a_poll(
        live_server_factory: Any, bundled_data: dict[str, Any], page: Page) -> None:
    data = copy.deepcopy(bundled_data)
    data["site"]["ticket_cutoff_minutes"] = 0
    for agency in data["agencies"]:
        for service in agency["services"]:
            service["hours"] = {"open": "07:30", "close": "09:00"}
    server = live_server_factory(data, start_at=TUESDAY_9AM - timedelta(seconds=20))
    catalog_requests: list[str] = []
    page.on("request", lambda request: "/api/v1/agencies" in request.url and catalog_requests.append(request.url))
    page.add_init_script(RECORD_INTERVALS)
    page.goto(f"{server.url}/kiosk/kiosk-1")
    tile = page.locator("#popular .service-tile").first
    expect(tile).not_to_have_class(re.compile(r"\bclosed\b"), timeout=10_000)
    expect(page.locator("#hall-closed")).to_be_hidden()
    assert len(catalog_requests) == 1  # once, on connecting

    # 09:00 passes on the server's clock; its housekeeping pushes queue.updated (every 15 s).
    expect(tile).to_have_class(re.compile(r"\bclosed\b"), timeout=45_000)
    expect(tile).to_contain_text("Jam layanan sudah berakhir")
    banner = page.locator("#hall-closed")
    expect(banner).to_be_visible(timeout=10_000)
    expect(banner).to_have_text("Jam layanan sudah berakhir. Buka lagi: besok, Rabu 07:30")
    screenshot(page, "kiosk-hall-closed-by-the-clock")
    intervals = page.evaluate("window.__intervals")
    assert intervals and max(intervals) < 5_000, f"a slow timer polls: {intervals}"
