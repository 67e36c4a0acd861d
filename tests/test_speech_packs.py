"""Voice packs: one built with espeak-ng covers the tokens it was built for and names what
it lacks, manifests that are broken are refused with the reason, and the committed demo packs
say every four-digit number and every token of their language while staying small."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from speech_support import (
    PACKS,
    english,
    read_wav,
    synthesizer_fixture,  # noqa: F401  (the module's fixture)
)

from display.speech import (
    LANGS,
    Call,
    MissingTokensError,
    Synthesizer,
    VoicePack,
    VoicePackError,
    announcement_tokens,
    build_voice_pack,
    chime_wav,
    required_tokens,
    vocabulary,
)

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


@pytest.mark.parametrize("lang", LANGS)
def test_every_four_digit_number_is_in_the_built_in_packs(lang: str) -> None:
    pack = VoicePack.load(PACKS / f"espeak-{lang}")
    counter = "Loket 3" if lang == "id" else "Counter 3"
    for n in range(1000, 10000):
        for style in ("digits", "words"):
            assert pack.missing_tokens(announcement_tokens(Call(f"A{n}", counter, style=style, lang=lang))) == []
