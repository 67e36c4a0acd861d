"""(e) Nothing slow stops the hall: kiosk issue and display call latency while heavy work runs.

A live server on a year of history (bench/history.py writes it straight into the
database before the server starts: 260 weekdays x 3,000 tickets by default). A kiosk
issues a ticket every 50 ms (`POST /api/v1/tickets`); an officer calls the next ticket
at loket-5 every 250 ms and a display (python-socketio, subscribed to "hall") times the
`ticket.called`. Measured idle, then while each of these runs:

- a year's summary report (`GET /api/v1/reports/summary`, 365 days);
- a year's report as an XLSX workbook (`summary.xlsx`);
- config saves in a loop (`PUT /api/v1/admin/config/running_text`, one after another);
- a backup (`antrean backup`, the command, while the server runs);
- a login guessing run (wrong passwords, 4 clients at once);
- speech synthesis of new sentences (the sentences of real calls at loket-6, each new).

    .venv/bin/python -m bench.bench_offloop [--days 260] [--per-day 3000] [--seconds 8]

The server runs in this Python (not the serve-only environment of bench/harness.py): the
figures here are latencies under load, which the environment does not change.
"""

from __future__ import annotations

import argparse
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import requests

from bench.harness import BenchServer, Http, bundled_data, machine_note, percentile, without_quotas
from bench.history import seed_history

SERVICE, CALLER, SPEAKER = "kartu-keluarga", "loket-5", "loket-6"
LAST_DAY = date(2026, 11, 30)
TARGET_MS = 100.0
ISSUE_GAP, CALL_GAP = 0.05, 0.25


class Display:
    """One hall display: when each ticket's call arrived."""

    def __init__(self, port: int) -> None:
        import socketio

        self.heard: dict[str, float] = {}
        self.ready = threading.Event()
        self.client = socketio.Client(reconnection=True)
        self.client.on("ticket.called", lambda data: self.heard.setdefault(data["ticket_id"], time.monotonic()))
        self.client.on("display.state", lambda *_: self.ready.set())
        self.client.connect(f"http://127.0.0.1:{port}", transports=["websocket"], wait_timeout=30)
        self.client.emit("subscribe", {"display_id": "hall"})
        self.ready.wait(30)

    def close(self) -> None:
        self.client.disconnect()


class Hall:
    """The kiosk and the counter that keep working while a job runs; their figures."""

    def __init__(self, server: BenchServer, officer_token: str) -> None:
        self.server = server
        self.kiosk = Http(server.port)
        self.officer = Http(server.port, officer_token)
        self.display = Display(server.port)

    def measure(self, job: Callable[[threading.Event], Any], seconds: float) -> dict[str, Any]:
        """Run `job` in a thread (it stops when told, or ends by itself); measure meanwhile,
        at least `seconds` and as long as the job runs."""
        stop, outcome = threading.Event(), queue.Queue[Any]()
        worker = threading.Thread(target=lambda: outcome.put(_guarded(job, stop)), daemon=True)
        issue_ms: list[float] = []
        called: dict[str, float] = {}
        refused = 0
        began = time.monotonic()
        worker.start()
        next_call = began
        while time.monotonic() - began < seconds or worker.is_alive():
            if time.monotonic() - began >= seconds:
                stop.set()
            t0 = time.monotonic()
            status, _ = _answer(self.kiosk, "/api/v1/tickets", {"service_id": SERVICE})
            issue_ms.append((time.monotonic() - t0) * 1000)  # a timeout counts with its 30 s
            refused += status != 201
            if time.monotonic() >= next_call:
                next_call = time.monotonic() + CALL_GAP
                t0 = time.monotonic()
                status, answer = _answer(self.officer, f"/api/v1/counters/{CALLER}/call-next")
                if status == 200 and answer.get("ticket"):
                    called[answer["ticket"]["id"]] = t0
            time.sleep(max(0.0, ISSUE_GAP - (time.monotonic() - t0)))
        worker.join()
        job_seconds = time.monotonic() - began
        time.sleep(1.0)  # calls still on their way to the display
        heard = self.display.heard
        call_ms = [(heard[t] - t0) * 1000 for t, t0 in called.items() if t in heard]
        return {"issue_p50": percentile(issue_ms, 50), "issue_p99": percentile(issue_ms, 99),
                "issue_max": max(issue_ms), "issues": len(issue_ms), "refused": refused,
                "call_p50": percentile(call_ms, 50), "call_p99": percentile(call_ms, 99),
                "calls": len(call_ms), "missing": len(called) - len(call_ms), "job_s": job_seconds,
                "job": outcome.get()}

    def close(self) -> None:
        self.display.close()


