"""A burst of calls in real Chromium against a live server: each floor's screen speaks its own
floor's calls, in order; the calls it cannot speak in time (the backlog rule) are marked "Tidak
diumumkan" / "Not announced" in its previous calls, also after a reload; the main hall's screen
shows them all and speaks none (the floor screens speak them); the other floor's screen neither
speaks nor shows them."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import LiveServer, screenshot, start_site
from display_support import FULL_CHIME, screens_fixture, sentence, staff  # noqa: F401  (screens_fixture: a fixture)
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BURST = [f"loket-{n}" for n in range(33, 39)]  # six counters on floor 2


@pytest.fixture(scope="module")
def busy_site(bundled_data: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The bundled site with the full call and a short backlog: a call that cannot start within 10 s is not spoken."""
    data = copy.deepcopy(bundled_data)
    data["site"]["announcement"].update({"style": "full", "backlog": "skip_older_than", "backlog_seconds": 10})
    server = start_site(tmp_path_factory.mktemp("busy-site"), data)
    yield server
    server.stop()


def marked(screen: Any) -> Any:
    return screen.page.locator("#recent-list li.is-unspoken")


def test_a_burst_is_spoken_in_order_by_its_floor_and_the_rest_is_marked(busy_site: LiveServer, screens: Any) -> None:
    officer = staff(busy_site, BURST)
    floor2 = screens(busy_site, "lantai-2", tiles=32)
    english = screens(busy_site, "lantai-2", query="?lang=en", tiles=32)
    floor1 = screens(busy_site, "lantai-1", tiles=32)
    hall = screens(busy_site, "hall", tiles=64)
    numbers = [officer.call(counter_id) for counter_id in BURST]  # about six calls a second

    # A full call lasts about 6.5 s: the first starts at once, the second within 10 s, the
    # others could not start within 10 s of being made, so they are marked at once.
    done = floor2.wait_announced(2)
    assert [(e["number"], e["played"]) for e in done] == [
        (numbers[0], [FULL_CHIME, sentence(BURST[0], numbers[0])]),
        (numbers[1], [FULL_CHIME, sentence(BURST[1], numbers[1])]),
    ]
    assert done[1]["started"] >= done[0]["ended"]
    late = numbers[2:]
    assert [m["number"] for m in floor2.page.evaluate("() => window.__unannounced")] == late
    expect(marked(floor2)).to_have_count(4)
    for item, number in zip(marked(floor2).all(), reversed(late), strict=True):  # newest first
        expect(item).to_contain_text(number)
        expect(item.locator(".recent-mark")).to_have_text("Tidak diumumkan")
    # A landscape screen shows three previous calls (the hero has the newest): each says so.
    shown = [item for item in marked(floor2).all() if item.is_visible()]
    assert len(shown) == 3
    for item in shown:
        expect(item.locator(".recent-mark")).to_be_visible()
    expect(marked(english).first.locator(".recent-mark")).to_have_text("Not announced")
    # The spoken calls carry no mark; nothing of the late calls' sound was even fetched.
    expect(floor2.page.locator("#recent-list li:not(.is-unspoken)")).to_contain_text(numbers[0])
    assert floor2.audio == [FULL_CHIME, sentence(BURST[0], numbers[0]), sentence(BURST[1], numbers[1])]
    screenshot(floor2.page, "display-not-announced-1920")
    screenshot(english.page, "display-not-announced-en-1920")

    # The main hall shows every call and speaks none of them (floor 2's screen does).
    for counter_id, number in zip(BURST, numbers, strict=True):
        expect(hall.tile_number(counter_id)).to_have_text(number)
    assert hall.announcements() == [] and hall.audio == []
    expect(marked(hall)).to_have_count(0)
    # Floor 1's screen neither speaks nor shows floor 2's calls.
    assert floor1.announcements() == [] and floor1.audio == []
    assert not any(number in floor1.page.locator("#screen").inner_text() for number in numbers)

    # A reload keeps the marks: they come with the calls from the server, not from the tab.
    again = screens(busy_site, "lantai-2", tiles=32)
    expect(marked(again)).to_have_count(4)
    assert again.announcements() == []
