"""Synthesis with the real espeak-ng (from espeakng-loader): WAV files and their cache, many
threads at once, and the helper program that alone loads espeak-ng (GPL) - started again when
killed, stopped when silent, reporting what espeak-ng refuses."""

from __future__ import annotations

import os
import signal
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from speech_support import (
    read_wav,
    synthesizer_fixture,  # noqa: F401  (the module's fixture)
)

from display.speech import (
    LANGS,
    Call,
    SpeechError,
    Synthesizer,
    announcement_speech,
)
from display.speech.synthesizer import SynthHelper

# --- synthesis -------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_synthesizer_writes_wav_and_caches(synthesizer: Synthesizer, lang: str) -> None:
    text = announcement_speech(Call("A007", "Loket 3", lang=lang))
    before = synthesizer.syntheses
    path = synthesizer.wav_for(text, lang)
    assert synthesizer.syntheses == before + 1
    assert path.parent == synthesizer.cache_dir and path.suffix == ".wav"
    samples, rate, channels = read_wav(path)
    assert channels == 1 and rate == 22050
    assert 1.0 <= len(samples) / rate <= 8.0
    assert max(abs(s) for s in samples) > 3000
    mtime = path.stat().st_mtime_ns

    again = synthesizer.wav_for(text, lang)
    assert again == path
    assert again.stat().st_mtime_ns == mtime
    assert synthesizer.syntheses == before + 1


def test_synthesizer_cache_key(synthesizer: Synthesizer) -> None:
    text = "nomor antrean, A nol nol satu"
    assert synthesizer.cache_path(text, "id") == synthesizer.cache_path(f"  {text} ", "id")
    assert synthesizer.cache_path(text, "id") != synthesizer.cache_path(text, "en")
    slower = Synthesizer(synthesizer.cache_dir, rate=120)
    assert slower.cache_path(text, "id") != synthesizer.cache_path(text, "id")
    with pytest.raises(ValueError):
        synthesizer.wav_for("   ", "id")
    with pytest.raises(ValueError):
        synthesizer.wav_for("halo", "fr")


def test_synthesizer_is_thread_safe(tmp_path: Path) -> None:
    synth = Synthesizer(tmp_path)
    sentences = [announcement_speech(Call(f"B{n:03d}", f"Loket {n}", style="words")) for n in range(1, 6)]
    jobs = sentences + sentences  # every sentence asked for twice, concurrently
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        results = list(pool.map(lambda text: synth.wav_for(text, "id"), jobs))
    assert synth.syntheses == len(sentences)
    assert len(set(results)) == len(sentences)
    for path in set(results):
        samples, rate, _ = read_wav(path)
        assert 1.0 <= len(samples) / rate <= 8.0


def mapped_libraries(pid: int | str = "self") -> str:
    return Path(f"/proc/{pid}/maps").read_text()


def test_espeak_runs_in_its_own_program_not_in_the_server(tmp_path: Path) -> None:
    """espeak-ng (GPL) is loaded by the helper program only; this process, which stands for
    the server, only reads the WAV the helper made."""
    synth = Synthesizer(tmp_path)
    path = synth.wav_for(announcement_speech(Call("A1000", "Loket 3", style="words")), "id")
    samples, rate, channels = read_wav(path)
    assert (rate, channels) == (22050, 1) and 1.0 <= len(samples) / rate <= 8.0
    assert max(abs(s) for s in samples) > 3000
    assert synth.helper.pid is not None
    assert "libespeak-ng" in mapped_libraries(synth.helper.pid)
    assert "libespeak-ng" not in mapped_libraries()


def test_a_killed_helper_is_started_again(tmp_path: Path) -> None:
    synth = Synthesizer(tmp_path, helper=SynthHelper())
    try:
        synth.wav_for("nomor antrean satu", "id")
        first = synth.helper.pid
        assert first is not None
        os.kill(first, signal.SIGKILL)  # no waiting: the next request may find it dying or dead
        path = synth.wav_for("nomor antrean dua", "id")
        assert read_wav(path)[1] == 22050
        assert synth.helper.pid not in (None, first) and synth.helper.starts == 2
    finally:
        synth.helper.close()
    assert synth.helper.pid is None


def test_a_helper_that_gives_no_answer_is_stopped(tmp_path: Path) -> None:
    silent = SynthHelper([sys.executable, "-c", "import time; time.sleep(60)"], timeout=0.5)
    synth = Synthesizer(tmp_path, helper=silent)
    with pytest.raises(SpeechError, match="no answer within 0.5 s"):
        synth.wav_for("nomor antrean satu", "id")
    assert silent.pid is None and list(tmp_path.iterdir()) == []


def test_the_helper_reports_what_espeak_refuses(tmp_path: Path) -> None:
    synth = Synthesizer(tmp_path, voices={"id": "no-such-voice"})
    with pytest.raises(SpeechError, match="no voice 'no-such-voice'"):
        synth.wav_for("nomor antrean satu", "id")
    assert synth.wav_for("number one", "en").is_file()  # the helper goes on


def test_prune(tmp_path: Path) -> None:
    synth = Synthesizer(tmp_path)
    paths = [synth.wav_for(f"nomor antrean {word}", "id") for word in ("satu", "dua", "tiga")]
    keep = paths[-1].stat().st_size
    assert synth.prune(keep) == 2
    assert [p.exists() for p in paths].count(True) == 1
