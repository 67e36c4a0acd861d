"""Request helpers shared by route modules: query-string values and ids, checked, and the
agency a request may look at.

Every value a route reads from the query string or the path goes through one of these, so
that malformed input is refused in one way (`422 invalid_request` naming the parameter)
instead of reaching Python's own parsers: `str.isdigit()` is true for "²" and "٣" and
`int()` accepts "٣" or refuses 5,000 digits, and a day such as 9999-12-31 overflows as
soon as a rule looks at the day after it.
"""

from __future__ import annotations

import re
from datetime import date

from flask import request

from server.core import permissions
from server.core.auth import User
from server.core.errors import RuleError
from server.web.hall import Hall

# The days a request may name: far wider than any hall's history, and narrow enough that a
# day's neighbours, in any timezone, are still dates that Python and SQLite can hold.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2999, 12, 31)
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # only this form, in ASCII digits
_DIGITS = re.compile(r"[0-9]+")  # ASCII digits only: "²", "٣" and "３" are not digits here
MAX_ID = 2**63 - 1  # SQLite's largest integer


def parse_day(name: str, default: date) -> date:
    """A YYYY-MM-DD query value from FIRST_DAY to LAST_DAY, or `default` when it is absent or empty."""
    text = request.args.get(name)
    if text is None or text == "":
        return default
    try:
        day = date.fromisoformat(text) if _DAY.fullmatch(text) else None
    except ValueError:
        day = None
    if day is None:
        raise RuleError("invalid_request", f"{name}: expected a date as YYYY-MM-DD, got {text[:20]!r}.", name)
    if not FIRST_DAY <= day <= LAST_DAY:
        raise RuleError("invalid_request", f"{name}: expected a day from {FIRST_DAY} to {LAST_DAY}, got {text}.",
                        name)
    return day


def whole_number(text: str, high: int) -> int | None:
    """`text` as a whole number from 0 to `high` written in ASCII digits, else None.

    Checked before `int()` sees it, so no spelling of a number can make it fail or work
    on thousands of digits."""
    if not _DIGITS.fullmatch(text) or len(text.lstrip("0")) > len(str(high)):
        return None
    number = int(text)
    return number if number <= high else None


def int_arg(name: str, default: int, low: int, high: int) -> int:
    """A whole-number query value from `low` to `high`, or `default` when it is absent or empty."""
    text = request.args.get(name) or ""
    if text == "":
        return default
    number = whole_number(text, high)
    if number is None or number < low:
        raise RuleError("invalid_request", f"{name}: expected a whole number from {low} to {high}.", name)
    return number


def id_number(text: str) -> int | None:
    """A numeric id from the path (a closure's), or None when it cannot be one (an unknown id)."""
    return whole_number(text, MAX_ID)


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
