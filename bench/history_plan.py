"""The site worked out once for a simulated history (bench/history_day.py): each service's
line (its counters, its share of the day's visitors, its pace), the hall's hours and breaks
on a day, and the arrival curve.

Each service's share of the visitors is what its counters can serve: a counter shared by k
services gives each 1/k of its time, over the time one visitor takes there (the walk, the
service at the service's own pace, the moment before the next call). The pace is fixed per
service: a median service time of 12 to 32 % of its published `standard_minutes`.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, datetime, time

from server.core.config import WEEKDAYS
from server.core.site import SiteIndex

PACE = (0.12, 0.32)  # each service's median service time as a share of its published standard
SERVICE_SIGMA = 0.65  # log-normal spread: 0.1 to 4 % of visits take longer than the standard
NO_STANDARD_MINUTES = 10.0
WALK_MEDIAN, WALK_SIGMA = 40.0, 0.5  # seconds from the call to the visitor at the counter

def occupied_minutes(median: float) -> float:
    """How long a counter is taken by one visitor on average (a service of this median):
    the walk, the service, the moment before the next call."""
    service = median * math.exp(SERVICE_SIGMA**2 / 2)
    return service + (WALK_MEDIAN * math.exp(WALK_SIGMA**2 / 2) + 20) / 60


def arrival_weight(minute: float) -> float:
    """The hall's arrival curve, `minute` after opening: a crowd at the door, the peak in the
    first two hours, then a long tail (about half the day's visitors come by 09:30)."""
    return 0.3 + 1.2 * math.exp(-(((minute - 50) / 40) ** 2) / 2) + 0.8 * math.exp(-minute / 180)


@dataclass(frozen=True)
class Line:
    """A service that some counter serves."""

    id: str
    agency_id: str
    prefix: str
    quota: int | None
    standard: float | None  # minutes
    median: float  # minutes: the middle service time
    counters: tuple[str, ...]
    weight: float
    siblings: tuple[str, ...]  # other served services of its agency: where a transfer goes


class Plan:
    """The site's services, counters and staff, worked out once for every day."""

    def __init__(self, site: SiteIndex, seed: int = 1) -> None:
        self.site = site
        served = site.counters_of_service
        share: dict[str, float] = {}
        for counter in site.counters.values():
            for service_id in counter.services:
                share[service_id] = share.get(service_id, 0.0) + 1 / len(counter.services)
        by_agency: dict[str, list[str]] = {}
        for service_id in site.services:
            if served.get(service_id):
                by_agency.setdefault(site.agency_of[service_id], []).append(service_id)
        self.lines: dict[str, Line] = {}
        for service_id, service in site.services.items():
            if not served.get(service_id):
                continue
            agency = site.agency_of[service_id]
            pace = random.Random(f"{seed}:{service_id}").uniform(*PACE)
            median = pace * (service.standard_minutes or NO_STANDARD_MINUTES)
            self.lines[service_id] = Line(
                service_id, agency, service.prefix, service.quota, service.standard_minutes, median,
                tuple(served[service_id]), share[service_id] / occupied_minutes(median),
                tuple(s for s in by_agency[agency] if s != service_id))
        self.services_of = {c.id: tuple(s for s in c.services if s in self.lines) for c in site.counters.values()}
        self.address = {counter_id: f"192.168.1.{20 + n}" for n, counter_id in enumerate(site.counters)}
        self.kiosks = list(site.kiosks) or [None]
        self.curves: dict[tuple[float, float, tuple[tuple[float, float], ...]], tuple[list[float], list[float]]] = {}

    def at(self, day: date, clock: time) -> float:
        return datetime.combine(day, clock, tzinfo=self.site.tz).timestamp()

    def breaks(self, day: date) -> list[tuple[float, float]]:
        weekday = WEEKDAYS[day.weekday()]
        return [(self.at(day, b.start), self.at(day, b.end)) for b in self.site.config.site.breaks if weekday in b.days]

    def hall_hours(self, day: date) -> tuple[float, float]:
        hours = self.site.config.site.hours
        day_hours = hours.by_day.get(WEEKDAYS[day.weekday()], hours)
        return self.at(day, day_hours.open), self.at(day, day_hours.close)

    def curve(self, opens: float, hall_open: float, cutoff: float,
              breaks: list[tuple[float, float]]) -> tuple[list[float], list[float]]:
        """(minute starts, cumulative weights) for arrivals between `opens` and `cutoff`."""
        key = (opens - hall_open, cutoff - hall_open, tuple((a - hall_open, b - hall_open) for a, b in breaks))
        if key not in self.curves:
            starts, cumulative, total = [], [], 0.0
            moment = opens
            while moment < cutoff:
                if not any(a <= moment < b for a, b in breaks):
                    total += arrival_weight((moment - hall_open) / 60) * min(60.0, cutoff - moment) / 60
                    starts.append(moment - hall_open)
                    cumulative.append(total)
                moment += 60
            self.curves[key] = (starts, cumulative)
        return self.curves[key]


def volumes(plan: Plan, total: int, rng: random.Random) -> dict[str, int]:
    """How many tickets each service issues today: `total` by weight, quotas respected."""
    ids = list(plan.lines)
    counts = dict.fromkeys(ids, 0)
    for index in rng.choices(range(len(ids)), [plan.lines[i].weight for i in ids], k=total):
        counts[ids[index]] += 1
    excess = 0
    for service_id, count in counts.items():
        quota = plan.lines[service_id].quota
        if quota is not None and count > quota:
            excess += count - quota
            counts[service_id] = quota
    free = [i for i in ids if plan.lines[i].quota is None]
    if excess and free:
        for index in rng.choices(range(len(free)), [plan.lines[i].weight for i in free], k=excess):
            counts[free[index]] += 1
    return counts
