"""All 64 counters of the bundled site calling within one minute (the hall at 07:30): how long
until every call has been spoken or visibly marked "not announced", per zone, for each
announcement style and backlog policy.

Each run is a real server (`antrean serve`) with the bundled site's zones (floor 1's screen
speaks floor 1, floor 2's speaks floor 2, the main hall's speaks what no floor speaks: none)
and one python-socketio client per display. A client plays the part of its screen's speaker,
as display/static/announcer.js does: it speaks the calls the server gives its zone one after
the other, each for the real length of the WAV files it fetches from the server (the chime
and the sentence) plus the 0.7 s pause between calls; a call the server marks unspoken for
its zone counts as done when it arrives (the screen marks it then). The four runs go at once,
one server each, in real time (about four minutes).

Target: every call spoken or marked within 60 s of being made, in every zone (a visitor who
has not heard their number a minute after the counter called it looks at the screen, where
it is shown, marked if it was not spoken). Also printed, computed (not run) from the same
WAV lengths: the design before zones, one display speaking all 64 calls in full.

    .venv/bin/python -m bench.bench_announce [--within 60] [--seed 7]
"""

from __future__ import annotations

import argparse
import copy
import io
import queue
import random
import statistics
import threading
import time
import urllib.request
import wave
from dataclasses import dataclass, field
from typing import Any

from bench.harness import BenchServer, Http, bundled_data, machine_note, without_quotas
from server.core.announcements import Pending, plan

PAUSE = 0.7  # display/static/announcer.js PAUSE_MS
TARGET = 60.0  # seconds from a call being made to it being spoken or marked, in every zone
RUNS = [("full", "speak_all"), ("full", "skip_older_than"), ("short", "speak_all"), ("short", "skip_older_than")]
DISPLAYS = ("hall", "lantai-1", "lantai-2")


@dataclass
class Speaker:
    """One display's speaker, driven by its Socket.IO client."""

    display_id: str
    port: int
    calls: queue.Queue[dict[str, Any] | None] = field(default_factory=queue.Queue)
    done: dict[str, tuple[str, float]] = field(default_factory=dict)  # ticket id -> (spoken|marked, when)
    audio: dict[str, list[str]] = field(default_factory=dict)  # ticket id -> its sound files
    lengths: dict[str, float] = field(default_factory=dict)

    def seconds(self, url: str) -> float:
        if url not in self.lengths:
            data = urllib.request.urlopen(f"http://127.0.0.1:{self.port}{url}", timeout=30).read()
            with wave.open(io.BytesIO(data)) as sound:
                self.lengths[url] = sound.getnframes() / sound.getframerate()
        return self.lengths[url]

    def heard(self, call: dict[str, Any]) -> None:
        said = call["announcement"]
        if self.display_id in said.get("unspoken", []):
            self.audio[call["ticket_id"]] = said["audio"]
            self.done[call["ticket_id"]] = ("marked", time.monotonic())
        elif self.display_id in said.get("speak", []):
            self.audio[call["ticket_id"]] = said["audio"]
            self.calls.put(call)

    def run(self) -> None:
        """Speak the queued calls one at a time, for as long as their sounds last."""
        while (call := self.calls.get()) is not None:
            time.sleep(sum(self.seconds(url) for url in call["announcement"]["audio"]))
            self.done[call["ticket_id"]] = ("spoken", time.monotonic())
            time.sleep(PAUSE)

    def call_seconds(self) -> list[float]:
        """How long each call of this zone takes to say (the marked ones too), pause included."""
        return [sum(self.seconds(url) for url in audio) + PAUSE for audio in self.audio.values()]


def connect(speaker: Speaker) -> Any:
    import socketio

    sio = socketio.Client(reconnection=False)
    ready = threading.Event()
    sio.on("display.state", lambda *_: ready.set())
    sio.on("ticket.called", speaker.heard)
    sio.connect(f"http://127.0.0.1:{speaker.port}", transports=["websocket"], wait_timeout=30)
    sio.emit("subscribe", {"display_id": speaker.display_id})
    ready.wait(30)
    threading.Thread(target=speaker.run, daemon=True).start()
    return sio