def _answer(client: Http, path: str, body: Any = None) -> tuple[int, Any]:
    """POST; a request that timed out or lost its connection is status 0."""
    try:
        return client.call("POST", path, body)
    except OSError:
        client.conn.close()
        return 0, None


def _guarded(job: Callable[[threading.Event], Any], stop: threading.Event) -> Any:
    try:
        return job(stop)
    except Exception as exc:  # a job that failed says so in the table instead of hanging the bench
        return f"failed: {exc}"


# --- the jobs ------------------------------------------------------------------------------------


def idle(stop: threading.Event) -> str:
    stop.wait()
    return "-"


def year_report(server: BenchServer, token: str, kind: str) -> Callable[[threading.Event], str]:
    start = LAST_DAY - timedelta(days=364)  # 365 days, the longest a report covers

    def job(stop: threading.Event) -> str:
        url = f"{server.url}/api/v1/reports/summary{kind}?from={start}&to={LAST_DAY}"
        began = time.monotonic()
        answer = requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=600)
        took = time.monotonic() - began
        if answer.status_code != 200:
            return f"HTTP {answer.status_code}"
        size = f"{answer.json()['issued']} tickets" if not kind else f"{len(answer.content) // 1024} KB"
        return f"{size} in {took:.1f} s"

    return job


def config_saves(server: BenchServer, token: str) -> Callable[[threading.Event], str]:
    def job(stop: threading.Event) -> str:
        admin = Http(server.port, token)
        saves = 0
        while not stop.is_set():
            _, config = admin.call("GET", "/api/v1/admin/config")
            text = {**config["sections"]["running_text"], "running_text": f"Selamat datang ({saves})"}
            status, _ = admin.call("PUT", "/api/v1/admin/config/running_text",
                                   {"version": config["version"], "value": text})
            saves += status == 200
        return f"{saves} saves"

    return job


def backup(server: BenchServer) -> Callable[[threading.Event], str]:
    def job(stop: threading.Event) -> str:
        target = server.folder / "bench-backup.db"
        target.unlink(missing_ok=True)
        done = subprocess.run(server._command("backup", "--to", str(target)), capture_output=True, text=True,
                              check=False)
        return (done.stdout or done.stderr).strip().split(" to ")[0]

    return job


def login_guessing(server: BenchServer) -> Callable[[threading.Event], str]:
    def job(stop: threading.Event) -> str:
        tried = [0]

        def guess(n: int) -> None:
            client = Http(server.port)
            while not stop.is_set():
                _answer(client, "/api/v1/session", {"username": "bench-admin", "password": f"salah-{n}-{tried[0]}"})
                tried[0] += 1

        guessers = [threading.Thread(target=guess, args=(n,)) for n in range(4)]
        for guesser in guessers:
            guesser.start()
        for guesser in guessers:
            guesser.join()
        return f"{tried[0]} wrong passwords"

    return job


def new_sentences(server: BenchServer, numbers: list[str]) -> Callable[[threading.Event], str]:
    def job(stop: threading.Event) -> str:
        client = Http(server.port)
        made = 0
        for number in numbers:
            if stop.is_set():
                break
            client.conn.request("GET", f"/audio/call/{SPEAKER}/{number}.wav")
            response = client.conn.getresponse()
            response.read()
            made += response.status == 200
        return f"{made} new sentences"

    return job


