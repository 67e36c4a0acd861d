"""Tests for display.speech: number/letter reading, sentences, espeak-ng synthesis,
voice packs and the chime. Synthesis tests use the real espeak-ng from espeakng-loader."""

from __future__ import annotations

import array
import math
import os
import signal
import string
import sys
import wave
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from display.speech import (
    LANGS,
    Call,
    MissingTokensError,
    SpeechError,
    Synthesizer,
    VoicePack,
    VoicePackError,
    announcement_speech,
    announcement_text,
    announcement_tokens,
    build_voice_pack,
    chime_wav,
    counter_tokens,
    letter_name,
    number_words_en,
    number_words_id,
    required_tokens,
    resample,
    split_ticket_number,
    ticket_tokens,
    vocabulary,
)
from display.speech.synthesizer import SynthHelper
from server.core.config import Counter

PACKS = Path(__file__).resolve().parent.parent / "display" / "voicepacks"


def read_wav(path: Path) -> tuple[array.array, int, int]:
    """(samples, sample rate, channels) of a 16-bit WAV."""
    with wave.open(str(path), "rb") as wav:
        assert wav.getsampwidth() == 2
        samples = array.array("h", wav.readframes(wav.getnframes()))
        return samples, wav.getframerate(), wav.getnchannels()


# --- numbers ---------------------------------------------------------------------------

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


@pytest.mark.parametrize(("n", "words"), ID_NUMBERS.items())
def test_number_words_id(n: int, words: str) -> None:
    assert number_words_id(n) == words.split()


@pytest.mark.parametrize(("n", "words"), EN_NUMBERS.items())
def test_number_words_en(n: int, words: str) -> None:
    assert number_words_en(n) == words.split()


@pytest.mark.parametrize(("n", "words"), ID_NUMBERS.items())
def test_ticket_both_styles_id(n: int, words: str) -> None:
    number = f"A{n:03d}"
    digits = [number_words_id(int(d))[0] for d in f"{n:03d}"]
    assert ticket_tokens(number, "words", "id") == ["a", *words.split()]
    assert ticket_tokens(number, "digits", "id") == ["a", *digits]


@pytest.mark.parametrize(("n", "words"), EN_NUMBERS.items())
def test_ticket_both_styles_en(n: int, words: str) -> None:
    number = f"B{n:03d}"
    digits = [number_words_en(int(d))[0] for d in f"{n:03d}"]
    assert ticket_tokens(number, "words", "en") == ["bee", *words.split()]
    assert ticket_tokens(number, "digits", "en") == ["bee", *digits]


def test_digit_style_spot_checks() -> None:
    assert ticket_tokens("A007", "digits", "id") == ["a", "nol", "nol", "tujuh"]
    assert ticket_tokens("A110", "digits", "id") == ["a", "satu", "satu", "nol"]
    assert ticket_tokens("A007", "digits", "en") == ["a", "zero", "zero", "seven"]
    assert ticket_tokens("A007", "words", "id") == ["a", "tujuh"]
    assert ticket_tokens("A100", "words", "id") == ["a", "seratus"]
    assert ticket_tokens("KK012", "words", "id") == ["ka", "ka", "dua", "belas"]


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
EN_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
           "seventy": 70, "eighty": 80, "ninety": 90}


def parse_id(words: list[str]) -> int:
    """Independent Indonesian words -> int, rejecting ill-formed readings such as
    "satu puluh" or "nol" inside a number."""
    if words == ["nol"]:
        return 0
    if "ribu" in words or "seribu" in words:  # <thousands> ribu <rest>, or seribu <rest>
        cut = words.index("ribu") + 1 if "ribu" in words else 1
        thousands = parse_id(words[: cut - 1]) if "ribu" in words else 1
        assert thousands >= 2 or "ribu" not in words, words
        return thousands * 1000 + (parse_id(words[cut:]) if words[cut:] else 0)
    total, pending = 0, None
    for word in words:
        if word in ID_UNITS:
            assert pending is None and word != "nol", words
            pending = ID_UNITS[word]
        elif word in ("ratus", "puluh", "belas"):
            assert pending is not None and pending >= 2, words
            total += {"ratus": pending * 100, "puluh": pending * 10, "belas": 10 + pending}[word]
            pending = None
        else:
            total += {"seratus": 100, "sepuluh": 10, "sebelas": 11}[word]
    return total + (pending or 0)


