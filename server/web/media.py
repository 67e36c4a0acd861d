"""Site files named in config.yaml (agency logos), served only from the site's media folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, abort, send_file

from server.core.config_load import media_path
from server.web.hall import Hall, current_hall

blueprint = Blueprint("media", __name__)


def site_file(hall: Hall, name: str) -> Path | None:
    """A file named in the configuration, if it is there inside the site's media folder."""
    path = media_path(name, hall.config_path)
    return path if path is not None and path.is_file() else None


@blueprint.get("/media/logos/<agency_id>")
def agency_logo(agency_id: str) -> Any:
    """An agency's logo, for its kiosk tile."""
    hall = current_hall()
    agency = hall.site.agencies.get(agency_id)
    path = site_file(hall, agency.logo) if agency is not None and agency.logo else None
    if path is None:
        abort(404)
    return send_file(path, max_age=3600)
