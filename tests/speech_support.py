"""Helpers shared by the speech tests (this module holds no tests).

Test modules import the fixture `synthesizer_fixture`, which pytest then offers as
`synthesizer`: one real espeak-ng Synthesizer (with its helper program) per module.
The hand-written readings below are the tests' own, written independently of the code.
"""

from __future__ import annotations

import array
import wave
from pathlib import Path

import pytest

from display.speech import Synthesizer
from server.core.config import Counter

PACKS = Path(__file__).resolve().parent.parent / "display" / "voicepacks"


def read_wav(path: Path) -> tuple[array.array, int, int]:
    """(samples, sample rate, channels) of a 16-bit WAV."""
    with wave.open(str(path), "rb") as wav:
        assert wav.getsampwidth() == 2
        samples = array.array("h", wav.readframes(wav.getnframes()))
        return samples, wav.getframerate(), wav.getnchannels()


ID_NUMBERS = {
    0: "nol",
    1: "satu",
    10: "sepuluh",
    11: "sebelas",
    12: "dua belas",
    19: "sembilan belas",
    20: "dua puluh",
    21: "dua puluh satu",
    99: "sembilan puluh sembilan",
    100: "seratus",
    101: "seratus satu",
    110: "seratus sepuluh",
    111: "seratus sebelas",
    115: "seratus lima belas",
    200: "dua ratus",
    999: "sembilan ratus sembilan puluh sembilan",
}
EN_NUMBERS = {
    0: "zero",
    1: "one",
    10: "ten",
    11: "eleven",
    12: "twelve",
    19: "nineteen",
    20: "twenty",
    21: "twenty one",
    99: "ninety nine",
    100: "one hundred",
    101: "one hundred one",
    110: "one hundred ten",
    111: "one hundred eleven",
    115: "one hundred fifteen",
    200: "two hundred",
    999: "nine hundred ninety nine",
}
ID_UNITS = dict(zip(
    ["nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"],
    range(10),
    strict=True,
))
EN_SMALL = dict(zip(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
     "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
     "eighteen", "nineteen"],
    range(20),
    strict=True,
))


def english(name: str, name_en: str | None = None) -> str:
    """A counter's English name as the announcer works it out."""
    return Counter(id="loket-x", name=name, name_en=name_en, agency="a", services=["s"]).english_name


@pytest.fixture(scope="module", name="synthesizer")
def synthesizer_fixture(tmp_path_factory: pytest.TempPathFactory) -> Synthesizer:
    return Synthesizer(tmp_path_factory.mktemp("speech-cache"))
