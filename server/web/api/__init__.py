"""API v1: route modules declare their operations on the `api` registry."""

from __future__ import annotations

from server.web.api.registry import Api


def load_routes() -> Api:
    """Import every route module (each declares its routes on import) and return the registry."""
    from server.web.api import (  # noqa: F401  # noqa: F401
        admin,
        booking_print,  # the kiosk's booking slip
        booking_reports,
        bookings,  # booking ahead: publishable alone (docs/booking.md)
        catalog,
        counters,
        displays,
        openapi,
        printers,
        reports,
        session,
        survey,
        tickets,
    )
    from server.web.api.base import api

    return api
