"""The hall display's screen in real Chromium: date, clock, running text and English,
waiting counts, the media loop, and screenshots of the main states at 1920x1080, 1366x768
and 1080x1920 where every number fits its tile."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import LiveServer, screenshot
from display_support import (  # noqa: F401  (shared_site_fixture, screens_fixture: the module's fixtures)
    ANNOUNCED_TIMEOUT,
    CALLING,
    CLOCK,
    SIZES,
    screens_fixture,
    shared_site_fixture,
    staff,
)
from playwright.sync_api import expect

from server.core.store import Store
from tests.rules import seed_sequence

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# --- the screen itself ----------------------------------------------------------------------


def test_clock_running_text_and_english(shared_site: LiveServer, screens: Any) -> None:
    screen = screens(shared_site, "lantai-2")
    page = screen.page
    expect(page.locator("#date")).to_have_text("Selasa, 1 Desember 2026")
    expect(page.locator("#time")).to_have_text(CLOCK)
    expect(page.locator("#site-name")).to_have_text("Mall Pelayanan Publik Kabupaten Jember")
    expect(page.locator("#display-name")).to_have_text("Layar Lantai 2")
    expect(page.locator("#ticker-text")).to_contain_text("Tolak pungutan liar")
    assert page.locator("#ticker-text").evaluate("e => getComputedStyle(e).animationName") == "ticker-scroll"
    expect(page.locator("#sound-prompt")).to_be_hidden()

    english = screens(shared_site, "lantai-2", query="?lang=en")
    page = english.page
    expect(page.locator("#date")).to_have_text("Tuesday, 1 December 2026")
    expect(page.locator("#time")).to_have_text(CLOCK)
    expect(page.locator("#hero")).to_contain_text("Welcome")  # no call on floor 2 in this site
    expect(page.locator("#ticket-label")).to_have_text("Ticket Number")
    expect(page.locator("#recent-title")).to_have_text("Previous calls")
    expect(page.locator("#ticker-text")).to_contain_text("Refuse any illegal fee")
    expect(page.locator("#waiting-title")).to_have_text("Waiting")


def test_waiting_counts_follow_the_queue(shared_site: LiveServer, screens: Any) -> None:
    officer = staff(shared_site, ["loket-12"], username="petugas-tunggu")  # Validasi BPHTB
    screen = screens(shared_site, "lantai-1")
    chip = screen.page.locator("#waiting-list li", has_text="Validasi BPHTB")
    expect(chip).to_have_count(0)
    total = screen.page.locator("#waiting-total")
    before = int(total.inner_text().split()[0]) if total.inner_text()[0].isdigit() else 0
    for _ in range(3):
        officer.issue("loket-12")
    expect(chip.locator(".chip-prefix")).to_have_text("BPH")
    expect(chip.locator(".chip-count")).to_have_text("3")
    expect(total).to_have_text(f"{before + 3} orang")
    officer.act("loket-12", "call-next")
    expect(chip.locator(".chip-count")).to_have_text("2")
    floor2 = screens(shared_site, "lantai-2")
    expect(floor2.page.locator("#waiting-list li", has_text="Validasi BPHTB")).to_have_count(0)  # not its service


def test_media_loop(shared_site: LiveServer, screens: Any) -> None:
    screen = screens(shared_site, "iklan", tiles=1)
    media = screen.page.locator("#media-image")
    expect(media).to_be_visible()
    expect(media).to_have_attribute("src", "/display/media/iklan/slide-1.png")
    assert media.evaluate("image => image.naturalWidth") == 1280
    expect(screen.page.locator("#screen")).to_have_class("screen has-media")
    screenshot(screen.page, "display-media-1920")


# --- screenshots of the main states ---------------------------------------------------------


def test_screenshots_of_the_main_states(live_server: LiveServer, screens: Any) -> None:
    busy = [f"loket-{n}" for n in (1, 2, 5, 7, 10, 13, 15, 17, 19, 22, 24, 26, 30, 33, 35, 37, 40, 44, 47, 50, 55)]
    officer = staff(live_server, busy)
    shown = {size: screens(live_server, "hall", size=size) for size in SIZES}
    for size, screen in shown.items():
        expect(screen.page.locator("#date")).to_have_text("Selasa, 1 Desember 2026")
        screenshot(screen.page, f"display-idle-{size}")
    for counter_id in busy[:8] + busy:  # some services have two people waiting, some one
        officer.issue(counter_id)
    first = officer.act(busy[0], "call-next")["ticket"]["number"]
    for size, screen in shown.items():
        expect(screen.hero_number()).to_have_text(first)
        expect(screen.page.locator("#hero")).to_have_class(CALLING)
        screenshot(screen.page, f"display-calling-{size}")
    for counter_id in busy[1:]:
        officer.act(counter_id, "call-next")
    for size, screen in shown.items():
        expect(screen.tile_number(busy[-1])).not_to_have_text("—")
        expect(screen.page.locator("#recent-list li").first).to_be_visible(timeout=ANNOUNCED_TIMEOUT)
        screenshot(screen.page, f"display-busy-{size}")
        # Every number fits in its tile, readable: nothing cut off at any size.
        clipped = screen.page.evaluate(
            """() => [...document.querySelectorAll('.tile')]
                 .filter((e) => e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1)
                 .map((e) => e.textContent)"""
        )
        assert clipped == [], size
        size_px = screen.page.locator(".tile-number").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
        rem = screen.page.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)")
        # At least 1.4 rem: 20 px at 1366x768, 28 px at 1920x1080 (docs/display.md, "Sizes"). The
        # tiles are sized for the longest number the display can show and share the screen with
        # the waiting list under them, so this was 28 px at every size before.
        assert size_px >= 1.4 * rem, (size, size_px, rem)


def test_a_three_letter_prefix_with_four_digits_is_shown_whole(shared_site: LiveServer, screens: Any) -> None:
    """PAM1234: the longest number the bundled site makes on a busy day (three-letter prefix,
    the 1234th ticket), whole in the big panel, its counter's tile and the previous calls."""
    store = Store(shared_site.db_path)
    seed_sequence(store, "2026-12-01", "pasang-baru-air", 1233)
    store.close()
    officer = staff(shared_site, ["loket-13"], username="petugas-pdam")
    shown = {size: screens(shared_site, "lantai-1", size=size) for size in SIZES}
    number = officer.call("loket-13")
    assert number == "PAM1234"
    for screen in shown.values():
        expect(screen.hero_number()).to_have_text("PAM1234")
        expect(screen.tile_number("loket-13")).to_have_text("PAM1234")
    officer.call("loket-13")  # PAM1235 is called: PAM1234 moves to the previous calls
    for size, screen in shown.items():
        previous = screen.page.locator("#recent-list li", has_text="PAM1234")
        expect(previous).to_be_visible(timeout=ANNOUNCED_TIMEOUT)
        cut = screen.page.evaluate(
            """() => [...document.querySelectorAll('#hero-number, .tile, #recent-list li, #recent-list li *')]
                 .filter((e) => e.scrollWidth > e.clientWidth + 1)
                 .map((e) => (e.id || e.className) + ': ' + e.textContent.trim())"""
        )
        screenshot(screen.page, f"display-long-number-{size}")
        assert cut == [], (size, cut)
