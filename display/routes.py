"""The hall display blueprint: the display page and the announcement audio."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, send_file

from display.audio import AudioLibrary
from server.hall import current_hall

blueprint = Blueprint(
    "display", __name__, template_folder="templates", static_folder="static", static_url_path="/display/static"
)


def _audio() -> AudioLibrary:
    hall = current_hall()
    library = getattr(hall, "audio", None)
    if library is None:
        library = AudioLibrary(hall.data_dir, hall.config_path.parent if hall.config_path else None)
        hall.audio = library  # type: ignore[attr-defined]
    return library


def _wav(path: Any) -> Any:
    response = send_file(path, mimetype="audio/wav", max_age=86400)
    return response


@blueprint.get("/audio/chime.wav")
def chime() -> Any:
    """The chime played before every call."""
    return _wav(_audio().chime())


@blueprint.get("/audio/call/<counter_id>/<number>.wav")
def call_sentence(counter_id: str, number: str) -> Any:
    """The whole call spoken by the server's synthesizer (cached per sentence)."""
    path = _audio().sentence(current_hall().site, counter_id, number)
    if path is None:
        abort(404)
    return _wav(path)


@blueprint.get("/audio/pack/<token>.wav")
def pack_clip(token: str) -> Any:
    """One recorded word of the site's voice pack."""
    path = _audio().clip(current_hall().site, token)
    if path is None:
        abort(404)
    return send_file(path, max_age=86400)
