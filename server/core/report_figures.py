"""The summary's figures over a period's columns (server/core/report_days.py), per group.

The same numbers as adding the rows up one by one in Python, to the last bit:
- a sum is `np.bincount(..., weights=...)`, which adds each group's values one after the
  other in the order the tickets were issued, as Python's `sum` over the rows did (numpy's
  own `sum` adds pairwise and may differ in the last bit, which the rounding can show);
- a median or P90 is the value at its rank in the group's sorted values: each duration is
  sorted once for the whole selection, then a stable sort by group code (a radix sort of
  small ints) lays every group's values out in order, side by side;
- the averages, midpoints and the share within standard are the same IEEE operations on
  the same doubles, rounded by Python's `round`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from server.core.report_days import KEYS, SERVICE, STATUS, Floats, Period
from server.core.site import SiteIndex
from server.core.vocabulary import ACTIVE, FINISHED, Status

# The figure that counts the tickets which ended with each finished status: a ticket that is
# `done` was served; the others are counted under their own name.
FINISHED_FIGURES: dict[Status, str] = {status: "served" if status == "done" else status for status in FINISHED}
Index = npt.NDArray[np.intp]
DURATIONS = ("wait", "walk", "service")
NO_STATS = {"avg": None, "median": None, "p90": None}


@dataclass
class _Sorted:
    """One duration of the selected tickets that have it: values, their tickets' positions
    in the selection, and the order that sorts the values."""

    values: Floats
    where: Index
    order: Index


class Selection:
    """The tickets of a period that pass the filters, ready to be grouped."""

    def __init__(self, site: SiteIndex, data: Period, index: Index | None) -> None:
        self.site, self.data = site, data
        self.index = index  # positions in the period; None for all of them
        self.codes = data.codes if index is None else data.codes[:, index]
        self.size = int(self.codes.shape[1])
        standards = np.zeros(len(data.names[SERVICE]), dtype=np.float64)
        for code, service_id in enumerate(data.names[SERVICE]):
            service = site.services.get(service_id)
            if service is not None and service.standard_minutes:
                standards[code] = service.standard_minutes * 60
        self.sorted: list[_Sorted] = []
        for row in range(len(DURATIONS)):
            values = data.durations[row] if index is None else data.durations[row, index]
            where = np.flatnonzero(~np.isnan(values))
            kept = values[where]
            self.sorted.append(_Sorted(kept, where, np.argsort(kept)))
        served = self.sorted[-1]
        standard = standards[self.codes[SERVICE, served.where]] if len(standards) else np.zeros(0)
        self.measured = served.where[standard > 0]
        self.met = served.where[(standard > 0) & (served.values <= standard)]

    def codes_of(self, key: int | None) -> npt.NDArray[np.int32]:
        """Each selected ticket's group: its code for `key`, or 0 for the one group of all."""
        return np.zeros(self.size, dtype=np.int32) if key is None else self.codes[key]

    def figures(self, key: int | None) -> list[dict[str, Any] | None]:
        """The figures of each code of `key` (None: of all the tickets), None where a code
        has no selected ticket."""
        groups = 1 if key is None else len(self.data.names[key])
        codes = self.codes_of(key)
        issued = np.bincount(codes, minlength=groups)
        statuses = self.data.names[STATUS]
        by_status = np.bincount(codes * len(statuses) + self.codes[STATUS], minlength=groups * len(statuses))
        by_status = by_status.reshape(groups, len(statuses)) if statuses else np.zeros((groups, 0), dtype=np.int64)
        stats = [self._stats(codes, duration, groups) for duration in self.sorted]
        met = np.bincount(codes[self.met], minlength=groups)
        measured = np.bincount(codes[self.measured], minlength=groups)
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

    def _stats(self, codes: npt.NDArray[np.int32], duration: _Sorted, groups: int) -> list[dict[str, Any]]:
        """avg, median and P90 (see server/core/reports.py) of one duration in each group."""
        owners = codes[duration.where]
        counts = np.bincount(owners, minlength=groups)
        sums = np.bincount(owners, weights=duration.values, minlength=groups)
        in_order = owners[duration.order]
        narrow = in_order.astype(np.int16) if groups < 2**15 else in_order
        laid_out = duration.values[duration.order][np.argsort(narrow, kind="stable")]
        starts = np.cumsum(counts) - counts
        stats: list[dict[str, Any]] = []
        for group in range(groups):
            n, start = int(counts[group]), int(starts[group])
            if n == 0:
                stats.append(dict(NO_STATS))
                continue
            middle = n // 2
            values = laid_out
            median = float(values[start + middle]) if n % 2 else \
                (float(values[start + middle - 1]) + float(values[start + middle])) / 2
            rank = max(1, (90 * n + 99) // 100)
            stats.append({"avg": round(float(sums[group]) / n, 1), "median": round(median, 1),
                          "p90": round(float(values[start + rank - 1]), 1)})
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
        order = np.argsort(codes.astype(np.int16) if len(self.data.names[key]) < 2**15 else codes, kind="stable")
        firsts = order[np.flatnonzero(np.diff(codes[order], prepend=-1))]
        return {int(codes[position]): int(self.codes[other, position]) for position in firsts}

    def count_by(self, key: int) -> dict[int, int]:
        """How many selected tickets have each code of `key` (only codes that have some)."""
        counts = np.bincount(self.codes[key])
        return {code: int(n) for code, n in enumerate(counts) if n}

    def days(self) -> npt.NDArray[np.int32]:
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
