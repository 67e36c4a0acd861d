"""Announcement audio against a live server: the sentence route speaks only real calls, and
the cache of spoken sentences stays within `site.announcement.audio_cache_mb`.

The attack was anonymous: two threads asking `/audio/call/<counter>/<number>.wav` for
numbers nobody was given made the server synthesise and keep every one (449 MB in 20 s).
Here the same requests are made, and the disk is looked at.
"""

from __future__ import annotations

import copy
import os
import threading
import time
from pathlib import Path
from typing import Any

import requests
from conftest import LiveServer

from server.core import tickets
from server.core.config_load import load_config
from server.core.site import SiteIndex
from server.core.store import Store
from tests.rules import seed_sequence

SERVICE = "aktivasi-ikd"  # prefix IKD, no daily quota; served at loket-3
COUNTER = "loket-3"
MIB = 1024 * 1024


def tts_folder(server: LiveServer) -> Path:
    return server.folder / "data" / "audio" / "tts"


def cached(server: LiveServer) -> list[Path]:
    folder = tts_folder(server)
    return sorted(folder.glob("*.wav")) if folder.is_dir() else []


def cache_bytes(server: LiveServer) -> int:
    return sum(path.stat().st_size for path in cached(server))


def queue_tickets(server: LiveServer, count: int, first_seq: int) -> None:
    """`count` waiting tickets of SERVICE numbered from `first_seq`, issued by the rules
    straight into the running server's database (as a busy morning at the kiosks would)."""
    now = requests.get(f"{server.url}/time.json", timeout=5).json()["server_time"] / 1000  # the hall's clock
    site = SiteIndex(load_config(server.config_path))
    store = Store(server.db_path)
    try:
        seed_sequence(store, site.service_day(now), SERVICE, first_seq - 1)
        with store.write() as tx:
            for _ in range(count):
                tickets.issue_ticket(tx, site, now, SERVICE)
    finally:
        store.close()


def call_next(server: LiveServer, officer: dict[str, str]) -> dict[str, Any]:
    """Call the next ticket at COUNTER; the hall display's entry for that call."""
    answer = requests.post(f"{server.url}/api/v1/counters/{COUNTER}/call-next", headers=officer, timeout=10)
    assert answer.status_code == 200, answer.text
    ticket_id = answer.json()["ticket"]["id"]
    state = requests.get(f"{server.url}/api/v1/displays/hall/state", timeout=10).json()
    return next(call for call in state["calling"] if call["ticket_id"] == ticket_id)


def fetch(server: LiveServer, url: str) -> requests.Response:
    return requests.get(server.url + url, timeout=30)


def test_made_up_sentences_are_refused_and_never_spoken(live_server_factory: Any,
                                                         bundled_data: dict[str, Any]) -> None:
    data = copy.deepcopy(bundled_data)
    data["site"]["announcement"] = {"number_style": "words"}  # reads 1000 as "seribu"
    server = live_server_factory(data)
    server.add_user("petugas", "officer", counters=[COUNTER])
    officer = server.login("petugas")
    queue_tickets(server, 1, first_seq=1000)
    call = call_next(server, officer)
    assert call["number"] == "IKD1000"
    real = call["announcement"]["audio"][1]
    assert real == f"/audio/call/{COUNTER}/IKD1000.wav"

    made_up = [
        f"/audio/call/{COUNTER}/IKD1001.wav",  # the next number, not called yet
        "/audio/call/loket-2/IKD1000.wav",  # called, but at another counter
        f"/audio/call/{COUNTER}/A007.wav",
        f"/audio/call/{COUNTER}/ikd1000.wav",  # another spelling of the real one
        f"/audio/call/{COUNTER}/A{'9' * 40}.wav",
        f"/audio/call/{COUNTER}/A{'9' * 5000}.wav",  # int() refuses the words of 5,000 digits
    ]
    for url in made_up:
        answer = fetch(server, url)
        assert answer.status_code == 404, (url[:60], answer.status_code)
        assert not answer.content.startswith(b"RIFF")

    # The attack as it was made: two threads asking for new numbers as fast as they can.
    def flood(start: int) -> None:
        for n in range(start, start + 150):
            requests.get(f"{server.url}/audio/call/loket-{1 + n % 30}/A{n:06d}.wav", timeout=30)

    threads = [threading.Thread(target=flood, args=(k * 1000,)) for k in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Nothing was synthesised for anyone: only the real call's sentence, made when it was
    # called (its length is what the backlog rule of its zone plans with).
    assert len(cached(server)) == 1

    answer = fetch(server, real)  # the real call is spoken, four digits and all
    assert (answer.status_code, answer.headers["Content-Type"], answer.content[:4]) == (200, "audio/wav", b"RIFF")
    assert len(cached(server)) == 1
    assert "unexpected error" not in (server.folder / "server.log").read_text(errors="replace")


def test_the_cache_is_pruned_to_its_bound_at_start_and_after_each_sentence(
    live_server_factory: Any, bundled_data: dict[str, Any]
) -> None:
    data = copy.deepcopy(bundled_data)
    data["site"]["announcement"] = {"audio_cache_mb": 1}
    server = live_server_factory(data)

    # Sentences left by yesterday's run, over the bound: removed when the server starts.
    server.stop()
    folder = tts_folder(server)
    folder.mkdir(parents=True, exist_ok=True)
    yesterday = time.time() - 86400
    for k in range(6):
        old = folder / f"{'0' * 63}{k}.wav"
        old.write_bytes(b"RIFF" + bytes(512 * 1024))
        os.utime(old, (yesterday + k, yesterday + k))
    assert cache_bytes(server) == 6 * (512 * 1024 + 4)
    server.start()
    assert cache_bytes(server) <= MIB
    assert not (folder / f"{'0' * 63}0.wav").exists()  # the oldest went first

    server.add_user("petugas", "officer", counters=[COUNTER])
    officer = server.login("petugas")
    queue_tickets(server, 10, first_seq=1000)
    sizes = []
    for seq in range(1000, 1010):
        call = call_next(server, officer)
        assert call["number"] == f"IKD{seq}"
        answer = fetch(server, call["announcement"]["audio"][1])
        assert (answer.status_code, answer.content[:4]) == (200, b"RIFF")
        sizes.append(len(answer.content))
        assert cache_bytes(server) <= MIB, f"after IKD{seq}: {cache_bytes(server)} bytes cached"
    assert sum(sizes) > MIB  # the bound was really needed
    # The newest sentence stays cached: asked again, it is the same file at once.
    again = fetch(server, f"/audio/call/{COUNTER}/IKD1009.wav")
    assert again.status_code == 200 and len(again.content) == sizes[-1]
