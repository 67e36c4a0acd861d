"""The words of an announcement: numbers, letters, ticket numbers and names, in Indonesian or
English. The sentence made of them is in `display.speech.sentence`.

Choices worth knowing:

* English numbers have no "and": 101 is "one hundred one" (shorter to announce, and the
  same in US and UK hearing). Compound tens are separate tokens: 99 is
  ``["ninety", "nine"]``; `announcement_text` never spells numbers out.
* A ticket's sequence has three digits or more (A001 ... A999, A1000 ...; see
  `server.core.vocabulary`). The digits style reads every digit ("A1000": a satu nol nol
  nol); the words style reads the sequence as a number up to 999 999 ("A1002": a seribu
  dua / a one thousand two; "B10000": be sepuluh ribu / bee ten thousand), and a longer one
  digit by digit.
* Words of counter and agency names: digit runs up to three digits are read as numbers
  ("Loket 12" -> loket dua belas), longer runs digit by digit; a single letter, or an
  upper-case word without vowels (an acronym such as "BPJS"), is read letter by letter;
  other words are lower-cased as they are. The counter's name is given in the call's
  language: the announcer (`display.announcer.counter_name_en`) picks the English one.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from typing import NamedTuple

from server.core.vocabulary import PREFIX_PATTERN, Number, parse_number

LANGS: tuple[str, ...] = ("id", "en")
NUMBER_STYLES: tuple[str, ...] = ("digits", "words")
MAX_SPOKEN_NUMBER = 999_999  # the words style reads longer sequences digit by digit
DEMO_COUNTER_NAMES = {"id": "Loket 1", "en": "Counter 1"}

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

_NAME_PART = re.compile(r"[0-9]+|[^\W\d_]+")
_PREFIX = re.compile(PREFIX_PATTERN)


class _Word(NamedTuple):
    """One spoken word: the voice-pack token and the text espeak-ng is given for it."""

    token: str
    spoken: str


def check_lang(lang: str) -> None:
    """Reject a language this module cannot speak."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGS)}")


def check_style(style: str) -> None:
    """Reject an unknown `number_style`."""
    if style not in NUMBER_STYLES:
        raise ValueError(f"unknown number style {style!r}; expected one of {', '.join(NUMBER_STYLES)}")


# --- numbers and letters ---------------------------------------------------------------


def _check_number(n: int) -> None:
    """Reject anything but an int from 0 to MAX_SPOKEN_NUMBER."""
    if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= MAX_SPOKEN_NUMBER:
        raise ValueError(f"expected a whole number from 0 to {MAX_SPOKEN_NUMBER}, got {n!r}")


def _id_below_thousand(n: int) -> list[str]:
    """Indonesian words for 1..999 (nothing for 0)."""
    hundreds, rest = divmod(n, 100)
    words = [] if hundreds == 0 else ["seratus"] if hundreds == 1 else [_ONES_ID[hundreds], "ratus"]
    tens, ones = divmod(rest, 10)
    if rest == 0:
        return words
    if rest < 10:
        return [*words, _ONES_ID[rest]]
    if rest < 12:
        return [*words, "sepuluh" if rest == 10 else "sebelas"]
    if rest < 20:
        return [*words, _ONES_ID[ones], "belas"]
    return [*words, _ONES_ID[tens], "puluh"] + ([_ONES_ID[ones]] if ones else [])


