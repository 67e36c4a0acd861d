"""(a) Ticket issues per second over HTTP at 1, 8 and 32 clients, next to a bare JSON
endpoint on the same server and the bare SQLite ceiling for the same transaction, the
latter both with the server's durable commits (synchronous=FULL: the log is synced
before each answer) and with synchronous=NORMAL, to show what durability costs.

    .venv/bin/python -m bench.bench_issue [--seconds 5] [--engine auto|wrk|gevent]
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.harness import BenchServer, bundled_data, machine_note, percentile, service_weights, without_quotas
from bench.loadgen import LoadResult, run_load

LEVELS = (1, 8, 32)


def issue_bodies(data: dict[str, Any], count: int = 2000, seed: int = 1) -> list[str]:
    """Ticket requests spread over the services by popularity, one in ten with priority."""
    rng = random.Random(seed)
    weights = service_weights(data)
    services = rng.choices(list(weights), list(weights.values()), k=count)
    bodies = []
    for service_id in services:
        body: dict[str, Any] = {"service_id": service_id}
        if rng.random() < 0.1:
            body["priority"] = rng.choice(["elderly", "disabled", "pregnant"])
        bodies.append(json.dumps(body))
    return bodies


def sqlite_ceiling(data: dict[str, Any], seconds: float, synchronous: str = "FULL") -> dict[str, float]:
    """`issue_ticket` inside `Store.write()` in a loop: no HTTP, no Flask, no events sent.

    The same transaction as the route's (the ticket, its history row and the answer's
    place in line and estimated wait), so the ratio compares like with like. `synchronous`
    NORMAL replaces the server's FULL, to measure what syncing every commit costs."""
    from server.core.config_load import parse_config
    from server.core.print_queue import NOT_REQUESTED
    from server.core.site import SiteIndex
    from server.core.store import Store
    from server.core.tickets import issue_ticket
    from server.web.views import ticket_json

    site = SiteIndex(parse_config(data, "bench.yaml"))
    now = datetime.fromisoformat("2026-12-01T09:00:00+07:00").timestamp()
    bodies = [json.loads(b) for b in issue_bodies(data)]
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "ceiling.db")
        store.db.conn.execute(f"PRAGMA synchronous={synchronous}")
        store.checkpoint_in_background()  # as `antrean serve` does
        latencies = []
        deadline = time.perf_counter() + seconds
        index = 0
        began, cpu = time.perf_counter(), time.process_time()
        while time.perf_counter() < deadline:
            body = bodies[index % len(bodies)]
            index += 1
            started = time.perf_counter()
            with store.write() as tx:
                row = issue_ticket(tx, site, now, body["service_id"], priority=body.get("priority"))
                ticket_json(tx, site, row, print_state=NOT_REQUESTED)
            latencies.append((time.perf_counter() - started) * 1000)
        elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu
        store.close()
    return {"per_second": len(latencies) / elapsed, "p50_ms": percentile(latencies, 50),
            "p99_ms": percentile(latencies, 99), "cpu_ms": cpu * 1000 / len(latencies)}


def flask_in_process(data: dict[str, Any], seconds: float) -> dict[str, float]:
    """The same route through Flask's test client: views, events and JSON, no HTTP server."""
    from server.app import create_app
    from server.core.clock import FixedClock
    from server.core.config_load import parse_config

    clock = FixedClock(datetime.fromisoformat("2026-12-01T09:00:00+07:00"))
    bodies = [json.loads(b) for b in issue_bodies(data)]
    with tempfile.TemporaryDirectory() as folder:
        app, _ = create_app(parse_config(data, "bench.yaml"), data_dir=Path(folder), clock=clock,
                            start_printing=False)
        client = app.test_client()
        latencies = []
        deadline = time.perf_counter() + seconds
        began, cpu = time.perf_counter(), time.process_time()
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            answer = client.post("/api/v1/tickets", json=bodies[len(latencies) % len(bodies)])
            assert answer.status_code == 201, answer.json
            latencies.append((time.perf_counter() - started) * 1000)
        elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu
        app.extensions["antrean"].store.close()
    return {"per_second": len(latencies) / elapsed, "p50_ms": percentile(latencies, 50),
            "p99_ms": percentile(latencies, 99), "cpu_ms": cpu * 1000 / len(latencies)}


