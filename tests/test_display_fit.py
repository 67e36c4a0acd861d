"""The hall display at a busy hour, measured in real Chromium at every supported size and in
both languages: no number, counter name, paused label, recall badge or waiting chip is cut
off, and the texts a visitor reads from across the hall are at least a minimum size.

The site: the bundled one, every service on its 1234th ticket (a three-letter prefix and
four digits, "PAM1234", is the longest number the bundled site makes), all 64 counters
calling, the last calls on floor 2 with two-digit counter names ("Loket 55 · Lantai 2"),
one counter paused, one call repeated (the recall badge) and people waiting in 55 services.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from conftest import LiveServer, screenshot, start_site
from display_support import SIZES, staff
from playwright.sync_api import expect

from server.core.store import Store
from tests.rules import seed_sequence

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# The smallest text a visitor must read on the hall display, in px at 1366x768 (docs/display.md,
# "Sizes"): what is read from across the hall (the recall badge, a waiting line's prefix and
# count) 24 px; the tiles' numbers and paused label, and the services' names, 20 px.
MIN_TILE_PX = 20
MIN_READ_PX = 24
MIN_NAME_PX = 20
WAITING_SERVICES = 55
PAUSED = "loket-20"
HERO: dict[str, str] = {}  # the number and counter of the last call (a recall), set by the fixture

# Every visible text of the tiles, previous calls, big panel and waiting chips, with the box it
# must fit in: clipped when its text (a Range's bounding box) reaches outside that box or the
# screen, or when the element itself scrolls (an ellipsis).
MEASURE = """() => {
  const out = [];
  const shown = (e) => e.getClientRects().length > 0;
  const check = (what, el, box) => {
    if (!shown(el) || !el.textContent.trim()) return;
    const range = document.createRange();
    range.selectNodeContents(el);
    const t = range.getBoundingClientRect();
    const b = box.getBoundingClientRect();
    const inline = getComputedStyle(el).display === "inline";
    const scrolls = !inline && el.scrollWidth > el.clientWidth + 1;
    // 2 px of slack: a glyph's box (the font's ascent and descent) may pass a tight line box.
    const outside = t.left < b.left - 2 || t.right > b.right + 2 || t.top < b.top - 2 || t.bottom > b.bottom + 2
      || t.right > innerWidth + 1 || t.bottom > innerHeight + 1 || t.left < -1 || t.top < -1;
    const why = [el.scrollWidth, el.clientWidth, t.left - b.left, b.right - t.right, t.top - b.top,
                 b.bottom - t.bottom];
    out.push({ what, text: el.textContent.trim(), clipped: scrolls || outside, why: why.map(Math.round).join(" "),
               px: parseFloat(getComputedStyle(el).fontSize) });
  };
  for (const tile of document.querySelectorAll(".tile")) {
    for (const part of tile.children) check("tile " + part.className, part, tile);
  }
  for (const item of document.querySelectorAll("#recent-list li")) {
    if (!shown(item)) continue;
    check("recent item", item, document.getElementById("recent"));
    for (const part of item.children) check("recent " + part.className, part, item);
  }
  const hero = document.getElementById("hero");
  for (const id of ["hero-number", "hero-counter", "hero-recall", "hero-service"]) {
    check(id, document.getElementById(id), hero);
  }
  const box = document.getElementById("waiting-box");
  const boxRect = box.getBoundingClientRect();
  for (const chip of document.querySelectorAll("#waiting-list li")) {
    const r = chip.getBoundingClientRect();
    if (!shown(chip) || r.bottom <= boxRect.top || r.top >= boxRect.bottom
        || r.right <= boxRect.left || r.left >= boxRect.right) continue; // on another page
    check("chip", chip, box);
    for (const part of chip.children) check("chip " + part.className, part, chip);
  }
  return out;
}"""


@pytest.fixture(scope="module", name="busy_hall")
def busy_hall_fixture(bundled_data: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data = copy.deepcopy(bundled_data)
    for agency in data["agencies"]:
        for service in agency["services"]:  # every service open at 09:00 and past its 1233rd ticket
            service.pop("quota", None)
            service.pop("hours", None)
    server = start_site(tmp_path_factory.mktemp("busy-hall"), data)
    store = Store(server.db_path)
    for agency in bundled_data["agencies"]:
        for service in agency["services"]:
            seed_sequence(store, "2026-12-01", service["id"], 1233)
    store.close()
    counters = [c["id"] for c in bundled_data["counters"]]
    officer = staff(server, counters, username="petugas-semua")
    prefixes = {s["id"]: s["prefix"] for a in bundled_data["agencies"] for s in a["services"]}
    floor2 = [c["id"] for c in bundled_data["counters"] if c["floor"] == 2]
    # The last six calls: floor-2 counters ("Loket 5x") serving a three-letter prefix.
    last = [c for c in floor2 if len(prefixes[officer.open_services[c][0]]) == 3][-6:]
    for counter_id in [c for c in counters if c not in last] + last:
        HERO["number"] = officer.call(counter_id)
        HERO["counter"] = counter_id
    officer.act(HERO["counter"], "recall")
    officer.act(PAUSED, "pause")
    services = requests.get(f"{server.url}/api/v1/services", timeout=10).json()["services"]
    served = {s for c in officer.open_services.values() for s in c}
    waiting = [s["id"] for s in services if s["open"] and s["id"] in served][:WAITING_SERVICES]
    assert len(waiting) == WAITING_SERVICES
    for index, service_id in enumerate(waiting):
        for _ in range(1 + index % 3):
            answer = requests.post(f"{server.url}/api/v1/tickets", json={"service_id": service_id}, timeout=10)
            assert answer.status_code == 201, answer.text
    yield server
    server.stop()


def open_hall(browser: Any, server: LiveServer, size: str, lang: str) -> tuple[Any, Any]:
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="id-ID")
    page = context.new_page()
    page.goto(f"{server.url}/display/hall?lang={lang}")
    expect(page.locator(".tile")).to_have_count(64, timeout=10_000)
    expect(page.locator("#hero-number")).to_have_text(HERO["number"], timeout=10_000)  # the recall
    expect(page.locator("#recent-list li").first).to_be_visible()
    expect(page.locator("#waiting-list li").first).to_be_visible()
    page.wait_for_timeout(1200)  # the pager's first layout and the fonts
    return context, page


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("size", list(SIZES))
def test_nothing_is_cut_off_at_any_size(busy_hall: LiveServer, browser: Any, size: str, lang: str) -> None:
    context, page = open_hall(browser, busy_hall, size, lang)
    try:
        screenshot(page, f"display-fit-{size}-{lang}")
        texts = page.evaluate(MEASURE)
        clipped = [(t["what"], t["text"], t["why"]) for t in texts if t["clipped"]]
        assert clipped == [], (size, lang, clipped)
        name = HERO["counter"].split("-")[1]
        hero_counter = f"Loket {name} · Lantai 2" if lang == "id" else f"Counter {name} · Floor 2"
        expect(page.locator("#hero-counter")).to_have_text(hero_counter)
        expect(page.locator("#hero-recall")).to_be_visible()
        paused = page.locator(f'.tile[data-counter="{PAUSED}"]')
        expect(paused).to_contain_text("Istirahat" if lang == "id" else "On break")
        recent = [t["text"] for t in texts if t["what"] == "recent recent-counter"]
        assert recent and all(("Lantai 2" if lang == "id" else "Floor 2") in text for text in recent), recent
        if lang == "en":
            assert not [t for t in texts if "Loket" in t["text"]], "the English display says Counter"
        # The longest numbers are on the screen, whole (not only shorter ones).
        assert any(len(t["text"]) == 7 for t in texts if t["what"] == "tile tile-number")
        assert any(len(t["text"]) == 7 for t in texts if t["what"] == "recent recent-number")
    finally:
        context.close()


def test_readable_sizes_and_a_quick_waiting_pager_at_1366(busy_hall: LiveServer, browser: Any) -> None:
    """At 1366x768 (the smallest landscape screen, where px are fewest): sizes against the
    minimums above, full service names in the chips, and every waiting service shown within
    40 s (it took 80 s for 55 services)."""
    context, page = open_hall(browser, busy_hall, "1366", "id")
    try:
        texts = page.evaluate(MEASURE)
        sizes: dict[str, float] = {}
        for t in texts:
            sizes[t["what"]] = min(sizes.get(t["what"], 1e9), t["px"])
        assert sizes["tile tile-number"] >= MIN_TILE_PX, sizes
        assert sizes["tile tile-note"] >= MIN_TILE_PX, sizes  # "Istirahat"
        assert sizes["hero-recall"] >= MIN_READ_PX, sizes
        for part in ("chip chip-prefix", "chip chip-count"):
            assert sizes[part] >= MIN_READ_PX, (part, sizes)
        assert sizes["chip chip-name"] >= MIN_NAME_PX, sizes
        names = {s["name"] for s in page.evaluate("() => Object.values(window.Antrean.boot.services)")}
        shown_names = {t["text"] for t in texts if t["what"] == "chip chip-name"}
        assert shown_names and shown_names <= names  # whole names, not cut ones
        pages = int(page.locator("#waiting-page").inner_text().split("/")[1])  # "1/9": the page and how many
        print(f"1366x768: {pages} pages for {WAITING_SERVICES} services; sizes in px: {sizes}")
        seen: set[str] = set()
        started = time.monotonic()
        while len(seen) < WAITING_SERVICES and time.monotonic() - started < 40:
            for t in page.evaluate(MEASURE):
                if t["what"] == "chip chip-name":
                    assert not t["clipped"], t
                    seen.add(t["text"])
            page.wait_for_timeout(500)
        assert len(seen) == WAITING_SERVICES, f"{len(seen)} services shown in 40 s"
        screenshot(page, "display-waiting-1366")
    finally:
        context.close()
