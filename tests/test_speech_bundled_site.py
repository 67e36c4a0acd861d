"""The bundled site (MPP Kabupaten Jember) spoken: every prefix of its services read in both
styles and languages with the tricky numbers, and the built-in voice packs cover all of its
prefixes at all of its counters."""

from __future__ import annotations

from pathlib import Path

import pytest
from speech_support import EN_NUMBERS, EN_SMALL, ID_NUMBERS, ID_UNITS, PACKS

from display.speech import (
    LANGS,
    Call,
    VoicePack,
    announcement_text,
    announcement_tokens,
    letter_name,
    required_tokens,
    ticket_tokens,
)

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
