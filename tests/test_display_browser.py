"""The hall display in real Chromium against a live server: calls reach the right
screens, are spoken in order and never twice, survive a server restart, and the
"tap to enable sound" prompt appears where a browser blocks sound."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import requests
from conftest import CHROMIUM, LiveServer, screenshot, start_site
from PIL import Image, ImageDraw
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ANNOUNCED_TIMEOUT = 25_000  # ms; a voice announcement lasts about 5 s
SIZES = {"1920": (1920, 1080), "1366": (1366, 768), "portrait": (1080, 1920)}

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


# --- a staffed hall: tickets and calls through the API ------------------------------------


@dataclass
class Staff:
    """An officer at some counters of a live server, issuing and calling through the API."""

    server: LiveServer
    headers: dict[str, str]
    open_services: dict[str, list[str]]  # counter id -> its services open now

    def issue(self, counter_id: str) -> str:
        service_id = self.open_services[counter_id][0]
        answer = requests.post(f"{self.server.url}/api/v1/tickets", json={"service_id": service_id}, timeout=10)
        assert answer.status_code == 201, answer.text
        return str(answer.json()["number"])

    def act(self, counter_id: str, action: str) -> dict[str, Any]:
        answer = requests.post(f"{self.server.url}/api/v1/counters/{counter_id}/{action}", headers=self.headers,
                               timeout=10)
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    def call(self, counter_id: str) -> str:
        """Issue a ticket the counter serves and call it there; its number."""
        number = self.issue(counter_id)
        ticket = self.act(counter_id, "call-next")["ticket"]
        assert ticket["number"] == number
        return number


def staff(server: LiveServer, counters: list[str], username: str = "petugas") -> Staff:
    server.add_user(username, "officer", counters=counters)
    services = {s["id"]: s for s in requests.get(f"{server.url}/api/v1/services", timeout=10).json()["services"]}
    listed = {c["id"]: c for c in requests.get(f"{server.url}/api/v1/counters", timeout=10).json()["counters"]}
    open_services = {c: [s for s in listed[c]["service_ids"] if services[s]["open"]] for c in counters}
    assert all(open_services.values()), open_services
    return Staff(server, server.login(username), open_services)


@pytest.fixture(scope="module")
def shared_site(bundled_data: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One bundled site for the tests that use counters of their own and need no fresh
    hall; plus a display "iklan" (Loket 60) with a media folder of two slides and a
    chime-only display "pintu" (Loket 7 and 8)."""
    data = copy.deepcopy(bundled_data)
    data["displays"] += [
        {"id": "iklan", "name": "Layar Iklan", "counters": ["loket-60"], "media_folder": "media"},
        {"id": "pintu", "name": "Layar Pintu", "counters": ["loket-7", "loket-8"], "sound": "chime"},
    ]
    folder = tmp_path_factory.mktemp("shared-site")
    (folder / "media").mkdir()
    for index, colour in enumerate(["#0b5cab", "#11793a"], start=1):
        image = Image.new("RGB", (1280, 720), colour)
        ImageDraw.Draw(image).rectangle((80, 80, 1200, 640), outline="white", width=24)
        image.save(folder / "media" / f"slide-{index}.png")
    server = start_site(folder, data)
    yield server
    server.stop()


# --- a display page -------------------------------------------------------------------------


@dataclass
class Screen:
    page: Any
    audio: list[str] = field(default_factory=list)  # paths of /audio/ requests, in order
    errors: list[str] = field(default_factory=list)

    def record(self, request: Any) -> None:
        path = urlparse(request.url).path
        if path.startswith("/audio/"):
            self.audio.append(path)

    def tile(self, counter_id: str) -> Any:
        return self.page.locator(f'.tile[data-counter="{counter_id}"]')

    def tile_number(self, counter_id: str) -> Any:
        return self.tile(counter_id).locator(".tile-number")

    def hero_number(self) -> Any:
        return self.page.locator("#hero-number")

    def announcements(self) -> list[dict[str, Any]]:
        return list(self.page.evaluate("() => window.__announcements.map((entry) => ({ ...entry }))"))

    def wait_announced(self, count: int) -> list[dict[str, Any]]:
        """Wait until `count` announcements have finished; all announcements so far."""
        self.page.wait_for_function(
            "n => window.__announcements.filter((entry) => entry.ended !== null).length >= n",
            arg=count, timeout=ANNOUNCED_TIMEOUT,
        )
        return self.announcements()


