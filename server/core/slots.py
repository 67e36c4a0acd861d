"""The slots a service can be booked in: cut from its hours, with their capacity and counts.

A service with a `booking:` block (server/core/config_booking.py) has slots every
`slot_minutes` from its opening until its ticket cut-off (a slot starts when a walk-in could
still take a ticket), skipping the starts that fall in a break. A slot is named by the
service, the day and its start: `ktp-el-perekaman@2026-12-03T0900`, so an id is stable
without a table of slots, and a configuration change that moves the slots simply makes old
ids unknown.

A slot can be booked while it is still ahead, within the horizon, on a working day that is
not a holiday (nor closed for today by a supervisor), has a place left, and, with a daily
quota, while the day's bookings have not used the quota's bookable share.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from server.core import hours, tickets
from server.core.config import WEEKDAYS, Service
from server.core.config_booking import ServiceBooking
from server.core.errors import RuleError
from server.core.site import SiteIndex
from server.core.store import Transaction

MAX_DAYS = 62  # the longest range one listing answers
_SLOT_ID = re.compile(r"(?P<service>[a-z0-9][a-z0-9_-]{0,63})@(?P<day>\d{4}-\d{2}-\d{2})T(?P<hh>\d{2})(?P<mm>\d{2})")

# Why a slot cannot be booked (the pages translate these codes).
PAST = "past"
FULL = "full"
DAY_FULL = "day_full"  # the day's bookable share of the quota is used
BEYOND_HORIZON = "beyond_horizon"


@dataclass(frozen=True)
class Slot:
    service_id: str
    day: date
    clock: time  # its start, site time
    start: float
    end: float

    @property
    def id(self) -> str:
        return slot_id(self.service_id, self.day, self.clock)

    def window(self, booking: ServiceBooking) -> tuple[float, float]:
        """When its booking may check in: from `check_in_early_minutes` before its start to
        `check_in_late_minutes` after."""
        return self.start - booking.check_in_early_minutes * 60, self.start + booking.check_in_late_minutes * 60


def slot_id(service_id: str, day: date, start: time) -> str:
    return f"{service_id}@{day.isoformat()}T{start:%H%M}"


def booking_of(site: SiteIndex, service_id: str) -> ServiceBooking | None:
    service = site.services.get(service_id)
    return service.booking if service else None


def _at(site: SiteIndex, day: date, clock: time) -> float:
    return datetime.combine(day, clock, tzinfo=site.tz).timestamp()


def _in_break(site: SiteIndex, day: date, moment: float) -> bool:
    weekday = WEEKDAYS[day.weekday()]
    return any(weekday in pause.days and _at(site, day, pause.start) <= moment < _at(site, day, pause.end)
               for pause in site.config.site.breaks)


def day_hours(site: SiteIndex, service: Service, day: date) -> tuple[time, time] | None:
    """The service's hours on `day`, as on a working day: a holiday or a closed weekday keeps its
    slots listed (unavailable, with the reason), so a page shows the day as closed, not empty."""
    if site.always_open:  # the demo: open at any hour, so bookings can be tried at any hour too
        return time(0, 0), time(23, 59)
    window = hours.service_window(site, service, day)
    if window is not None:
        return window
    hall = site.config.site.hours
    day_hours_ = hall.by_day.get(WEEKDAYS[day.weekday()], hall)
    opens, closes = day_hours_.open, day_hours_.close
    if service.hours is not None:
        opens, closes = max(opens, service.hours.open), min(closes, service.hours.close)
    return (opens, closes) if opens < closes else None


def day_slots(site: SiteIndex, service: Service, day: date) -> list[Slot]:
    """Every slot of a service on a day, bookable or not, in order."""
    booking = service.booking
    window = day_hours(site, service, day) if booking else None
    if booking is None or window is None:
        return []
    closes = _at(site, day, window[1])
    cutoff = hours.ticket_cutoff(site, day, window[1])
    step = booking.slot_minutes * 60
    result, start = [], _at(site, day, window[0])
    while start < cutoff:
        if not _in_break(site, day, start):
            clock = datetime.fromtimestamp(start, site.tz).time()
            result.append(Slot(service.id, day, clock, start, min(start + step, closes)))
        start += step
    return result


def parse(site: SiteIndex, raw: str, field: str = "slot_id") -> Slot:
    """The slot an id names, or `404 unknown_slot` (a service that takes no bookings has none)."""
    match = _SLOT_ID.fullmatch(raw or "")
    unknown = RuleError("unknown_slot", f"There is no slot {raw!r}; list a service's slots with "
                        "GET /api/v1/services/{service_id}/slots.", field)
    if match is None:
        raise unknown
    service = site.services.get(match["service"])
    try:
        day = date.fromisoformat(match["day"])
    except ValueError:
        raise unknown from None
    if service is None or service.booking is None:
        raise unknown
    start = f"{match['hh']}{match['mm']}"
    for slot in day_slots(site, service, day):
        if f"{slot.clock:%H%M}" == start:
            return slot
    raise unknown


def _day_state(site: SiteIndex, tx: Transaction, service: Service, day: date, today: date) -> str | None:
    """Why no slot of this day can be booked, or None."""
    assert service.booking is not None
    if day > today + timedelta(days=service.booking.horizon_days):
        return BEYOND_HORIZON
    if hours.service_window(site, service, day) is None and not site.always_open:
        return hours.HOLIDAY if site.holiday(day) else hours.CLOSED_DAY
    if day == today:
        if tickets.closure_note(tx, "service", service.id, day.isoformat()) is not None:
            return hours.CLOSED_TODAY
    return None


def booked_counts(tx: Transaction, service_id: str, first: date, last: date) -> dict[float, int]:
    """Bookings that hold a place (every status but cancelled) per slot start, over these days."""
    return {
        row["slot_start"]: row["n"]
        for row in tx.all(
            "SELECT slot_start, count(*) AS n FROM bookings WHERE service_id = ? AND day BETWEEN ? AND ? "
            "AND status <> 'cancelled' GROUP BY slot_start",
            (service_id, first.isoformat(), last.isoformat()),
        )
    }


def day_limit(service: Service) -> int | None:
    """How many bookings a day may hold: the quota's bookable share, or None without a quota."""
    if service.booking is None or service.quota is None:
        return None
    return int(service.quota * service.booking.quota_share)


