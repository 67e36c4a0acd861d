"""Sound helpers in pure Python: writing WAV files atomically, trimming silence,
resampling, and the "ding-dong" chime played before each call."""

from __future__ import annotations

import io
import math
import operator
import os
import sys
import tempfile
import wave
from array import array
from functools import lru_cache
from pathlib import Path


def wav_bytes(samples: array, sample_rate: int) -> bytes:
    """16-bit mono PCM as the bytes of a WAV file."""
    data = array("h", samples)
    if sys.byteorder == "big":
        data.byteswap()
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(sample_rate)
        wav.writeframes(data.tobytes())
    return buffer.getvalue()


def read_wav_bytes(data: bytes) -> tuple[array, int]:
    """The samples (native order) and sample rate of a 16-bit mono WAV file's bytes."""
    with wave.open(io.BytesIO(data), "rb") as wav:
        if (wav.getnchannels(), wav.getsampwidth()) != (1, 2):
            raise ValueError("expected a 16-bit mono WAV")
        samples = array("h", wav.readframes(wav.getnframes()))
        rate = wav.getframerate()
    if sys.byteorder == "big":
        samples.byteswap()
    return samples, rate


def write_wav(path: str | Path, samples: array, sample_rate: int) -> Path:
    """Write 16-bit mono PCM atomically (readers never see half a file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(wav_bytes(samples, sample_rate))
        os.chmod(temporary, 0o644)  # mkstemp makes 0600; the web server must read it
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def trim_silence(samples: array, sample_rate: int, *, pad: float = 0.05, threshold: int = 200) -> array:
    """Cut leading and trailing near-silence, keeping `pad` seconds on each side."""
    start = next((i for i, s in enumerate(samples) if abs(s) > threshold), None)
    if start is None:
        return array("h", samples)
    end = next(i for i in range(len(samples) - 1, -1, -1) if abs(samples[i]) > threshold)
    keep = int(pad * sample_rate)
    return array("h", samples[max(0, start - keep) : end + 1 + keep])


@lru_cache(maxsize=8)
def _resample_kernels(up: int, cutoff: float, half_width: int) -> tuple[tuple[float, ...], ...]:
    """Hann-windowed sinc low-pass taps for each of the `up` fractional positions."""
    kernels = []
    for phase in range(up):
        fraction = phase / up
        taps = []
        for j in range(-half_width + 1, half_width + 1):
            d = fraction - j
            sinc = 1.0 if d == 0 else math.sin(math.pi * cutoff * d) / (math.pi * cutoff * d)
            taps.append(cutoff * sinc * (0.5 + 0.5 * math.cos(math.pi * d / half_width)))
        total = sum(taps)
        kernels.append(tuple(tap / total for tap in taps))
    return tuple(kernels)


def resample(samples: array, src_rate: int, dst_rate: int, *, half_width: int = 16) -> array:
    """Band-limited resampling of 16-bit PCM (pure Python; fine for short clips)."""
    if src_rate == dst_rate:
        return array("h", samples)
    common = math.gcd(src_rate, dst_rate)
    up, down = dst_rate // common, src_rate // common
    kernels = _resample_kernels(up, 0.9 * min(1.0, dst_rate / src_rate), half_width)
    padded = [0] * half_width + list(samples) + [0] * half_width
    out = array("h")
    for i in range(len(samples) * up // down):
        base, phase = divmod(i * down, up)
        value = sum(map(operator.mul, padded[base + 1 : base + 1 + 2 * half_width], kernels[phase]))
        out.append(max(-32768, min(32767, round(value))))
    return out


def _bell(t: float, frequency: float, decay: float) -> float:
    """One struck tone: a fundamental with soft overtones, quick attack, exponential decay."""
    if t < 0:
        return 0.0
    envelope = min(1.0, t / 0.006) * math.exp(-t / decay)
    phase = 2 * math.pi * frequency * t
    return envelope * (math.sin(phase) + 0.3 * math.sin(2 * phase) + 0.08 * math.sin(3 * phase))


def chime_wav(path: str | Path, *, sample_rate: int = 22050, duration: float = 1.2, short: bool = False) -> Path:
    """Write a two-tone "ding-dong" (E5 then C5, ~1.2 s, 16-bit mono) to `path`; `short`: the
    same two tones struck quicker and damped sooner (0.5 s), for the short call."""
    if short:
        duration = min(duration, 0.5)
    second, decay = (0.16, 0.12) if short else (0.42, 0.30)
    count = int(sample_rate * duration)
    fade = int(0.08 * sample_rate)
    raw = []
    for i in range(count):
        t = i / sample_rate
        value = _bell(t, 659.25, decay) + _bell(t - second, 523.25, decay * 4 / 3)
        raw.append(value * min(1.0, (count - i) / fade))
    peak = max(abs(v) for v in raw) or 1.0
    return write_wav(path, array("h", (round(v / peak * 0.7 * 32767) for v in raw)), sample_rate)