def one_run(style: str, backlog: str, within: float, seed: int, results: dict[tuple[str, str], Any]) -> None:
    data = without_quotas(copy.deepcopy(bundled_data()))
    data["site"]["announcement"].update({"style": style, "backlog": backlog})
    counters = [c["id"] for c in data["counters"]]
    zone_of = {c["id"]: f"lantai-{c['floor']}" for c in data["counters"]}
    with BenchServer(data) as server:
        server.add_user("bench-officer", "officer", counters=counters)
        officer = Http(server.port, server.login("bench-officer"))
        kiosk = Http(server.port)
        services = {c["id"]: c["services"][0] for c in data["counters"]}
        for counter_id in counters * 3:  # counters share services: enough for each to have one left
            status, answer = kiosk.call("POST", "/api/v1/tickets", {"service_id": services[counter_id]})
            assert status == 201, answer
        speakers = {d: Speaker(d, server.port) for d in DISPLAYS}
        clients = [connect(s) for s in speakers.values()]
        moments = sorted(random.Random(seed).uniform(0, within) for _ in counters)
        order = random.Random(seed + 1).sample(counters, len(counters))
        began = time.monotonic()
        made: dict[int, tuple[str, float]] = {}
        for counter_id, moment in zip(order, moments, strict=True):
            time.sleep(max(0.0, began + moment - time.monotonic()))
            t0 = time.monotonic()
            status, answer = officer.call("POST", f"/api/v1/counters/{counter_id}/call-next")
            assert status == 200 and answer["ticket"], answer
            made[answer["ticket"]["id"]] = (counter_id, t0)
        deadline = time.monotonic() + 600
        expected = {d: sum(1 for c, _ in made.values() if zone_of[c] == d) for d in DISPLAYS}
        while time.monotonic() < deadline and any(len(speakers[d].done) < n for d, n in expected.items()):
            time.sleep(0.2)
        for sio in clients:
            sio.disconnect()
        for speaker in speakers.values():
            speaker.call_seconds()  # measure the marked calls' sounds too, while the server runs
        for speaker in speakers.values():
            speaker.calls.put(None)
        results[(style, backlog)] = (began, made, expected, speakers)


def zone_line(zone: str, began: float, made: dict[str, tuple[str, float]], count: int, speaker: Speaker) -> str:
    done = speaker.done
    spoken = sum(1 for how, _ in done.values() if how == "spoken")
    marked = sum(1 for how, _ in done.values() if how == "marked")
    worst = max((end - made[ticket][1] for ticket, (_, end) in done.items()), default=0.0)
    cleared = max((end for _, end in done.values()), default=began) - began
    lost = count - len(speaker.done)
    verdict = "ok" if worst <= TARGET and lost == 0 else "MISSES"
    line = (f"   {zone:9} {count:3} calls: {spoken:3} spoken, {marked:3} marked, {lost} unaccounted; "
            f"all done {cleared:6.1f} s after the first call; worst call {worst:6.1f} s after it was made "
            f"(target <= {TARGET:.0f} s: {verdict})")
    return line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--within", type=float, default=60.0, help="seconds in which all 64 counters call")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(f"\n== Announcements: 64 counters calling within {args.within:.0f} s, the bundled zones ==")
    print("   " + machine_note())
    results: dict[tuple[str, str], Any] = {}
    threads = [threading.Thread(target=one_run, args=(style, backlog, args.within, args.seed, results))
               for style, backlog in RUNS]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for style, backlog in RUNS:
        if (style, backlog) not in results:
            print(f"\n-- style {style}, backlog {backlog}: the run failed (see above)")
            continue
        began, made, expected, speakers = results[(style, backlog)]
        call_seconds = [seconds for s in speakers.values() for seconds in s.call_seconds()]
        print(f"\n-- style {style}, backlog {backlog}: one call {min(call_seconds):.2f}-{max(call_seconds):.2f} s "
              f"(median {statistics.median(call_seconds):.2f} s: chime + sentence WAVs + {PAUSE} s pause)")
        for zone in DISPLAYS:
            if expected[zone] or speakers[zone].done:
                print(zone_line(zone, began, made, expected[zone], speakers[zone]))
        print(f"   hall      speaks no call (its zone is 'rest': both floors have their screen); it shows all "
              f"{sum(expected.values())}")
        if style == "full" and backlog == "speak_all":
            one_voice = [Pending(i, i * args.within / 64, statistics.median(call_seconds)) for i in range(64)]
            last = plan(one_voice, "speak_all", 0)[-1]
            print(f"   before zones (one display speaking all 64 in full, computed from these WAV lengths): "
                  f"the last call spoken {last.ends:.0f} s after the first, {last.starts - one_voice[-1].at:.0f} s "
                  f"after it was made")


if __name__ == "__main__":
    main()
