"""The counter blueprint: the officer's page at /counter.

The page itself talks only to the public API (/api/v1) and Socket.IO. The hall's clock
(the running timers count from the server's `called_at`, not the tablet's idea of now)
comes from the common boot data and /time.json (server/web/pages.py).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from server.web.hall import current_hall

blueprint = Blueprint(
    "counter", __name__, template_folder="templates", static_folder="static", static_url_path="/counter/static"
)


def _page(counter_id: str | None) -> Any:
    hall = current_hall()
    return render_template(
        "counter/page.html",
        counter_id=counter_id or "",
        site_name=hall.site.config.site.name,
        language=hall.site.config.site.language,
    )


@blueprint.get("/counter")
def page() -> Any:
    """The officer's page: log in, then choose a counter."""
    return _page(None)


@blueprint.get("/counter/<counter_id>")
def counter_page(counter_id: str) -> Any:
    """The same page opened straight on one counter (a reload returns here)."""
    return _page(counter_id)
