"""Request helpers shared by route modules: query-string values, checked, and the agency
a request may look at."""

from __future__ import annotations

from datetime import date

from flask import request

from server.core import permissions
from server.core.auth import User
from server.core.errors import RuleError
from server.web.hall import Hall


def parse_day(name: str, default: date) -> date:
    """A YYYY-MM-DD query value, or `default` when it is absent or empty."""
    text = request.args.get(name)
    if text is None or text == "":
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise RuleError("invalid_request", f"{name}: expected a date as YYYY-MM-DD, got {text[:20]!r}.",
                        name) from None


def text_arg(name: str) -> str | None:
    """A short text query value (an id or a username), or None."""
    value = request.args.get(name)
    if value is not None and len(value) > 64:
        raise RuleError("invalid_request", f"{name}: too long.", name)
    return value or None


def scope_agency(hall: Hall, user: User, action: str, agency_id: str | None, service_id: str | None = None,
                 counter_id: str | None = None) -> str | None:
    """The agency a request may look at: a supervisor's own, or what an admin asked for.

    Unknown ids are 404s; naming another agency (or its service or counter) than the
    door lets the user see for `action` is 403 forbidden.
    """
    site = hall.site
    if agency_id is not None:
        site.agency_or_404(agency_id, "agency_id")
    if service_id is not None:
        site.service_or_404(service_id, "service_id")
    if counter_id is not None:
        site.counter_or_404(counter_id, "counter_id")
    named = [agency_id, site.agency_of.get(service_id or ""), site.counters[counter_id].agency if counter_id else None]
    for other in named:
        if other is not None:
            permissions.require(user, action, permissions.agency(other))
    limit = permissions.agency_scope(user)
    return agency_id if limit is None else limit
