"""Spoken announcements for the hall display: words, sentences, synthesis and voice packs.

When a counter calls a ticket the display plays a chime and then a sentence such as
"Nomor antrean A007, silakan menuju Loket 3". This module knows how to say that
sentence and leaves URLs and HTTP to the Flask layer (it imports no Flask):

* Reading numbers and letters the Indonesian (``"id"``) or English (``"en"``) way:
  `number_words_id`, `number_words_en`, `letter_name`, `ticket_tokens`.
* The sentence: `announcement_text` (what the screen shows),
  `announcement_tokens` (lower-case words, one voice-pack clip each) and
  `announcement_speech` (what is handed to espeak-ng, with pauses).
* Server-side synthesis with espeak-ng from the ``espeakng-loader`` wheel:
  `Synthesizer.wav_for` caches one WAV per sentence.
* Recorded voice packs: `VoicePack` (a folder with ``manifest.yaml``), `required_tokens`
  to check a pack covers a site, and `build_voice_pack` to make one with espeak.
* `chime_wav`: the "ding-dong" played before each sentence, generated here.

Choices worth knowing:

* English numbers have no "and": 101 is "one hundred one" (shorter to announce, and the
  same in US and UK hearing). Compound tens are separate tokens: 99 is
  ``["ninety", "nine"]``; `announcement_text` never spells numbers out.
* With an agency name the sentence ends "... menuju Loket 3 di <agency>" (id) or
  "... to Counter 3 at <agency>" (en); tokens get ``"di"``/``"at"`` plus the agency words.
* Words of counter and agency names: digit runs up to three digits are read as numbers
  ("Loket 12" -> loket dua belas), longer runs digit by digit; a single letter, or an
  upper-case word without vowels (an acronym such as "BPJS"), is read letter by letter;
  other words are lower-cased as they are. "Loket" becomes "counter" in English.
"""

from __future__ import annotations

import argparse
import ctypes
import hashlib
import json
import math
import operator
import os
import re
import string
import sys
import tempfile
import threading
import time
import wave
from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import yaml

LANGS: tuple[str, ...] = ("id", "en")
NUMBER_STYLES: tuple[str, ...] = ("digits", "words")
TICKET_PATTERN = re.compile(r"([A-Z0-9]{1,3})([0-9]{3})")
PREFIX_PATTERN = re.compile(r"[A-Z0-9]{1,3}")
DEMO_COUNTER_NAME = "Loket 1"

_ONES_ID = ["nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"]
_ONES_EN = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen",
]
_TENS_EN = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]

_LETTERS_ID = [
    "a", "be", "ce", "de", "e", "ef", "ge", "ha", "i", "je", "ka", "el", "em", "en", "o",
    "pe", "ki", "er", "es", "te", "u", "ve", "we", "eks", "ye", "zet",
]
_LETTERS_EN = [
    "a", "bee", "cee", "dee", "e", "ef", "gee", "aitch", "i", "jay", "kay", "el", "em",
    "en", "o", "pee", "cue", "ar", "ess", "tee", "u", "vee", "double-u", "ex", "wye", "zed",
]
_LETTER_NAMES = {
    "id": dict(zip(string.ascii_uppercase, _LETTERS_ID, strict=True)),
    "en": dict(zip(string.ascii_uppercase, _LETTERS_EN, strict=True)),
}
# What espeak-ng is given for a letter. A lone capital is read by espeak's own letter
# names, which in Indonesian have the close "e" of "be", "ce", "de" (the lower-case
# token "be" would come out as "bɛ"). Exceptions: Indonesian "V" would be "fe", and an
# English "A" inside a sentence is read as the article "uh".
_LETTER_SPOKEN_OVERRIDES = {"id": {"V": "ve"}, "en": {"A": "eh"}}

_PHRASES = {
    "id": {"intro": ["nomor", "antrean"], "call": ["silakan", "menuju"], "at": "di"},
    "en": {"intro": ["ticket", "number"], "call": ["please", "proceed", "to"], "at": "at"},
}
_TEXT_TEMPLATES = {
    "id": ("Nomor antrean {number}, silakan menuju {counter}", " di {agency}"),
    "en": ("Ticket number {number}, please proceed to {counter}", " at {agency}"),
}
_ENGLISH_WORDS = {"loket": "counter"}
_NAME_PART = re.compile(r"[0-9]+|[^\W\d_]+")


