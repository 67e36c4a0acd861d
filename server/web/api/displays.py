"""Display routes: the state a hall display shows."""

from __future__ import annotations

from typing import Any

from server.core.errors import not_found
from server.web import views
from server.web.api import schemas
from server.web.api.base import api
from server.web.hall import current_hall


@api.route("/displays/<display_id>/state", "GET", summary="What a display shows now.", tag="display",
           response=schemas.DisplayState, errors=((404, "unknown_display"),))
def display_state(display_id: str) -> dict[str, Any]:
    """Calls being announced, recent calls, each counter's number, waiting counts."""
    hall = current_hall()
    if display_id not in hall.site.displays:
        raise not_found("unknown_display", f"There is no display with id {display_id!r}.")
    with hall.store.read() as tx:
        return views.display_state(tx, hall.site, display_id, hall.now(), hall.announcer)  # type: ignore[arg-type]
