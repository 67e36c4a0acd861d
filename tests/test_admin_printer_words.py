"""The admin printer table speaks the page's language: a failing printer's message comes from
the server with its code and its Indonesian words (printers/messages.py), in real Chromium
against a live server whose network printer is a real TCP socket (tests/fakeprinter.py)."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from printers import messages
from tests.conftest import PASSWORD, screenshot
from tests.fakeprinter import FakePrinter, free_port

pytestmark = pytest.mark.browser
TIMEOUT = 10_000
ROW = "#printers-table tr[data-printer-id='printer-lobi']"


def test_every_printer_message_has_both_languages_and_is_found_again_by_its_code() -> None:
    values = {"printer": "printer-lobi (192.168.1.50:9100)", "reason": messages.say("refused", port=9100),
              "detail": messages.say("paper_out"), "said": messages.say("cups_late")}
    for code, (indonesian, english) in messages.MESSAGES.items():
        assert indonesian and english and indonesian != english or code in ("network_failed", "cups_failed"), code
        text = messages.say(code, **{k: values.get(k, "x") for k in values} | {"seconds": "3", "port": 9100,
                                                                              "host": "'kios'", "device": "/dev/lp0",
                                                                              "error": "EIO", "queue": "'q'",
                                                                              "folder": "/data"})
        found = messages.words(text, "id")
        assert found is not None and found.code == code, (code, found)
        assert "refused" not in found.text and "out of paper" not in found.text  # the inner message too


def test_the_indonesian_admin_page_shows_a_failing_printers_message_in_indonesian(
        live_server_factory: Any, bundled_data: dict[str, Any], page: Any) -> None:
    port = free_port()  # nothing listens there yet: the printer refuses every connection
    data = {**bundled_data, "printers": [{"id": "printer-lobi", "name": "Printer Lobi", "type": "network",
                                          "host": "127.0.0.1", "port": port, "width_mm": 80}],
            "kiosks": [{"id": "kiosk-1", "name": "Kios Lobi", "printer": "printer-lobi"}]}
    server = live_server_factory(data)
    server.add_user("kepala", "admin")

    page.goto(f"{server.url}/admin")
    page.fill("#login-username", "kepala")
    page.fill("#login-password", PASSWORD)
    page.click("#login-form button[type=submit]")
    detail = page.locator(f"{ROW} td").nth(3)
    page.wait_for_function(f"() => (document.querySelector(\"{ROW}\")?.textContent || '').includes('menolak')",
                           timeout=20_000)
    assert page.locator(f"{ROW} td").nth(2).inner_text() == "Tidak terhubung"
    assert detail.inner_text() == ("menolak sambungan: pastikan printer menyala, tidak ada perangkat lain yang "
                                   f"sedang mencetak ke sana, dan port-nya {port}")
    page.locator(ROW).scroll_into_view_if_needed()
    screenshot(page, "admin-printer-offline-id")
    listed = requests.get(server.url + "/api/v1/printers", timeout=5).json()["printers"][0]
    assert listed["detail_code"] == "refused" and listed["detail"].startswith("refused the connection")

    page.click("#lang-switch")  # English: the same message in English
    page.wait_for_function(f"() => document.querySelector(\"{ROW}\").textContent.includes('refused the connection')",
                           timeout=TIMEOUT)
    page.click("#lang-switch")

    # The printer comes back, out of paper: the news arrives live, in Indonesian.
    with FakePrinter(port=port, mode="paper_out"):
        page.wait_for_function(f"() => document.querySelector(\"{ROW}\").textContent.includes('Kertas habis')",
                               timeout=40_000)
        assert detail.inner_text() == "kertas habis: pasang gulungan baru"
        screenshot(page, "admin-printer-paper-out-id")