class SpeechError(RuntimeError):
    """espeak-ng cannot be loaded or refused to speak."""


class VoicePackError(ValueError):
    """A voice pack folder or manifest that cannot be used; the message names the fault."""


class MissingTokensError(ValueError):
    """A voice pack has no clip for some tokens; `tokens` lists them in order."""

    def __init__(self, pack_name: str, tokens: list[str]) -> None:
        self.tokens = tokens
        names = ", ".join(repr(token) for token in tokens)
        super().__init__(f"voice pack {pack_name!r} has no clip for: {names}")


class _Word(NamedTuple):
    """One spoken word: the voice-pack token and the text espeak-ng is given for it."""

    token: str
    spoken: str


# --- numbers and letters ---------------------------------------------------------------


def _check_number(n: int) -> None:
    """Reject anything but an int from 0 to 999."""
    if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= 999:
        raise ValueError(f"expected a whole number from 0 to 999, got {n!r}")


def _check_lang(lang: str) -> None:
    """Reject a language this module cannot speak."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGS)}")


def _check_style(style: str) -> None:
    """Reject an unknown `number_style`."""
    if style not in NUMBER_STYLES:
        raise ValueError(f"unknown number style {style!r}; expected one of {', '.join(NUMBER_STYLES)}")


def _id_below_hundred(n: int) -> list[str]:
    """Indonesian words for 1..99."""
    tens, ones = divmod(n, 10)
    if n < 10:
        return [_ONES_ID[n]]
    if n == 10:
        return ["sepuluh"]
    if n == 11:
        return ["sebelas"]
    if n < 20:
        return [_ONES_ID[ones], "belas"]
    return [_ONES_ID[tens], "puluh"] + ([_ONES_ID[ones]] if ones else [])


def number_words_id(n: int) -> list[str]:
    """Indonesian reading of 0..999: 11 -> ["sebelas"], 110 -> ["seratus", "sepuluh"]."""
    _check_number(n)
    if n == 0:
        return ["nol"]
    hundreds, rest = divmod(n, 100)
    words = [] if hundreds == 0 else ["seratus"] if hundreds == 1 else [_ONES_ID[hundreds], "ratus"]
    return words + (_id_below_hundred(rest) if rest else [])


def number_words_en(n: int) -> list[str]:
    """English reading of 0..999 without "and": 101 -> ["one", "hundred", "one"]."""
    _check_number(n)
    if n == 0:
        return ["zero"]
    hundreds, rest = divmod(n, 100)
    words = [_ONES_EN[hundreds], "hundred"] if hundreds else []
    if 0 < rest < 20:
        words.append(_ONES_EN[rest])
    elif rest:
        words += [_TENS_EN[rest // 10]] + ([_ONES_EN[rest % 10]] if rest % 10 else [])
    return words


def number_words(n: int, lang: str) -> list[str]:
    """`number_words_id` or `number_words_en` by language."""
    _check_lang(lang)
    return number_words_id(n) if lang == "id" else number_words_en(n)


def letter_name(letter: str, lang: str) -> str:
    """The name of an A-Z letter as a token: ("Q", "id") -> "ki", ("W", "en") -> "double-u"."""
    _check_lang(lang)
    name = _LETTER_NAMES[lang].get(letter.upper()) if len(letter) == 1 else None
    if name is None:
        raise ValueError(f"expected one letter A-Z, got {letter!r}")
    return name


def _letter_word(letter: str, lang: str) -> _Word:
    """A letter as token and as espeak input."""
    upper = letter.upper()
    spoken = _LETTER_SPOKEN_OVERRIDES[lang].get(upper, upper)
    return _Word(letter_name(upper, lang), spoken)


def _plain(words: Iterable[str]) -> list[_Word]:
    """Words spoken as they are written."""
    return [_Word(word, word) for word in words]


def _digit_words(digits: str, lang: str) -> list[_Word]:
    """Each digit read on its own: "007" -> nol nol tujuh."""
    return _plain(number_words(int(digit), lang)[0] for digit in digits)


# --- tickets, counters, sentences ------------------------------------------------------


def split_ticket_number(number: str) -> tuple[str, str]:
    """Split "KK012" into ("KK", "012"); raise ValueError for anything else."""
    text = number.strip().upper() if isinstance(number, str) else ""
    match = TICKET_PATTERN.fullmatch(text)
    if match is None:
        raise ValueError(
            f"ticket number {number!r} is not a 1-3 character prefix (A-Z, 0-9) "
            "followed by 3 digits, e.g. A007"
        )
    return match.group(1), match.group(2)


def _prefix_words(prefix: str, lang: str) -> list[_Word]:
    """Letters by name, digits one by one: "1A" -> satu a."""
    return [_digit_words(ch, lang)[0] if ch.isdigit() else _letter_word(ch, lang) for ch in prefix]


def _ticket_words(number: str, style: str, lang: str) -> list[_Word]:
    """The ticket number as words in the chosen style."""
    _check_lang(lang)
    _check_style(style)
    prefix, sequence = split_ticket_number(number)
    if style == "digits":
        tail = _digit_words(sequence, lang)
    else:
        tail = _plain(number_words(int(sequence), lang))
    return _prefix_words(prefix, lang) + tail


def ticket_tokens(number: str, style: str = "digits", lang: str = "id") -> list[str]:
    """Tokens of a ticket number: ("KK012", "words") -> ["ka", "ka", "dua", "belas"]."""
    return [word.token for word in _ticket_words(number, style, lang)]


def _is_acronym(word: str) -> bool:
    """An upper-case word without vowels, such as "BPJS", is spelled out."""
    return word.isupper() and word.isascii() and not set(word.lower()) & set("aeiou")


def _name_part_words(part: str, lang: str, translate: bool) -> list[_Word]:
    """Words for one run of digits or letters of a counter or agency name."""
    if part.isdigit():
        if len(part.lstrip("0")) <= 3:
            return _plain(number_words(int(part), lang))
        return _digit_words(part, lang)
    if len(part) == 1 and part.isascii():
        return [_letter_word(part, lang)]
    if _is_acronym(part):
        return [_letter_word(ch, lang) for ch in part]
    token = part.lower()
    if translate and lang == "en":
        token = _ENGLISH_WORDS.get(token, token)
    return [_Word(token, token)]


def _name_words(name: str, lang: str, *, translate: bool) -> list[_Word]:
    """All words of a counter or agency name; ValueError if it has none."""
    words = [w for part in _NAME_PART.findall(name) for w in _name_part_words(part, lang, translate)]
    if not words:
        raise ValueError(f"name {name!r} has no letters or digits to read out")
    return words


def counter_tokens(counter_name: str, lang: str = "id") -> list[str]:
    """Tokens of a counter name: ("Loket 12", "id") -> ["loket", "dua", "belas"]."""
    _check_lang(lang)
    return [word.token for word in _name_words(counter_name, lang, translate=True)]


def _phrases(
    number: str, counter_name: str, agency_name: str | None, style: str, lang: str
) -> list[list[_Word]]:
    """The sentence in three phrases: intro, ticket number, where to go."""
    _check_lang(lang)
    phrases = _PHRASES[lang]
    ticket = _ticket_words(number, style, lang)
    call = _plain(phrases["call"]) + _name_words(counter_name, lang, translate=True)
    if agency_name:
        call += _plain([phrases["at"]]) + _name_words(agency_name, lang, translate=False)
    return [_plain(phrases["intro"]), ticket, call]


def announcement_tokens(
    number: str,
    counter_name: str,
    *,
    agency_name: str | None = None,
    style: str = "digits",
    lang: str = "id",
) -> list[str]:
    """The announcement as lower-case tokens, one voice-pack clip each.

    ("A007", "Loket 3") -> ["nomor", "antrean", "a", "nol", "nol", "tujuh", "silakan",
    "menuju", "loket", "tiga"]; with agency_name, ["di", <agency words>] is appended
    (English: ["at", ...]).
    """
    phrases = _phrases(number, counter_name, agency_name, style, lang)
    return [word.token for phrase in phrases for word in phrase]


def announcement_speech(
    number: str,
    counter_name: str,
    *,
    agency_name: str | None = None,
    style: str = "digits",
    lang: str = "id",
) -> str:
    """The text to give espeak-ng: the tokens, with commas for pauses and letters
    written so espeak says their names ("nomor antrean, A nol nol tujuh, silakan ...")."""
    phrases = _phrases(number, counter_name, agency_name, style, lang)
    return ", ".join(" ".join(word.spoken for word in phrase) for phrase in phrases)


def _english_counter_name(counter_name: str) -> str:
    """"Loket 3" -> "Counter 3", keeping the case of each translated word."""

    def translate(match: re.Match[str]) -> str:
        word = match.group(0)
        english = _ENGLISH_WORDS[word.lower()]
        if word.isupper():
            return english.upper()
        return english.capitalize() if word[0].isupper() else english

    pattern = r"\b(" + "|".join(_ENGLISH_WORDS) + r")\b"
    return re.sub(pattern, translate, counter_name, flags=re.IGNORECASE)


def announcement_text(
    number: str,
    counter_name: str,
    *,
    agency_name: str | None = None,
    style: str = "digits",
    lang: str = "id",
) -> str:
    """The sentence for people to read: "Nomor antrean A007, silakan menuju Loket 3".

    `style` only changes what is spoken; it is accepted (and checked) so the same keyword
    arguments can be passed to `announcement_tokens` and to this function.
    """
    _check_lang(lang)
    _check_style(style)
    prefix, sequence = split_ticket_number(number)
    counter = counter_name.strip() if lang == "id" else _english_counter_name(counter_name.strip())
    sentence, agency_part = _TEXT_TEMPLATES[lang]
    text = sentence.format(number=prefix + sequence, counter=counter)
    return text + (agency_part.format(agency=agency_name.strip()) if agency_name else "")


def token_speech(token: str, lang: str) -> str:
    """The text espeak-ng is given to record a single token's clip."""
    _check_lang(lang)
    for letter, name in _LETTER_NAMES[lang].items():
        if name == token:
            return _letter_word(letter, lang).spoken
    return token


