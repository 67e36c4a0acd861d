"""The WAV tools of display.speech: the chime (loud enough, no click at either end) and
resampling that keeps a tone's loudness."""

from __future__ import annotations

import array
import math
from pathlib import Path

from speech_support import read_wav

from display.speech import (
    chime_wav,
    resample,
)

# --- audio helpers ---------------------------------------------------------------------


def test_chime(tmp_path: Path) -> None:
    path = chime_wav(tmp_path / "chime.wav")
    samples, rate, channels = read_wav(path)
    assert (rate, channels) == (22050, 1)
    assert 1.0 <= len(samples) / rate <= 2.0
    peak = max(abs(s) for s in samples)
    assert 15000 < peak < 32767
    assert abs(samples[-1]) < 200 and abs(samples[0]) < 200  # no click at either end


def test_resample_keeps_a_tone() -> None:
    tone = array.array("h", (round(10000 * math.sin(2 * math.pi * 1000 * i / 22050)) for i in range(22050)))
    out = resample(tone, 22050, 16000)
    assert abs(len(out) - 16000) <= 1
    middle = out[2000:14000]
    rms = math.sqrt(sum(s * s for s in middle) / len(middle))
    assert abs(rms - 10000 / math.sqrt(2)) < 200