def slot_rows(tx: Transaction, site: SiteIndex, service_id: str, first: date, last: date,
              now: float) -> list[dict[str, Any]]:
    """The contract's slots of a service from `first` to `last` (days), each with its reason
    when it cannot be booked; none for a service that takes no bookings."""
    service = site.service_or_404(service_id, "service_id")
    if last < first:
        raise RuleError("invalid_request", "to: must be on or after from.", "to")
    if (last - first).days >= MAX_DAYS:
        raise RuleError("invalid_request", f"to: at most {MAX_DAYS} days from `from` in one listing.", "to")
    if service.booking is None:
        return []
    counts = booked_counts(tx, service_id, first, last)
    today = site.local(now).date()
    limit = day_limit(service)
    result = []
    day = first
    while day <= last:
        slots = day_slots(site, service, day)
        closed = _day_state(site, tx, service, day, today) if slots else None
        day_full = limit is not None and sum(counts.get(s.start, 0) for s in slots) >= limit
        for slot in slots:
            booked = counts.get(slot.start, 0)
            reason = (PAST if slot.start <= now else closed
                      or (FULL if booked >= service.booking.capacity else None)
                      or (DAY_FULL if day_full else None))
            result.append(slot_json(site, slot) | {
                "capacity": service.booking.capacity, "booked": booked, "available": reason is None,
                "reason": reason})
        day += timedelta(days=1)
    return result


def slot_json(site: SiteIndex, slot: Slot) -> dict[str, Any]:
    return {"id": slot.id, "service_id": slot.service_id, "day": slot.day.isoformat(),
            "start": site.iso(slot.start), "end": site.iso(slot.end)}


def next_open(tx: Transaction, site: SiteIndex, service_id: str, now: float, limit: int) -> list[dict[str, Any]]:
    """The first `limit` slots that can be booked from now on, within the horizon."""
    service = site.service_or_404(service_id, "service_id")
    if service.booking is None:
        return []
    today = site.local(now).date()
    found: list[dict[str, Any]] = []
    day, last = today, today + timedelta(days=service.booking.horizon_days)
    while day <= last and len(found) < limit:
        found += [row for row in slot_rows(tx, site, service_id, day, day, now) if row["available"]]
        day += timedelta(days=1)
    return found[:limit]


def unavailable_reason(tx: Transaction, site: SiteIndex, slot: Slot, now: float, *,
                       ignoring: str | None = None) -> tuple[str | None, int]:
    """Why `slot` cannot take one more booking now (None: it can), and how many it holds;
    `ignoring`: a booking's code not to count (one being moved within the same day)."""
    service = site.services[slot.service_id]
    assert service.booking is not None
    if slot.start <= now:
        return PAST, 0
    closed = _day_state(site, tx, service, slot.day, site.local(now).date())
    if closed:
        return closed, 0
    rows = tx.all(
        "SELECT slot_start, count(*) AS n FROM bookings WHERE service_id = ? AND day = ? AND status <> 'cancelled' "
        "AND code IS NOT ? GROUP BY slot_start", (slot.service_id, slot.day.isoformat(), ignoring))
    booked = next((row["n"] for row in rows if row["slot_start"] == slot.start), 0)
    if booked >= service.booking.capacity:
        return FULL, booked
    limit = day_limit(service)
    if limit is not None and sum(row["n"] for row in rows) >= limit:
        return DAY_FULL, booked
    return None, booked
