"""How display.speech reads a ticket number: numbers as words or digit by digit in Bahasa
Indonesia and English (checked against readings parsed back independently), numbers of four
digits and more, letter names, prefixes and how a typed number is split."""

from __future__ import annotations

import string

import pytest
from speech_support import EN_NUMBERS, EN_SMALL, ID_NUMBERS, ID_UNITS

from display.speech import (
    LANGS,
    Call,
    announcement_speech,
    announcement_text,
    announcement_tokens,
    letter_name,
    number_words_en,
    number_words_id,
    split_ticket_number,
    ticket_tokens,
)

# --- numbers ---------------------------------------------------------------------------


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
