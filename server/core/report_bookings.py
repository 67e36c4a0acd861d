"""Booking counts for a period, per service: how many were booked, checked in, cancelled,
expired, and are still open. Counted by the day booked (not the day the booking was made).

Plain reads over a transaction; the bookings' own index by day (migration 017) keeps a
year's range a short scan. Kept apart from the ticket reports (report_days, report_figures):
bookings are not tickets, and a checked-in booking's ticket is counted there as any ticket.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from server.core.site import SiteIndex
from server.core.store import Transaction
from server.core.vocabulary import BOOKING_STATUSES

KINDS = (*BOOKING_STATUSES, "open")


def _empty(service_id: str) -> dict[str, Any]:
    return {"service_id": service_id, **dict.fromkeys(KINDS, 0)}


def _names(site: SiteIndex, service_id: str) -> dict[str, str]:
    """The service's names for a page to show (its id, for one removed from the site since)."""
    service = site.services.get(service_id)
    if service is None:
        return {"name": service_id, "name_en": service_id}
    return {"name": service.name, "name_en": service.name_en or service.name}


def booking_counts(tx: Transaction, site: SiteIndex, first: date, last: date, *, agency_id: str | None = None,
                   service_id: str | None = None) -> dict[str, Any]:
    """Per service that takes bookings (or had some in the period) and the total."""
    rows = tx.all(
        "SELECT service_id, count(*) AS booked, sum(status = 'checked_in') AS checked_in, "
        "sum(status = 'cancelled') AS cancelled, sum(status = 'expired') AS expired, "
        "sum(status = 'booked') AS open FROM bookings WHERE day BETWEEN ? AND ? GROUP BY service_id",
        (first.isoformat(), last.isoformat()),
    )
    found = {row["service_id"]: {key: int(value or 0) if key != "service_id" else value
                                 for key, value in row.items()} for row in rows}
    wanted = [s for s, service in site.services.items() if service.booking is not None]
    wanted += [s for s in found if s not in wanted]
    if agency_id is not None:
        wanted = [s for s in wanted if site.agency_of.get(s) == agency_id]
    if service_id is not None:
        wanted = [s for s in wanted if s == service_id]
    services = [{**found.get(s, _empty(s)), **_names(site, s)} for s in wanted]
    total = _empty("all")
    for line in services:
        for kind in KINDS:
            total[kind] += line[kind]
    return {"from": first.isoformat(), "to": last.isoformat(), "services": services, "total": total}
