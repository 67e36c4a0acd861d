"""The hall display in real Chromium over time: old calls are shown but not spoken again on
first load, after a reload or with a memory from another database; the display comes back
after a server restart without repeating a call or piling up timers; its memory of calls
and its queue stay bounded."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import LiveServer
from display_support import (  # noqa: F401  (shared_site_fixture, screens_fixture: the module's fixtures)
    screens_fixture,
    shared_site_fixture,
    staff,
)
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Counts the page's timers, to show that a display running for hours does not pile them up.
TIMER_COUNTER = """
(() => {
  const live = new Set();
  window.__timers = { intervals: 0, live };
  const setTimeout0 = window.setTimeout, clearTimeout0 = window.clearTimeout, setInterval0 = window.setInterval;
  window.setTimeout = function (fn, ms, ...args) {
    const run = () => { live.delete(id); return typeof fn === "function" ? fn(...args) : undefined; };
    const id = setTimeout0(run, ms);
    live.add(id);
    return id;
  };
  window.clearTimeout = function (id) { live.delete(id); return clearTimeout0(id); };
  window.setInterval = function (...args) { window.__timers.intervals += 1; return setInterval0(...args); };
})();
"""


def test_old_calls_are_shown_not_announced_on_first_load(shared_site: LiveServer, screens: Any) -> None:
    officer = staff(shared_site, ["loket-7", "loket-8"], username="petugas-lama")
    old = officer.call("loket-7")
    screen = screens(shared_site, "pintu", tiles=2)  # a chime-only display: quicker, same rules
    expect(screen.hero_number()).to_have_text(old)
    expect(screen.tile_number("loket-7")).to_have_text(old)
    expect(screen.page.locator("#hero")).to_have_class("hero")  # shown calmly, not as a new call
    new = officer.call("loket-8")
    assert [e["number"] for e in screen.wait_announced(1)] == [new]

    # A reload in the same tab remembers what it said (sessionStorage).
    screen.page.reload()
    expect(screen.hero_number()).to_have_text(new)
    newer = officer.call("loket-7")
    assert [e["number"] for e in screen.wait_announced(1)] == [newer]

    # A memory from another database (ids far above the server's) is dropped, not obeyed.
    screen.page.evaluate(
        "() => sessionStorage.setItem('antrean.display.pintu.calls', JSON.stringify({floor: 100000, ids: []}))"
    )
    screen.page.reload()
    expect(screen.hero_number()).to_have_text(newer)
    newest = officer.call("loket-8")
    assert [e["number"] for e in screen.wait_announced(1)] == [newest]


def test_display_recovers_after_server_restart(live_server: LiveServer, screens: Any) -> None:
    officer = staff(live_server, ["loket-5", "loket-6", "loket-9"])
    screen = screens(live_server, "lantai-1", init_script=TIMER_COUNTER)
    banner = screen.page.locator("#connection")
    before = officer.call("loket-5")
    screen.wait_announced(1)
    intervals = screen.page.evaluate("() => window.__timers.intervals")

    live_server.stop()
    expect(banner).to_be_visible(timeout=10_000)
    expect(banner).to_contain_text("Koneksi ke server terputus")
    live_server.start()
    during = officer.call("loket-6")  # most likely before the display is back: it comes with the snapshot
    expect(banner).to_be_hidden(timeout=15_000)
    expect(screen.tile_number("loket-6")).to_have_text(during)
    expect(screen.tile_number("loket-5")).to_have_text(before)
    screen.wait_announced(2)
    after = officer.call("loket-9")
    expect(screen.hero_number()).to_have_text(after)
    done = screen.wait_announced(3)
    # Each call was said exactly once: the first one, still "calling", was not said again.
    assert [e["number"] for e in done] == [before, during, after]
    # No timers piled up: the same intervals as before, and only a few pending timeouts.
    assert screen.page.evaluate("() => window.__timers.intervals") == intervals
    assert screen.page.evaluate("() => window.__timers.live.size") < 10
    expect(screen.page.locator("#recent-list li")).to_have_count(2)


def test_memory_stays_bounded(shared_site: LiveServer, screens: Any) -> None:
    screen = screens(shared_site, "iklan")
    memory = screen.page.evaluate(
        """() => {
          const memory = new DisplayAnnouncer.CallMemory("test.memory");
          for (let id = 1; id <= 5000; id++) memory.add(id);
          return { size: memory.ids.size, floor: memory.floor, stored: sessionStorage.getItem("test.memory").length,
                   old: memory.has(1), last: memory.has(5000), next: memory.has(5001) };
        }"""
    )
    assert memory["size"] <= 200 and memory["floor"] == 4800 and memory["stored"] < 2000
    assert (memory["old"], memory["last"], memory["next"]) == (True, True, False)
    queue = screen.page.evaluate(
        """async () => {
          const memory = new DisplayAnnouncer.CallMemory("test.queue");
          let longest = 0;
          const announcer = new DisplayAnnouncer.Announcer({
            speaker: { ready: () => false }, mode: "silent", memory, minShowMs: 0, pauseMs: 0,
            onStart: () => {}, onEnd: () => {}, onIdle: () => {},
          });
          const idle = async () => { while (announcer.busy()) await new Promise((r) => setTimeout(r, 5)); };
          let id = 0;
          for (let burst = 0; burst < 10; burst++) {  // ten bursts of 250 calls: 200 wait at most, the rest marked
            for (let n = 0; n < 250; n++) {
              announcer.enqueue({ call_id: ++id, number: "A001", counter_id: "loket-1", announcement: { audio: [] } });
              longest = Math.max(longest, announcer.queue.length);
            }
            await idle();
          }
          return { longest, log: announcer.log.length, marks: announcer.marks.length,
                   again: announcer.enqueue({ call_id: 7 }) };
        }"""
    )
    assert queue == {"longest": 200, "log": 50, "marks": 50, "again": False}
    expect(screen.page.locator(".tile")).to_have_count(1)
