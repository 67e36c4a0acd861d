"""``python -m display.speech``: print an announcement (and synthesise it), record a voice pack,
write the chime."""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Sequence
from pathlib import Path

from display.speech.sentence import Call, announcement_speech, announcement_text, announcement_tokens
from display.speech.synthesizer import Synthesizer
from display.speech.voicepack import build_voice_pack
from display.speech.wav import chime_wav
from display.speech.words import LANGS, NUMBER_STYLES


def _parser() -> argparse.ArgumentParser:
    """Arguments of ``python -m display.speech``."""
    parser = argparse.ArgumentParser(prog="python -m display.speech",
                                     description="Spoken announcements for the hall display.")
    commands = parser.add_subparsers(dest="command", required=True)
    say = commands.add_parser("announce", help="print (and with --cache, synthesise) an announcement")
    say.add_argument("number")
    say.add_argument("counter", help='the counter\'s name as said in --lang ("Loket 3", "Counter 3")')
    say.add_argument("--agency")
    say.add_argument("--style", choices=NUMBER_STYLES, default="digits")
    say.add_argument("--lang", choices=LANGS, default="id")
    say.add_argument("--floor", type=int)
    say.add_argument("--short", action="store_true", help="the short call: \"A dua belas, loket tiga\"")
    say.add_argument("--cache", type=Path, help="synthesise into this cache folder and time it")
    pack = commands.add_parser("build-pack", help="record a demo voice pack with espeak-ng")
    pack.add_argument("folder", type=Path)
    pack.add_argument("--lang", choices=LANGS, default="id")
    chime = commands.add_parser("chime", help="write the chime WAV")
    chime.add_argument("path", type=Path)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "chime":
        print(chime_wav(args.path))
    elif args.command == "build-pack":
        with tempfile.TemporaryDirectory() as cache:
            pack = build_voice_pack(args.folder, args.lang, Synthesizer(cache))
        size = sum(p.stat().st_size for p in args.folder.rglob("*") if p.is_file())
        print(f"{pack.name}: {len(pack.clips)} clips, {size / 1024:.0f} KiB in {args.folder}")
    else:
        try:
            call = Call(args.number, args.counter, args.agency, args.style, args.lang, args.floor, args.short)
        except ValueError as exc:
            parser.error(str(exc))
        print(announcement_text(call))
        print(announcement_tokens(call))
        speech = announcement_speech(call)
        print(speech)
        if args.cache:
            synthesizer = Synthesizer(args.cache)
            path = synthesizer.wav_for(speech, args.lang)
            print(f"{path} (synthesis {synthesizer.last_seconds or 0:.3f} s)")
    return 0
