"""What the hall hears for a call, worked out in one place.

`Announcer.call` decides the words of a call once, from the site's settings: the
counter's name in the site's language, the agency's short name when
`announcement.include_agency`, `announcement.number_style`, the counter's floor
(`include_floor`) and the style (`full`, or `short` with the short chime). From that one `Call` come
both the `announcement` of the `ticket.called` payload (text and sound URLs, without
synthesizing anything) and the WAV the route `CALL_AUDIO` answers, so the sentence shown
and the sentence heard cannot drift apart. The URLs and the routes that answer them
(display/routes.py) use the rules declared here.

The roof (server/app.py) builds the announcer and hands it to the Hall; the web layer
only sees it through the small `server.web.hall.Announcer` protocol.
"""

from __future__ import annotations

import logging
import wave
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from display.audio import AudioLibrary
from display.speech import Call, announcement_speech, announcement_text, announcement_tokens
from server.core.site import SiteIndex
from server.core.vocabulary import parse_number

CHIME_URL = "/audio/chime.wav"
CHIME_SHORT_URL = "/audio/chime-short.wav"  # the short call's chime
log = logging.getLogger(__name__)

WORD_SECONDS = 0.45  # a word at the voice's 150 words a minute, with its share of the commas
PAUSE_SECONDS = 0.7  # the breath the display leaves between two calls (PAUSE_MS in announcer.js)
CALL_AUDIO = "/audio/call/<counter_id>/<number>.wav"  # the whole call, spoken by espeak-ng
CLIP_AUDIO = "/audio/pack/<token>.wav"  # one word of the site's voice pack

def call_url(counter_id: str, number: str) -> str:
    """Where the display fetches the whole call spoken (answered by `CALL_AUDIO`)."""
    return CALL_AUDIO.replace("<counter_id>", quote(counter_id)).replace("<number>", quote(number))


def clip_url(token: str) -> str:
    """Where the display fetches one voice-pack word (answered by `CLIP_AUDIO`)."""
    return CLIP_AUDIO.replace("<token>", quote(token))


def wav_seconds(path: Path) -> float:
    """The length of a WAV file (a voice pack's other formats count as nothing: not planned)."""
    if path.suffix.lower() != ".wav":
        return 0.0
    with wave.open(str(path), "rb") as sound:
        return sound.getnframes() / sound.getframerate()


class Announcer:
    """The display's announcer: the words of each call, their URLs and their sound files."""

    def __init__(self, site: SiteIndex, audio: AudioLibrary) -> None:
        self.site = site
        self.audio = audio
        audio.limit_cache(site.config.site.announcement.audio_cache_mb)  # pruned at start

    def refresh(self, site: SiteIndex) -> None:
        """A new configuration: words and files follow the new settings from now on."""
        self.site = site
        self._announcement.cache_clear()
        self._seconds.cache_clear()
        self.audio.limit_cache(site.config.site.announcement.audio_cache_mb)

    def call(self, counter_id: str, number: str) -> Call | None:
        """The call of `number` at a counter, as this site says it; None for an unknown
        counter or something that is not a ticket number."""
        counter = self.site.counters.get(counter_id)
        if counter is None or parse_number(number) is None:
            return None
        settings = self.site.config.site
        lang = settings.language
        name = counter.name if lang == "id" else counter.english_name
        said = settings.announcement
        agency = self.site.agencies[counter.agency].short_name if said.include_agency else None
        floor = counter.floor if said.include_floor else None
        return Call(number, name, agency, said.number_style, lang, floor, said.style == "short")

    def announcement(self, number: str, counter_id: str) -> dict[str, Any]:
        """The `announcement` of a `ticket.called` payload: language, text and the sound
        files to play in order (the chime first)."""
        return dict(self._announcement(number, counter_id))

    @lru_cache(maxsize=4096)  # noqa: B019  (one Announcer per app; cleared on config change)
    def _announcement(self, number: str, counter_id: str) -> dict[str, Any]:
        call = self.call(counter_id, number)
        if call is None:
            raise ValueError(f"cannot announce {number!r} at counter {counter_id!r}")
        chime = CHIME_SHORT_URL if call.short else CHIME_URL
        if self.site.config.site.announcement.voice == "pack":
            audio = [chime, *map(clip_url, announcement_tokens(call))]
        else:
            audio = [chime, call_url(counter_id, call.number)]
        return {"lang": call.lang, "text": announcement_text(call), "audio": audio}

    def seconds(self, number: str, counter_id: str) -> float:
        """How long the call takes a display to say: its chime and words (the real WAV files'
        lengths) and the pause after it. What the zones' backlog rule plans with."""
        return self._seconds(number, counter_id)

    @lru_cache(maxsize=4096)  # noqa: B019  (one Announcer per app; cleared on config change)
    def _seconds(self, number: str, counter_id: str) -> float:
        call = self.call(counter_id, number)
        if call is None:
            return 0.0
        try:
            chime = self.audio.chime(self.site, short=call.short)
            if self.site.config.site.announcement.voice == "pack":
                words = [self.clip(token) for token in announcement_tokens(call)]
            else:
                words = [self.sentence(counter_id, call.number)]
            return sum(wav_seconds(p) for p in [chime, *words] if p is not None) + PAUSE_SECONDS
        except Exception:  # noqa: BLE001  (the call must reach the displays whatever the voice does)
            # Without its sound the length is estimated from the words: the call still goes
            # out to every display, which shows it, and plays what it can fetch.
            log.exception("could not measure the call %s at %s; its length is estimated", number, counter_id)
            chime_seconds = 0.5 if call.short else 1.2
            return chime_seconds + WORD_SECONDS * len(announcement_tokens(call)) + PAUSE_SECONDS

    def sentence(self, counter_id: str, number: str) -> Path | None:
        """The WAV of the whole call, or None if it names no call. The number must be
        written as the payload writes it, so each sound has one URL."""
        call = self.call(counter_id, number)
        if call is None or call.number != number:
            return None
        return self.audio.spoken(announcement_speech(call), call.lang)

    def chime(self, short: bool = False) -> Path:
        """The chime played before every call (`short`: the short call's)."""
        return self.audio.chime(self.site, short=short)

    def clip(self, token: str) -> Path | None:
        """One word of the site's voice pack, or None if the pack has no such word."""
        return self.audio.clip(self.site, token)
