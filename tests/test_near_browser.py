""""Your turn is near" on the phone page, in real Chromium on a phone viewport: the banner comes
when the tickets ahead are called, with a vibration (recorded by a stand-in: headless Chromium
has no motor) and the chime, once per ticket and step, also after a reload; the SMS field
refuses a landline and keeps a mobile number, and the server's SMS round writes the message."""

from __future__ import annotations

import copy
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from conftest import LiveServer, screenshot
from kiosk_support import TIMEOUT, api
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser

UPSTAIRS = "pengambilan-paspor"  # Loket 57 alone
RECORD_VIBRATION = ("window.__vibrations = []; "
                    "navigator.vibrate = (pattern) => { window.__vibrations.push(pattern); return true; };")


@pytest.fixture
def site(live_server_factory: Any, bundled_data: dict[str, Any], tmp_path: Path) -> LiveServer:
    spool = tmp_path / "spool"
    for name in ("outbox", "sent", "error"):
        (spool / name).mkdir(parents=True)
    data = copy.deepcopy(bundled_data)
    data["site"]["near_alert"] = {"places": 2, "minutes": None}
    data["sms"] = {"enabled": True, "outbox": str(spool / "outbox"), "sent": str(spool / "sent"),
                   "error": str(spool / "error")}
    server: LiveServer = live_server_factory(data)
    server.spool = spool  # type: ignore[attr-defined]
    return server


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  locale="id-ID")
    context.add_init_script(RECORD_VIBRATION)
    yield context.new_page()
    context.close()


def _call_next(site: LiveServer, headers: dict[str, str]) -> None:
    answer = requests.post(f"{site.url}/api/v1/counters/loket-57/call-next", headers=headers, timeout=10)
    answer.raise_for_status()
    requests.post(f"{site.url}/api/v1/counters/loket-57/finish", headers=headers, timeout=10)


def test_the_banner_vibration_and_sms_come_once_when_the_turn_is_near(site: LiveServer, phone: Page) -> None:
    line = [api(site, "/tickets", "POST", json={"service_id": UPSTAIRS}) for _ in range(4)]
    mine = line[-1]
    phone.goto(mine["qr_url"])
    expect(phone.locator("#ahead")).to_have_text("3 orang", timeout=TIMEOUT)
    expect(phone.locator("#near")).to_be_hidden()
    phone.locator("#sound-button").click()
    expect(phone.locator("#sound-button")).to_have_text("Suara/getar aktif")
    vibrations_before = phone.evaluate("window.__vibrations.length")

    # The SMS field: a landline is refused in place, a mobile number is kept (masked).
    phone.locator("#sms-phone").fill("0331 487 000")
    phone.locator("#sms-save").click()
    expect(phone.locator("#sms-message")).to_contain_text("Nomor tidak dikenali", timeout=TIMEOUT)
    expect(phone.locator("#sms-phone")).to_have_attribute("aria-invalid", "true")
    phone.locator("#sms-phone").fill("0812 3456 7890")
    phone.locator("#sms-save").click()
    expect(phone.locator("#sms-message")).to_have_text(
        "SMS akan dikirim ke +62812*****890 saat giliran Anda dekat.", timeout=TIMEOUT)

    site.add_user("petugas-57", "officer", counters=["loket-57"])
    headers = site.login("petugas-57")
    _call_next(site, headers)
    expect(phone.locator("#near")).to_be_visible(timeout=TIMEOUT)
    expect(phone.locator("#near-detail")).to_have_text("Tinggal 2 orang di depan Anda. Silakan menuju Loket 57, "
                                                       "Lantai 2.")
    assert phone.evaluate("window.__vibrations.length") == vibrations_before + 1
    screenshot(phone, "phone-near")

    _call_next(site, headers)  # one ahead now: still near, not alerted again
    expect(phone.locator("#ahead")).to_have_text("1 orang", timeout=TIMEOUT)
    expect(phone.locator("#near-detail")).to_contain_text("Tinggal 1 orang")
    assert phone.evaluate("window.__vibrations.length") == vibrations_before + 1
    phone.reload()
    expect(phone.locator("#near")).to_be_visible(timeout=TIMEOUT)
    expect(phone.locator("#sound-button")).to_have_text("Suara/getar aktif")  # remembered, not asked again
    assert phone.evaluate("window.__vibrations.length") == 0  # a new page, and no second alert for this step

    # The server's SMS round (every few seconds) has written it into gammu-smsd's outbox, once.
    outbox: Path = site.spool / "outbox"  # type: ignore[attr-defined]
    deadline = time.monotonic() + 20
    while not list(outbox.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.3)
    files = list(outbox.iterdir())
    assert len(files) == 1 and "_+6281234567890_" in files[0].name
    assert "hampir dipanggil" in files[0].read_bytes()[2:].decode("utf-16-be")

    _call_next(site, headers)
    requests.post(f"{site.url}/api/v1/counters/loket-57/call-next", headers=headers,
                  timeout=10).raise_for_status()  # mine is called: the banner gives way to the call
    expect(phone.locator("#called")).to_be_visible(timeout=TIMEOUT)
    expect(phone.locator("#near")).to_be_hidden()
