"""Report figures: plain functions over a transaction and the site index.

Which tickets count: those whose service day lies in the period, each counted
once, under the service, agency, counter and officer it ended with (a ticket
transferred from service A to B counts under B).

Durations, in seconds:
- wait: issue to call (`issued_at` to `called_at`), every ticket that was called;
- walk: call to start (`called_at` to `started_at`), every ticket that was started;
- service: start to finish (`started_at` to `finished_at`), served (`done`) tickets
  that were started.

Each is reported as `{"avg", "median", "p90"}` (None without data):
- avg: the arithmetic mean;
- median: the middle value, or the mean of the two middle values when there is
  an even number of them;
- p90: the nearest-rank 90th percentile: sort the n values and take the one at
  rank ceil(0.9 × n) (1-based), i.e. the smallest value that at least 90 % of
  the values do not exceed. With 10 values that is the 9th; with 5, the 5th.
All three are rounded to one decimal.

within_standard: of the served tickets with a service time whose service has a
`standard_minutes`, the share (0 to 1, four decimals) served in at most that
many minutes; None when no ticket qualifies. The standard is the one configured now.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np

from server.core import report_days, report_figures, retention
from server.core.config import WEEKDAYS
from server.core.site import SiteIndex
from server.core.store import Transaction

# The figure that counts the tickets which ended with each finished status (defined with the figures).
FINISHED_FIGURES = report_figures.FINISHED_FIGURES
DAY_FIGURES = ("served", "no_show")  # what the summary's by_day gives besides the tickets issued
# How a ticket event moves the number of people waiting (queue length over a day).
WAITING_STEP = {"issued": 1, "transferred": 1, "called": -1, "cancelled": -1, "expired": -1}


@dataclass(frozen=True)
class Filters:
    """A period of service days (inclusive) and optional narrowing."""

    start: date
    end: date
    agency_id: str | None = None
    service_id: str | None = None
    counter_id: str | None = None
    officer: str | None = None

    def where(self, alias: str = "") -> tuple[str, list[Any]]:
        prefix = f"{alias}." if alias else ""
        clauses = [f"{prefix}service_day BETWEEN ? AND ?"]
        params: list[Any] = [self.start.isoformat(), self.end.isoformat()]
        for column in ("agency_id", "service_id", "counter_id", "officer"):
            value = getattr(self, column)
            if value is not None:
                clauses.append(f"{prefix}{column} = ?")
                params.append(value)
        return " AND ".join(clauses), params


def _service_name(site: SiteIndex, service_id: str) -> tuple[str, str]:
    service = site.services.get(service_id)
    if service is None:  # removed from the configuration since: keep its id readable
        return service_id, service_id
    return service.name, service.name_en or service.name


def by_hour(site: SiteIndex, counts: dict[int, int]) -> list[dict[str, int]]:
    """Tickets issued per local hour of the day, over the hall's hours and every hour with arrivals."""
    hall = site.config.site.hours
    first, last = hall.open.hour, max(hall.close.hour - (hall.close.minute == 0), hall.open.hour)
    for day_hours in hall.by_day.values():
        first, last = min(first, day_hours.open.hour), max(last, day_hours.close.hour - (day_hours.close.minute == 0))
    if counts:
        first, last = min(first, *counts), max(last, *counts)
    return [{"hour": h, "arrivals": counts.get(h, 0)} for h in range(first, last + 1)]


def summary(tx: Transaction, site: SiteIndex, filters: Filters) -> dict[str, Any]:
    """The summary report of the contract plus breakdowns by agency, counter, officer and day.

    Over the period's columns (server/core/report_days.py): stored for the closed days
    that have them, read live from the tickets for the others."""
    with report_days.snapshot(tx):
        return _summary(site, filters, report_days.period(tx, site, filters.start, filters.end))