def _sequence_tokens(styles: Iterable[str], lang: str) -> set[str]:
    """Every token a 000..999 sequence can produce in the given styles."""
    tokens: set[str] = set()
    for style in styles:
        _check_style(style)
        numbers = range(10) if style == "digits" else range(1000)
        for n in numbers:
            tokens.update(number_words(n, lang))
    return tokens


def required_tokens(
    prefixes: Iterable[str],
    counter_names: Iterable[str],
    lang: str = "id",
    *,
    styles: Iterable[str] = NUMBER_STYLES,
    agency_names: Iterable[str] = (),
) -> list[str]:
    """Sorted tokens needed to announce any number of `prefixes` at any of `counter_names`.

    By default both number styles are covered, so changing `number_style` never breaks a
    pack; pass ``styles=["digits"]`` for the smaller set. Agency names add ``"di"``/``"at"``.
    """
    _check_lang(lang)
    phrases = _PHRASES[lang]
    tokens = set(phrases["intro"]) | set(phrases["call"]) | _sequence_tokens(styles, lang)
    for prefix in prefixes:
        if not isinstance(prefix, str) or not PREFIX_PATTERN.fullmatch(prefix):
            raise ValueError(f"ticket prefix {prefix!r} is not 1-3 upper-case letters or digits")
        tokens.update(word.token for word in _prefix_words(prefix, lang))
    for name in counter_names:
        tokens.update(counter_tokens(name, lang))
    for name in agency_names:
        tokens.add(phrases["at"])
        tokens.update(word.token for word in _name_words(name, lang, translate=False))
    return sorted(tokens)


