"""When a service takes tickets: hall hours, per-service hours, breaks, holidays, cut-off.

All of it is computed from the configuration and a moment; nothing here touches
the database, so the rules and the catalog agree by construction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from server.core.config import WEEKDAYS, Service
from server.core.site import SiteIndex

# Why a service is not taking tickets; the pages translate these codes.
CLOSED_DAY = "closed_day"  # not a working day of the hall
HOLIDAY = "holiday"
NOT_YET_OPEN = "not_yet_open"
CUTOFF = "cutoff"  # ticketing stopped before closing time
AFTER_HOURS = "after_hours"
BREAK = "break"
CLOSED_TODAY = "closed_today"  # closed for today by a supervisor, with a note
QUOTA_REACHED = "quota_reached"


@dataclass(frozen=True)
class Availability:
    open: bool
    reason: str | None = None
    note: str | None = None  # a holiday's or break's name, or a supervisor's reason
    opens_at: float | None = None


def service_window(site: SiteIndex, service: Service, day: date) -> tuple[time, time] | None:
    """The hours a service takes visitors on `day`, or None when the hall is closed."""
    hours = site.config.site.hours
    weekday = WEEKDAYS[day.weekday()]
    if weekday not in hours.days or site.holiday(day):
        return None
    day_hours = hours.by_day.get(weekday, hours)
    opens, closes = day_hours.open, day_hours.close
    if service.hours is not None:
        # A service's own hours narrow the hall's; they never keep it open longer.
        opens, closes = max(opens, service.hours.open), min(closes, service.hours.close)
    if opens >= closes:
        return None
    return opens, closes


def _at(site: SiteIndex, day: date, clock_time: time) -> float:
    return datetime.combine(day, clock_time, tzinfo=site.tz).timestamp()


def ticket_cutoff(site: SiteIndex, day: date, closes: time) -> float:
    """The moment ticketing stops: `ticket_cutoff_minutes` before closing."""
    minutes = site.config.site.ticket_cutoff_minutes
    return _at(site, day, closes) - minutes * 60


def _break_at(site: SiteIndex, day: date, moment: float) -> tuple[str, float] | None:
    weekday = WEEKDAYS[day.weekday()]
    for pause in site.config.site.breaks:
        if weekday in pause.days and _at(site, day, pause.start) <= moment < _at(site, day, pause.end):
            return pause.name, _at(site, day, pause.end)
    return None


def next_opening(site: SiteIndex, service: Service, after: float) -> float | None:
    """The first moment after `after` at which the service takes tickets again."""
    start = site.local(after).date()
    for offset in range(0, 31):
        day = start + timedelta(days=offset)
        window = service_window(site, service, day)
        if window is None:
            continue
        opens = _at(site, day, window[0])
        cutoff = ticket_cutoff(site, day, window[1])
        candidate = max(opens, after) if offset == 0 else opens
        while candidate < cutoff:
            pause = _break_at(site, day, candidate)
            if pause is None:
                return candidate
            candidate = pause[1]
    return None


def availability(
    site: SiteIndex,
    service: Service,
    now: float,
    issued_today: int,
    closure_note: str | None = None,
) -> Availability:
    """Whether `service` takes a new ticket at `now`, and if not, why and until when."""
    day = site.local(now).date()
    tomorrow = _at(site, day + timedelta(days=1), time(0, 0))
    if not site.always_open:
        window = service_window(site, service, day)
        if window is None:
            holiday = site.holiday(day)
            reason = HOLIDAY if holiday else CLOSED_DAY
            return Availability(False, reason, holiday, next_opening(site, service, tomorrow))
        opens = _at(site, day, window[0])
        if now < opens:
            return Availability(False, NOT_YET_OPEN, None, next_opening(site, service, opens - 1) or opens)
        if now >= ticket_cutoff(site, day, window[1]):
            reason = AFTER_HOURS if now >= _at(site, day, window[1]) else CUTOFF
            return Availability(False, reason, None, next_opening(site, service, tomorrow))
        pause = _break_at(site, day, now)
        if pause is not None:
            return Availability(False, BREAK, pause[0], next_opening(site, service, pause[1] - 1))
    if closure_note is not None:
        return Availability(False, CLOSED_TODAY, closure_note, next_opening(site, service, tomorrow))
    if service.quota is not None and issued_today >= service.quota:
        return Availability(False, QUOTA_REACHED, None, next_opening(site, service, tomorrow))
    return Availability(True)


def hall_availability(services: Iterable[Availability]) -> Availability:
    """The hall as a visitor at the door sees it, from what each service says now.

    Open while at least one service takes tickets. Closed, it gives the reason when every
    service closed for the same one (the services' own codes: `closed_day`, `break`, ...),
    none when their reasons differ, and the earliest moment any service opens again.
    """
    each = list(services)
    if any(service.open for service in each):
        return Availability(True)
    reasons = {service.reason for service in each}
    openings = [service.opens_at for service in each if service.opens_at is not None]
    return Availability(False, reasons.pop() if len(reasons) == 1 else None, None, min(openings, default=None))