def parse_en(words: list[str]) -> int:
    """Independent English words -> int."""
    if "thousand" in words:
        cut = words.index("thousand")
        return parse_en(words[:cut]) * 1000 + (parse_en(words[cut + 1 :]) if words[cut + 1 :] else 0)
    total, pending = 0, 0
    for word in words:
        if word == "hundred":
            assert 1 <= pending <= 9, words
            total, pending = pending * 100, 0
        elif word in EN_TENS:
            pending += EN_TENS[word]
        else:
            pending += EN_SMALL[word]
    return total + pending


def test_every_number_round_trips() -> None:
    for n in range(1, 1000):
        id_words, en_words = number_words_id(n), number_words_en(n)
        assert id_words and en_words and all(id_words) and all(en_words)
        assert parse_id(id_words) == n, id_words
        assert parse_en(en_words) == n, en_words
        for lang in LANGS:
            assert ticket_tokens(f"A{n:03d}", "words", lang)[1:] == (id_words if lang == "id" else en_words)
            assert len(ticket_tokens(f"A{n:03d}", "digits", lang)) == 4


# Numbers of four digits and more: the digits style reads every digit, the words style the
# number as a number (docs/display.md, "How numbers are read").
LONG_NUMBERS = {
    # number: (Indonesian prefix, words, English prefix, words)
    "A1000": ("a", "seribu", "a", "one thousand"),
    "A1002": ("a", "seribu dua", "a", "one thousand two"),
    "PAM1234": ("pe a em", "seribu dua ratus tiga puluh empat", "pee a em", "one thousand two hundred thirty four"),
    "B10000": ("be", "sepuluh ribu", "bee", "ten thousand"),
}
ID_DIGIT = {"0": "nol", "1": "satu", "2": "dua", "3": "tiga", "4": "empat"}
EN_DIGIT = {"0": "zero", "1": "one", "2": "two", "3": "three", "4": "four"}


@pytest.mark.parametrize("number", LONG_NUMBERS)
def test_four_and_five_digit_numbers(number: str) -> None:
    id_prefix, id_words, en_prefix, en_words = LONG_NUMBERS[number]
    digits = number.lstrip(string.ascii_uppercase)
    id_digits, en_digits = [ID_DIGIT[d] for d in digits], [EN_DIGIT[d] for d in digits]
    cases = {
        ("id", "words"): [*id_prefix.split(), *id_words.split()],
        ("id", "digits"): [*id_prefix.split(), *id_digits],
        ("en", "words"): [*en_prefix.split(), *en_words.split()],
        ("en", "digits"): [*en_prefix.split(), *en_digits],
    }
    for (lang, style), ticket in cases.items():
        counter = "Loket 3" if lang == "id" else "Counter 3"
        call = Call(number, counter, style=style, lang=lang)
        head, where = (["nomor", "antrean"], ["silakan", "menuju", "loket", "tiga"]) if lang == "id" else (
            ["ticket", "number"], ["please", "proceed", "to", "counter", "three"])
        assert ticket_tokens(number, style, lang) == ticket, (lang, style)
        assert announcement_tokens(call) == [*head, *ticket, *where], (lang, style)
        sentence = {"id": "Nomor antrean {}, silakan menuju Loket 3",
                    "en": "Ticket number {}, please proceed to Counter 3"}[lang]
        assert announcement_text(call) == sentence.format(number)
    assert announcement_speech(Call(number, "Loket 3", style="words")).split(", ")[1].endswith(id_words)


