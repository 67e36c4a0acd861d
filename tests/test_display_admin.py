"""Admin edits reach every open display at once (real Chromium, a live server, the real admin
API): the running text and a counter's name through `config.updated`, a counter closed for
today (and reopened) through `counter.updated`; no reload, no waiting for the 10-minute resync."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from conftest import LiveServer, screenshot
from display_support import screens_fixture  # noqa: F401  (the module's fixture)
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AT_ONCE = 5_000  # ms: "at once" for a person looking at the screen, with a loaded machine's slack


def test_admin_edits_reach_every_open_display_at_once(live_server: LiveServer, screens: Any,
                                                      bundled_data: dict[str, Any]) -> None:
    hall = screens(live_server, "hall")
    floor2 = screens(live_server, "lantai-2", query="?lang=en")
    live_server.add_user("admin-layar", "admin")
    admin = live_server.login("admin-layar")
    api = f"{live_server.url}/api/v1/admin"

    text = {"running_text": "Loket 34 pindah ke ruang B", "running_text_en": "Counter 34 has moved to room B"}
    answer = requests.put(f"{api}/config/running_text", headers=admin, json={"value": text}, timeout=10)
    assert answer.status_code == 200, answer.text
    expect(hall.page.locator("#ticker-text")).to_have_text(text["running_text"], timeout=AT_ONCE)
    expect(floor2.page.locator("#ticker-text")).to_have_text(text["running_text_en"], timeout=AT_ONCE)

    counter = next(c for c in bundled_data["counters"] if c["id"] == "loket-34")
    renamed = {**counter, "name": "Loket 34 Prioritas", "name_en": "Priority Counter 34"}
    answer = requests.put(f"{api}/config/counters/loket-34", headers=admin, json={"value": renamed}, timeout=10)
    assert answer.status_code == 200, answer.text
    expect(hall.tile("loket-34").locator(".tile-name")).to_have_text("Loket 34 Prioritas", timeout=AT_ONCE)
    expect(floor2.tile("loket-34").locator(".tile-name")).to_have_text("Priority Counter 34", timeout=AT_ONCE)

    answer = requests.post(f"{api}/closures", headers=admin, timeout=10,
                           json={"kind": "counter", "target_id": "loket-35", "reason": "petugas dinas luar"})
    assert answer.status_code == 201, answer.text
    expect(hall.tile("loket-35")).to_contain_text("Tutup", timeout=AT_ONCE)
    expect(floor2.tile("loket-35")).to_contain_text("Closed", timeout=AT_ONCE)
    expect(hall.tile("loket-35")).to_have_class("tile is-empty is-closed")
    screenshot(hall.page, "display-admin-edits-1920")
    screenshot(floor2.page, "display-admin-edits-1920-en")

    answer = requests.post(f"{api}/closures/{answer.json()['id']}/reopen", headers=admin, timeout=10)
    assert answer.status_code == 200, answer.text
    expect(hall.tile("loket-35")).not_to_contain_text("Tutup", timeout=AT_ONCE)
    expect(floor2.tile("loket-35").locator(".tile-number")).to_have_text("—", timeout=AT_ONCE)
    # A reload shows the same: what arrived live is what the server says.
    hall.page.reload()
    expect(hall.tile("loket-34").locator(".tile-name")).to_have_text("Loket 34 Prioritas", timeout=10_000)
    expect(hall.page.locator("#ticker-text")).to_have_text(text["running_text"])