def vocabulary(lang: str) -> list[str]:
    """Every token for any prefix (A-Z, 0-9) at counters named "Loket <n>", both styles,
    plus the agency connector: what the built-in demo packs hold."""
    tokens = required_tokens(string.ascii_uppercase + string.digits, [DEMO_COUNTER_NAME], lang)
    return sorted({*tokens, _PHRASES[lang]["at"]})


# --- audio helpers ---------------------------------------------------------------------


def write_wav(path: str | Path, samples: array, sample_rate: int) -> Path:
    """Write 16-bit mono PCM atomically (readers never see half a file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = array("h", samples)
    if sys.byteorder == "big":
        data.byteswap()
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file, wave.open(file, "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(sample_rate)
            wav.writeframes(data.tobytes())
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


def chime_wav(path: str | Path, *, sample_rate: int = 22050, duration: float = 1.2) -> Path:
    """Write a two-tone "ding-dong" (E5 then C5, ~1.2 s, 16-bit mono) to `path`."""
    count = int(sample_rate * duration)
    fade = int(0.08 * sample_rate)
    raw = []
    for i in range(count):
        t = i / sample_rate
        value = _bell(t, 659.25, 0.30) + _bell(t - 0.42, 523.25, 0.40)
        raw.append(value * min(1.0, (count - i) / fade))
    peak = max(abs(v) for v in raw) or 1.0
    return write_wav(path, array("h", (round(v / peak * 0.7 * 32767) for v in raw)), sample_rate)


# --- espeak-ng -------------------------------------------------------------------------

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


# --- voice packs -----------------------------------------------------------------------

MANIFEST_NAMES = ("manifest.yaml", "manifest.yml", "manifest.json")
CLIP_SUFFIXES = (".wav", ".ogg", ".mp3")
_MANIFEST_KEYS = {"name", "lang", "chime", "clips", "description", "license", "source"}


def _read_manifest(folder: Path) -> tuple[Path, Any]:
    """Find and parse the manifest file of a pack folder."""
    for name in MANIFEST_NAMES:
        path = folder / name
        if path.is_file():
            break
    else:
        raise VoicePackError(f"{folder}: no {' or '.join(MANIFEST_NAMES)} found")
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        raise VoicePackError(f"{path}: cannot be read as {path.suffix[1:].upper()}: {exc}") from None
    return path, data


def _clip_path(folder: Path, manifest: Path, where: str, value: Any) -> Path:
    """Check a manifest file entry: relative, inside the pack, a known sound type, present."""
    if not isinstance(value, str) or not value.strip():
        raise VoicePackError(f"{manifest}: {where}: expected a file name, got {value!r}")
    path = (folder / value).resolve()
    if Path(value).is_absolute() or not path.is_relative_to(folder.resolve()):
        raise VoicePackError(f"{manifest}: {where}: file {value!r} must be inside the pack folder")
    if path.suffix.lower() not in CLIP_SUFFIXES:
        raise VoicePackError(f"{manifest}: {where}: file {value!r} is not {'/'.join(CLIP_SUFFIXES)}")
    if not path.is_file():
        raise VoicePackError(f"{manifest}: {where}: file {value!r} not found")
    return path


def _check_token(manifest: Path, token: Any) -> str:
    """A manifest key must be a lower-case word without spaces."""
    if not isinstance(token, str):
        hint = " (YAML reads unquoted yes/no/on/off and numbers as non-text; quote the key)"
        raise VoicePackError(f"{manifest}: clips: key {token!r} is not a token{hint}")
    if not token or token != token.strip().lower() or any(ch.isspace() for ch in token):
        raise VoicePackError(f"{manifest}: clips: token {token!r} must be one lower-case word")
    return token


@dataclass(frozen=True)
class VoicePack:
    """Recorded clips, one per token, described by a folder's ``manifest.yaml``::

        name: espeak-id
        lang: id
        chime: chime.wav          # optional
        clips:
          nomor: clips/nomor.wav  # token -> file (.wav/.ogg/.mp3) relative to the folder
    """

    folder: Path
    name: str
    lang: str
    clips: Mapping[str, Path] = field(default_factory=dict)
    chime: Path | None = None

    @classmethod
    def load(cls, folder: str | Path) -> VoicePack:
        """Read and validate a pack; any fault is a ValueError naming the key or file."""
        folder = Path(folder)
        manifest, data = _read_manifest(folder)
        if not isinstance(data, dict):
            raise VoicePackError(f"{manifest}: expected a mapping with name, lang and clips")
        unknown = sorted(set(map(str, data)) - _MANIFEST_KEYS)
        if unknown:
            raise VoicePackError(f"{manifest}: unknown key(s) {', '.join(unknown)}")
        name, lang, clips = data.get("name"), data.get("lang"), data.get("clips")
        if not isinstance(name, str) or not name.strip():
            raise VoicePackError(f"{manifest}: name: expected a non-empty text, got {name!r}")
        if lang not in LANGS:
            raise VoicePackError(f"{manifest}: lang: got {lang!r}; expected one of {', '.join(LANGS)}")
        if not isinstance(clips, dict) or not clips:
            raise VoicePackError(f"{manifest}: clips: expected a mapping of token to file")
        paths = {_check_token(manifest, t): _clip_path(folder, manifest, f"clips[{t!r}]", f) for t, f in clips.items()}
        chime = data.get("chime")
        chime_path = None if chime is None else _clip_path(folder, manifest, "chime", chime)
        return cls(folder=folder, name=name, lang=lang, clips=paths, chime=chime_path)

    @property
    def tokens(self) -> list[str]:
        """The tokens this pack has clips for, sorted."""
        return sorted(self.clips)

    def missing_tokens(self, tokens: Iterable[str]) -> list[str]:
        """The tokens (first occurrence order, no repeats) that have no clip."""
        return list(dict.fromkeys(t for t in tokens if t not in self.clips))

    def clips_for(self, tokens: Sequence[str]) -> list[Path]:
        """The clip files to play for `tokens`, in order; MissingTokensError names any gap."""
        missing = self.missing_tokens(tokens)
        if missing:
            raise MissingTokensError(self.name, missing)
        return [self.clips[token] for token in tokens]


def _clip_file_name(token: str) -> str:
    """A safe file name for a token's clip."""
    if re.fullmatch(r"[a-z0-9][a-z0-9-]*", token):
        return f"{token}.wav"
    return f"t-{hashlib.sha256(token.encode()).hexdigest()[:12]}.wav"