def _en_below_thousand(n: int) -> list[str]:
    """English words for 1..999 (nothing for 0)."""
    hundreds, rest = divmod(n, 100)
    words = [_ONES_EN[hundreds], "hundred"] if hundreds else []
    if 0 < rest < 20:
        words.append(_ONES_EN[rest])
    elif rest:
        words += [_TENS_EN[rest // 10]] + ([_ONES_EN[rest % 10]] if rest % 10 else [])
    return words


def number_words_id(n: int) -> list[str]:
    """Indonesian reading of 0..999 999: 11 -> ["sebelas"], 110 -> ["seratus", "sepuluh"],
    1002 -> ["seribu", "dua"], 10000 -> ["sepuluh", "ribu"] (one thousand is "seribu")."""
    _check_number(n)
    if n == 0:
        return ["nol"]
    thousands, rest = divmod(n, 1000)
    words = [] if thousands == 0 else ["seribu"] if thousands == 1 else [*_id_below_thousand(thousands), "ribu"]
    return words + _id_below_thousand(rest)


def number_words_en(n: int) -> list[str]:
    """English reading of 0..999 999 without "and": 101 -> ["one", "hundred", "one"],
    1002 -> ["one", "thousand", "two"]."""
    _check_number(n)
    if n == 0:
        return ["zero"]
    thousands, rest = divmod(n, 1000)
    words = [*_en_below_thousand(thousands), "thousand"] if thousands else []
    return words + _en_below_thousand(rest)


def number_words(n: int, lang: str) -> list[str]:
    """`number_words_id` or `number_words_en` by language."""
    check_lang(lang)
    return number_words_id(n) if lang == "id" else number_words_en(n)


def letter_name(letter: str, lang: str) -> str:
    """The name of an A-Z letter as a token: ("Q", "id") -> "ki", ("W", "en") -> "double-u"."""
    check_lang(lang)
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


def _number_or_digits(digits: str, lang: str) -> list[_Word]:
    """A run of digits read as a number, or digit by digit when it is too long for that."""
    if int(digits) <= MAX_SPOKEN_NUMBER:
        return _plain(number_words(int(digits), lang))
    return _digit_words(digits, lang)


# --- tickets ----------------------------------------------------------------------------


def read_number(number: str) -> Number:
    """The ticket number as `server.core.vocabulary` reads it; ValueError if it is not one."""
    parsed = parse_number(number) if isinstance(number, str) else None
    if parsed is None:
        raise ValueError(
            f"ticket number {number!r} is not a prefix of 1-3 letters or digits ending in a letter "
            "followed by 3 or more digits, e.g. A007 or A1000"
        )
    return parsed


def split_ticket_number(number: str) -> tuple[str, str]:
    """Split "KK012" into ("KK", "012") and "A1000" into ("A", "1000"); ValueError for anything else."""
    parsed = read_number(number)
    return parsed.prefix, parsed.digits


def _prefix_words(prefix: str, lang: str) -> list[_Word]:
    """Letters by name, digits one by one: "1A" -> satu a."""
    return [_digit_words(ch, lang)[0] if ch.isdigit() else _letter_word(ch, lang) for ch in prefix]


def _ticket_words(number: Number, style: str, lang: str, *, padded: bool = True) -> list[_Word]:
    """The ticket number as words in the chosen style; `padded=False` drops the leading zeros
    the digits style would read ("A012": a satu dua instead of a nol satu dua)."""
    if style == "digits":
        tail = _digit_words(number.digits if padded else number.digits.lstrip("0") or "0", lang)
    else:
        tail = _number_or_digits(number.digits, lang)
    return _prefix_words(number.prefix, lang) + tail


def ticket_tokens(number: str, style: str = "digits", lang: str = "id") -> list[str]:
    """Tokens of a ticket number: ("KK012", "words") -> ["ka", "ka", "dua", "belas"]."""
    check_lang(lang)
    check_style(style)
    return [word.token for word in _ticket_words(read_number(number), style, lang)]


# --- names --------------------------------------------------------------------------------


def _is_acronym(word: str) -> bool:
    """An upper-case word without vowels, such as "BPJS", is spelled out."""
    return word.isupper() and word.isascii() and not set(word.lower()) & set("aeiou")


def _name_part_words(part: str, lang: str) -> list[_Word]:
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
    return [_Word(token, token)]


def _name_words(name: str, lang: str) -> list[_Word]:
    """All words of a counter or agency name; ValueError if it has none."""
    words = [w for part in _NAME_PART.findall(name) for w in _name_part_words(part, lang)]
    if not words:
        raise ValueError(f"name {name!r} has no letters or digits to read out")
    return words


def counter_tokens(counter_name: str, lang: str = "id") -> list[str]:
    """Tokens of a counter name as said in `lang`: ("Loket 12", "id") -> ["loket", "dua", "belas"]."""
    check_lang(lang)
    return [word.token for word in _name_words(counter_name, lang)]


# --- what a voice pack must hold ----------------------------------------------------------


def token_speech(token: str, lang: str) -> str:
    """The text espeak-ng is given to record a single token's clip."""
    check_lang(lang)
    for letter, name in _LETTER_NAMES[lang].items():
        if name == token:
            return _letter_word(letter, lang).spoken
    return token


def _sequence_tokens(styles: Iterable[str], lang: str) -> set[str]:
    """Every token a sequence (000 ... 999 999) can produce in the given styles."""
    tokens: set[str] = set()
    for style in styles:
        check_style(style)
        # The thousands are read like 1..999 followed by "ribu" (1000: "seribu") or
        # "thousand", so 0..999 and two round thousands give every word up to 999 999.
        numbers = range(10) if style == "digits" else [*range(1000), 1000, 2000]
        for n in numbers:
            tokens.update(number_words(n, lang))
    return tokens