@pytest.fixture
def screens(browser: Any) -> Iterator[Any]:
    """Open display pages: `screens(server, display_id, size="1920", query="", on=browser)`."""
    contexts: list[Any] = []
    opened: list[Screen] = []

    def open_screen(server: LiveServer, display_id: str, size: str = "1920", query: str = "",
                    on: Any = None, init_script: str | None = None, tiles: int | None = None) -> Screen:
        width, height = SIZES[size]
        context = (on or browser).new_context(viewport={"width": width, "height": height}, locale="id-ID")
        contexts.append(context)
        if init_script:
            context.add_init_script(init_script)
        page = context.new_page()
        screen = Screen(page)
        opened.append(screen)
        page.on("request", screen.record)
        page.on("pageerror", lambda error: screen.errors.append(str(error)))
        page.goto(f"{server.url}/display/{display_id}{query}")
        if tiles is not None:
            expect(page.locator(".tile")).to_have_count(tiles, timeout=10_000)
        else:
            expect(page.locator(".tile").first).to_be_visible(timeout=10_000)
        return screen

    yield open_screen
    for context in contexts:
        context.close()
    assert [error for screen in opened for error in screen.errors] == []


def sentence(counter_id: str, number: str) -> str:
    return f"/audio/call/{counter_id}/{number}.wav"


CHIME = "/audio/chime.wav"
CALLING = re.compile(r"\bis-calling\b")
CLOCK = re.compile(r"^09:0\d$")


# --- where a call shows ---------------------------------------------------------------------


def test_a_call_shows_on_the_displays_of_its_counter_and_not_elsewhere(live_server: LiveServer, screens: Any) -> None:
    officer = staff(live_server, ["loket-1", "loket-33"])
    hall = screens(live_server, "hall", tiles=64)
    floor1 = screens(live_server, "lantai-1", tiles=32)
    floor2 = screens(live_server, "lantai-2", tiles=32)
    expect(floor1.tile("loket-33")).to_have_count(0)
    expect(floor2.tile("loket-1")).to_have_count(0)
    expect(floor1.page.locator("#hero")).to_contain_text("Selamat datang")
    expect(floor1.page.locator("#waiting-total")).to_have_text("Tidak ada antrean yang menunggu.")

    first = officer.call("loket-1")  # floor 1
    for screen in (hall, floor1):
        expect(screen.tile_number("loket-1")).to_have_text(first)
        expect(screen.hero_number()).to_have_text(first)
        expect(screen.page.locator("#hero-counter")).to_have_text("Loket 1")
        expect(screen.page.locator("#hero")).to_have_class(CALLING)
        expect(screen.tile("loket-1")).to_have_class(CALLING)
    second = officer.call("loket-33")  # floor 2
    expect(floor2.hero_number()).to_have_text(second)
    expect(hall.tile_number("loket-33")).to_have_text(second)

    done = floor1.wait_announced(1)
    assert [(e["number"], e["played"]) for e in done] == [(first, [CHIME, sentence("loket-1", first)])]
    assert floor1.audio == [CHIME, sentence("loket-1", first)]
    done = floor2.wait_announced(1)
    assert [(e["number"], e["played"]) for e in done] == [(second, [CHIME, sentence("loket-33", second)])]
    assert [e["number"] for e in hall.wait_announced(2)] == [first, second]
    # Neither floor heard the other's call, and the hall display gave each floor's call once.
    assert [e["number"] for e in floor1.announcements()] == [first]
    assert [e["number"] for e in floor2.announcements()] == [second]
    assert second not in floor1.page.locator("#screen").inner_text()
    assert first not in floor2.page.locator("#screen").inner_text()
    expect(floor1.page.locator("#recent-list li")).to_have_count(0)


def test_two_quick_calls_are_announced_one_after_the_other(shared_site: LiveServer, screens: Any) -> None:
    officer = staff(shared_site, ["loket-2", "loket-3"], username="petugas-dua")
    hall = screens(shared_site, "hall")
    first = officer.call("loket-2")
    second = officer.call("loket-3")
    expect(hall.hero_number()).to_have_text(first)
    expect(hall.page.locator("#hero")).to_have_class(CALLING)
    screenshot(hall.page, "display-two-calls-1920")
    one, two = hall.wait_announced(2)
    assert (one["number"], two["number"]) == (first, second)
    assert one["played"] == [CHIME, sentence("loket-2", first)]
    assert two["played"] == [CHIME, sentence("loket-3", second)]
    assert two["started"] >= one["ended"]
    # The second call's sound was not even fetched before the first had finished.
    fetched = hall.page.evaluate(
        "path => performance.getEntriesByName(location.origin + path).map((entry) => entry.startTime)",
        sentence("loket-3", second),
    )
    assert fetched and min(fetched) >= one["ended"]
    assert hall.audio == [CHIME, sentence("loket-2", first), sentence("loket-3", second)]
    expect(hall.hero_number()).to_have_text(second)
    expect(hall.page.locator("#recent-list li").first).to_contain_text(first)
    expect(hall.page.locator("#recent-list li").first).to_contain_text("Loket 2")


