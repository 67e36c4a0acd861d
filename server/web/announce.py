"""What a display says for a call: the sentence and the sound files to play.

The audio URLs are computed without synthesizing anything; the display
blueprint makes (and caches) each file when a display first asks for it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import quote

from display import speech
from server.core.site import SiteIndex

CHIME_URL = "/audio/chime.wav"


class Announcer:
    def __init__(self, site: SiteIndex) -> None:
        self.site = site

    def refresh(self, site: SiteIndex) -> None:
        self.site = site
        self._build.cache_clear()

    def announcement(self, number: str, counter_id: str) -> dict[str, Any]:
        return dict(self._build(number, counter_id))

    @lru_cache(maxsize=4096)  # noqa: B019  (one Announcer per app; cleared on config change)
    def _build(self, number: str, counter_id: str) -> dict[str, Any]:
        settings = self.site.config.site.announcement
        lang = self.site.config.site.language
        counter = self.site.counters[counter_id]
        agency = self.site.agencies[counter.agency].short_name if settings.include_agency else None
        words = {"agency_name": agency, "style": settings.number_style, "lang": lang}
        text = speech.announcement_text(number, counter.name, **words)  # type: ignore[arg-type]
        if settings.voice == "pack":
            tokens = speech.announcement_tokens(number, counter.name, **words)  # type: ignore[arg-type]
            audio = [CHIME_URL, *(f"/audio/pack/{quote(token)}.wav" for token in tokens)]
        else:
            audio = [CHIME_URL, f"/audio/call/{counter_id}/{number}.wav"]
        return {"lang": lang, "text": text, "audio": audio}
