"""The hall display blueprint: the display page, its media loop and the announcement audio.

Routes:
- `/display` lists the site's displays; `/display/<id>` is the full-screen page
  (a friendly 404 page for an unknown id); `/display/<id>/boot.json` is what the
  page needs besides the `display.state` snapshot (names, running text, media,
  the server's clock), fetched again after every reconnect.
- `/display/media/<id>/<file>` serves the images and videos of the display's
  `media_folder`.
- `/audio/...` serves the chime, synthesized sentences and voice-pack clips, the files
  the announcer (display/announcer.py) names in each call's announcement; a sentence
  only for a number called at that counter today (anything else is a 404, unspoken).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, render_template, request, send_file, send_from_directory

from display.announcer import CALL_AUDIO, CHIME_SHORT_URL, CHIME_URL, CLIP_AUDIO, Announcer
from display.speech import SpeechError
from server.core import announcements, counters
from server.core.config import Display
from server.core.config_load import media_path
from server.web.hall import Hall, current_hall

log = logging.getLogger(__name__)

blueprint = Blueprint(
    "display", __name__, template_folder="templates", static_folder="static", static_url_path="/display/static"
)

IMAGE_TYPES = {".jpg", ".jpeg", ".png", ".webp", ".gif"}
VIDEO_TYPES = {".mp4", ".webm", ".ogv", ".m4v"}
MAX_MEDIA_FILES = 200  # a media loop longer than this is a mistake, not a playlist


def _announcer() -> Announcer:
    """The display's announcer, which the roof (server/app.py) gave the Hall."""
    announcer = current_hall().announcer
    if not isinstance(announcer, Announcer):
        raise TypeError(f"the hall's announcer is {announcer!r}, not the display's Announcer")
    return announcer


def _sound(path: Path) -> Any:
    """A sound file, cached by browsers for a day (its URL names its content)."""
    mimetype = "audio/wav" if path.suffix.lower() == ".wav" else None  # not the legacy audio/x-wav
    return send_file(path, mimetype=mimetype, max_age=86400)


# --- media loop -------------------------------------------------------------------------


def media_folder(hall: Hall, display: Display) -> Path | None:
    """The display's media folder (inside the site's media folder); None when unset or outside."""
    if not display.media_folder:
        return None
    return media_path(display.media_folder, hall.config_path)


def media_files(hall: Hall, display: Display) -> list[dict[str, str]]:
    """The images and videos directly in the media folder, by name; empty if there is none."""
    folder = media_folder(hall, display)
    if folder is None or not folder.is_dir():
        return []
    items = []
    for path in sorted(folder.iterdir(), key=lambda p: p.name.lower()):
        suffix = path.suffix.lower()
        if path.name.startswith(".") or not path.is_file() or suffix not in IMAGE_TYPES | VIDEO_TYPES:
            continue
        if media_path(path, hall.config_path) is None:  # a link that leads out of the media folder
            continue
        kind = "image" if suffix in IMAGE_TYPES else "video"
        items.append({"url": f"/display/media/{display.id}/{path.name}", "kind": kind, "name": path.name})
    return items[:MAX_MEDIA_FILES]


# --- the page ---------------------------------------------------------------------------


def _lang(hall: Hall) -> str:
    asked = request.args.get("lang")
    return asked if asked in ("id", "en") else hall.site.config.site.language


def boot_data(hall: Hall, display: Display) -> dict[str, Any]:
    """Names and settings the page shows around the live `display.state` snapshot."""
    site = hall.site
    settings = site.config.site
    counter_ids = site.display_counters(display.id)
    service_ids = sorted({s for c in counter_ids for s in site.counters[c].services})
    return {
        "display": {"id": display.id, "name": display.name, "sound": display.sound,
                    "speaks": announcements.zones(site)[display.id]},
        "site": {
            "name": settings.name,
            "timezone": settings.timezone,
            "language": settings.language,
            "running_text": settings.running_text,
            "running_text_en": settings.running_text_en or settings.running_text,
        },
        "counters": {
            c: {
                "name": site.counters[c].name,
                "name_en": site.counters[c].english_name,
                "agency": site.agencies[site.counters[c].agency].short_name,
                "floor": site.counters[c].floor,
            }
            for c in counter_ids
        },
        "services": {
            s: {
                "name": site.services[s].name,
                "name_en": site.services[s].name_en or site.services[s].name,
                "prefix": site.services[s].prefix,
                "agency": site.agencies[site.agency_of[s]].short_name,
            }
            for s in service_ids
        },
        "media": media_files(hall, display),
    }


def _unknown_display(display_id: str) -> Any:
    hall = current_hall()
    displays = list(hall.site.config.displays)
    html = render_template("display/unknown.html", display_id=display_id, displays=displays,
                           site_name=hall.site.config.site.name, lang=_lang(hall))
    return html, 404


@blueprint.get("/display")
@blueprint.get("/display/")
def index() -> Any:
    """The list of this site's displays, each a link to its page."""
    return _unknown_display("")[0]


@blueprint.get("/display/<display_id>")
def page(display_id: str) -> Any:
    """The full-screen page of one hall display."""
    hall = current_hall()
    display = hall.site.displays.get(display_id)
    if display is None:
        return _unknown_display(display_id)
    lang = _lang(hall)
    return render_template("display/page.html", boot=boot_data(hall, display), lang=lang, display=display,
                           site_name=hall.site.config.site.name)


@blueprint.get("/display/<display_id>/boot.json")
def boot(display_id: str) -> Any:
    """What the page needs besides the live snapshot; fetched again after every reconnect."""
    hall = current_hall()
    display = hall.site.displays.get(display_id)
    if display is None:
        abort(404)
    response = dict(boot_data(hall, display))
    return response, 200, {"Cache-Control": "no-store"}


@blueprint.get("/display/media/<display_id>/<path:filename>")
def media(display_id: str, filename: str) -> Any:
    """One image or video of a display's media loop (only files the loop lists)."""
    hall = current_hall()
    display = hall.site.displays.get(display_id)
    if display is None:
        abort(404)
    listed = {item["name"] for item in media_files(hall, display)}
    folder = media_folder(hall, display)
    if folder is None or filename not in listed:  # also refuses "../" and sub-folders
        abort(404)
    return send_from_directory(folder, filename, max_age=3600)


# --- announcement audio -----------------------------------------------------------------


@blueprint.get(CHIME_URL)
def chime() -> Any:
    """The chime played before every call."""
    return _sound(_announcer().chime())


@blueprint.get(CHIME_SHORT_URL)
def chime_short() -> Any:
    """The shorter chime of the short call (`site.announcement.style: short`)."""
    return _sound(_announcer().chime(short=True))


@blueprint.get(CALL_AUDIO)
def call_sentence(counter_id: str, number: str) -> Any:
    """The whole call spoken by the server's synthesizer (cached per sentence), only for a
    call made today at that counter: anyone on the network may ask, so nobody can make the
    server speak (and store) sentences that no display was given."""
    hall = current_hall()
    with hall.store.read() as tx:
        called = counters.was_called_today(tx, hall.site, hall.now(), counter_id, number)
    if not called:
        abort(404)
    try:
        path = _announcer().sentence(counter_id, number)
    except SpeechError:
        # The voice is out (its log says why): the display shows the call and plays its chime.
        log.exception("could not speak %s at %s", number, counter_id)
        abort(503)
    if path is None:
        abort(404)
    return _sound(path)


@blueprint.get(CLIP_AUDIO)
def pack_clip(token: str) -> Any:
    """One recorded word of the site's voice pack."""
    path = _announcer().clip(token)
    if path is None:
        abort(404)
    return _sound(path)
