"""The admin's screens for "your turn is near" and its SMS, in real Chromium against a live server.

- setup, tab "Giliran hampir tiba": the admin changes when a turn is near (a test switched off
  is `null`); config.yaml holds it and a reload shows it; a value out of bounds is refused
  beside its field and changes nothing; the texts exist in English; keyboard focus is visible;
- dashboard, the SMS panel: "off" on the bundled site, with how to turn it on; with an `sms:`
  block over temporary folders, "ok" once a message is in the outbox, "stalled" when it is left
  there past `sms.stalled_minutes` (the site's set clock moved on, `antrean clock set`), "ok" and "sent" once
  it is moved to `sent/` as gammu-smsd does; the visitor's number masked.
"""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from playwright.sync_api import Page, expect
from test_admin_browser import TIMEOUT, eventually, login

from server.core.config import NearAlert
from server.core.config_load import load_config
from tests.conftest import TUESDAY_9AM, LiveServer, screenshot

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent
ENV = {key: value for key, value in os.environ.items() if key not in ("ANTREAN_DB", "ANTREAN_START_AT")}
UPSTAIRS = "pengambilan-paspor"  # Loket 57 alone: a ticket with nobody ahead is near at once


def focus_ring(page: Page) -> tuple[str, float]:
    """The focused element's outline: style and width in pixels."""
    style, width = page.evaluate("(() => { const s = getComputedStyle(document.activeElement); "
                                 "return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()")
    return style, width


# --- setup: the near alert ----------------------------------------------------------------------


def test_the_admin_sets_when_a_turn_is_near_and_it_is_kept(live_server: LiveServer, page: Page) -> None:
    live_server.add_user("kepala", "admin")
    login(page, f"{live_server.url}/admin/setup#near_alert", "kepala")
    panel = page.locator('section[data-section="near_alert"]')
    # The bundled file says nothing: the form shows what the server uses, the model's defaults.
    places, minutes = page.get_by_label("Paling banyak nomor di depan"), page.get_by_label(
        "Perkiraan tunggu paling lama (menit)")
    expect(places).to_have_value(str(NearAlert().places), timeout=TIMEOUT)
    expect(minutes).to_have_value(str(NearAlert().minutes))
    expect(page.get_by_label("Beri tahu menurut jumlah nomor di depan")).to_be_checked()
    expect(panel.locator("#near-summary")).to_have_text(
        "Pengunjung diberi tahu saat paling banyak 3 nomor di depannya atau perkiraan tunggunya paling lama 5 menit.")

    # Keyboard: from the places box back to its switch, the ring is plain to see.
    places.click()
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.id") == "near-places-on"
    style, width = focus_ring(page)
    assert style != "none" and width >= 2

    places.fill("2")
    page.get_by_label("Beri tahu menurut perkiraan waktu tunggu").uncheck()
    expect(minutes).to_be_disabled()
    summary = "Pengunjung diberi tahu saat paling banyak 2 nomor di depannya."
    expect(panel.locator("#near-summary")).to_have_text(summary)
    panel.get_by_role("button", name="Simpan").click()
    expect(page.locator("#notice")).to_contain_text("config.yaml", timeout=TIMEOUT)
    eventually(lambda: load_config(live_server.config_path).site.near_alert == NearAlert(places=2, minutes=None))
    assert "minutes: null" in live_server.config_path.read_text(encoding="utf-8")  # off, not dropped to the default

    page.reload()
    expect(places).to_have_value("2", timeout=TIMEOUT)
    expect(page.get_by_label("Beri tahu menurut perkiraan waktu tunggu")).not_to_be_checked()
    expect(minutes).to_be_disabled()
    screenshot(page, "admin-setup-near-alert")


def test_a_bad_near_value_is_shown_beside_its_field_and_changes_nothing(live_server: LiveServer, page: Page) -> None:
    live_server.add_user("kepala", "admin")
    login(page, f"{live_server.url}/admin/setup#near_alert", "kepala")
    panel = page.locator('section[data-section="near_alert"]')
    places = page.get_by_label("Paling banyak nomor di depan")
    expect(places).to_have_value("3", timeout=TIMEOUT)
    before = live_server.config_path.read_bytes()

    places.fill("500")  # the server refuses it (0–100), names the key, and the box is pointed at
    panel.get_by_role("button", name="Simpan").click()
    expect(panel.locator(".form-error")).to_contain_text("site.near_alert.places", timeout=TIMEOUT)
    beside = panel.locator('[data-key="places"] .field-error')
    expect(beside).to_have_text("Isi bilangan bulat 0–100, atau matikan aturan ini.")
    expect(places).to_have_attribute("aria-invalid", "true")
    expect(places).to_be_focused()
    assert "near-places-error" in (places.get_attribute("aria-describedby") or "")
    expect(panel.locator('[data-key="minutes"] .field-error')).to_have_count(0)
    assert live_server.config_path.read_bytes() == before

    places.fill("")  # switched on without a number: said here, nothing sent
    panel.get_by_role("button", name="Simpan").click()
    expect(beside).to_have_text("Isi bilangan bulat 0–100, atau matikan aturan ini.")
    expect(panel.locator(".form-error")).to_be_hidden()
    assert live_server.config_path.read_bytes() == before
    screenshot(page, "admin-setup-near-alert-invalid")

    # English is complete: the tab, the labels, the error beside the field.
    page.click("#lang-switch")
    expect(page.locator('#tabs button[data-tab="near_alert"]')).to_have_text("Your turn is near")
    places = page.get_by_label("At most this many tickets ahead")
    places.fill("-1")
    page.locator('section[data-section="near_alert"]').get_by_role("button", name="Save").click()
    expect(page.locator('[data-key="places"] .field-error')).to_have_text(
        "Enter a whole number 0–100, or switch this test off.", timeout=TIMEOUT)
    assert live_server.config_path.read_bytes() == before


