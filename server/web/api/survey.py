"""Survey routes: answer once per finished ticket with its secret; what a counter tablet shows.

Answering needs the ticket's survey secret (`key`), which only its QR code and the survey
tablet enrolled at its counter have. A tablet is enrolled by a staff member who may use
that counter; it then keeps a device token in an HttpOnly cookie (no staff session).
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request, session

from server.core import survey
from server.core.errors import RuleError
from server.web.api import schemas
from server.web.api.access import require_counter
from server.web.api.base import api
from server.web.hall import current_hall

TABLET_COOKIE = "antrean_survey_tablet"
TABLET_COOKIE_SECONDS = 5 * 365 * 24 * 3600  # a tablet stays enrolled until revoked


@api.route("/tickets/<ticket_id>/survey", "POST", summary="Answer the satisfaction survey of a finished ticket.",
           tag="survey", body=schemas.SurveyCreate, status=201, response=schemas.SurveyOut,
           errors=((403, "survey_forbidden"), (404, "ticket_not_found"), (409, "not_finished"),
                   (409, "already_answered")))
def answer_survey(ticket_id: str, body: schemas.SurveyCreate) -> dict[str, Any]:
    """Record the nine answers (1 to 4) and an optional comment; one answer per ticket.
    `key` is the ticket's survey secret (the `k` of the phone page's address, or the tablet's)."""
    hall = current_hall()
    with hall.store.write() as tx:
        return survey.answer(tx, hall.site, hall.now(), ticket_id, body.answers.model_dump(), body.comment,
                             body.key)


@api.route("/tickets/<ticket_id>/survey", "GET", summary="Whether a ticket's survey can be or was answered.",
           tag="survey", response=schemas.SurveyStatus, errors=((404, "ticket_not_found"),))
def survey_status(ticket_id: str) -> dict[str, Any]:
    """can_answer is true once the ticket is done and until its survey is answered."""
    hall = current_hall()
    with hall.store.read() as tx:
        return survey.status(tx, hall.site, ticket_id)


@api.route("/survey/counters/<counter_id>", "GET", summary="The ticket just finished at a counter, for its tablet.",
           tag="survey", response=schemas.SurveyTablet, errors=((404, "unknown_counter"),))
def survey_tablet(counter_id: str) -> dict[str, Any]:
    """The last ticket finished at this counter in the last 15 minutes whose visitor has not answered.
    Only a tablet enrolled at this counter (its cookie) gets the ticket's `key` and `enrolled: true`."""
    hall = current_hall()
    counter = hall.site.counter_or_404(counter_id)
    with hall.store.read() as tx:
        enrolled = survey.tablet_counter(tx, request.cookies.get(TABLET_COOKIE)) == counter_id
        ticket = survey.latest_finished(tx, hall.site, counter_id, hall.now(), with_key=enrolled)
    return {"counter_id": counter_id, "counter_name": counter.name, "counter_name_en": counter.english_name,
            "enrolled": enrolled, "ticket": ticket}


@api.route("/survey/counters/<counter_id>/tablet", "POST", summary="Enrol this browser as the counter's survey tablet.",
           tag="survey", status=201, response=schemas.TabletEnrolled, auth="use_counter",
           errors=((404, "unknown_counter"),))
def enrol_tablet(counter_id: str) -> Response:
    """Sets the tablet's device cookie and ends this browser's staff session: the tablet,
    which visitors touch, keeps no login. Needs someone who may use the counter."""
    hall = current_hall()
    try:
        user = require_counter(counter_id)
    except RuleError:
        session.clear()  # refused (another counter's officer): no staff session stays on the tablet either
        raise
    with hall.store.write() as tx:
        token = survey.enrol_tablet(tx, counter_id, user.username, hall.now(), request.remote_addr)
    session.clear()
    answer = jsonify({"counter_id": counter_id, "enrolled": True})
    answer.status_code = 201
    answer.set_cookie(TABLET_COOKIE, token, max_age=TABLET_COOKIE_SECONDS, httponly=True, samesite="Strict",
                      secure=request.is_secure)
    return answer


@api.route("/survey/counters/<counter_id>/tablets", "DELETE", summary="Revoke every survey tablet of a counter.",
           tag="survey", response=schemas.TabletsRevoked, auth="use_counter", errors=((404, "unknown_counter"),))
def revoke_tablets(counter_id: str) -> dict[str, Any]:
    """A lost or replaced tablet: every tablet enrolled at this counter must be enrolled again."""
    hall = current_hall()
    user = require_counter(counter_id)
    with hall.store.write() as tx:
        revoked = survey.revoke_tablets(tx, counter_id, user.username, hall.now(), request.remote_addr)
    return {"counter_id": counter_id, "revoked": revoked}