def _summary(site: SiteIndex, filters: Filters, data: report_days.Period) -> dict[str, Any]:
    chosen = report_figures.select(site, data, {
        "agency_id": filters.agency_id, "service_id": filters.service_id, "counter_id": filters.counter_id,
        "officer": filters.officer,
    })
    days = chosen.days()
    result: dict[str, Any] = {
        "from": filters.start.isoformat(),
        "to": filters.end.isoformat(),
        "agency_id": filters.agency_id,
        "service_id": filters.service_id,
        "counter_id": filters.counter_id,
        "officer": filters.officer,
        "days": int(np.count_nonzero(np.bincount(days))) if len(days) else 0,
    }
    keys: list[int | None] = [None, report_days.SERVICE, report_days.AGENCY, report_days.COUNTER, report_days.OFFICER]
    figures_by = chosen.figures(keys)
    result.update(figures_by[None][0] or chosen.empty())
    services, agencies = data.names[report_days.SERVICE], data.names[report_days.AGENCY]
    first_agency = chosen.first_of(report_days.SERVICE, report_days.AGENCY)
    by_service = []
    for code, figures in enumerate(figures_by[report_days.SERVICE]):
        if figures is None:
            continue
        service_id = services[code]
        name, name_en = _service_name(site, service_id)
        service = site.services.get(service_id)
        by_service.append({
            "service_id": service_id, "name": name, "name_en": name_en, "agency_id": agencies[first_agency[code]],
            "standard_minutes": service.standard_minutes if service else None, **figures,
        })
    order = {service_id: index for index, service_id in enumerate(site.services)}
    result["by_service"] = sorted(by_service, key=lambda s: (order.get(s["service_id"], len(order)), s["service_id"]))
    result["by_agency"] = [
        {"agency_id": agency_id, "name": site.agencies[agency_id].short_name if agency_id in site.agencies
         else agency_id, **figures}
        for agency_id, figures in sorted(_named(chosen, figures_by, report_days.AGENCY).items())
    ]
    result["by_counter"] = [
        {"counter_id": counter_id, **_counter_names(site, counter_id), **figures}
        for counter_id, figures in sorted(_named(chosen, figures_by, report_days.COUNTER).items(),
                                          key=lambda item: _natural(item[0]))
    ]
    result["by_officer"] = [
        {"officer": officer, **figures}
        for officer, figures in sorted(_named(chosen, figures_by, report_days.OFFICER).items())
    ]
    result["by_day"] = _by_day(chosen, data.days)
    result["by_hour"] = by_hour(site, chosen.count_by(report_days.HOUR))
    return result


def _named(chosen: report_figures.Selection, figures_by: dict[int | None, list[dict[str, Any] | None]],
           key: int) -> dict[str, dict[str, Any]]:
    """The figures of each value of `key` that the selection has, by that value (None, a
    ticket never called to a counter, is no group)."""
    names = chosen.data.names[key]
    return {names[code]: figures for code, figures in enumerate(figures_by[key])
            if figures is not None and names[code] is not None}


def _by_day(chosen: report_figures.Selection, days: list[str]) -> list[dict[str, Any]]:
    """Issued, served and no-show per service day that has tickets."""
    day_codes = chosen.days()
    status_names = chosen.data.names[report_days.STATUS]
    statuses = chosen.codes[report_days.STATUS]
    issued = np.bincount(day_codes, minlength=len(days))
    counted = {}
    for status, figure in FINISHED_FIGURES.items():
        if figure in DAY_FIGURES:
            hit = day_codes[statuses == status_names.index(status)] if status in status_names else day_codes[:0]
            counted[figure] = np.bincount(hit, minlength=len(days))
    return [{"date": day, "issued": int(issued[code]), **{figure: int(counted[figure][code]) for figure in DAY_FIGURES}}
            for code, day in enumerate(days) if issued[code]]


def _counter_names(site: SiteIndex, counter_id: str) -> dict[str, str]:
    """A counter's names; one removed from the configuration since keeps its id as name."""
    counter = site.counters.get(counter_id)
    if counter is None:
        return {"name": counter_id, "name_en": counter_id}
    return {"name": counter.name, "name_en": counter.english_name}