def test_thousands_round_trip() -> None:
    for n in [*range(1000, 1100), *range(1100, 1_000_000, 997), 999_999]:
        assert parse_id(number_words_id(n)) == n, number_words_id(n)
        assert parse_en(number_words_en(n)) == n, number_words_en(n)
    assert number_words_id(2000) == ["dua", "ribu"] and number_words_id(11000) == ["sebelas", "ribu"]
    assert number_words_id(100_000) == ["seratus", "ribu"]
    assert number_words_en(100_000) == ["one", "hundred", "thousand"]
    # Beyond what the words style can say, a sequence is read digit by digit.
    assert ticket_tokens("A1000000", "words", "id") == ["a", "satu", *["nol"] * 6]


@pytest.mark.parametrize("lang", LANGS)
def test_every_four_digit_number_is_in_the_built_in_packs(lang: str) -> None:
    pack = VoicePack.load(PACKS / f"espeak-{lang}")
    counter = "Loket 3" if lang == "id" else "Counter 3"
    for n in range(1000, 10000):
        for style in ("digits", "words"):
            assert pack.missing_tokens(announcement_tokens(Call(f"A{n}", counter, style=style, lang=lang))) == []


@pytest.mark.parametrize("bad", [-1, 1_000_000, 1.5, True, "7"])
def test_number_out_of_range(bad: object) -> None:
    with pytest.raises(ValueError):
        number_words_id(bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        number_words_en(bad)  # type: ignore[arg-type]


# --- letters and prefixes --------------------------------------------------------------


def test_letter_names() -> None:
    expected_id = {
        "A": "a", "B": "be", "C": "ce", "D": "de", "E": "e", "F": "ef", "G": "ge", "H": "ha",
        "I": "i", "J": "je", "K": "ka", "L": "el", "M": "em", "N": "en", "O": "o", "P": "pe",
        "Q": "ki", "R": "er", "S": "es", "T": "te", "U": "u", "V": "ve", "W": "we", "X": "eks",
        "Y": "ye", "Z": "zet",
    }
    assert {ch: letter_name(ch, "id") for ch in string.ascii_uppercase} == expected_id
    assert letter_name("w", "en") == "double-u"
    assert letter_name("Z", "en") == "zed"
    assert letter_name("H", "en") == "aitch"
    with pytest.raises(ValueError):
        letter_name("AB", "id")
    with pytest.raises(ValueError):
        letter_name("A", "fr")


@pytest.mark.parametrize(
    ("number", "id_prefix", "en_prefix"),
    [
        ("A001", ["a"], ["a"]),
        ("KK001", ["ka", "ka"], ["kay", "kay"]),
        ("Q001", ["ki"], ["cue"]),
        ("W001", ["we"], ["double-u"]),
        ("PBB001", ["pe", "be", "be"], ["pee", "bee", "bee"]),
        ("1A001", ["satu", "a"], ["one", "a"]),
        ("X2Y001", ["eks", "dua", "ye"], ["ex", "two", "wye"]),
    ],
)
def test_prefix_readings(number: str, id_prefix: list[str], en_prefix: list[str]) -> None:
    assert ticket_tokens(number, "words", "id") == [*id_prefix, "satu"]
    assert ticket_tokens(number, "digits", "en") == [*en_prefix, "zero", "zero", "one"]


def test_split_ticket_number() -> None:
    assert split_ticket_number("PBB120") == ("PBB", "120")
    assert split_ticket_number("1A005") == ("1A", "005")
    assert split_ticket_number(" a007 ") == ("A", "007")
    assert split_ticket_number("a-007") == ("A", "007")  # read as server.core.vocabulary reads a typed number
    assert split_ticket_number("A1000") == ("A", "1000")  # not "A1" + "000"
    assert split_ticket_number("PAM1234") == ("PAM", "1234")
    assert split_ticket_number("B10000") == ("B", "10000")
    for bad in ["A07", "ABCD001", "A1", "007", "1007", "", "Ä007"]:
        with pytest.raises(ValueError, match="ticket number"):
            split_ticket_number(bad)


# --- sentences -------------------------------------------------------------------------


def test_announcement_a007_loket_3() -> None:
    assert announcement_tokens(Call("A007", "Loket 3")) == [
        "nomor", "antrean", "a", "nol", "nol", "tujuh", "silakan", "menuju", "loket", "tiga",
    ]
    assert announcement_tokens(Call("A007", "Loket 3", style="words")) == [
        "nomor", "antrean", "a", "tujuh", "silakan", "menuju", "loket", "tiga",
    ]
    assert announcement_tokens(Call("A007", "Counter 3", lang="en")) == [
        "ticket", "number", "a", "zero", "zero", "seven", "please", "proceed", "to", "counter", "three",
    ]
    assert announcement_tokens(Call("A007", "Counter 3", lang="en", style="words")) == [
        "ticket", "number", "a", "seven", "please", "proceed", "to", "counter", "three",
    ]
    assert announcement_text(Call("A007", "Loket 3")) == "Nomor antrean A007, silakan menuju Loket 3"
    assert announcement_text(Call("A007", "Counter 3", lang="en")) == "Ticket number A007, please proceed to Counter 3"


def test_announcement_kk012_loket_12() -> None:
    head_id, head_en = ["nomor", "antrean", "ka", "ka"], ["ticket", "number", "kay", "kay"]
    assert announcement_tokens(Call("KK012", "Loket 12")) == [
        *head_id, "nol", "satu", "dua", "silakan", "menuju", "loket", "dua", "belas",
    ]
    assert announcement_tokens(Call("KK012", "Loket 12", style="words")) == [
        *head_id, "dua", "belas", "silakan", "menuju", "loket", "dua", "belas",
    ]
    assert announcement_tokens(Call("KK012", "Counter 12", lang="en")) == [
        *head_en, "zero", "one", "two", "please", "proceed", "to", "counter", "twelve",
    ]
    assert announcement_tokens(Call("KK012", "Counter 12", lang="en", style="words")) == [
        *head_en, "twelve", "please", "proceed", "to", "counter", "twelve",
    ]
    assert announcement_text(Call("KK012", "Loket 12", style="words")) == "Nomor antrean KK012, silakan menuju Loket 12"
    assert (announcement_text(Call("KK012", "Counter 12", lang="en"))
            == "Ticket number KK012, please proceed to Counter 12")


def test_announcement_with_agency() -> None:
    tokens = announcement_tokens(Call("A007", "Loket 3", agency_name="Dispendukcapil"))
    assert tokens[-3:] == ["tiga", "di", "dispendukcapil"]
    tokens = announcement_tokens(Call("KK012", "Counter 12", agency_name="BPJS Kesehatan", lang="en", style="words"))
    assert tokens[-7:] == ["twelve", "at", "bee", "pee", "jay", "ess", "kesehatan"]
    assert announcement_tokens(Call("A007", "Loket 3", agency_name="BPJS Kesehatan"))[-7:] == [
        "tiga", "di", "be", "pe", "je", "es", "kesehatan",
    ]
    assert (
        announcement_text(Call("A007", "Loket 3", agency_name="Dispendukcapil"))
        == "Nomor antrean A007, silakan menuju Loket 3 di Dispendukcapil"
    )
    assert (
        announcement_text(Call("KK012", "Counter 12", agency_name="BPJS Health", lang="en"))
        == "Ticket number KK012, please proceed to Counter 12 at BPJS Health"
    )


def english(name: str, name_en: str | None = None) -> str:
    """A counter's English name as the announcer works it out."""
    return Counter(id="loket-x", name=name, name_en=name_en, agency="a", services=["s"]).english_name


def test_counter_names() -> None:
    assert counter_tokens("Loket 12") == ["loket", "dua", "belas"]
    assert counter_tokens("LOKET 3A") == ["loket", "tiga", "a"]
    assert counter_tokens("Loket Prioritas 1") == ["loket", "prioritas", "satu"]
    assert counter_tokens(english("Loket CS 2"), "en") == ["counter", "cee", "ess", "two"]
    assert counter_tokens("Loket 1234") == ["loket", "satu", "dua", "tiga", "empat"]
    assert announcement_text(Call("A001", english("LOKET 3"), lang="en")).endswith("COUNTER 3")
    assert announcement_text(Call("A001", english("loket 3"), lang="en")).endswith("counter 3")
    assert english("Loket 3") == "Counter 3" and english("Meja Informasi") == "Meja Informasi"
    assert english("Loket 3", name_en="Desk 3") == "Desk 3"  # a configured English name wins
    with pytest.raises(ValueError, match="no letters or digits"):
        counter_tokens(" - ")


def test_speech_text_spells_letters_for_espeak() -> None:
    assert (
        announcement_speech(Call("A007", "Loket 3"))
        == "nomor antrean, A nol nol tujuh, silakan menuju loket tiga"
    )
    # espeak reads a lone English "a" as the article, so the letter is respelled.
    assert announcement_speech(Call("A007", "Counter 3", lang="en")).startswith("ticket number, eh zero")
    assert announcement_speech(Call("KV012", "Loket 12", style="words")) == (
        "nomor antrean, K ve dua belas, silakan menuju loket dua belas"
    )


def test_invalid_lang_and_style() -> None:
    with pytest.raises(ValueError, match="language"):
        announcement_tokens(Call("A007", "Loket 3", lang="fr"))
    with pytest.raises(ValueError, match="number style"):
        announcement_tokens(Call("A007", "Loket 3", style="roman"))
    with pytest.raises(ValueError, match="number style"):
        announcement_text(Call("A007", "Loket 3", style="roman"))


def test_required_tokens() -> None:
    tokens = required_tokens(["A", "KK"], ["Loket 1", "Loket 12"], "id")
    assert {"nomor", "antrean", "silakan", "menuju", "loket", "a", "ka", "seratus", "sebelas"} <= set(tokens)
    assert "be" not in tokens and "di" not in tokens
    assert tokens == sorted(set(tokens))
    digits_only = required_tokens(["A"], ["Loket 1"], "id", styles=["digits"])
    assert "puluh" not in digits_only and "sembilan" in digits_only
    assert "di" in required_tokens(["A"], ["Loket 1"], "id", agency_names=["Samsat"])
    with pytest.raises(ValueError, match="prefix"):
        required_tokens(["a"], ["Loket 1"], "id")
    # Whatever is announced is covered.
    for number in ["A000", "A007", "A115", "KK999", "KK010"]:
        for counter in ["Loket 1", "Loket 12"]:
            for style in ("digits", "words"):
                assert set(announcement_tokens(Call(number, counter, style=style))) <= set(tokens)


# --- synthesis -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def synthesizer(tmp_path_factory: pytest.TempPathFactory) -> Synthesizer:
    return Synthesizer(tmp_path_factory.mktemp("speech-cache"))


@pytest.mark.parametrize("lang", LANGS)
def test_synthesizer_writes_wav_and_caches(synthesizer: Synthesizer, lang: str) -> None:
    text = announcement_speech(Call("A007", "Loket 3", lang=lang))
    before = synthesizer.syntheses
    path = synthesizer.wav_for(text, lang)
    assert synthesizer.syntheses == before + 1
    assert path.parent == synthesizer.cache_dir and path.suffix == ".wav"
    samples, rate, channels = read_wav(path)
    assert channels == 1 and rate == 22050
    assert 1.0 <= len(samples) / rate <= 8.0
    assert max(abs(s) for s in samples) > 3000
    mtime = path.stat().st_mtime_ns

    again = synthesizer.wav_for(text, lang)
    assert again == path
    assert again.stat().st_mtime_ns == mtime
    assert synthesizer.syntheses == before + 1


def test_synthesizer_cache_key(synthesizer: Synthesizer) -> None:
    text = "nomor antrean, A nol nol satu"
    assert synthesizer.cache_path(text, "id") == synthesizer.cache_path(f"  {text} ", "id")
    assert synthesizer.cache_path(text, "id") != synthesizer.cache_path(text, "en")
    slower = Synthesizer(synthesizer.cache_dir, rate=120)
    assert slower.cache_path(text, "id") != synthesizer.cache_path(text, "id")
    with pytest.raises(ValueError):
        synthesizer.wav_for("   ", "id")
    with pytest.raises(ValueError):
        synthesizer.wav_for("halo", "fr")


def test_synthesizer_is_thread_safe(tmp_path: Path) -> None:
    synth = Synthesizer(tmp_path)
    sentences = [announcement_speech(Call(f"B{n:03d}", f"Loket {n}", style="words")) for n in range(1, 6)]
    jobs = sentences + sentences  # every sentence asked for twice, concurrently
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        results = list(pool.map(lambda text: synth.wav_for(text, "id"), jobs))
    assert synth.syntheses == len(sentences)
    assert len(set(results)) == len(sentences)
    for path in set(results):
        samples, rate, _ = read_wav(path)
        assert 1.0 <= len(samples) / rate <= 8.0


def mapped_libraries(pid: int | str = "self") -> str:
    return Path(f"/proc/{pid}/maps").read_text()


def test_espeak_runs_in_its_own_program_not_in_the_server(tmp_path: Path) -> None:
    """espeak-ng (GPL) is loaded by the helper program only; this process, which stands for
    the server, only reads the WAV the helper made."""
    synth = Synthesizer(tmp_path)
    path = synth.wav_for(announcement_speech(Call("A1000", "Loket 3", style="words")), "id")
    samples, rate, channels = read_wav(path)
    assert (rate, channels) == (22050, 1) and 1.0 <= len(samples) / rate <= 8.0
    assert max(abs(s) for s in samples) > 3000
    assert synth.helper.pid is not None
    assert "libespeak-ng" in mapped_libraries(synth.helper.pid)
    assert "libespeak-ng" not in mapped_libraries()


def test_a_killed_helper_is_started_again(tmp_path: Path) -> None:
    synth = Synthesizer(tmp_path, helper=SynthHelper())
    try:
        synth.wav_for("nomor antrean satu", "id")
        first = synth.helper.pid
        assert first is not None
        os.kill(first, signal.SIGKILL)  # no waiting: the next request may find it dying or dead
        path = synth.wav_for("nomor antrean dua", "id")
        assert read_wav(path)[1] == 22050
        assert synth.helper.pid not in (None, first) and synth.helper.starts == 2
    finally:
        synth.helper.close()
    assert synth.helper.pid is None


def test_a_helper_that_gives_no_answer_is_stopped(tmp_path: Path) -> None:
    silent = SynthHelper([sys.executable, "-c", "import time; time.sleep(60)"], timeout=0.5)
    synth = Synthesizer(tmp_path, helper=silent)
    with pytest.raises(SpeechError, match="no answer within 0.5 s"):
        synth.wav_for("nomor antrean satu", "id")
    assert silent.pid is None and list(tmp_path.iterdir()) == []


def test_the_helper_reports_what_espeak_refuses(tmp_path: Path) -> None:
    synth = Synthesizer(tmp_path, voices={"id": "no-such-voice"})
    with pytest.raises(SpeechError, match="no voice 'no-such-voice'"):
        synth.wav_for("nomor antrean satu", "id")
    assert synth.wav_for("number one", "en").is_file()  # the helper goes on


def test_prune(tmp_path: Path) -> None:
    synth = Synthesizer(tmp_path)
    paths = [synth.wav_for(f"nomor antrean {word}", "id") for word in ("satu", "dua", "tiga")]
    keep = paths[-1].stat().st_size
    assert synth.prune(keep) == 2
    assert [p.exists() for p in paths].count(True) == 1


# --- voice packs -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def built_pack(tmp_path_factory: pytest.TempPathFactory, synthesizer: Synthesizer) -> VoicePack:
    tokens = required_tokens(["A", "KK"], ["Loket 1", "Loket 12"], "id")
    return build_voice_pack(tmp_path_factory.mktemp("pack") / "espeak-id", "id", synthesizer, tokens)


def test_built_pack_covers_required_tokens(built_pack: VoicePack) -> None:
    required = required_tokens(["A", "KK"], ["Loket 1", "Loket 12"], "id")
    assert built_pack.missing_tokens(required) == []
    assert built_pack.lang == "id" and built_pack.name == "espeak-id"
    assert built_pack.chime is not None and built_pack.chime.is_file()
    tokens = announcement_tokens(Call("KK012", "Loket 12", style="words"))
    clips = built_pack.clips_for(tokens)
    assert len(clips) == len(tokens) and all(path.is_file() for path in clips)
    samples, rate, channels = read_wav(built_pack.clips["ka"])
    assert (rate, channels) == (16000, 1)
    assert 0.1 < len(samples) / rate < 1.5 and max(abs(s) for s in samples) > 3000
    reloaded = VoicePack.load(built_pack.folder)
    assert reloaded.clips == built_pack.clips


def test_missing_token_is_named(built_pack: VoicePack) -> None:
    tokens = announcement_tokens(Call("B007", "Loket 3", agency_name="Samsat"))
    assert built_pack.missing_tokens(tokens) == ["be", "di", "samsat"]
    with pytest.raises(MissingTokensError, match="'be'") as caught:
        built_pack.clips_for(tokens)
    assert caught.value.tokens == ["be", "di", "samsat"]
    assert "espeak-id" in str(caught.value)


def write_manifest(folder: Path, text: str, clips: tuple[str, ...] = ("nomor.wav",)) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in clips:
        chime_wav(folder / name, duration=0.2)
    (folder / "manifest.yaml").write_text(text, encoding="utf-8")
    return folder


def test_manifest_missing_file_is_named(tmp_path: Path) -> None:
    folder = write_manifest(tmp_path / "p", "name: t\nlang: id\nclips:\n  nomor: nomor.wav\n  antrean: antrean.wav\n")
    with pytest.raises(VoicePackError, match=r"antrean\.wav.*not found"):
        VoicePack.load(folder)


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        ("name: t\nlang: id\nclips: [1, 2\n", "cannot be read"),
        ("- just\n- a list\n", "expected a mapping"),
        ("name: t\nlang: fr\nclips:\n  nomor: nomor.wav\n", "lang"),
        ("lang: id\nclips:\n  nomor: nomor.wav\n", "name"),
        ("name: t\nlang: id\nclips: nomor.wav\n", "clips"),
        ("name: t\nlang: id\nvolume: 3\nclips:\n  nomor: nomor.wav\n", "unknown key.*volume"),
        ("name: t\nlang: id\nclips:\n  no: nomor.wav\n", "quote"),
        ("name: t\nlang: id\nclips:\n  Nomor: nomor.wav\n", "'Nomor'.*lower-case"),
        ("name: t\nlang: id\nclips:\n  nomor: ../nomor.wav\n", "inside the pack"),
        ("name: t\nlang: id\nclips:\n  nomor: nomor.txt\n", "nomor.txt"),
        ("name: t\nlang: id\nchime: ding.wav\nclips:\n  nomor: nomor.wav\n", "chime.*ding.wav"),
    ],
)
def test_malformed_manifest(tmp_path: Path, manifest: str, message: str) -> None:
    (tmp_path / "nomor.txt").write_text("x")
    chime_wav(tmp_path / "nomor.wav", duration=0.2)
    folder = write_manifest(tmp_path / "pack", manifest)
    with pytest.raises(ValueError, match=message):
        VoicePack.load(folder)


