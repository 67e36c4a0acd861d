"""The hall display in real Chromium against a live server: calls and their announcements.
A call reaches the displays of its counter and no others; it is spoken once, in order, a
recall again; espeak-ng sentences and voice-pack clips are fetched and played in order (a
four-digit number too, spoken by the server's speech helper); chime-only and silent
displays; the "tap to enable sound" prompt where a browser blocks sound."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from conftest import CHROMIUM, LiveServer, screenshot, start_site
from display_support import (  # noqa: F401  (shared_site_fixture, screens_fixture: the module's fixtures)
    CALLING,
    CHIME,
    FULL_CHIME,
    SIZES,
    screens_fixture,
    sentence,
    shared_site_fixture,
    staff,
)
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

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
        expect(screen.page.locator("#hero-counter")).to_have_text("Loket 1 · Lantai 1")  # the counter and where it is
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
    # Neither floor heard the other's call, and the hall display, which shows both, spoke
    # neither: the floors' screens speak their floors (the bundled zones).
    assert [e["number"] for e in floor1.announcements()] == [first]
    assert [e["number"] for e in floor2.announcements()] == [second]
    assert hall.announcements() == [] and hall.audio == []
    assert second not in floor1.page.locator("#screen").inner_text()
    assert first not in floor2.page.locator("#screen").inner_text()
    expect(floor1.page.locator("#recent-list li")).to_have_count(0)


def test_two_quick_calls_are_announced_one_after_the_other(shared_site: LiveServer, screens: Any) -> None:
    officer = staff(shared_site, ["loket-2", "loket-3"], username="petugas-dua")
    hall = screens(shared_site, "lantai-1")  # the screen that speaks floor 1
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


# --- voice pack, chime-only and silent displays ---------------------------------------------


@pytest.fixture(scope="module")
def pack_site(bundled_data: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The bundled site speaking the full call with the built-in voice pack, numbers as words, plus a
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
    words = ["nomor", "antrean", "a", "satu", "silakan", "menuju", "loket", "satu", "lantai", "satu"]
    clips = [f"/audio/pack/{word}.wav" for word in words]
    assert done["played"] == [FULL_CHIME, *clips]
    # Fetched in order, each word once ("satu" is said twice, fetched once).
    assert screen.audio == [FULL_CHIME, *dict.fromkeys(clips)]


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
    words = ["nomor", "antrean", "ce", "seribu", "dua", "silakan", "menuju", "loket", "enam", "lantai", "satu"]
    assert done["played"] == [FULL_CHIME, *(f"/audio/pack/{word}.wav" for word in words)]
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
    assert (rang["mode"], rang["played"]) == ("chime", [FULL_CHIME])
    assert bell.audio == [FULL_CHIME]
    (silent,) = quiet.wait_announced(1)
    assert (silent["mode"], silent["played"], silent["muted"]) == ("silent", [], False)
    assert quiet.audio == []
    second = officer.call("loket-21")
    assert [e["number"] for e in quiet.wait_announced(2)] == [number, second]
    assert bell.wait_announced(2)[1]["played"] == [FULL_CHIME]
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
