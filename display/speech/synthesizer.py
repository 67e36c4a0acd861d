"""Sentences spoken into cached WAV files, with espeak-ng kept in a separate program.

espeak-ng is GPL-3.0-or-later and this project is MIT, so the server never loads the
library: `SynthHelper` runs the synthesis helper (``python -m display.speech.synth``,
a GPL-3.0-or-later program of its own) as a child process, started on the first
request, and exchanges text and WAV data with it over pipes, one request at a time. A
helper that has died is started again on the next request; one that does not answer
within `timeout` seconds is killed. Under ``antrean serve`` nothing here holds the gevent
loop: the wait on the pipe is cooperative (gevent's `select` and `subprocess`, which
must stay on the loop's thread), and trimming and writing the new WAV run in an OS
thread (`server.core.osthread.off_loop`).

The pre-recorded voice packs (display/voicepacks/) need no synthesis at all: with
``announcement.voice: pack`` the displays play their clips and the helper never starts.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import selectors
import subprocess
import sys
import threading
import time
from array import array
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import NoReturn

from display.speech.wav import read_wav_bytes, trim_silence, write_wav
from display.speech.words import LANGS
from server.core.osthread import off_loop

HELPER_COMMAND = (sys.executable, "-m", "display.speech.synth")
REQUEST_SECONDS = 10.0  # a sentence takes ~10 ms, the helper's start ~0.3 s
_ROOT = Path(__file__).resolve().parents[2]  # the folder holding the `display` package


class SpeechError(RuntimeError):
    """espeak-ng cannot be loaded, refused to speak, or its helper did not answer."""


class _HelperGone(Exception):
    """The helper's pipe closed in the middle of a request."""


class SynthHelper:
    """The synthesis helper as a child process; safe to share between threads."""

    def __init__(self, command: Sequence[str] = HELPER_COMMAND, *, timeout: float = REQUEST_SECONDS) -> None:
        self.command = list(command)
        self.timeout = timeout
        self.starts = 0
        self._lock = threading.Lock()
        self._child: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        """The helper's process id while it runs (None before the first request)."""
        child = self._child
        return child.pid if child is not None and child.poll() is None else None

    def speak(self, text: str, voice: str, rate: int) -> bytes:
        """The WAV file (bytes) of `text` spoken with an espeak-ng `voice` at `rate` words per minute."""
        request = json.dumps({"text": text, "voice": voice, "rate": rate}).encode() + b"\n"
        with self._lock:
            try:
                return self._exchange(self._running(), request)
            except _HelperGone:  # it died since the last request: once more with a new one
                self._stop()
            try:
                return self._exchange(self._running(), request)
            except _HelperGone:
                self._stop()
                raise SpeechError("the speech helper stopped while speaking (see the server's log)") from None

    def close(self) -> None:
        """Let the helper go: it ends when its input closes (killed if it does not)."""
        with self._lock:
            self._stop()

    def _running(self) -> subprocess.Popen[bytes]:
        if self._child is None or self._child.poll() is not None:
            self._stop()
            path = os.pathsep.join(filter(None, [str(_ROOT), os.environ.get("PYTHONPATH")]))
            env = {**os.environ, "PYTHONPATH": path}
            try:
                self._child = subprocess.Popen(self.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
            except OSError as exc:
                raise SpeechError(f"cannot start the speech helper {self.command!r}: {exc}") from exc
            self.starts += 1
        return self._child

    def _stop(self, *, kill: bool = False) -> None:
        child, self._child = self._child, None
        if child is None:
            return
        if kill:
            child.kill()
        for pipe in (child.stdin, child.stdout):
            if pipe is not None:
                try:
                    pipe.close()
                except OSError:
                    pass
        try:
            child.wait(timeout=1)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()

    def _exchange(self, child: subprocess.Popen[bytes], request: bytes) -> bytes:
        """Send one request and read its answer before the deadline."""
        assert child.stdin is not None and child.stdout is not None
        deadline = time.monotonic() + self.timeout
        reader = _Reader(child.stdout.fileno(), deadline, self._timed_out)
        _write_all(child.stdin.fileno(), request, deadline, self._timed_out)
        try:
            header = json.loads(reader.line())
        except ValueError:
            self._stop(kill=True)
            raise SpeechError("the speech helper answered something else than its protocol") from None
        if not header.get("ok"):
            raise SpeechError(f"espeak-ng: {header.get('error')}")
        return reader.exactly(int(header["wav"]))

    def _timed_out(self) -> NoReturn:
        self._stop(kill=True)
        raise SpeechError(f"the speech helper gave no answer within {self.timeout:g} s; it was stopped")


OnTimeout = Callable[[], NoReturn]


def _wait(fd: int, deadline: float, on_timeout: OnTimeout, *, write: bool = False) -> None:
    """Wait until `fd` can be read (or written), cooperatively under gevent.

    A selector, not select(): a busy server holds more than 1,024 sockets (phones, screens),
    and select() refuses a descriptor numbered past that, which would silence every call."""
    remaining = max(0.0, deadline - time.monotonic())
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_WRITE if write else selectors.EVENT_READ)
        ready = selector.select(remaining)
    if not ready:
        on_timeout()


def _write_all(fd: int, data: bytes, deadline: float, on_timeout: OnTimeout) -> None:
    view = memoryview(data)
    while view:
        _wait(fd, deadline, on_timeout, write=True)
        try:
            view = view[os.write(fd, view):]
        except BlockingIOError:
            continue
        except (BrokenPipeError, ConnectionResetError):
            raise _HelperGone from None


