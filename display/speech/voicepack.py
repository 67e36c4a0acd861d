"""Recorded voice packs: a folder of clips, one per token, described by ``manifest.yaml``;
`VoicePack.load` checks it, `build_voice_pack` records one with espeak-ng."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from display.speech.sentence import vocabulary
from display.speech.synthesizer import Synthesizer
from display.speech.wav import chime_wav, resample, trim_silence, write_wav
from display.speech.words import LANGS, check_lang, token_speech


class VoicePackError(ValueError):
    """A voice pack folder or manifest that cannot be used; the message names the fault."""


class MissingTokensError(ValueError):
    """A voice pack has no clip for some tokens; `tokens` lists them in order."""

    def __init__(self, pack_name: str, tokens: list[str]) -> None:
        self.tokens = tokens
        names = ", ".join(repr(token) for token in tokens)
        super().__init__(f"voice pack {pack_name!r} has no clip for: {names}")


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
    check_lang(lang)
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