def run(seconds: float = 5.0, engine: str = "auto") -> dict[str, Any]:
    print("\n== (a) Ticket issues over HTTP (POST /api/v1/tickets, no kiosk printer) ==", flush=True)
    print("   " + machine_note())
    data = without_quotas(bundled_data())
    bodies = issue_bodies(data)
    ceiling = sqlite_ceiling(data, seconds)
    ceiling_normal = sqlite_ceiling(data, seconds, "NORMAL")
    in_process = flask_in_process(data, seconds)
    rows: list[tuple[str, LoadResult]] = []
    for clients in LEVELS:
        # A fresh server and database per level: every row starts from an empty day, as
        # the waiting-line queries grow with the tickets already issued (nobody is called here).
        with BenchServer(data) as server:
            rows.append(("health", run_load(server.port, "GET", "/api/v1/health", None, clients, seconds, 200,
                                            engine, server.cpu_seconds)))
            rows.append(("issue", run_load(server.port, "POST", "/api/v1/tickets", bodies, clients, seconds, 201,
                                           engine, server.cpu_seconds)))
    print(f"   load generator: {rows[0][1].engine}, {seconds:g} s per measurement after a 1 s warm-up")
    print(f"   {'what':<44} {'clients':>7} {'per s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} "
          f"{'server CPU ms/req':>18}")
    for what, result in rows:
        label = "GET /api/v1/health (bare endpoint)" if what == "health" else "POST /api/v1/tickets"
        print(f"   {label:<44} {result.clients:>7} {result.per_second:>8.0f} {result.p50_ms:>8.2f} "
              f"{result.p99_ms:>8.2f} {result.errors:>7} {result.cpu_ms:>18.2f}")
    for label, figures in (("issue_ticket in Store.write(), in-process", ceiling),
                           ("  the same with synchronous=NORMAL", ceiling_normal),
                           ("same route via Flask test client (no HTTP)", in_process)):
        print(f"   {label:<44} {1:>7} {figures['per_second']:>8.0f} {figures['p50_ms']:>8.2f} "
              f"{figures['p99_ms']:>8.2f} {0:>7} {figures['cpu_ms']:>18.2f}")
    at8 = {what: result for what, result in rows if result.clients == 8}
    issue8, bare8 = at8["issue"], at8["health"]
    figures = {
        "issue_per_second_8": issue8.per_second,
        "issue_p99_ms_8": issue8.p99_ms,
        "issue_vs_bare": issue8.per_second / bare8.per_second,
        "http_vs_sqlite": issue8.per_second / ceiling["per_second"],
        "errors": sum(result.errors for _, result in rows),
        "rows": [(what, r.clients, r.per_second, r.p50_ms, r.p99_ms) for what, r in rows],
        "sqlite_per_second": ceiling["per_second"],
        "sqlite_normal_per_second": ceiling_normal["per_second"],
        "durable_p99_ms": ceiling["p99_ms"],
        "normal_p99_ms": ceiling_normal["p99_ms"],
        "flask_per_second": in_process["per_second"],
    }
    figures["stalled"] = bare8.p50_ms >= 30
    print(f"   durable commits (FULL, the server's) vs NORMAL: p50 {ceiling['p50_ms']:.2f} vs "
          f"{ceiling_normal['p50_ms']:.2f} ms, p99 {ceiling['p99_ms']:.2f} vs {ceiling_normal['p99_ms']:.2f} ms, "
          f"{ceiling['per_second']:.0f} vs {ceiling_normal['per_second']:.0f} issues/s in-process")
    print(f"   ratios at 8 clients: issue / bare endpoint = {figures['issue_vs_bare']:.0%}; "
          f"HTTP issue / SQLite ceiling = {figures['http_vs_sqlite']:.0%}")
    if figures["stalled"]:
        print("   note: the bare endpoint answers in ~44 ms at p50: every answer waits for the client's delayed ACK\n"
              "   (Nagle: gevent sends headers and body apart; is TCP_NODELAY set in server/serving.py?), so both\n"
              "   rates are capped at clients / 44 ms and their ratio says little.")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=5.0, help="measurement time per row")
    parser.add_argument("--engine", choices=["auto", "wrk", "gevent"], default="auto")
    args = parser.parse_args()
    run(args.seconds, args.engine)


if __name__ == "__main__":
    main()
