"""(b) Call-to-display latency with 100 display clients connected.

100 python-socketio clients (WebSocket, in 10 processes) subscribe {"display_id": "hall"};
an officer makes N calls (POST call-next); each client timestamps `ticket.called`.
Reported: the time from the start of the HTTP request to the arrival at each client.

    .venv/bin/python -m bench.bench_display [--calls 60] [--displays 100]
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from bench.clients import ClientPool
from bench.harness import BenchServer, Http, machine_note, percentile

SERVICE, COUNTER = "kartu-keluarga", "loket-5"


def run(calls: int = 60, displays: int = 100, processes: int = 10, gap: float = 0.1,
        light: bool = False) -> dict[str, Any]:
    kind = "bare WebSocket clients" if light else "python-socketio clients"
    print(f"\n== (b) Call to display: {displays} displays ({kind}, {processes} processes) subscribed to 'hall', "
          f"{calls} calls ==", flush=True)
    print("   " + machine_note())
    with BenchServer() as server:
        server.add_user("bench-officer", "officer", counters=[COUNTER])
        officer = Http(server.port, server.login("bench-officer"))
        kiosk = Http(server.port)
        for _ in range(calls):
            status, answer = kiosk.call("POST", "/api/v1/tickets", {"service_id": SERVICE})
            assert status == 201, answer
        per_process = [displays // processes + (1 if i < displays % processes else 0) for i in range(processes)]
        began = time.perf_counter()
        pool = ClientPool(server.port, [
            ([(f"display-{p}-{i}", {"display_id": "hall"}) for i in range(count)], 0)
            for p, count in enumerate(per_process)
        ], light=light)
        print(f"   {pool.connected} clients connected and subscribed in {time.perf_counter() - began:.1f} s; "
              f"server RSS {server.rss_mb():.0f} MB")
        try:
            started: dict[str, float] = {}
            http_ms = []
            for _ in range(calls):
                t0 = time.monotonic()
                status, answer = officer.call("POST", f"/api/v1/counters/{COUNTER}/call-next")
                http_ms.append((time.monotonic() - t0) * 1000)
                assert status == 200 and answer["ticket"], answer
                started[answer["ticket"]["id"]] = t0
                time.sleep(gap)
            time.sleep(1.5)  # stragglers
            records = pool.report()
        finally:
            pool.stop()
    latencies = []
    missing = 0
    for _, _, heard, _ in records:
        got = {ticket_id: at for _, ticket_id, _, recall, at in heard if not recall}
        missing += sum(1 for ticket_id in started if ticket_id not in got)
        latencies.extend((got[t] - t0) * 1000 for t, t0 in started.items() if t in got)
    expected = len(started) * len(records)
    figures = {
        "p50_ms": percentile(latencies, 50), "p99_ms": percentile(latencies, 99), "max_ms": max(latencies),
        "received": len(latencies), "expected": expected, "missing": missing,
        "http_p50_ms": percentile(http_ms, 50), "http_p99_ms": percentile(http_ms, 99),
    }
    print(f"   call-next HTTP answer: p50 {figures['http_p50_ms']:.1f} ms, p99 {figures['http_p99_ms']:.1f} ms")
    print(f"   request start -> ticket.called at each display: p50 {figures['p50_ms']:.1f} ms, "
          f"p99 {figures['p99_ms']:.1f} ms, max {figures['max_ms']:.1f} ms")
    print(f"   delivered {len(latencies)} of {expected} (calls x clients); missing {missing}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=60)
    parser.add_argument("--displays", type=int, default=100)
    parser.add_argument("--processes", type=int, default=10,
                        help="client processes (fewer: the clients themselves lag behind)")
    parser.add_argument("--light", action="store_true",
                        help="bare Engine.IO clients that parse only ticket.called (the server's share)")
    args = parser.parse_args()
    run(args.calls, args.displays, args.processes, light=args.light)


if __name__ == "__main__":
    main()