def _natural(text: str) -> tuple[Any, ...]:
    """"loket-2" sorts before "loket-10"."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text))


# --- queue length over a day -----------------------------------------------------------------


def _at(site: SiteIndex, day: date, clock_time: time) -> float:
    return datetime.combine(day, clock_time, tzinfo=site.tz).timestamp()


def queue_length(
    tx: Transaction, site: SiteIndex, day: date, now: float, *, agency_id: str | None = None,
    service_id: str | None = None, step_minutes: int = 5,
) -> dict[str, Any]:
    """How many people waited, sampled every `step_minutes` over one service day.

    Built from the tickets' history: +1 when issued or sent back to waiting by a
    transfer, -1 when called, cancelled or expired. The samples run from the hall's
    opening (or the first event, if earlier) to its closing (or the last event), and
    stop at `now` on the current day. A ticket counts under the service it ended with.
    """
    filters = Filters(day, day, agency_id=agency_id, service_id=service_id)
    where, params = filters.where("t")
    day_begin, day_end = _at(site, day, time(0)), _at(site, day + timedelta(days=1), time(0))
    events = retention.history_rows(  # a day older than server.history_years: its history is archived
        tx, site.tz, day_begin, day_end,
        f"SELECT e.id, e.at, e.kind FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id WHERE {where}", params,
    )
    steps = [(e["at"], WAITING_STEP[e["kind"]]) for e in events if e["kind"] in WAITING_STEP]
    steps = [(at, change) for at, change in steps if day_begin <= at < day_end]
    window = _hall_window(site, day)
    moments = [at for at, _ in steps]
    if window is None and not moments:
        return {"date": day.isoformat(), "step_minutes": step_minutes, "points": [], "peak": None}
    first = min([*moments, *([window[0]] if window else [])])
    last = max([*moments, *([window[1]] if window else [])])
    step = step_minutes * 60
    start = day_begin + (first - day_begin) // step * step
    last = min(last, now) if day_begin <= now < day_end else last
    peak, running = None, 0
    for at, change in steps:
        if at > last:
            break
        running += change
        if peak is None or running > peak[0]:
            peak = (running, at)
    points, waiting, index = [], 0, 0
    moment = start
    while True:
        while index < len(steps) and steps[index][0] <= moment:
            waiting += steps[index][1]
            index += 1
        points.append({"at": site.local(moment).strftime("%H:%M"), "waiting": max(waiting, 0)})
        if moment >= last:
            break
        moment = min(moment + step, last)  # the last sample is `last` itself (now, on the current day)
    return {
        "date": day.isoformat(),
        "step_minutes": step_minutes,
        "points": points,
        "peak": {"waiting": peak[0], "at": site.iso(peak[1])} if peak else None,
    }


def _hall_window(site: SiteIndex, day: date) -> tuple[float, float] | None:
    """The hall's opening and closing moments on `day` (None when closed)."""
    config = site.config.site.hours
    weekday = WEEKDAYS[day.weekday()]
    if weekday not in config.days or site.holiday(day):
        return None
    day_hours = config.by_day.get(weekday, config)
    return _at(site, day, day_hours.open), _at(site, day, day_hours.close)


# --- served so far today against the usual ---------------------------------------------------


def served_vs_usual(
    tx: Transaction, site: SiteIndex, now: float, *, agency_id: str | None = None, weeks: int = 8
) -> dict[str, Any]:
    """Tickets served today so far, and the usual number by this time on this weekday.

    The usual is the mean, over the previous `weeks` same weekdays on which any
    ticket was issued (days the hall was closed do not count), of the tickets served
    by the same time of day. None when there is no such day yet.
    """
    today = site.local(now).date()
    into_day = now - _at(site, today, time(0))
    scope, scope_params = ("AND agency_id = ?", [agency_id]) if agency_id else ("", [])
    served = int(tx.scalar(
        f"SELECT count(*) FROM tickets WHERE service_day = ? AND status = 'done' AND finished_at <= ? {scope}",
        (today.isoformat(), now, *scope_params),
    ))
    samples, full_days = [], []
    for week in range(1, weeks + 1):
        day = today - timedelta(days=7 * week)
        issued = tx.scalar(f"SELECT count(*) FROM tickets WHERE service_day = ? {scope}",
                           (day.isoformat(), *scope_params))
        if not issued:
            continue
        cutoff = _at(site, day, time(0)) + into_day
        row = tx.one(
            "SELECT sum(status = 'done' AND finished_at <= ?) AS by_now, sum(status = 'done') AS total "
            f"FROM tickets WHERE service_day = ? {scope}",
            (cutoff, day.isoformat(), *scope_params),
        ) or {}
        samples.append(int(row.get("by_now") or 0))
        full_days.append(int(row.get("total") or 0))
    return {
        "served": served,
        "usual": round(sum(samples) / len(samples), 1) if samples else None,
        "usual_full_day": round(sum(full_days) / len(full_days), 1) if full_days else None,
        "days_compared": len(samples),
        "weekday": today.strftime("%a").lower(),
    }