def test_no_manifest(tmp_path: Path) -> None:
    with pytest.raises(VoicePackError, match="manifest"):
        VoicePack.load(tmp_path)


def test_json_manifest(tmp_path: Path) -> None:
    folder = tmp_path / "pack"
    write_manifest(folder, "", clips=("a.wav",))
    (folder / "manifest.yaml").unlink()
    (folder / "manifest.json").write_text('{"name": "j", "lang": "en", "clips": {"a": "a.wav"}}')
    pack = VoicePack.load(folder)
    assert pack.clips_for(["a", "a"]) == [folder / "a.wav", folder / "a.wav"]
    assert pack.chime is None


@pytest.mark.parametrize("lang", LANGS)
def test_committed_demo_packs(lang: str) -> None:
    pack = VoicePack.load(PACKS / f"espeak-{lang}")
    assert pack.lang == lang
    assert pack.missing_tokens(vocabulary(lang)) == []
    counters = [english(f"Loket {n}") if lang == "en" else f"Loket {n}" for n in range(1, 31)]
    prefixes = [*string.ascii_uppercase, *(f"{d}A" for d in string.digits)]
    assert pack.missing_tokens(required_tokens(prefixes, counters, lang)) == []
    for path in list(pack.clips.values())[:5]:
        _, rate, channels = read_wav(path)
        assert (rate, channels) == (16000, 1)