class _Reader:
    """Reads the helper's answer from a pipe, waiting at most until `deadline`."""

    def __init__(self, fd: int, deadline: float, on_timeout: OnTimeout) -> None:
        self.fd, self.deadline, self.on_timeout = fd, deadline, on_timeout
        self.buffer = bytearray()

    def _more(self) -> None:
        _wait(self.fd, self.deadline, self.on_timeout)
        try:
            chunk = os.read(self.fd, 1 << 16)
        except BlockingIOError:
            return
        if not chunk:
            raise _HelperGone
        self.buffer += chunk

    def line(self) -> bytes:
        while b"\n" not in self.buffer:
            self._more()
        line, _, rest = bytes(self.buffer).partition(b"\n")
        self.buffer = bytearray(rest)
        return line

    def exactly(self, size: int) -> bytes:
        while len(self.buffer) < size:
            self._more()
        return bytes(self.buffer[:size])


_HELPER = SynthHelper()  # one helper per server process, started by the first synthesis
atexit.register(_HELPER.close)


def _write_trimmed(path: Path, samples: array, sample_rate: int) -> None:
    write_wav(path, trim_silence(samples, sample_rate, pad=0.1), sample_rate)


class Synthesizer:
    """Speaks sentences with espeak-ng into cached WAV files (22050 Hz, 16-bit mono).

    The cache file name is the sha256 of the language, the text and the voice settings, so
    changing the rate or voice never serves stale audio. Safe to share between threads: a
    sentence is synthesised once however many ask for it at the same time, and files are
    written atomically. With `max_bytes` set, the oldest files are removed after each new
    one so that the cache never holds more (see `prune`).
    """

    def __init__(
        self,
        cache_dir: str | Path,
        *,
        rate: int = 150,
        voices: Mapping[str, str] | None = None,
        helper: SynthHelper | None = None,
    ) -> None:
        """`rate` is words per minute (espeak's default 175 is brisk for a hall);
        `voices` maps a language to an espeak-ng voice name ({"id": "id", "en": "en"});
        `helper` defaults to the process's one synthesis helper."""
        self.cache_dir = Path(cache_dir)
        self.rate = rate
        self.voices = {lang: lang for lang in LANGS} | dict(voices or {})
        self.helper = helper or _HELPER
        self.max_bytes: int | None = None  # the cache's bound, set by the site's audio library
        self.syntheses = 0
        self.last_seconds: float | None = None
        self._lock = threading.Lock()

    def _voice(self, lang: str) -> str:
        """The espeak voice for a language."""
        if lang not in self.voices:
            raise ValueError(f"no voice for language {lang!r}; expected one of {', '.join(self.voices)}")
        return self.voices[lang]

    def cache_path(self, text: str, lang: str) -> Path:
        """Where the WAV for this sentence is (or will be) cached."""
        key = f"{lang}\n{' '.join(text.split())}\n{self._voice(lang)}\n{self.rate}"
        return self.cache_dir / f"{hashlib.sha256(key.encode()).hexdigest()}.wav"

    def synthesize(self, text: str, lang: str) -> tuple[array, int]:
        """Speak `text` now (no cache): (int16 samples, sample rate)."""
        sentence = " ".join(text.split())
        if not sentence:
            raise ValueError("nothing to say: the text is empty")
        voice = self._voice(lang)
        started = time.perf_counter()
        data = self.helper.speak(sentence, voice, self.rate)
        self.last_seconds = time.perf_counter() - started
        self.syntheses += 1
        return read_wav_bytes(data)

    def wav_for(self, text: str, lang: str) -> Path:
        """The cached WAV of `text` spoken in `lang`, synthesised on first request."""
        path = self.cache_path(text, lang)
        if path.is_file():
            return path
        with self._lock:
            if not path.is_file():  # another thread may have made it meanwhile
                samples, sample_rate = self.synthesize(text, lang)
                off_loop(_write_trimmed, path, samples, sample_rate)
                if self.max_bytes is not None:
                    self.prune(self.max_bytes, keep=path)
        return path

    def limit(self, max_bytes: int) -> None:
        """Keep the cache within `max_bytes` from now on, pruning to it at once."""
        with self._lock:  # not while a sentence is being written
            self.max_bytes = max_bytes
            if self.cache_dir.is_dir():
                self.prune(max_bytes)

    def prune(self, max_bytes: int, keep: Path | None = None) -> int:
        """Delete the oldest cached WAVs until the cache holds at most `max_bytes` (never
        `keep`, the file just made for a display that is waiting for it), and temporary
        files a killed write left behind; returns how many files were removed."""
        files = []
        for path in self.cache_dir.glob("*"):
            try:
                stat = path.stat()
            except FileNotFoundError:  # removed meanwhile (another process sharing the folder)
                continue
            if path.name.startswith(".") and path.suffix == ".tmp" and time.time() - stat.st_mtime > 60:
                path.unlink(missing_ok=True)
            elif path.suffix == ".wav" and path != keep:
                files.append((stat.st_mtime, stat.st_size, path))
        total = sum(size for _, size, _ in files) + (keep.stat().st_size if keep is not None else 0)
        removed = 0
        for _, size, path in sorted(files):
            if total <= max_bytes:
                break
            path.unlink(missing_ok=True)
            total -= size
            removed += 1
        return removed