def build_voice_pack(
    folder: str | Path,
    lang: str,
    synthesizer: Synthesizer,
    tokens: Iterable[str] | None = None,
    *,
    name: str | None = None,
    sample_rate: int = 16000,
    chime: bool = True,
) -> VoicePack:
    """Record each token with espeak-ng into `folder` (16 kHz mono WAVs in clips/, a chime,
    manifest.yaml) and return the loaded pack. `tokens` defaults to `vocabulary(lang)`;
    stale .wav files left in clips/ by an earlier build are removed."""
    _check_lang(lang)
    folder = Path(folder)
    wanted = sorted(set(vocabulary(lang) if tokens is None else tokens))
    clips: dict[str, str] = {}
    for token in wanted:
        samples, rate = synthesizer.synthesize(token_speech(token, lang), lang)
        clip = resample(trim_silence(samples, rate, pad=0.03), rate, sample_rate)
        clips[token] = f"clips/{_clip_file_name(token)}"
        write_wav(folder / clips[token], clip, sample_rate)
    for stale in set((folder / "clips").glob("*.wav")) - {folder / f for f in clips.values()}:
        stale.unlink()
    manifest: dict[str, Any] = {
        "name": name or f"espeak-{lang}",
        "lang": lang,
        "description": "Generated by display.speech.build_voice_pack with espeak-ng.",
    }
    if chime:
        chime_wav(folder / "chime.wav")
        manifest["chime"] = "chime.wav"
    manifest["clips"] = clips
    text = yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False)
    (folder / "manifest.yaml").write_text(text, encoding="utf-8")
    return VoicePack.load(folder)


