"""Where a visitor goes: a counter or a service's counters, with their floor, in words.

"Loket 1–4, Lantai 1" before a ticket is called (the counters of its service), "Loket 57,
Lantai 2" once one counter has it. Every screen and the printed ticket take these words from
the ticket's JSON (`place`, `place_en`), so the kiosk, the paper and the phone say the same.
A floor is named by `site.floors` ("Lantai 1 (lobi)"), or "Lantai N" / "Floor N".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from server.core.config import Counter, Site
from server.core.site import SiteIndex

Lang = Literal["id", "en"]

FLOOR_WORD: dict[Lang, str] = {"id": "Lantai", "en": "Floor"}
# The word a counter's name starts with, and how several are said ("Loket 1–4", "Counters 1–4").
COUNTER_WORD: dict[Lang, tuple[str, str]] = {"id": ("Loket", "Loket"), "en": ("Counter", "Counters")}
RANGE_DASH = "–"  # an en dash: "1–4" reads as a range, "1-4" could be a name


def floor_name(site: Site, floor: int, lang: Lang) -> str:
    """The floor as the site names it in `lang`, else "Lantai 2" / "Floor 2"."""
    named = site.floors.get(floor)
    if named is not None:
        text = named.name if lang == "id" else named.name_en
        if text:
            return text
    return f"{FLOOR_WORD[lang]} {floor}"


def _runs(numbers: Iterable[int]) -> list[str]:
    """[1, 2, 3, 4, 6] -> ["1–4", "6"]: consecutive numbers as one range."""
    runs: list[list[int]] = []
    for number in sorted(set(numbers)):
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return [str(run[0]) if len(run) == 1 else f"{run[0]}{RANGE_DASH}{run[-1]}" for run in runs]


def counters_words(names: Sequence[str], lang: Lang) -> str:
    """"Loket 1–4, 6" when every name is the counter word and a number; the names otherwise."""
    one, many = COUNTER_WORD[lang]
    pattern = re.compile(rf"{one}\s+(\d+)")
    matches = [pattern.fullmatch(name.strip()) for name in names]
    if names and all(matches):
        numbers = [int(match.group(1)) for match in matches if match]
        runs = _runs(numbers)
        word = one if len(numbers) == 1 else many
        return f"{word} {', '.join(runs)}"
    return ", ".join(dict.fromkeys(names))


def place(site: Site, counters: Sequence[Counter], lang: Lang) -> str | None:
    """Where `counters` are, floor by floor: "Loket 1–4, Lantai 1; Loket 33, Lantai 2"."""
    if not counters:
        return None
    by_floor: dict[int | None, list[str]] = {}
    for counter in counters:
        name = counter.name if lang == "id" else counter.english_name
        by_floor.setdefault(counter.floor, []).append(name)
    # Floors in order (the ground first), counters without a floor last.
    order = sorted(by_floor, key=lambda floor: (floor is None, floor or 0))
    parts = []
    for floor in order:
        words = counters_words(by_floor[floor], lang)
        parts.append(words if floor is None else f"{words}, {floor_name(site, floor, lang)}")
    return "; ".join(parts)


def floors(counters: Iterable[Counter]) -> list[int]:
    """The floors `counters` are on, lowest first (counters without a floor left out)."""
    return sorted({c.floor for c in counters if c.floor is not None})


def ticket_place(site: SiteIndex, row: dict[str, Any]) -> dict[str, Any]:
    """A ticket's part of its JSON: its counter once one has it, before that its service's
    counters; their floors, and the words (`place`, `place_en`) every screen and the paper use."""
    counter = site.counters.get(row["counter_id"] or "")
    serving = [site.counters[c] for c in site.counters_of_service.get(row["service_id"], [])]
    where = [counter] if counter else serving
    return {
        "counter_floor": counter.floor if counter else None,
        "floors": floors(where),
        "place": place(site.config.site, where, "id"),
        "place_en": place(site.config.site, where, "en"),
    }
