"""The synthesis helper: a separate small program that speaks with espeak-ng.

SPDX-License-Identifier: GPL-3.0-or-later

Run as ``python -m display.speech.synth`` by `display.speech.synthesizer.Synthesizer`,
never imported by the server. espeak-ng is GPL-3.0-or-later and is loaded only here, so
this program (this module and display/speech/espeak.py) is GPL-3.0-or-later, and the
server (MIT) only exchanges data with it over a pipe.

The protocol, one request at a time:

* request, on stdin: one line of JSON, ``{"text": "...", "voice": "id", "rate": 150}``;
* answer, on stdout: one line of JSON, ``{"ok": true, "wav": N}`` followed by N bytes, a
  WAV file (16-bit mono), or ``{"ok": false, "error": "..."}``.

The program ends when stdin closes (the server stopped or let it go).
"""

from __future__ import annotations

import json
import os
import sys
from typing import BinaryIO

from display.speech.espeak import Espeak, EspeakError
from display.speech.wav import wav_bytes


def _answer(out: BinaryIO, header: dict[str, object], body: bytes = b"") -> None:
    out.write(json.dumps(header).encode() + b"\n" + body)
    out.flush()


def serve(requests: BinaryIO, out: BinaryIO) -> None:
    """Answer requests until the input ends."""
    engine: Espeak | None = None
    for line in requests:
        try:
            request = json.loads(line)
            text, voice, rate = str(request["text"]), str(request["voice"]), int(request["rate"])
            if engine is None:
                engine = Espeak()
            samples = engine.synthesize(text, voice, rate)
        except (EspeakError, ValueError, KeyError, TypeError) as exc:
            _answer(out, {"ok": False, "error": str(exc)})
            continue
        body = wav_bytes(samples, engine.sample_rate)
        _answer(out, {"ok": True, "wav": len(body)}, body)


def main() -> int:
    # The answers go to a private copy of stdout; whatever the C library might print goes
    # to stderr, so it can never corrupt the protocol.
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    serve(sys.stdin.buffer, out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
