"""Which display speaks which call, and what happens to calls that come faster than a display
can speak them (server/core/announcements.py): the zones of the bundled site, the rule
itself, its named configuration errors, and the decision carried by real calls over a real
SQLite database (each call's length from the real WAV files the server makes)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from conftest import TUESDAY_9AM, HallApp, make_hall_app

from server.core import announcements
from server.core.announcements import Pending, plan
from server.core.clock import FixedClock
from server.core.config_load import ConfigError, parse_config
from server.core.site import SiteIndex

FLOOR_1 = [f"loket-{n}" for n in range(1, 33)]
FLOOR_2 = [f"loket-{n}" for n in range(33, 65)]


def site_of(data: dict[str, Any]) -> SiteIndex:
    return SiteIndex(parse_config(data))


def test_the_bundled_floors_speak_their_own_floor_and_the_hall_what_no_floor_speaks(
    bundled_data: dict[str, Any],
) -> None:
    site = site_of(bundled_data)
    assert announcements.zones(site) == {"hall": [], "lantai-1": FLOOR_1, "lantai-2": FLOOR_2}
    assert announcements.speakers(site)["loket-55"] == ["lantai-2"]
    # Without a floor-2 screen the hall speaks floor 2 (what no other display speaks).
    data = copy.deepcopy(bundled_data)
    data["displays"] = [d for d in data["displays"] if d["id"] != "lantai-2"]
    assert announcements.zones(site_of(data))["hall"] == FLOOR_2


def test_a_display_without_speaks_speaks_every_counter_it_shows(bundled_data: dict[str, Any]) -> None:
    data = copy.deepcopy(bundled_data)
    data["displays"] = [{"id": "satu", "name": "Satu-satunya", "counters": "all"},
                        {"id": "pintu", "name": "Pintu", "counters": ["loket-7"], "speaks": "none"}]
    zones = announcements.zones(site_of(data))
    assert zones["satu"] == FLOOR_1 + FLOOR_2 and zones["pintu"] == []


@pytest.mark.parametrize(("speaks", "message"), [
    (["loket-40"], "displays[1].speaks: 'loket-40' is not a counter this display shows"),
    ("floor 2", "displays[1].speaks: no counter this display shows is on floor 2"),
    ("lantai 1", "displays[1].speaks: 'lantai 1' is not a zone; expected all, none, rest"),
])
def test_a_zone_outside_what_the_display_shows_is_refused_by_name(
    bundled_data: dict[str, Any], speaks: Any, message: str
) -> None:
    data = copy.deepcopy(bundled_data)
    data["displays"][1]["speaks"] = speaks  # lantai-1: floor 1's counters
    with pytest.raises(ConfigError) as raised:
        parse_config(data)
    assert message in str(raised.value)


def test_the_rule_speaks_in_order_and_marks_what_could_not_start_in_time() -> None:
    burst = [Pending(n, at=float(n), seconds=6.0) for n in range(1, 21)]  # one call a second
    spoken = [t.call_id for t in plan(burst, "skip_older_than", 30) if t.spoken]
    # 1 starts at 1, 2 at 7, ... each 6 s after the last; a call whose turn is over 30 s away is marked
    # and takes no time, so a later call may still fit once the speaker catches up.
    assert spoken == [1, 2, 3, 4, 5, 6, 7, 13, 19]
    turns = plan(burst, "speak_all", 30)
    assert all(t.spoken for t in turns) and [t.starts for t in turns] == [1.0 + 6 * i for i in range(20)]
    assert plan([Pending(1, 0, 6), Pending(2, 100, 6)], "skip_older_than", 5)[1].starts == 100  # idle again


def calls_at(app: HallApp, counters: list[str]) -> tuple[list[bool], list[dict[str, Any]]]:
    """Each counter calls a ticket of its first service, all in the same second. What the rule
    says of them, worked out here from the real length of each call, and the calls as the
    floor-1 display's snapshot lists them (its last 10), oldest first."""
    headers = app.add_user("petugas-pagi", "officer", counters=counters)
    client = app.client()
    made = []
    for counter_id in counters:
        service_id = app.site.counters[counter_id].services[0]
        assert client.post("/api/v1/tickets", json={"service_id": service_id}).status_code == 201
        answer = client.post(f"/api/v1/counters/{counter_id}/call-next", headers=headers)
        assert answer.status_code == 200
        made.append(Pending(len(made), 0.0, app.hall.announcer.seconds(answer.json["ticket"]["number"], counter_id)))
    expected = [t.spoken for t in plan(made, app.site.config.site.announcement.backlog, 45)]
    return expected, list(reversed(client.get("/api/v1/displays/lantai-1/state").json["recent"]))


def said(recent: list[dict[str, Any]]) -> list[tuple[list[str], list[str]]]:
    return [(c["announcement"]["speak"], c["announcement"]["unspoken"]) for c in recent]


def test_a_burst_is_spoken_by_its_floor_only_and_the_late_calls_are_marked(hall_app: HallApp) -> None:
    expected, recent = calls_at(hall_app, FLOOR_1[:20])
    seconds = hall_app.hall.announcer.seconds(recent[0]["number"], recent[0]["counter_id"])
    assert 3 < seconds < 6  # the bundled short style: short chime, "A001, Loket 3, lantai 1", pause
    assert 8 <= expected.count(True) <= 14 and expected == sorted(expected, reverse=True)
    # Only floor 1's screen speaks them (not the hall's, not floor 2's); the late ones it marks.
    assert said(recent) == [(["lantai-1"], []) if spoken else ([], ["lantai-1"]) for spoken in expected[-len(recent):]]
    assert all(c["announcement"]["text"].endswith(", lantai 1") for c in recent)


def test_speak_all_speaks_every_call_and_short_calls_fit_more(bundled_data: dict[str, Any], tmp_path: Any) -> None:
    for backlog, style in (("speak_all", "full"), ("skip_older_than", "short")):
        data = copy.deepcopy(bundled_data)
        data["site"]["announcement"].update({"backlog": backlog, "style": style})
        app = make_hall_app(parse_config(data), tmp_path / backlog, FixedClock(TUESDAY_9AM))
        try:
            expected, recent = calls_at(app, FLOOR_1[:16])
            assert said(recent) == [(["lantai-1"], []) if spoken else ([], ["lantai-1"]) for spoken in expected[6:]]
            if backlog == "speak_all":
                assert all(expected)
            else:
                seconds = app.hall.announcer.seconds(recent[0]["number"], recent[0]["counter_id"])
                assert seconds < 4.5  # the short chime and "A satu, loket tujuh, lantai satu"
                assert expected.count(True) >= 11  # against 7 or 8 full calls in the same 45 s
                assert recent[0]["announcement"]["audio"][0] == "/audio/chime-short.wav"
                assert recent[0]["announcement"]["text"] == f"{recent[0]['number']}, Loket 7, lantai 1"
        finally:
            app.hall.store.close()
