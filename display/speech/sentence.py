"""The sentence of a call, in Indonesian or English, and the words a voice pack must hold.

A `Call` holds everything the sentence depends on (ticket number, counter name as it is said
in the call's language, agency, number style, language, the counter's floor, full or short).
From it come:

* `announcement_text`: the sentence people read ("Nomor antrean A007, silakan menuju Loket 3,
  lantai 2"; short: "A007, Loket 3, lantai 2");
* `announcement_tokens`: lower-case words, one voice-pack clip each;
* `announcement_speech`: what espeak-ng is given, with commas for pauses.

Choices worth knowing:

* The short call ("A dua belas, loket tiga") drops the intro and "silakan menuju", and never
  reads the zeros a ticket number is padded with ("A012" is a satu dua in the digits style,
  a dua belas in the words style). It is about half as long, for a hall where many counters
  call at once.
* With an agency name the counter is followed by "di <agency>" (id) or "at <agency>" (en);
  tokens get ``"di"``/``"at"`` plus the agency words.
* With a floor, the call ends "lantai 2" / "floor 2" (after a pause), so someone in the lobby
  knows to go upstairs. A floor below the ground is read with "minus".
"""

from __future__ import annotations

import string
from collections.abc import Iterable
from dataclasses import dataclass, field

from display.speech.words import (
    _PREFIX,
    DEMO_COUNTER_NAMES,
    NUMBER_STYLES,
    _name_words,
    _plain,
    _prefix_words,
    _sequence_tokens,
    _ticket_words,
    _Word,
    check_lang,
    check_style,
    counter_tokens,
    number_words,
    read_number,
)
from server.core.vocabulary import Number

_PHRASES = {
    "id": {"intro": ["nomor", "antrean"], "call": ["silakan", "menuju"], "at": "di", "floor": "lantai",
           "minus": "minus"},
    "en": {"intro": ["ticket", "number"], "call": ["please", "proceed", "to"], "at": "at", "floor": "floor",
           "minus": "minus"},
}
_TEXT_TEMPLATES = {
    "id": ("Nomor antrean {number}, silakan menuju {counter}", " di {agency}", ", lantai {floor}"),
    "en": ("Ticket number {number}, please proceed to {counter}", " at {agency}", ", floor {floor}"),
}
_SHORT_TEMPLATE = "{number}, {counter}"


@dataclass(frozen=True)
class Call:
    """One call to announce: everything its words depend on, checked when it is made.

    `counter_name` is the name as it is said in `lang` ("Counter 3" for an English call);
    `number` is read by `server.core.vocabulary.parse_number` ("a 1000" becomes "A1000").
    `floor` is the counter's floor (None: not said); `short` makes the short call.
    """

    number: str
    counter_name: str
    agency_name: str | None = None
    style: str = "digits"
    lang: str = "id"
    floor: int | None = None
    short: bool = False
    ticket: Number = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        check_lang(self.lang)
        check_style(self.style)
        ticket = read_number(self.number)
        object.__setattr__(self, "ticket", ticket)
        object.__setattr__(self, "number", str(ticket))


def _floor_words(floor: int, lang: str) -> list[_Word]:
    phrases = _PHRASES[lang]
    minus = [phrases["minus"]] if floor < 0 else []
    return _plain([phrases["floor"], *minus, *number_words(abs(floor), lang)])


def _phrases(call: Call) -> list[list[_Word]]:
    """The sentence in phrases: intro, ticket number, where to go, the floor (the short call:
    ticket number, counter, floor)."""
    phrases = _PHRASES[call.lang]
    ticket = _ticket_words(call.ticket, call.style, call.lang, padded=not call.short)
    where = ([] if call.short else _plain(phrases["call"])) + _name_words(call.counter_name, call.lang)
    if call.agency_name:
        where += _plain([phrases["at"]]) + _name_words(call.agency_name, call.lang)
    said = [ticket, where] if call.short else [_plain(phrases["intro"]), ticket, where]
    if call.floor is not None:
        said.append(_floor_words(call.floor, call.lang))
    return said


def announcement_tokens(call: Call) -> list[str]:
    """The announcement as lower-case tokens, one voice-pack clip each.

    Call("A007", "Loket 3") -> ["nomor", "antrean", "a", "nol", "nol", "tujuh", "silakan",
    "menuju", "loket", "tiga"]; with an agency, ["di", <agency words>] follows the counter
    (English: ["at", ...]); with a floor, ["lantai", <floor words>] ends it.
    """
    return [word.token for phrase in _phrases(call) for word in phrase]


def announcement_speech(call: Call) -> str:
    """The text to give espeak-ng: the tokens, with commas for pauses and letters
    written so espeak says their names ("nomor antrean, A nol nol tujuh, silakan ...")."""
    return ", ".join(" ".join(word.spoken for word in phrase) for phrase in _phrases(call))


def announcement_text(call: Call) -> str:
    """The sentence for people to read: "Nomor antrean A007, silakan menuju Loket 3"
    (the number style only changes what is spoken); short: "A007, Loket 3"."""
    sentence, agency_part, floor_part = _TEXT_TEMPLATES[call.lang]
    template = _SHORT_TEMPLATE if call.short else sentence
    text = template.format(number=call.number, counter=call.counter_name.strip())
    text += agency_part.format(agency=call.agency_name.strip()) if call.agency_name else ""
    return text + (floor_part.format(floor=call.floor) if call.floor is not None else "")


# --- what a voice pack must hold ----------------------------------------------------------


def required_tokens(
    prefixes: Iterable[str],
    counter_names: Iterable[str],
    lang: str = "id",
    *,
    styles: Iterable[str] = NUMBER_STYLES,
    agency_names: Iterable[str] = (),
    floors: Iterable[int] = (),
) -> list[str]:
    """Sorted tokens needed to announce any number of `prefixes` at any of `counter_names`
    (as they are said in `lang`), full and short, on any of `floors`.

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
    for floor in floors:
        tokens.update(word.token for word in _floor_words(floor, lang))
    return sorted(tokens)


def vocabulary(lang: str) -> list[str]:
    """Every token for any prefix at counters named "Loket <n>" ("Counter <n>" in English)
    on floors 1 to 9, both styles, plus the agency connector: what the built-in demo packs hold."""
    check_lang(lang)
    # Prefixes end in a letter; a digit inside one reads like a digit of the digits style.
    tokens = required_tokens(string.ascii_uppercase, [DEMO_COUNTER_NAMES[lang]], lang, floors=range(1, 10))
    return sorted({*tokens, _PHRASES[lang]["at"]})
