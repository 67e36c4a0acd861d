"""Display routes: the state a hall display shows."""

from __future__ import annotations

from typing import Any

from server.web import display_views
from server.web.api import schemas
from server.web.api.base import api
from server.web.hall import current_hall


@api.route("/displays/<display_id>/state", "GET", summary="What a display shows now.", tag="display",
           response=schemas.DisplayState, errors=((404, "unknown_display"),))
def display_state(display_id: str) -> dict[str, Any]:
    """Calls being announced, recent calls, each counter's number, waiting counts."""
    hall = current_hall()
    hall.site.display_or_404(display_id)
    with hall.store.read() as tx:
        return display_views.display_state(tx, hall.site, display_id, hall.now(), hall.announcer)
