"""A visit of several steps on the hall display, in real Chromium against a live server: at each
step the display shows, and the voice says, the one number the visitor holds (the number of
the first service's prefix), at the counter of that step."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from conftest import LiveServer, screenshot
from display_support import (  # noqa: F401  (shared_site_fixture, screens_fixture: the module's fixtures)
    CHIME,
    screens_fixture,
    sentence,
    shared_site_fixture,
    staff,
)
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

KTP = "ktp-el-perekaman"  # Loket 1-3, floor 1
JKN = "jkn-pendaftaran"  # BPJS Kesehatan, Loket 22-23, floor 1


def test_each_step_is_shown_and_announced_with_the_visitors_one_number(shared_site: LiveServer, screens: Any) -> None:
    officer = staff(shared_site, ["loket-1", "loket-22"], username="langkah")
    floor1 = screens(shared_site, "lantai-1", tiles=32)
    answer = requests.post(f"{shared_site.url}/api/v1/tickets", json={"service_ids": [KTP, JKN]}, timeout=10)
    assert answer.status_code == 201, answer.text
    number = answer.json()["number"]
    assert number.startswith("A")

    assert officer.act("loket-1", "call-next")["ticket"]["number"] == number
    expect(floor1.tile_number("loket-1")).to_have_text(number)
    expect(floor1.hero_number()).to_have_text(number)
    officer.act("loket-1", "start")
    finished = officer.act("loket-1", "finish")["ticket"]
    assert finished["status"] == "waiting" and finished["service_id"] == JKN  # on to the next step's line

    # The next step's counter calls the same number: the display shows it there, the voice says it.
    assert officer.act("loket-22", "call-next")["ticket"]["number"] == number
    expect(floor1.tile_number("loket-22")).to_have_text(number)
    expect(floor1.hero_number()).to_have_text(number)
    expect(floor1.page.locator("#hero-counter")).to_contain_text("Loket 22")
    done = floor1.wait_announced(2)
    assert [(e["number"], e["played"]) for e in done] == [
        (number, [CHIME, sentence("loket-1", number)]),
        (number, [CHIME, sentence("loket-22", number)]),
    ]
    spoken = requests.get(shared_site.url + sentence("loket-22", number), timeout=30)
    assert spoken.status_code == 200 and spoken.headers["Content-Type"].startswith("audio/")
    screenshot(floor1.page, "display-visit-second-step")
