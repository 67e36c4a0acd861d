"""The summary's figures over a period's columns (server/core/report_days.py), per group.

The same numbers as adding the rows up one by one in Python, to the last bit:
- a sum is `np.bincount(..., weights=...)`, which adds each group's values one after the
  other in the order the tickets were issued, as Python's `sum` over the rows did (numpy's
  own `sum` adds pairwise and may differ in the last bit, which the rounding can show);
- a median or P90 is the value at its rank in the group's sorted values. Every group's
  values are laid out sorted, side by side, by one sort of whole numbers per grouping: a
  duration is a difference of two timestamps, and timestamps between 2004 and 2038 lie in
  [2^30, 2^31) seconds, where doubles are exactly 2^-22 apart, so a duration is a whole
  number of 2^-22 s, and a ticket's group code above that number makes one 64-bit integer
  (`on_grid`). Sorting plain integers is several times quicker than numpy's argsort of
  doubles followed by a stable sort by group for each grouping, which is the way taken when
  some duration is not on that grid (a timestamp of another era, in a test);
- the averages, midpoints and the share within standard are the same IEEE operations on
  the same doubles, rounded by Python's `round`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import numpy.typing as npt

from server.core.report_days import KEYS, SERVICE, SERVICE_TIME, STATUS, Floats, Period
from server.core.site import SiteIndex
from server.core.vocabulary import ACTIVE, FINISHED, Status

# The figure that counts the tickets which ended with each finished status: a ticket that is
# `done` was served; the others are counted under their own name.
FINISHED_FIGURES: dict[Status, str] = {status: "served" if status == "done" else status for status in FINISHED}
Index = npt.NDArray[np.int32] | npt.NDArray[np.intp]
DURATIONS = ("wait", "walk", "service")
NO_STATS = {"avg": None, "median": None, "p90": None}
# A duration as whole 2^-22 s below bit 48 (up to 776 days), its group's code above (codes
# are below 2^15: report_days.MOST_NAMES), in one unsigned 64-bit integer.
GRID = 2.0 ** 22
VALUE_BITS = 48
VALUE_MASK = np.uint64(2 ** VALUE_BITS - 1)
Picker = Callable[[npt.NDArray[np.intp]], npt.NDArray[np.float64]]


def on_grid(values: Floats) -> npt.NDArray[np.uint64] | None:
    """The durations as whole numbers of 2^-22 s, or None when one of them is not one (or is
    negative, or too long to fit)."""
    scaled = values * GRID  # times a power of two: exact
    if len(scaled) and not (scaled.min() >= 0 and scaled.max() < 2 ** VALUE_BITS):
        return None
    whole = scaled.astype(np.uint64)  # drops any fraction, which the comparison then finds
    return whole if np.array_equal(whole, scaled) else None


def _packed_reader(packed: npt.NDArray[np.uint64]) -> Picker:
    def pick(ranks: npt.NDArray[np.intp]) -> Floats:
        return (packed[ranks] & VALUE_MASK).astype(np.float64) / GRID  # a power of two: exact
    return pick


def _partition_reader(grid: npt.NDArray[np.uint64]) -> Picker:
    def pick(ranks: npt.NDArray[np.intp]) -> Floats:
        return np.partition(grid, np.unique(ranks))[ranks].astype(np.float64) / GRID
    return pick


def _laid_out_reader(ordered: Floats, layout: npt.NDArray[np.intp] | None) -> Picker:
    def pick(ranks: npt.NDArray[np.intp]) -> Floats:
        return ordered[ranks if layout is None else layout[ranks]]
    return pick


class Selection:
    """The tickets of a period that pass the filters, ready to be grouped."""

    def __init__(self, site: SiteIndex, data: Period, index: Index | None) -> None:
        self.site, self.data = site, data
        self.index = index  # positions in the period; None for all of them
        self.codes = data.codes if index is None else data.codes[:, index]
        self.size = int(self.codes.shape[1])
        # Standards in seconds are whole numbers: float32 holds them exactly, in half the space.
        self.standards = np.zeros(len(data.names[SERVICE]), dtype=np.float32)
        for code, service_id in enumerate(data.names[SERVICE]):
            service = site.services.get(service_id)
            if service is not None and service.standard_minutes:
                self.standards[code] = service.standard_minutes * 60

    def codes_of(self, key: int | None) -> npt.NDArray[Any]:
        """Each selected ticket's group: its code for `key`, or 0 for the one group of all."""
        return np.zeros(self.size, dtype=np.int16) if key is None else self.codes[key]

    def figures(self, keys: list[int | None]) -> dict[int | None, list[dict[str, Any] | None]]:
        """For each key (None: all the tickets as one group), the figures of each of its codes,
        None where a code has no selected ticket."""
        groups = {key: 1 if key is None else len(self.data.names[key]) for key in keys}
        codes = {key: self.codes[key] for key in keys if key is not None}
        stats: dict[int | None, list[list[dict[str, Any]]]] = {key: [] for key in keys}
        met: dict[int | None, Any] = {}
        measured: dict[int | None, Any] = {}
        for row in range(len(DURATIONS)):
            # One duration at a time, and of it only what the next step needs: a year is a
            # million tickets, 8 MB for each array of floats (positions are int32, 4 MB).
            if self.index is None:
                where, kept = self.data.present(row)
            else:
                values = self.data.duration(row)[self.index]
                where = np.flatnonzero(~np.isnan(values)).astype(np.int32)
                kept = values[where]
                del values
            # In issue order: the counts and the sums, added one after the other; and for the
            # service time, within standard: against its service's standard now.
            if row == SERVICE_TIME:
                standard = self.standards[self.codes[SERVICE, where]] if len(self.standards) else \
                    np.zeros(len(where), dtype=np.float32)
                measuring = standard > 0
                meeting = measuring & (kept <= standard)
                del standard
            owners = {key: codes[key][where] for key in keys if key is not None}  # each ticket's group
            del where
            counted = {}
            for key in keys:
                # bincount counts intp codes: cast once for the two to four counts below
                owner = owners[key].astype(np.intp) if key is not None else np.zeros(len(kept), dtype=np.intp)
                counted[key] = (np.bincount(owner, minlength=groups[key]),
                                np.bincount(owner, weights=kept, minlength=groups[key]))
                if row == SERVICE_TIME:
                    met[key] = np.bincount(owner[meeting], minlength=groups[key])
                    measured[key] = np.bincount(owner[measuring], minlength=groups[key])
                del owner
            if row == SERVICE_TIME:
                del measuring, meeting
            for key, picker in self._pickers(keys, owners, kept):
                stats[key].append(self._stats(picker, *counted[key]))
            del owners, kept
        return {key: self._figures(self.codes_of(key), groups[key], stats[key], met[key], measured[key])
                for key in keys}

    def _figures(self, codes: npt.NDArray[Any], groups: int, stats: list[list[dict[str, Any]]], met: Any,
                 measured: Any) -> list[dict[str, Any] | None]:
        issued = np.bincount(codes, minlength=groups)
        statuses = self.data.names[STATUS]
        # One count of (group, status) pairs; the arrays are only a year's codes (int32, 4 MB).
        pairs = codes.astype(np.int32) * max(len(statuses), 1) + self.codes[STATUS]
        by_status = np.bincount(pairs, minlength=groups * len(statuses)).reshape(groups, len(statuses))
        del pairs
        result: list[dict[str, Any] | None] = []
        for group in range(groups):
            if not issued[group]:
                result.append(None)
                continue
            count = {status: int(by_status[group, code]) for code, status in enumerate(statuses)}
            share = round(int(met[group]) / int(measured[group]), 4) if measured[group] else None
            result.append({
                "issued": int(issued[group]),
                **{figure: count.get(status, 0) for status, figure in FINISHED_FIGURES.items()},
                "in_progress": sum(count.get(status, 0) for status in ACTIVE),
                **{name: duration[group] for name, duration in zip(DURATIONS, stats, strict=True)},
                "within_standard": share,
                "within_standard_met": int(met[group]),
                "within_standard_measured": int(measured[group]),
            })
        return result

    @staticmethod
    def _pickers(keys: list[int | None], owners: dict[int, npt.NDArray[Any]],
                 kept: Floats) -> Iterator[tuple[int | None, Picker]]:
        """For each key, a function from ranks into the key's groups laid out side by side
        (each group's values sorted, groups in code order) to the values at those ranks;
        `owners[key]`: each value's group."""
        grid = on_grid(kept)
        if grid is not None:
            for key in keys:
                if key is None:  # one group: only its three ranks need to be in place
                    yield key, _partition_reader(grid)
                    continue
                packed = owners[key].astype(np.uint64)
                packed <<= np.uint64(VALUE_BITS)
                packed |= grid
                packed.sort()
                yield key, _packed_reader(packed)
                del packed
            return
        # Off the grid: the values sorted once; each grouping then sorts its small-int codes
        # (a stable radix sort), which lays its groups out with their values in order.
        order = np.argsort(kept)
        ordered = kept[order]  # a gather: ten times quicker than sorting the values again
        for key in keys:
            layout = None if key is None else np.argsort(owners[key][order], kind="stable")
            yield key, _laid_out_reader(ordered, layout)

    @staticmethod
    def _stats(pick: Picker, counts: Any, sums: Any) -> list[dict[str, Any]]:
        """avg, median and P90 (see server/core/reports.py) of one duration in each group;
        `pick` reads the values at given ranks of the groups laid out side by side."""
        groups = len(counts)
        starts = np.cumsum(counts) - counts
        present = np.flatnonzero(counts)
        n = counts[present]
        ranks = np.stack([starts[present] + (n - 1) // 2, starts[present] + n // 2,
                          starts[present] + np.maximum(1, (90 * n + 99) // 100) - 1])  # p90: integer ceil(0.9 n)
        picked = pick(ranks).tolist()
        stats: list[dict[str, Any]] = [dict(NO_STATS) for _ in range(groups)]
        for column, group in enumerate(present.tolist()):
            low, high, p90 = picked[0][column], picked[1][column], picked[2][column]
            count = int(counts[group])
            median = high if count % 2 else (low + high) / 2  # the middle, or the mean of the two middles
            stats[group] = {"avg": round(float(sums[group]) / count, 1), "median": round(median, 1),
                            "p90": round(p90, 1)}
        return stats

    def empty(self) -> dict[str, Any]:
        """The figures of no ticket at all."""
        return {
            "issued": 0, **dict.fromkeys(FINISHED_FIGURES.values(), 0), "in_progress": 0,
            **{name: dict(NO_STATS) for name in DURATIONS},
            "within_standard": None, "within_standard_met": 0, "within_standard_measured": 0,
        }

    def first_of(self, key: int, other: int) -> dict[int, int]:
        """For each code of `key`, the `other` code of its first selected ticket (in issue order)."""
        codes = self.codes[key]
        order = np.argsort(codes, kind="stable")
        firsts = order[np.flatnonzero(np.diff(codes[order], prepend=-1))]
        return {int(codes[position]): int(self.codes[other, position]) for position in firsts}

    def count_by(self, key: int) -> dict[int, int]:
        """How many selected tickets have each code of `key` (only codes that have some)."""
        counts = np.bincount(self.codes[key])
        return {code: int(n) for code, n in enumerate(counts) if n}

    def days(self) -> npt.NDArray[np.int16]:
        return self.data.day if self.index is None else self.data.day[self.index]


def select(site: SiteIndex, data: Period, filters: dict[str, Any]) -> Selection:
    """The tickets of the period that have each given value (agency_id, service_id, ...)."""
    mask: npt.NDArray[np.bool_] | None = None
    for key, value in filters.items():
        if value is None:
            continue
        names = data.names[KEYS.index(key)]
        hit = data.codes[KEYS.index(key)] == names.index(value) if value in names else \
            np.zeros(data.tickets, dtype=bool)
        mask = hit if mask is None else mask & hit
    return Selection(site, data, None if mask is None else np.flatnonzero(mask))