def test_a_recall_is_announced_again(shared_site: LiveServer, screens: Any) -> None:
    officer = staff(shared_site, ["loket-4"], username="petugas-ulang")
    screen = screens(shared_site, "lantai-1")
    number = officer.call("loket-4")
    screen.wait_announced(1)
    expect(screen.page.locator("#hero-recall")).to_be_hidden()
    officer.act("loket-4", "recall")
    expect(screen.page.locator("#hero-recall")).to_be_visible()
    expect(screen.page.locator("#hero-recall")).to_have_text("Panggilan ulang")
    first, again = screen.wait_announced(2)
    assert (first["number"], again["number"]) == (number, number)
    assert (first["recall"], again["recall"]) == (False, True)
    assert again["call_id"] > first["call_id"]
    assert again["played"] == [CHIME, sentence("loket-4", number)]


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


# --- voice pack, chime-only and silent displays ---------------------------------------------


@pytest.fixture(scope="module")
def pack_site(bundled_data: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The bundled site speaking with the built-in voice pack, numbers as words, plus a
    chime-only and a silent display for Loket 20 and Loket 21."""
    data = copy.deepcopy(bundled_data)
    data["site"]["announcement"] = {"voice": "pack", "number_style": "words", "include_agency": False}
    data["displays"] += [
        {"id": "bel", "name": "Layar Bel", "counters": ["loket-20", "loket-21"], "sound": "chime"},
        {"id": "sunyi", "name": "Layar Sunyi", "counters": ["loket-20", "loket-21"], "sound": "silent"},
    ]
    server = start_site(tmp_path_factory.mktemp("pack-site"), data)
    yield server
    server.stop()


def test_voice_pack_clips_are_requested_and_played_in_order(pack_site: LiveServer, screens: Any) -> None:
    officer = staff(pack_site, ["loket-1"], username="petugas-pack")
    screen = screens(pack_site, "lantai-1")
    number = officer.call("loket-1")
    assert number == "A001"
    (done,) = screen.wait_announced(1)
    words = ["nomor", "antrean", "a", "satu", "silakan", "menuju", "loket", "satu"]
    clips = [f"/audio/pack/{word}.wav" for word in words]
    assert done["played"] == [CHIME, *clips]
    # Fetched in order, each word once ("satu" is said twice, fetched once).
    assert screen.audio == [CHIME, *dict.fromkeys(clips)]


def parent_pid(process: Path) -> int | None:
    """The parent of a /proc/<pid> entry (None if it ended meanwhile)."""
    try:
        return int((process / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def test_a_four_digit_number_is_shown_and_spoken(pack_site: LiveServer, screens: Any) -> None:
    """After ticket 999 of a service comes 1000: the display shows C1002 whole and says
    "ce seribu dua" (numbers as words), and the server's spoken sentence for it answers too."""
    from server.core.store import Store

    officer = staff(pack_site, ["loket-6"], username="petugas-ribuan")
    screen = screens(pack_site, "lantai-1")
    officer.call("loket-6")  # the day's first ticket of Kartu Keluarga
    store = Store(pack_site.db_path)
    try:
        with store.write() as tx:
            tx.execute("UPDATE sequences SET last_seq = 1001 WHERE service_id = 'kartu-keluarga'")
    finally:
        store.close()
    number = officer.call("loket-6")
    assert number == "C1002"
    expect(screen.tile_number("loket-6")).to_have_text("C1002")
    done = screen.wait_announced(2)[-1]
    assert done["number"] == "C1002"
    words = ["nomor", "antrean", "ce", "seribu", "dua", "silakan", "menuju", "loket", "enam"]
    assert done["played"] == [CHIME, *(f"/audio/pack/{word}.wav" for word in words)]
    expect(screen.hero_number()).to_have_text("C1002")
    spoken = requests.get(pack_site.url + sentence("loket-6", number), timeout=10)
    assert (spoken.status_code, spoken.headers["Content-Type"], spoken.content[:4]) == (200, "audio/wav", b"RIFF")
    # The server (on gevent) had it spoken by its speech helper: espeak-ng is in the helper's
    # memory, not in the server's.
    assert pack_site.process is not None
    server_pid = pack_site.process.pid
    assert "libespeak-ng" not in Path(f"/proc/{server_pid}/maps").read_text()
    children = [p for p in Path("/proc").iterdir() if p.name.isdigit() and parent_pid(p) == server_pid]
    assert any("libespeak-ng" in (child / "maps").read_text() for child in children)


def test_chime_only_and_silent_displays(pack_site: LiveServer, screens: Any) -> None:
    officer = staff(pack_site, ["loket-20", "loket-21"], username="petugas-mode")
    bell = screens(pack_site, "bel", tiles=2)
    quiet = screens(pack_site, "sunyi", tiles=2)
    number = officer.call("loket-20")
    for screen in (bell, quiet):
        expect(screen.hero_number()).to_have_text(number)
        expect(screen.page.locator("#hero")).to_have_class(CALLING)
        expect(screen.tile("loket-20")).to_have_class(CALLING)
    expect(bell.page.locator("#sound-prompt")).to_be_hidden()
    (rang,) = bell.wait_announced(1)
    assert (rang["mode"], rang["played"]) == ("chime", [CHIME])
    assert bell.audio == [CHIME]
    (silent,) = quiet.wait_announced(1)
    assert (silent["mode"], silent["played"], silent["muted"]) == ("silent", [], False)
    assert quiet.audio == []
    second = officer.call("loket-21")
    assert [e["number"] for e in quiet.wait_announced(2)] == [number, second]
    assert bell.wait_announced(2)[1]["played"] == [CHIME]
    screenshot(quiet.page, "display-silent-two-counters-1920")


# --- browsers that block sound ----------------------------------------------------------------


@pytest.fixture(scope="module")
def strict_browser(browser: Any) -> Iterator[Any]:
    """Chromium as a TV would run it without the kiosk flag: sound only after a touch."""
    strict = browser.browser_type.launch(
        executable_path=CHROMIUM, headless=True,
        args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    )
    yield strict
    strict.close()


def test_tap_to_enable_sound_when_the_browser_blocks_it(
    shared_site: LiveServer, screens: Any, strict_browser: Any
) -> None:
    officer = staff(shared_site, ["loket-10", "loket-11"], username="petugas-ketuk")
    screen = screens(shared_site, "lantai-1", on=strict_browser)
    prompt = screen.page.locator("#sound-prompt")
    expect(prompt).to_be_visible()
    expect(prompt).to_contain_text("Ketuk untuk mengaktifkan suara")
    expect(prompt).to_contain_text("Tap to enable sound")
    for size, (width, height) in SIZES.items():
        screen.page.set_viewport_size({"width": width, "height": height})
        expect(prompt).to_be_visible()
        screenshot(screen.page, f"display-sound-prompt-{size}")
    screen.page.set_viewport_size({"width": 1920, "height": 1080})

    # A call while sound is blocked is still shown (silently), not held back.
    muted = officer.call("loket-10")
    expect(screen.hero_number()).to_have_text(muted)
    (first,) = screen.wait_announced(1)
    assert (first["muted"], first["played"]) == (True, [])

    prompt.click()
    expect(prompt).to_be_hidden()
    heard = officer.call("loket-11")
    second = screen.wait_announced(2)[1]
    assert (second["number"], second["muted"]) == (heard, False)
    assert second["played"] == [CHIME, sentence("loket-11", heard)]


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
          for (let burst = 0; burst < 10; burst++) {  // ten bursts of 100 calls: 30 wait at most
            for (let n = 0; n < 100; n++) {
              announcer.enqueue({ call_id: ++id, number: "A001", counter_id: "loket-1", announcement: { audio: [] } });
              longest = Math.max(longest, announcer.queue.length);
            }
            await idle();
          }
          return { longest, log: announcer.log.length, again: announcer.enqueue({ call_id: 7 }) };
        }"""
    )
    assert queue == {"longest": 30, "log": 50, "again": False}
    expect(screen.page.locator(".tile")).to_have_count(1)


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
        assert size_px >= 28, (size, size_px)
