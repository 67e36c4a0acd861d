"""The ctypes binding of espeak-ng (the library of the ``espeakng-loader`` wheel).

SPDX-License-Identifier: GPL-3.0-or-later

This module loads libespeak-ng, which is GPL-3.0-or-later, so it is part of a separate
program, the synthesis helper `display.speech.synth` (``python -m display.speech.synth``),
and is distributed under GPL-3.0-or-later as part of that program. The server never
imports it: it talks to the helper over a pipe (display/speech/synthesizer.py).
"""

from __future__ import annotations

import ctypes
from array import array


class EspeakError(RuntimeError):
    """espeak-ng cannot be loaded or refused to speak."""


_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_DONT_EXIT = 0x8000
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_PARAM_RATE = 1
_SYNTH_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p)


class Espeak:
    """The espeak-ng library in synchronous mode: one engine per process, used by one thread."""

    def __init__(self) -> None:
        try:
            import espeakng_loader
        except ImportError as exc:
            raise EspeakError("espeak-ng is not installed: pip install espeakng-loader") from exc
        try:
            lib = ctypes.CDLL(espeakng_loader.get_library_path())
            data_path = espeakng_loader.get_data_path()
        except (OSError, RuntimeError) as exc:
            raise EspeakError(f"cannot load espeak-ng: {exc}") from exc
        self._declare(lib)
        rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, data_path.encode(), _INITIALIZE_DONT_EXIT)
        if rate <= 0:
            raise EspeakError(f"espeak_Initialize failed with data at {data_path}")
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
            raise EspeakError(f"espeak-ng has no voice {voice!r}")
        self._lib.espeak_SetParameter(_PARAM_RATE, rate, 0)
        self._chunks = []
        data = text.encode("utf-8")
        status = self._lib.espeak_Synth(data, len(data) + 1, 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None)
        pcm, self._chunks = b"".join(self._chunks), []
        if status != 0:
            raise EspeakError(f"espeak_Synth failed (error {status}) for {text!r}")
        return array("h", pcm)
