"""What every screen's page shares: the boot data of the base template and the hall's clock.

Every page extends `templates/base.html`, which embeds `page_boot(...)` as JSON
(`<script type="application/json" id="boot">`). The scripts of `/static/common/` read it:
the server's clock in milliseconds, the site's timezone and language, and the ticket
vocabulary, so that no page keeps its own copy of statuses, priorities or the number's
format. `/time.json` gives the clock again: a kiosk or counter PC on an offline LAN has
no time server, so the pages correct their clock against the hall's on every reconnect.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify

from server.core.vocabulary import vocabulary_json
from server.web.hall import current_hall

blueprint = Blueprint("pages", __name__)


def server_time_ms() -> int:
    """The hall's clock now, in milliseconds since the epoch (the unit of JavaScript's Date)."""
    return int(current_hall().now() * 1000)


def page_boot(extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The boot data of a page: what every screen needs, then the screen's own fields."""
    settings = current_hall().site.config.site
    return {
        "server_time": server_time_ms(),
        "timezone": settings.timezone,
        "language": settings.language,
        "vocabulary": vocabulary_json(),
        **(extra or {}),
    }


@blueprint.app_context_processor
def _templates() -> dict[str, Any]:
    return {"page_boot": page_boot, "vocabulary": vocabulary_json()}


@blueprint.get("/time.json")
def server_time() -> Any:
    """The hall's clock now, in milliseconds; never cached (the page measures the round trip)."""
    response = jsonify({"server_time": server_time_ms()})
    response.headers["Cache-Control"] = "no-store"
    return response
