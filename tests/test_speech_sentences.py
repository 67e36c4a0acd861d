"""The sentence of a call: its words (the tokens a voice pack must hold) and its text in
Bahasa Indonesia and English, with or without the agency, counter names, the text handed to
espeak-ng, bad languages and styles, and the tokens a site needs."""

from __future__ import annotations

import pytest
from speech_support import english

from display.speech import (
    Call,
    announcement_speech,
    announcement_text,
    announcement_tokens,
    counter_tokens,
    required_tokens,
)

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
