"""The counter page live: two officers racing for one line, changes made elsewhere
appearing without a reload, a server restart (banner, disabled buttons, resync),
and the screen at desktop and tablet sizes."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import screenshot
from playwright.sync_api import expect
from test_counter_support import (  # noqa: F401  (fixtures)
    DESKTOP,
    KK,
    KTP,
    TABLET_LANDSCAPE,
    TABLET_PORTRAIT,
    api,
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

IKD = "aktivasi-ikd"  # prefix IKD, loket-3 (with KTP-el recording) and loket-9


@pytest.fixture(scope="module", autouse=True)
def officers(site: Any) -> None:
    site.add_user("budi", "officer", counters=["loket-1"])
    site.add_user("sari", "officer", counters=["loket-2"])
    site.add_user("ina", "officer", counters=["loket-5"])
    site.add_user("joko", "officer", counters=["loket-6", "loket-3"])


def test_two_officers_at_two_counters_never_get_the_same_ticket(site: Any, desks: Any, hall_listener: Any) -> None:
    hall = hall_listener(site)
    issued = [issue(site, KTP)["number"] for _ in range(9)]
    budi, sari = desks(), desks()
    at_counter(budi, site, "budi")
    at_counter(sari, site, "sari")
    called: dict[str, list[str]] = {"loket-1": [], "loket-2": []}
    pages = {"loket-1": budi, "loket-2": sari}
    for _ in range(len(issued)):
        if not budi.locator("#ticket-list li").count():
            break
        before = {counter: current_number(page).inner_text() for counter, page in pages.items()}
        # Both press "call next" at the same moment: both requests are in flight together.
        for page in pages.values():
            expect(button(page, "call-next")).to_be_enabled()
        for page in pages.values():
            page.keyboard.press("Enter")
        for counter, page in pages.items():
            expect(button(page, "call-next")).to_be_enabled()
            expect(notice(page)).not_to_be_empty()
            if current_number(page).is_visible() and current_number(page).inner_text() != before[counter]:
                called[counter].append(current_number(page).inner_text())
    everything = called["loket-1"] + called["loket-2"]
    assert sorted(everything) == issued, called  # each ticket called once, none skipped
    assert called["loket-1"] and called["loket-2"], called  # both counters really took part
    calls = hall.wait_for(len(issued))
    assert sorted((c["number"], c["counter_id"]) for c in calls) == sorted(
        (number, counter) for counter, numbers in called.items() for number in numbers)


def test_changes_made_elsewhere_appear_without_a_reload(site: Any, desks: Any) -> None:
    family = issue(site, KK)
    page = desks()
    at_counter(page, site, "ina")
    expect(page.locator("#ticket-list .ticket-number")).to_have_text([family["number"]])

    # A visitor takes a ticket at a kiosk.
    newcomer = issue(site, KK, priority="pregnant")
    expect(page.locator("#ticket-list .ticket-number")).to_have_text([newcomer["number"], family["number"]])
    expect(page.locator("#ticket-list .queue-ticket").first).to_contain_text("Ibu hamil")
    expect(page.locator(f'#service-lines [data-service-id="{KK}"]')).to_contain_text("2 menunggu")

    # Loket 6 serves the same line and calls the first in it.
    joko = site.login("joko")
    api(site, "POST", "/api/v1/counters/loket-6/call-next", joko)
    expect(page.locator("#ticket-list .ticket-number")).to_have_text([family["number"]])

    # The same officer pauses this counter from another device, then resumes it.
    ina = site.login("ina")
    api(site, "POST", "/api/v1/counters/loket-5/pause", ina)
    expect(page.locator("#counter-state")).to_have_text("Dijeda")
    expect(button(page, "pause")).to_contain_text("Lanjutkan")
    api(site, "POST", "/api/v1/counters/loket-5/resume", ina)
    expect(page.locator("#counter-state")).to_have_text("Buka")
    api(site, "POST", "/api/v1/counters/loket-5/call-next", ina)
    expect(current_number(page)).to_have_text(family["number"])
    expect(page.locator("#queue-empty")).to_be_visible()


def test_the_screen_fits_a_desktop_and_a_ten_inch_tablet(site: Any, desks: Any) -> None:
    for _ in range(12):
        issue(site, IKD)
    for viewport, name in ((DESKTOP, None), (TABLET_LANDSCAPE, "counter-tablet-1280x800"),
                           (TABLET_PORTRAIT, "counter-tablet-800x1280")):
        page = desks(viewport)
        at_counter(page, site, "joko", "loket-3")
        if current_number(page).is_hidden():
            button(page, "call-next").click()
        expect(current_number(page)).to_be_visible()
        size = page.evaluate("({w: document.documentElement.scrollWidth, h: document.documentElement.scrollHeight})")
        assert size["w"] <= viewport["width"], f"sideways scrolling at {viewport}"
        if viewport["height"] < viewport["width"]:
            assert size["h"] <= viewport["height"], f"the page scrolls at {viewport}: {size}"
        # Every action button is on screen at once, big enough for a finger.
        for action in ("call-next", "recall", "start", "finish", "no-show", "transfer", "pause"):
            box = button(page, action).bounding_box()
            assert box is not None and box["height"] >= 48 and box["width"] >= 100, (action, box)
            assert box["y"] + box["height"] <= viewport["height"], (action, box, viewport)
        expect(page.locator("#ticket-list .queue-ticket").first).to_be_in_viewport()
        if name:
            screenshot(page, name)


def test_a_server_restart_shows_a_banner_then_resynchronises(live_server: Any, desks: Any) -> None:
    live_server.add_user("budi", "officer", counters=["loket-1"])
    first, second = issue(live_server, KTP), issue(live_server, KTP)
    page = desks()
    at_counter(page, live_server, "budi")
    button(page, "call-next").click()
    expect(current_number(page)).to_have_text(first["number"])
    banner = page.locator("#connection-banner")
    expect(banner).to_be_hidden()

    live_server.stop()
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Koneksi ke server terputus")
    for action in ("call-next", "recall", "start", "finish", "transfer", "pause"):
        expect(button(page, action)).to_be_disabled()
    expect(page.locator("#number-submit")).to_be_disabled()
    page.keyboard.press("s")
    expect(notice(page)).to_have_text("Tidak terhubung ke server. Periksa jaringan lalu coba lagi.")
    screenshot(page, "counter-disconnected")

    # While the page is still reconnecting, the counter moves on elsewhere.
    live_server.start()
    budi = live_server.login("budi")
    api(live_server, "POST", "/api/v1/counters/loket-1/start", budi)
    third = issue(live_server, KTP)

    expect(banner).to_be_hidden(timeout=15_000)
    expect(button(page, "call-next")).to_be_enabled()
    expect(page.locator("#current-status")).to_have_text("Dilayani")
    expect(current_number(page)).to_have_text(first["number"])
    # (Their order is not asserted: the restarted test server's clock began at 09:00 again.)
    expect(page.locator("#ticket-list .ticket-number")).to_have_count(2)
    assert sorted(listed_numbers(page)) == [second["number"], third["number"]]
    button(page, "finish").click()
    expect(notice(page)).to_have_text(f"{first['number']} selesai dilayani.")