# --- dashboard: the SMS panel --------------------------------------------------------------------


def test_the_sms_panel_says_sms_are_off_and_how_to_turn_them_on(live_server: LiveServer, page: Page) -> None:
    live_server.add_user("kepala", "admin")
    login(page, f"{live_server.url}/admin", "kepala")
    panel = page.locator("#sms-panel")
    expect(panel.locator("#sms-state")).to_have_text("Mati", timeout=TIMEOUT)
    expect(panel.locator("#sms-why")).to_contain_text("sms.enabled")
    how = panel.locator("#sms-how")
    expect(how).to_be_visible()
    expect(how).to_contain_text("sms: {enabled: true}")
    expect(how).to_contain_text("docs/sms.md")
    installed = shutil.which("gammu-smsd") is not None
    expect(panel.locator("#sms-gammu")).to_have_text(
        "gammu-smsd terpasang di server ini." if installed else
        "gammu-smsd tidak ditemukan di server ini (boleh juga berjalan di komputer lain yang berbagi folder).")
    expect(panel.locator('.sms-count[data-status="sent"] dd')).to_have_text("0")
    expect(panel.locator("#sms-table tbody")).to_have_text("Belum ada pesan.")
    page.click("#lang-switch")
    expect(panel.locator("#sms-state")).to_have_text("Off")
    expect(how).to_contain_text("To turn them on")


@pytest.fixture
def sms_site(live_server_factory: Any, bundled_data: dict[str, Any], tmp_path: Path) -> LiveServer:
    spool = tmp_path / "spool"
    for name in ("outbox", "sent", "error"):
        (spool / name).mkdir(parents=True)
    data = copy.deepcopy(bundled_data)
    data["sms"] = {"enabled": True, "outbox": str(spool / "outbox"), "sent": str(spool / "sent"),
                   "error": str(spool / "error"), "stalled_minutes": 3}
    server: LiveServer = live_server_factory(data)
    server.spool = spool  # type: ignore[attr-defined]
    return server


def _visitor_asks_for_sms(site: LiveServer, phone: str) -> dict[str, Any]:
    ticket = requests.post(f"{site.url}/api/v1/tickets", json={"service_id": UPSTAIRS}, timeout=10).json()
    key = parse_qs(urlparse(ticket["qr_url"]).query)["k"][0]
    answer = requests.post(f"{site.url}/api/v1/tickets/{ticket['id']}/sms", json={"phone": phone, "key": key},
                           timeout=10)
    answer.raise_for_status()
    return dict(ticket)


def test_the_sms_panel_shows_ok_then_stalled_then_sent(sms_site: LiveServer, page: Page) -> None:
    outbox: Path = sms_site.spool / "outbox"  # type: ignore[attr-defined]
    ticket = _visitor_asks_for_sms(sms_site, "0812 3456 7890")
    eventually(lambda: len(list(outbox.glob("OUT*.txt"))) == 1, seconds=15)  # the server's SMS round wrote it
    sms_site.add_user("kepala", "admin")
    login(page, f"{sms_site.url}/admin", "kepala")
    panel = page.locator("#sms-panel")
    expect(panel.locator("#sms-state")).to_have_text("Berjalan", timeout=TIMEOUT)
    expect(panel.locator("#sms-how")).to_be_hidden()
    expect(panel.locator("#sms-outbox")).to_have_text(f"Outbox: {outbox}")
    row = panel.locator(f'#sms-table tr[data-ticket-id="{ticket["id"]}"]')
    expect(row).to_contain_text(ticket["number"])
    expect(row.locator(".sms-phone")).to_have_text("+62812*****890")  # masked, as the API gives it
    expect(row).to_contain_text("Di outbox")
    expect(panel.locator('.sms-count[data-status="written"] dd')).to_have_text("1")
    assert "+6281234567890" not in panel.inner_text()  # never the whole number

    # gammu-smsd does not take it: the file stays in the outbox while the day goes on.
    (written,) = outbox.glob("OUT*.txt")
    later = (TUESDAY_9AM + timedelta(minutes=10)).isoformat()
    moved = subprocess.run([sys.executable, "-m", "server.cli", "--config", str(sms_site.config_path), "clock", "set",
                            later], cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=60)
    assert moved.returncode == 0, moved.stderr
    expect(panel.locator("#sms-state")).to_have_text("Macet", timeout=20_000)  # the panel asks again by itself
    expect(panel.locator("#sms-why")).to_contain_text("gammu-smsd tidak mengambilnya")
    expect(panel.locator("#sms-detail")).to_contain_text("gammu-smsd is not taking them")
    panel.scroll_into_view_if_needed()
    screenshot(page, "admin-dashboard-sms-stalled")

    # It starts and sends: the message moves to sent/ and the panel says so.
    written.rename(sms_site.spool / "sent" / written.name)  # type: ignore[attr-defined]
    expect(panel.locator("#sms-state")).to_have_text("Berjalan", timeout=20_000)
    expect(row).to_contain_text("Terkirim", timeout=TIMEOUT)
    expect(panel.locator('.sms-count[data-status="sent"] dd')).to_have_text("1")
    expect(panel.locator('.sms-count[data-status="written"] dd')).to_have_text("0")