def test_committed_packs_are_small() -> None:
    total = sum(path.stat().st_size for path in PACKS.rglob("*") if path.is_file())
    assert total < 3 * 1024 * 1024


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


# --- the bundled site (MPP Kabupaten Jember) ---------------------------------------------

BUNDLED_CONFIG = Path(__file__).resolve().parent.parent / "config.yaml"
TRICKY = (1, 10, 11, 12, 19, 20, 100, 101, 110, 111, 200, 999)
# Hand-written readings of some of the site's own prefixes, letter by letter.
BUNDLED_PREFIXES = {
    "A": (["a"], ["a"]),
    "AKP": (["a", "ka", "pe"], ["a", "kay", "pee"]),
    "BPH": (["be", "pe", "ha"], ["bee", "pee", "aitch"]),
    "JKM": (["je", "ka", "em"], ["jay", "kay", "em"]),
    "PBG": (["pe", "be", "ge"], ["pee", "bee", "gee"]),
    "Q": (["ki"], ["cue"]),
}


@pytest.fixture(scope="module")
def bundled_site() -> object:
    from server.core.config_load import load_config

    return load_config(BUNDLED_CONFIG)


def _bundled_prefixes(site: object) -> list[str]:
    return [service.prefix for agency in site.agencies for service in agency.services]  # type: ignore[attr-defined]


