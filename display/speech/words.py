"""The words of an announcement: numbers, letters, names and the sentence, in Indonesian or English.

A `Call` holds everything the words depend on (ticket number, counter name as it is said in
the call's language, agency, number style, language). From it come:

* `announcement_text`: the sentence people read ("Nomor antrean A007, silakan menuju Loket 3");
* `announcement_tokens`: lower-case words, one voice-pack clip each;
* `announcement_speech`: what espeak-ng is given, with commas for pauses.

Choices worth knowing:

* English numbers have no "and": 101 is "one hundred one" (shorter to announce, and the
  same in US and UK hearing). Compound tens are separate tokens: 99 is
  ``["ninety", "nine"]``; `announcement_text` never spells numbers out.
* A ticket's sequence has three digits or more (A001 ... A999, A1000 ...; see
  `server.core.vocabulary`). The digits style reads every digit ("A1000": a satu nol nol
  nol); the words style reads the sequence as a number up to 999 999 ("A1002": a seribu
  dua / a one thousand two; "B10000": be sepuluh ribu / bee ten thousand), and a longer one
  digit by digit.
* With an agency name the sentence ends "... menuju Loket 3 di <agency>" (id) or
  "... to Counter 3 at <agency>" (en); tokens get ``"di"``/``"at"`` plus the agency words.
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
from dataclasses import dataclass, field
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

_PHRASES = {
    "id": {"intro": ["nomor", "antrean"], "call": ["silakan", "menuju"], "at": "di"},
    "en": {"intro": ["ticket", "number"], "call": ["please", "proceed", "to"], "at": "at"},
}
_TEXT_TEMPLATES = {
    "id": ("Nomor antrean {number}, silakan menuju {counter}", " di {agency}"),
    "en": ("Ticket number {number}, please proceed to {counter}", " at {agency}"),
}
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


def _ticket_words(number: Number, style: str, lang: str) -> list[_Word]:
    """The ticket number as words in the chosen style."""
    if style == "digits":
        tail = _digit_words(number.digits, lang)
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


# --- the sentence -------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """One call to announce: everything its words depend on, checked when it is made.

    `counter_name` is the name as it is said in `lang` ("Counter 3" for an English call);
    `number` is read by `server.core.vocabulary.parse_number` ("a 1000" becomes "A1000").
    """

    number: str
    counter_name: str
    agency_name: str | None = None
    style: str = "digits"
    lang: str = "id"
    ticket: Number = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        check_lang(self.lang)
        check_style(self.style)
        ticket = read_number(self.number)
        object.__setattr__(self, "ticket", ticket)
        object.__setattr__(self, "number", str(ticket))


def _phrases(call: Call) -> list[list[_Word]]:
    """The sentence in three phrases: intro, ticket number, where to go."""
    phrases = _PHRASES[call.lang]
    ticket = _ticket_words(call.ticket, call.style, call.lang)
    where = _plain(phrases["call"]) + _name_words(call.counter_name, call.lang)
    if call.agency_name:
        where += _plain([phrases["at"]]) + _name_words(call.agency_name, call.lang)
    return [_plain(phrases["intro"]), ticket, where]


def announcement_tokens(call: Call) -> list[str]:
    """The announcement as lower-case tokens, one voice-pack clip each.

    Call("A007", "Loket 3") -> ["nomor", "antrean", "a", "nol", "nol", "tujuh", "silakan",
    "menuju", "loket", "tiga"]; with an agency, ["di", <agency words>] is appended
    (English: ["at", ...]).
    """
    return [word.token for phrase in _phrases(call) for word in phrase]


def announcement_speech(call: Call) -> str:
    """The text to give espeak-ng: the tokens, with commas for pauses and letters
    written so espeak says their names ("nomor antrean, A nol nol tujuh, silakan ...")."""
    return ", ".join(" ".join(word.spoken for word in phrase) for phrase in _phrases(call))


def announcement_text(call: Call) -> str:
    """The sentence for people to read: "Nomor antrean A007, silakan menuju Loket 3"
    (the number style only changes what is spoken)."""
    sentence, agency_part = _TEXT_TEMPLATES[call.lang]
    text = sentence.format(number=call.number, counter=call.counter_name.strip())
    return text + (agency_part.format(agency=call.agency_name.strip()) if call.agency_name else "")


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


def required_tokens(
    prefixes: Iterable[str],
    counter_names: Iterable[str],
    lang: str = "id",
    *,
    styles: Iterable[str] = NUMBER_STYLES,
    agency_names: Iterable[str] = (),
) -> list[str]:
    """Sorted tokens needed to announce any number of `prefixes` at any of `counter_names`
    (as they are said in `lang`).

    By default both number styles are covered, so changing `number_style` never breaks a
    pack; pass ``styles=["digits"]`` for the smaller set. Agency names add ``"di"``/``"at"``.
    """
    check_lang(lang)
    phrases = _PHRASES[lang]
    tokens = set(phrases["intro"]) | set(phrases["call"]) | _sequence_tokens(styles, lang)
    for prefix in prefixes:
        if not isinstance(prefix, str) or not _PREFIX.fullmatch(prefix):
            raise ValueError(f"ticket prefix {prefix!r} is not 1-3 upper-case letters or digits ending in a letter")
        tokens.update(word.token for word in _prefix_words(prefix, lang))
    for name in counter_names:
        tokens.update(counter_tokens(name, lang))
    for name in agency_names:
        tokens.add(phrases["at"])
        tokens.update(word.token for word in _name_words(name, lang))
    return sorted(tokens)


def vocabulary(lang: str) -> list[str]:
    """Every token for any prefix at counters named "Loket <n>" ("Counter <n>" in English),
    both styles, plus the agency connector: what the built-in demo packs hold."""
    check_lang(lang)
    # Prefixes end in a letter; a digit inside one reads like a digit of the digits style.
    tokens = required_tokens(string.ascii_uppercase, [DEMO_COUNTER_NAMES[lang]], lang)
    return sorted({*tokens, _PHRASES[lang]["at"]})
