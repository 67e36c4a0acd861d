"""Survey routes (public): answer once per finished ticket; what a counter tablet shows."""

from __future__ import annotations

from typing import Any

from server.core import survey
from server.web.api import schemas
from server.web.api.base import api
from server.web.hall import current_hall


@api.route("/tickets/<ticket_id>/survey", "POST", summary="Answer the satisfaction survey of a finished ticket.",
           tag="survey", body=schemas.SurveyCreate, status=201, response=schemas.SurveyOut,
           errors=((404, "ticket_not_found"), (409, "not_finished"), (409, "already_answered")))
def answer_survey(ticket_id: str, body: schemas.SurveyCreate) -> dict[str, Any]:
    """Record the nine answers (1 to 4) and an optional comment; one answer per ticket."""
    hall = current_hall()
    with hall.store.write() as tx:
        return survey.answer(tx, hall.site, hall.now(), ticket_id, body.answers.model_dump(), body.comment)


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
    """The last ticket finished at this counter in the last 15 minutes whose visitor has not answered."""
    hall = current_hall()
    counter = hall.site.counter_or_404(counter_id)
    with hall.store.read() as tx:
        ticket = survey.latest_finished(tx, hall.site, counter_id, hall.now())
    return {"counter_id": counter_id, "counter_name": counter.name, "counter_name_en": counter.english_name,
            "ticket": ticket}
