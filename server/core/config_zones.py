"""The zone of a display, `displays[].speaks`: which of the counters it shows it speaks.

`all` (every counter it shows, the default), `none`, `rest` (the counters it shows that no
other display speaks), `floor N` (its counters on floor N) or a list of counter ids. What a
zone means for the calls is in `server.core.announcements`; this module only checks that a
display names counters it shows (or a floor some of them are on), so a typo fails at start
with the display's field named.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from server.core.config import SiteConfig


SPEAKS_WORDS = ("all", "none", "rest")
SPEAKS_FLOOR = re.compile(r"^floor (-?\d{1,3})$")


def speaks_problems(config: SiteConfig) -> list[str]:
    """Each display's `speaks` names only counters it shows (or a floor that has some)."""
    problems = []
    counters = {c.id: c for c in config.counters}
    for index, display in enumerate(config.displays):
        shown = set(counters) if display.counters == "all" else set(display.counters)
        here = f"displays[{index}].speaks"
        speaks = display.speaks
        if isinstance(speaks, list):
            problems += [
                f"{here}: {counter_id!r} is not a counter this display shows; expected ids from its counters"
                for counter_id in speaks if counter_id not in shown
            ]
        elif (floor := SPEAKS_FLOOR.match(speaks)) is not None:
            if not any(counters[c].floor == int(floor.group(1)) for c in shown if c in counters):
                problems.append(f"{here}: no counter this display shows is on floor {floor.group(1)}; "
                                f"expected a floor of its counters")
        elif speaks not in SPEAKS_WORDS:
            problems.append(f"{here}: {speaks!r} is not a zone; expected all, none, rest, "
                            f"\"floor N\" or a list of counter ids")
    return problems
