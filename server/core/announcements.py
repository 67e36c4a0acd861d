"""Which display speaks which call, and which calls are not spoken: the hall's voice rules.

Zones. Each display shows the calls of its counters (`displays[].counters`) but speaks only
those of its zone (`displays[].speaks`): `all` (every counter it shows), `none`, `floor N`
(its counters on that floor), a list of counter ids, or `rest` (the counters it shows that
no other display speaks: the main hall's screen speaks what no floor screen covers). So the
floors speak in parallel and no room hears a call twice from two screens.

Backlog. A display speaks one call at a time. When calls come faster than that,
`site.announcement.backlog` decides: `speak_all` speaks every call however late;
`skip_older_than` does not speak a call that could not start within `backlog_seconds` of
being made, and every display of the zone marks it "tidak diumumkan" at once, so no call is
lost without a trace. The decision is made the moment a call is made (visitors see the mark
at once) by replaying the zone's recent calls with the real length of each announcement
(`plan`); every server process, and every snapshot after a reconnect, replays the same calls
and so reaches the same decision without storing it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from server.core.config import Display
from server.core.config_zones import SPEAKS_FLOOR
from server.core.migrations import TODAYS_CALLS
from server.core.site import SiteIndex
from server.core.store import Transaction

REPLAY_CALLS = 300  # the longest run of back-to-back calls replayed to decide one (a whole busy hour)


@dataclass(frozen=True)
class Pending:
    """A call in a zone's order: when it was made and how long its announcement lasts."""

    call_id: int
    at: float
    seconds: float


@dataclass(frozen=True)
class Turn:
    """What becomes of one call in a zone: spoken (from `starts` to `ends`) or not."""

    call_id: int
    spoken: bool
    starts: float
    ends: float


def plan(calls: Sequence[Pending], backlog: str, limit: float) -> list[Turn]:
    """The zone's speaker going through `calls` (in the order they were made), one at a time.

    `speak_all`: every call is spoken, each when the previous one has ended. `skip_older_than`:
    a call whose turn would come more than `limit` seconds after it was made is not spoken and
    takes no time, so the next call is not held up by it.
    """
    turns = []
    free = float("-inf")
    for call in calls:
        starts = max(call.at, free)
        if backlog == "skip_older_than" and starts - call.at > limit:
            turns.append(Turn(call.call_id, False, starts, starts))
            continue
        free = starts + call.seconds
        turns.append(Turn(call.call_id, True, starts, free))
    return turns


def _shown(site: SiteIndex, display: Display) -> list[str]:
    return site.display_counters(display.id)


def _explicit_zone(site: SiteIndex, display: Display) -> list[str] | None:
    """The zone a display names itself; None for `rest`, which depends on the others."""
    shown = _shown(site, display)
    speaks = display.speaks
    if isinstance(speaks, list):
        return [c for c in shown if c in speaks]
    if speaks == "all":
        return shown
    if speaks == "none":
        return []
    floor = SPEAKS_FLOOR.match(speaks)
    if floor is not None:
        return [c for c in shown if site.counters[c].floor == int(floor.group(1))]
    return None


def zones(site: SiteIndex) -> dict[str, list[str]]:
    """Each display's zone: the counters whose calls it speaks, in its counters' order."""
    explicit = {d: _explicit_zone(site, display) for d, display in site.displays.items()}
    covered = {c for zone in explicit.values() if zone for c in zone}
    return {
        d: zone if zone is not None else [c for c in _shown(site, site.displays[d]) if c not in covered]
        for d, zone in explicit.items()
    }


def speakers(site: SiteIndex) -> dict[str, list[str]]:
    """For each counter, the displays that speak its calls."""
    result: dict[str, list[str]] = {c: [] for c in site.counters}
    for display_id, zone in zones(site).items():
        for counter_id in zone:
            result[counter_id].append(display_id)
    return result


def _idle_start(rows: list[dict[str, Any]], seconds: Callable[[dict[str, Any]], float], limit: float) -> int:
    """Index of the first row after which the replay is exact: a call made longer after the
    previous one than any wait plus any announcement finds the speaker idle."""
    longest = max((seconds(r) for r in rows), default=0.0)
    for index in range(len(rows) - 1, 0, -1):
        if rows[index]["at"] - rows[index - 1]["at"] > limit + longest:
            return index
    return 0


def decide(
    tx: Transaction, site: SiteIndex, call: dict[str, Any], seconds: Callable[[dict[str, Any]], float]
) -> dict[str, list[str]]:
    """For one call (a row of `calls`): the displays that speak it (`speak`) and those of its
    zone that mark it not announced (`unspoken`). `seconds(row)` is how long a call's
    announcement lasts (chime, sentence and the pause after it)."""
    settings = site.config.site.announcement
    displays = speakers(site).get(call["counter_id"], [])
    if settings.backlog == "speak_all" or not displays:
        return {"speak": list(displays), "unspoken": []}
    zone_of = zones(site)
    speak: list[str] = []
    unspoken: list[str] = []
    for display_id in displays:
        zone = zone_of[display_id]
        marks = ",".join("?" * len(zone))
        rows = tx.all(
            f"SELECT id, number, counter_id, at FROM calls {TODAYS_CALLS} WHERE counter_id IN ({marks}) AND id <= ? "
            f"AND at >= ? ORDER BY id DESC LIMIT ?",
            (*zone, call["id"], site.day_start(call["at"]), REPLAY_CALLS),
        )[::-1]
        rows = rows[_idle_start(rows, seconds, settings.backlog_seconds):]
        turns = plan([Pending(r["id"], r["at"], seconds(r)) for r in rows], settings.backlog,
                     settings.backlog_seconds)
        spoken = next((t.spoken for t in turns if t.call_id == call["id"]), True)
        (speak if spoken else unspoken).append(display_id)
    return {"speak": speak, "unspoken": unspoken}
