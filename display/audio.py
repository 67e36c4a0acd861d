"""Sound files for announcements: the chime, synthesized sentences, voice-pack clips.

Files are made on first request and cached in the data folder, so a display that asks
again gets the same file at once. What is said is the announcer's business
(display/announcer.py); this library only turns it into files. Making one (the chime's
tones, a voice pack's manifest) runs in an OS thread (`server.core.osthread.off_loop`),
so no kiosk waits meanwhile.
"""

from __future__ import annotations

import threading
from functools import partial
from pathlib import Path

from display import speech
from server.core.config_load import site_path
from server.core.osthread import off_loop
from server.core.site import SiteIndex

BUILT_IN_PACKS = Path(__file__).parent / "voicepacks"


class AudioLibrary:
    def __init__(self, data_dir: Path, config_path: Path | None) -> None:
        self.folder = data_dir / "audio"
        self.config_path = config_path  # a voice pack's folder is relative to config.yaml's
        self.synthesizer = speech.Synthesizer(self.folder / "tts")
        self._lock = threading.Lock()
        self._packs: dict[Path, speech.VoicePack] = {}

    def chime(self, site: SiteIndex, *, short: bool = False) -> Path:
        """The chime before each call: the voice pack's own when the site speaks with a
        pack that has one, else a bell made here. `short`: the short call's quicker bell
        (always made here: a pack's chime is as long as the pack's maker chose)."""
        if site.config.site.announcement.voice == "pack" and not short:
            own = self.pack(site).chime
            if own is not None:
                return own
        path = self.folder / ("chime-short.wav" if short else "chime.wav")
        with self._lock:
            if not path.exists():
                off_loop(partial(speech.chime_wav, short=short), path)
        return path

    def limit_cache(self, megabytes: int) -> None:
        """Bound the synthesized sentences to `megabytes` from now on, and prune to it at once."""
        self.synthesizer.limit(megabytes * 1024 * 1024)

    def spoken(self, text: str, lang: str) -> Path:
        """`text` (espeak-ng input) spoken by the server's synthesizer, cached per sentence."""
        return self.synthesizer.wav_for(text, lang)

    def pack(self, site: SiteIndex) -> speech.VoicePack:
        """The site's voice pack: its own folder, or the built-in one for its language."""
        setting = site.config.site.announcement.voice_pack
        if setting:
            folder = site_path(setting, self.config_path)
        else:
            folder = BUILT_IN_PACKS / f"espeak-{site.config.site.language}"
        with self._lock:
            if folder not in self._packs:
                self._packs[folder] = off_loop(speech.VoicePack.load, folder)
            return self._packs[folder]

    def clip(self, site: SiteIndex, token: str) -> Path | None:
        """The pack's clip for one token, or None if the pack has none."""
        pack = self.pack(site)
        if pack.missing_tokens([token]):
            return None
        return pack.clips_for([token])[0]