# --- command line ----------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    """Arguments of ``python -m display.speech``."""
    parser = argparse.ArgumentParser(prog="python -m display.speech", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    say = commands.add_parser("announce", help="print (and with --cache, synthesise) an announcement")
    say.add_argument("number")
    say.add_argument("counter")
    say.add_argument("--agency")
    say.add_argument("--style", choices=NUMBER_STYLES, default="digits")
    say.add_argument("--lang", choices=LANGS, default="id")
    say.add_argument("--cache", type=Path, help="synthesise into this cache folder and time it")
    pack = commands.add_parser("build-pack", help="record a demo voice pack with espeak-ng")
    pack.add_argument("folder", type=Path)
    pack.add_argument("--lang", choices=LANGS, default="id")
    chime = commands.add_parser("chime", help="write the chime WAV")
    chime.add_argument("path", type=Path)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    args = _parser().parse_args(argv)
    if args.command == "chime":
        print(chime_wav(args.path))
    elif args.command == "build-pack":
        with tempfile.TemporaryDirectory() as cache:
            pack = build_voice_pack(args.folder, args.lang, Synthesizer(cache))
        size = sum(p.stat().st_size for p in args.folder.rglob("*") if p.is_file())
        print(f"{pack.name}: {len(pack.clips)} clips, {size / 1024:.0f} KiB in {args.folder}")
    else:
        options = {"agency_name": args.agency, "style": args.style, "lang": args.lang}
        print(announcement_text(args.number, args.counter, **options))
        print(announcement_tokens(args.number, args.counter, **options))
        speech = announcement_speech(args.number, args.counter, **options)
        print(speech)
        if args.cache:
            synthesizer = Synthesizer(args.cache)
            path = synthesizer.wav_for(speech, args.lang)
            print(f"{path} (synthesis {synthesizer.last_seconds or 0:.3f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