def test_hand_read_bundled_prefixes(bundled_site: object) -> None:
    assert set(BUNDLED_PREFIXES) <= set(_bundled_prefixes(bundled_site))
    for prefix, (id_words, en_words) in BUNDLED_PREFIXES.items():
        assert ticket_tokens(f"{prefix}007", "words", "id") == [*id_words, "tujuh"]
        assert ticket_tokens(f"{prefix}007", "digits", "id") == [*id_words, "nol", "nol", "tujuh"]
        assert ticket_tokens(f"{prefix}012", "words", "en") == [*en_words, "twelve"]
        assert ticket_tokens(f"{prefix}012", "digits", "en") == [*en_words, "zero", "one", "two"]


@pytest.mark.parametrize("lang", LANGS)
def test_every_bundled_prefix_reads_in_both_styles(bundled_site: object, lang: str) -> None:
    """Every prefix of the site, with the tricky numbers, read as words and digit by digit."""
    numbers = ID_NUMBERS if lang == "id" else EN_NUMBERS  # hand-written readings
    digit = {str(value): word for word, value in (ID_UNITS if lang == "id" else EN_SMALL).items() if value < 10}
    prefixes = _bundled_prefixes(bundled_site)
    assert len(prefixes) == 144
    for prefix in prefixes:
        head = [letter_name(ch, lang) if ch.isalpha() else digit[ch] for ch in prefix]
        for n in TRICKY:
            number = f"{prefix}{n:03d}"
            assert ticket_tokens(number, "words", lang) == [*head, *numbers[n].split()], number
            assert ticket_tokens(number, "digits", lang) == [*head, *(digit[d] for d in f"{n:03d}")], number
            text = announcement_text(Call(number, "Loket 3", lang=lang))
            assert number in text


@pytest.mark.parametrize("lang", LANGS)
def test_built_in_packs_cover_the_bundled_site(bundled_site: object, lang: str) -> None:
    """The demo voice packs can say any number of the site's prefixes at any of its counters."""
    pack = VoicePack.load(PACKS / f"espeak-{lang}")
    counters = [counter.name if lang == "id" else counter.english_name
                for counter in bundled_site.counters]  # type: ignore[attr-defined]
    assert pack.missing_tokens(required_tokens(_bundled_prefixes(bundled_site), counters, lang)) == []
    for name in counters:
        tokens = announcement_tokens(Call("AKP101", name, lang=lang, style="words"))
        assert len(pack.clips_for(tokens)) == len(tokens)