def real_calls(server: BenchServer, token: str, count: int) -> list[str]:
    """Make `count` real calls at the speaking counter; their numbers (never spoken yet)."""
    kiosk, officer = Http(server.port), Http(server.port, token)
    numbers = []
    for _ in range(count):
        kiosk.call("POST", "/api/v1/tickets", {"service_id": SERVICE})
        status, answer = officer.call("POST", f"/api/v1/counters/{SPEAKER}/call-next")
        if status == 200 and answer.get("ticket"):
            numbers.append(answer["ticket"]["number"])
    return numbers


# --- the run -------------------------------------------------------------------------------------


def run(days: int = 260, per_day: int = 3000, seconds: float = 8.0) -> dict[str, dict[str, Any]]:
    print(f"\n== (e) Kiosk issue and display call while slow work runs: {days} days x {per_day} tickets of "
          f"history ==", flush=True)
    print("   " + machine_note())
    data = without_quotas(bundled_data())
    server = BenchServer(data, python=sys.executable)
    try:
        made = seed_history(server.folder / "data" / "antrean.db", data, last_day=LAST_DAY, days=days,
                            per_day=per_day)
        size = (server.folder / "data" / "antrean.db").stat().st_size / 1e6
        print(f"   history: {made.tickets} tickets, {made.events} history rows, {size:.0f} MB, "
              f"written in {made.seconds:.0f} s", flush=True)
        server.start()
        server.add_user("bench-admin", "admin")
        server.add_user("bench-officer", "officer", counters=[CALLER, SPEAKER])
        admin, officer = server.login("bench-admin"), server.login("bench-officer")
        numbers = real_calls(server, officer, 400)
        hall = Hall(server, officer)
        jobs: list[tuple[str, Callable[[threading.Event], Any]]] = [
            ("idle", idle),
            ("a year's report (JSON)", year_report(server, admin, "")),
            ("a year's report as XLSX", year_report(server, admin, ".xlsx")),
            ("config saves in a loop", config_saves(server, admin)),
            ("a backup (antrean backup)", backup(server)),
            ("login guessing (4 clients)", login_guessing(server)),
            ("speech: new sentences", new_sentences(server, numbers)),
        ]
        results: dict[str, dict[str, Any]] = {}
        try:
            for name, job in jobs:
                figures = hall.measure(job, seconds)
                results[name] = figures
                _print_row(name, figures)
        finally:
            hall.close()
    finally:
        server.cleanup()
    _print_targets(results)
    return results


def _print_row(name: str, f: dict[str, Any]) -> None:
    refused = f", {f['refused']} refused" if f["refused"] else ""
    print(f"   {name:<28} issue p50 {f['issue_p50']:6.1f} p99 {f['issue_p99']:7.1f} max {f['issue_max']:7.1f} ms "
          f"({f['issues']}{refused}) | call->display p50 "
          f"{f['call_p50']:6.1f} p99 {f['call_p99']:7.1f} ms ({f['calls']}, {f['missing']} missing) | "
          f"{f['job_s']:.1f} s: {f['job']}", flush=True)


def _print_targets(results: dict[str, dict[str, Any]]) -> None:
    print(f"   targets: issue p99 < {TARGET_MS:.0f} ms and call -> display p99 < {TARGET_MS:.0f} ms under every job")
    for name, f in results.items():
        met = f["issue_p99"] < TARGET_MS and f["call_p99"] < TARGET_MS
        print(f"   {'met   ' if met else 'MISSED'} {name:<28} issue p99 {f['issue_p99']:.0f} ms, "
              f"call p99 {f['call_p99']:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=260, help="weekdays of history (a year has about 260)")
    parser.add_argument("--per-day", type=int, default=3000, help="tickets a day in the history")
    parser.add_argument("--seconds", type=float, default=8.0, help="at least this long per job")
    args = parser.parse_args()
    run(args.days, args.per_day, args.seconds)


if __name__ == "__main__":
    main()
