"""Whether the hall takes tickets at all, and when it opens next: `GET /api/v1/agencies` `hall`.

The kiosk shows one banner for the whole hall from this, instead of working it out from
every service. The bundled site: Monday to Thursday 07:30-15:00, Friday 07:30-14:00 with
the Friday prayer break 11:30-13:00, ticketing stops 30 minutes before closing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from conftest import JAKARTA

from server.core import hours
from server.web.api.openapi import openapi_document


def at(*moment: int) -> datetime:
    return datetime(*moment, tzinfo=JAKARTA)  # type: ignore[misc]


def hall_at(app: Any, moment: datetime) -> dict[str, Any]:
    app.clock.set(moment)
    answer = app.client().get("/api/v1/agencies")
    assert answer.status_code == 200
    return answer.json


@pytest.mark.parametrize(("moment", "expected"), [
    # A Tuesday morning: open, nothing to wait for.
    (at(2026, 12, 1, 9, 0), {"open": True, "reason": None, "opens_at": None}),
    # A Sunday: closed all day, open again on Monday at 07:30.
    (at(2026, 12, 6, 10, 0), {"open": False, "reason": "closed_day", "opens_at": "2026-12-07T07:30:00+07:00"}),
    # Friday prayer: every service is on the break, back at 13:00 (those closing at 13:00 do not come back
    # that day, but the hall does).
    (at(2026, 12, 4, 12, 0), {"open": False, "reason": "break", "opens_at": "2026-12-04T13:00:00+07:00"}),
    # A Tuesday evening: after hours until Wednesday 07:30.
    (at(2026, 12, 1, 17, 0), {"open": False, "reason": "after_hours", "opens_at": "2026-12-02T07:30:00+07:00"}),
    # Christmas (a holiday, a Friday): closed until Monday.
    (at(2026, 12, 25, 9, 0), {"open": False, "reason": "holiday", "opens_at": "2026-12-28T07:30:00+07:00"}),
])
def test_the_hall_says_whether_it_is_open_and_when_it_opens(
    hall_app: Any, moment: datetime, expected: dict[str, Any]
) -> None:
    data = hall_at(hall_app, moment)
    assert data["hall"] == expected
    services = [s for agency in data["agencies"] for s in agency["services"]]
    assert any(s["open"] for s in services) is expected["open"]
    if not expected["open"]:
        assert {s["closed_reason"] for s in services} == {expected["reason"]}
        assert min(s["opens_at"] for s in services if s["opens_at"]) == expected["opens_at"]


def test_between_the_cutoff_and_closing_the_reasons_differ(hall_app: Any) -> None:
    """At 14:45 on a Tuesday services with their own earlier hours are after hours, the rest past the
    cut-off: the hall is closed without one reason, and opens on Wednesday."""
    data = hall_at(hall_app, at(2026, 12, 1, 14, 45))
    assert data["hall"] == {"open": False, "reason": None, "opens_at": "2026-12-02T07:30:00+07:00"}


def test_one_open_service_keeps_the_hall_open(small_app: Any) -> None:
    """In the small site PBB-P2 keeps 08:00-12:00: at 13:00 only the others take tickets."""
    data = hall_at(small_app, at(2026, 12, 1, 13, 0))
    services = {s["id"]: s for agency in data["agencies"] for s in agency["services"]}
    assert services["pbb"]["open"] is False and services["ktp"]["open"] is True
    assert data["hall"] == {"open": True, "reason": None, "opens_at": None}


def test_the_answer_matches_the_document(small_app: Any) -> None:
    import jsonschema

    document = openapi_document("http://127.0.0.1:5000")
    schema = document["paths"]["/api/v1/agencies"]["get"]["responses"]["200"]["content"]["application/json"]
    closed = hall_at(small_app, at(2026, 12, 6, 10, 0))
    jsonschema.validate(closed, {**schema["schema"], "components": document["components"]})


def test_the_rule_over_availabilities() -> None:
    shut = hours.Availability(False, hours.QUOTA_REACHED, None, 200.0)
    later = hours.Availability(False, hours.QUOTA_REACHED, None, 100.0)
    assert hours.hall_availability([shut, later]) == hours.Availability(False, hours.QUOTA_REACHED, None, 100.0)
    assert hours.hall_availability([shut, hours.Availability(True)]).open is True
    assert hours.hall_availability([]) == hours.Availability(False, None, None, None)
