"""The bookings report route (supervisor, admin): counts per service over a period.

Apart from server/web/api/bookings.py, whose routes need no session and may be published
to the internet alone; this one is staff's, on the hall's network."""

from __future__ import annotations

from typing import Any

from server.core import report_bookings
from server.web.api import booking_schemas as bs
from server.web.api.base import api
from server.web.api.reports import PERIOD_QUERY, REPORT_ERRORS, report_filters
from server.web.hall import current_hall


@api.route("/reports/bookings", "GET", summary="Bookings per service over a period.", tag="reports",
           response=bs.BookingReport, auth="read_reports", query=PERIOD_QUERY, errors=REPORT_ERRORS)
def bookings_report() -> dict[str, Any]:
    """Booked, checked in, cancelled, expired and still open, by the day booked; a supervisor's own agency."""
    hall = current_hall()
    filters = report_filters(hall)
    with hall.store.read() as tx:
        return report_bookings.booking_counts(tx, hall.site, filters.start, filters.end,
                                              agency_id=filters.agency_id, service_id=filters.service_id)
