"""(f) A year of history costs nothing: every figure of issue #13 next to its target.

Why this file is long: it is one run with its table, and the table's rows are read best
next to the requests that make them (the year's history itself is made in bench/history.py).

A year of the bundled site's history (bench/history.py: ~250 open days of ~4,000 tickets,
a million tickets and four million history rows) is generated once into a cache folder
and reused (`--regenerate` makes it again); each run copies it into the server's data
folder. On a live `antrean serve`:

- `GET /api/v1/reports/summary` for a week, a month and a year; `summary.csv` and
  `summary.xlsx` for a year, with the server's peak memory during each (VmHWM, reset
  before the request); `reports/ikm` for a year and a month;
- `admin/audit`: its first page (the last 7 days) and searches; the admin dashboard
  (`/admin` and what its page loads: `admin/overview`, `agencies`, `admin/backups`);
- kiosk issue and call -> display p99 while a year's XLSX is built (bench_offloop's Hall);
- ticket issues per second (8 clients) and calls per second (4 counters), on an EMPTY
  database and on the YEAR, side by side;
- the database file's size, and the time of `antrean backup` on it.

Before any report is asked for, the year's report columns (server/core/report_days.py) are
built the way the first night after an upgrade builds them (housekeeping's `summarise`:
`report_days.build_missing` from the first day with tickets to yesterday, in its own
connection while the server runs), and that build is timed on its own row ("once after
the upgrade"); every report below then reads stored columns, as it does every other day.
The server's memory (RSS) is printed next to each year-sized request and after them all.

Run it on a quiet machine (it takes about 3 minutes once the year is cached; making the
year takes about 100 s more), from the project's root:

    .venv/bin/python -m bench.bench_reports [--regenerate] [--per-day 4000] [--repeat 3] [--seconds 5]

`--issue-only` runs just the issue and call figures, on an empty database and on the year,
three idle rounds of the kiosk's p99 each (about a minute and a half).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import requests

from bench.bench_issue import issue_bodies
from bench.bench_offloop import CALLER, LAST_DAY, Hall, idle, year_report
from bench.harness import (
    PASSWORD,
    ROOT,
    BenchServer,
    Http,
    bundled_data,
    machine_note,
    peak_rss_mb,
    percentile,
    reset_peak_rss,
    without_quotas,
)
from bench.history import open_days_between, seed_history
from bench.loadgen import run_load
from server.core import report_days
from server.core.config_load import parse_config
from server.core.site import SiteIndex

CACHE = Path.home() / ".cache" / "antrean" / "bench-year"
YEAR_FROM = LAST_DAY - timedelta(days=364)  # 365 days: the longest period a report covers
MONTH_FROM, WEEK_FROM = LAST_DAY - timedelta(days=29), LAST_DAY - timedelta(days=6)
CALL_COUNTERS = ("loket-1", "loket-2", "loket-3", "loket-4")  # KTP-el recording: one service, a long line
CALL_SERVICE = "ktp-el-perekaman"


# --- the year, made once -------------------------------------------------------------------------


def year_history(per_day: int, regenerate: bool, cache: Path = CACHE) -> tuple[Path, dict[str, Any]]:
    """The cached year (made when missing, asked for, or made with other settings) and what it holds.
    Its last connection closed, SQLite has folded the write-ahead log into the file: one file to copy."""
    data = bundled_data()
    days = open_days_between(SiteIndex(parse_config(data)), YEAR_FROM, LAST_DAY)
    wanted = {"per_day": per_day, "days": days, "last_day": LAST_DAY.isoformat(), "generator": 2}
    db, note = cache / "antrean.db", cache / "history.json"
    if not regenerate and db.exists() and note.exists():
        made = json.loads(note.read_text())
        if made.get("settings") == wanted:
            return db, made
    cache.mkdir(parents=True, exist_ok=True)
    fresh = cache / "making.db"
    for leftover in cache.glob("making.db*"):
        leftover.unlink()
    print(f"   generating a year ({days} open days x ~{per_day} tickets) into {cache} ...", flush=True)
    seeded = seed_history(fresh, data, last_day=LAST_DAY, days=days, per_day=per_day)
    made = {"settings": wanted, **{k: v for k, v in asdict(seeded).items() if k != "by_day_status"}}
    for leftover in cache.glob("antrean.db*"):
        leftover.unlink()
    fresh.rename(db)
    note.write_text(json.dumps(made))
    return db, made


# --- single requests -----------------------------------------------------------------------------


class Admin:
    """An admin's requests, timed, with the server's peak memory while each ran."""

    def __init__(self, server: BenchServer, token: str) -> None:
        self.server = server
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def get(self, path: str, repeat: int = 1, **params: Any) -> dict[str, Any]:
        seconds, peaks, status, size = [], [], 0, 0
        before = self.server.rss_mb()  # what the server holds already (freed memory it kept counts too)
        for _ in range(repeat):
            reset = reset_peak_rss(self.server.pid)
            began = time.perf_counter()
            answer = self.session.get(self.server.url + path, params=params, timeout=900)
            seconds.append(time.perf_counter() - began)
            peaks.append(peak_rss_mb(self.server.pid) if reset else float("nan"))
            status, size = answer.status_code, len(answer.content)
        return {"s": statistics.median(seconds), "runs": len(seconds), "peak_mb": max(peaks), "status": status,
                "bytes": size, "before_mb": before}


def dashboard(server: BenchServer, repeat: int) -> dict[str, Any]:
    """What an admin opening the dashboard waits for: the page, then what its script loads."""
    browser = requests.Session()
    answer = browser.post(server.url + "/api/v1/session",
                          json={"username": "bench-admin", "password": PASSWORD, "token": False}, timeout=30)
    assert answer.status_code == 200, answer.text
    total, overview = [], []
    for _ in range(repeat):
        began = time.perf_counter()
        assert browser.get(server.url + "/admin", timeout=60).status_code == 200
        t0 = time.perf_counter()
        assert browser.get(server.url + "/api/v1/admin/overview", timeout=60).status_code == 200
        overview.append(time.perf_counter() - t0)
        for path in ("/api/v1/agencies", "/api/v1/admin/backups"):
            assert browser.get(server.url + path, timeout=60).status_code == 200
        total.append(time.perf_counter() - began)
    return {"overview_s": statistics.median(overview), "page_s": statistics.median(total)}


# --- rates: issue and call -----------------------------------------------------------------------


def call_rate(server: BenchServer, token: str, seconds: float) -> dict[str, float]:
    """Calls per second at 4 counters at once, each calling its next as soon as the last answered."""
    kiosk = Http(server.port)
    for _ in range(1500):  # a line long enough for the whole run
        kiosk.call("POST", "/api/v1/tickets", {"service_id": CALL_SERVICE})
    latencies: list[float] = []
    calls = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def officer(counter_id: str) -> None:
        client, mine = Http(server.port, token), []
        while time.monotonic() < deadline:
            t0 = time.perf_counter()
            status, answer = client.call("POST", f"/api/v1/counters/{counter_id}/call-next")
            if status == 200 and answer.get("ticket"):  # a call that found someone to call
                mine.append((time.perf_counter() - t0) * 1000)
        with lock:
            latencies.extend(mine)
            calls[0] += len(mine)

    began, cpu = time.monotonic(), server.cpu_seconds()
    workers = [threading.Thread(target=officer, args=(c,)) for c in CALL_COUNTERS]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    took, cpu = time.monotonic() - began, server.cpu_seconds() - cpu
    return {"per_second": calls[0] / took, "p50_ms": percentile(latencies, 50), "p99_ms": percentile(latencies, 99),
            "cpu_ms": cpu * 1000 / max(calls[0], 1)}


def rates(server: BenchServer, officer_token: str, seconds: float, engine: str) -> dict[str, Any]:
    issue = run_load(server.port, "POST", "/api/v1/tickets", issue_bodies(server.site), 8, seconds, 201, engine,
                     server.cpu_seconds)
    return {"issue": issue, "call": call_rate(server, officer_token, seconds)}


def staffed(server: BenchServer) -> tuple[str, str]:
    server.add_user("bench-admin", "admin")
    server.add_user("bench-officer", "officer", counters=[CALLER, *CALL_COUNTERS])
    return server.login("bench-admin"), server.login("bench-officer")


# --- the run -------------------------------------------------------------------------------------


def issue_only(per_day: int, regenerate: bool, seconds: float, engine: str, cache: Path) -> dict[str, Any]:
    """Only the kiosk issue and call figures, on an EMPTY database and on the YEAR (its report
    columns built first), idle: whether issue and call slow down as history grows."""
    db, _ = year_history(per_day, regenerate, cache)
    data = without_quotas(bundled_data())
    results: dict[str, Any] = {}
    for name, history in (("empty", None), ("year", db)):
        server = BenchServer(data)
        try:
            if history is not None:
                (server.folder / "data").mkdir(parents=True, exist_ok=True)
                shutil.copyfile(history, server.folder / "data" / "antrean.db")
            server.start()
            _, officer = staffed(server)
            if history is not None:
                first_night(server)
            results[f"rates_{name}"] = rates(server, officer, seconds, engine)
            hall = Hall(server, officer)
            try:
                results[f"hall_{name}"] = [hall.measure(idle, seconds) for _ in range(3)]
            finally:
                hall.close()
        finally:
            server.cleanup()
    for name in ("empty", "year"):
        issue, call = results[f"rates_{name}"]["issue"], results[f"rates_{name}"]["call"]
        halls = results[f"hall_{name}"]
        issue_p99 = ", ".join(f"{h['issue_p99']:.0f}" for h in halls)
        call_p99 = ", ".join(f"{h['call_p99']:.0f}" for h in halls)
        print(f"   {name}: issues/s {issue.per_second:.0f} (p99 {issue.p99_ms:.0f} ms, server CPU "
              f"{issue.cpu_ms:.2f} ms/req); calls/s {call['per_second']:.0f} (CPU {call['cpu_ms']:.2f} ms/call); "
              f"idle kiosk issue p99 {issue_p99} ms; call -> display p99 {call_p99} ms")
    return results


def migrate(db: Path) -> float:
    """Bring the year's copy to this code's schema, as an upgraded site's first start does, and
    answer the seconds it took: on a year some migrations rebuild an index of every row (a
    minute or two), which the server's 30 s wait for its health check would not allow."""
    began = time.perf_counter()
    subprocess.run([sys.executable, "-m", "server.cli", "--db", str(db), "migrate"], cwd=ROOT, check=True,
                   capture_output=True, timeout=1800)
    return time.perf_counter() - began


def run(per_day: int = 4000, regenerate: bool = False, repeat: int = 3, seconds: float = 5.0,
        engine: str = "auto", cache: Path = CACHE) -> dict[str, Any]:
    print(f"\n== (f) A year of history: reports, exports, audit, dashboard; issue and call, empty and a year "
          f"({date.today()}) ==", flush=True)
    print("   " + machine_note())
    db, made = year_history(per_day, regenerate, cache)
    print(f"   the year: {made['tickets']:,} tickets, {made['events']:,} history rows, {made['calls']:,} calls, "
          f"{made['surveys']:,} survey answers, {made['audit']:,} audit rows over {made['days']} days "
          f"({min(made['by_day'])} to {max(made['by_day'])}); statuses {made['by_status']}", flush=True)
    data = without_quotas(bundled_data())
    results: dict[str, Any] = {"made": made, "db_mb": db.stat().st_size / 1e6}

    with BenchServer(data) as empty:
        _, officer = staffed(empty)
        results["rates_empty"] = rates(empty, officer, seconds, engine)
        hall = Hall(empty, officer)
        try:
            results["hall_idle_empty"] = hall.measure(idle, seconds)
        finally:
            hall.close()

    server = BenchServer(data)
    try:
        (server.folder / "data").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(db, server.folder / "data" / "antrean.db")
        results["migrate_s"] = migrate(server.folder / "data" / "antrean.db")
        server.start()
        admin_token, officer = staffed(server)
        results["columns"] = first_night(server)
        results["rates_year"] = rates(server, officer, seconds, engine)
        results["idle_mb"] = server.rss_mb()
        hall = Hall(server, officer)
        try:
            results["hall_idle"] = hall.measure(idle, seconds)
            results["hall_xlsx"] = hall.measure(year_report(server, admin_token, ".xlsx"), seconds)
        finally:
            hall.close()
        admin = Admin(server, admin_token)
        period = {"week": (WEEK_FROM, repeat), "month": (MONTH_FROM, repeat), "year": (YEAR_FROM, repeat)}
        for name, (start, times) in period.items():
            results[f"summary_{name}"] = admin.get("/api/v1/reports/summary", times, **{"from": start, "to": LAST_DAY})
            _say(f"summary, {name}", results[f"summary_{name}"])
        for kind in ("csv", "xlsx"):
            results[f"summary_{kind}"] = admin.get(f"/api/v1/reports/summary.{kind}", 1,
                                                   **{"from": YEAR_FROM, "to": LAST_DAY})
            _say(f"summary.{kind}, year", results[f"summary_{kind}"])
        results["ikm_year"] = admin.get("/api/v1/reports/ikm", repeat, **{"from": YEAR_FROM, "to": LAST_DAY})
        results["ikm_month"] = admin.get("/api/v1/reports/ikm", repeat, **{"from": MONTH_FROM, "to": LAST_DAY})
        results["after_reports_mb"] = server.rss_mb()  # what the server keeps once the year's reports are made
        results["audit_first"] = admin.get("/api/v1/admin/audit", repeat)
        results["audit_search"] = admin.get("/api/v1/admin/audit", repeat, q="loket-12")
        results["audit_search_month"] = admin.get("/api/v1/admin/audit", repeat, q="loket-12",
                                                  **{"from": MONTH_FROM, "to": LAST_DAY})
        results["audit_search_year"] = admin.get("/api/v1/admin/audit", 1, q="tidak-ada-di-mana-pun",
                                                 **{"from": YEAR_FROM, "to": LAST_DAY})
        results["dashboard"] = dashboard(server, repeat)
        results["backup_s"] = _backup(server)
    finally:
        server.cleanup()
    _print_table(results)
    return results


def first_night(server: BenchServer) -> dict[str, Any]:
    """What the first quiet moment after the upgrade does before any report: store the report
    columns of every closed day (housekeeping's summarise, the same call), timed on its own."""
    path = server.folder / "data" / "antrean.db"
    site = SiteIndex(parse_config(server.site))
    first = report_days.first_day(path)
    assert first is not None
    began = time.perf_counter()
    made = report_days.build_missing(path, site, first, LAST_DAY)
    took = time.perf_counter() - began
    print(f"   (report columns of {made} closed days stored in {took:.1f} s, once after the upgrade)", flush=True)
    return {"s": took, "days": made}


def _backup(server: BenchServer) -> float:
    target = server.folder / "bench-backup.db"
    began = time.perf_counter()
    subprocess.run(server._command("backup", "--to", str(target)), check=True, capture_output=True, cwd=server.folder)
    return time.perf_counter() - began


def _say(label: str, r: dict[str, Any]) -> None:
    print(f"   ({label}: {r['s']:.2f} s, HTTP {r['status']}, {r['bytes'] // 1024} KB, peak {r['peak_mb']:.0f} MB)",
          flush=True)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.1f} s"


def table(r: dict[str, Any]) -> list[tuple[str, str, str, bool | None]]:
    """(what, target, measured, met) for every figure; met None where there is no target."""
    rows: list[tuple[str, str, str, bool | None]] = []

    def timed(what: str, key: str, bound: float, memory: bool = False) -> None:
        got = r[key]
        text = _ms(got["s"]) + (f", peak {got['peak_mb']:.0f} MB (RSS {got['before_mb']:.0f} MB before)"
                                if memory else "")
        ok = got["status"] == 200 and got["s"] < bound and (not memory or got["peak_mb"] < 150)
        target = f"< {_ms(bound)}" + (", < 150 MB" if memory else "")
        rows.append((what, target, text if got["status"] == 200 else f"HTTP {got['status']}", ok))

    rows.append(("the year's migrations to this code, once after the upgrade", "(measured)", _ms(r["migrate_s"]), None))
    c = r["columns"]
    rows.append((f"report columns of the year ({c['days']} days), once after the upgrade", "(measured)",
                 _ms(c["s"]), None))
    timed("reports/summary, one week", "summary_week", 0.2)
    timed("reports/summary, one month", "summary_month", 0.2)
    timed("reports/summary, one year", "summary_year", 1.0)
    timed("reports/summary.csv, one year", "summary_csv", 5.0, memory=True)
    timed("reports/summary.xlsx, one year", "summary_xlsx", 5.0, memory=True)
    timed("reports/ikm, one year", "ikm_year", 1.0)
    timed("reports/ikm, one month", "ikm_month", 0.2)
    timed("admin/audit, first page (7 days)", "audit_first", 0.2)
    timed("admin/audit, search 'loket-12' (7 days)", "audit_search", 0.2)
    timed("admin/audit, search 'loket-12' (a month)", "audit_search_month", 0.2)
    timed("admin/audit, search no match (a year)", "audit_search_year", 0.2)
    d = r["dashboard"]
    rows.append(("admin/overview (the dashboard's data)", "< 200 ms", _ms(d["overview_s"]), d["overview_s"] < 0.2))
    rows.append(("dashboard: /admin + everything it loads", "< 200 ms", _ms(d["page_s"]), d["page_s"] < 0.2))
    for name, key in (("idle, EMPTY database", "hall_idle_empty"), ("idle, a year", "hall_idle"),
                      ("while a year's XLSX is built", "hall_xlsx")):
        h = r[key]
        rows.append((f"kiosk issue p99, {name}", "< 100 ms", f"{h['issue_p99']:.0f} ms", h["issue_p99"] < 100))
        rows.append((f"call -> display p99, {name}", "< 100 ms", f"{h['call_p99']:.0f} ms", h["call_p99"] < 100))
    empty, year = r["rates_empty"], r["rates_year"]
    ratio = year["issue"].per_second / empty["issue"].per_second
    rows.append(("issues/s (8 clients): empty | a year", "year >= 90 % of empty",
                 f"{empty['issue'].per_second:.0f} | {year['issue'].per_second:.0f} /s, "
                 f"p99 {empty['issue'].p99_ms:.0f} | {year['issue'].p99_ms:.0f} ms, "
                 f"server CPU {empty['issue'].cpu_ms:.1f} | {year['issue'].cpu_ms:.1f} ms/req", ratio >= 0.9))
    ratio = year["call"]["per_second"] / empty["call"]["per_second"]
    rows.append(("calls/s (4 counters): empty | a year", "year >= 90 % of empty",
                 f"{empty['call']['per_second']:.0f} | {year['call']['per_second']:.0f} /s, "
                 f"p99 {empty['call']['p99_ms']:.0f} | {year['call']['p99_ms']:.0f} ms, "
                 f"server CPU {empty['call']['cpu_ms']:.1f} | {year['call']['cpu_ms']:.1f} ms/call", ratio >= 0.9))
    rows.append(("database file, a year", "(measured)", f"{r['db_mb']:.0f} MB", None))
    rows.append(("antrean backup of it (server running)", "(measured)", _ms(r["backup_s"]), None))
    rows.append(("server RSS idle on the year", "(measured)", f"{r['idle_mb']:.0f} MB", None))
    rows.append(("server RSS after the year's summary, CSV, XLSX and IKM", "< 150 MB",
                 f"{r['after_reports_mb']:.0f} MB", r["after_reports_mb"] < 150))
    return rows


def _print_table(results: dict[str, Any]) -> None:
    print("\n   | request | target | measured | |")
    print("   | --- | --- | --- | --- |")
    for what, target, got, met in table(results):
        mark = "" if met is None else ("met" if met else "MISSED")
        print(f"   | {what} | {target} | {got} | {mark} |")
    h = results["hall_xlsx"]
    print(f"   (while the XLSX was built: {h['issues']} issues, {h['refused']} refused, {h['calls']} calls, "
          f"{h['missing']} missing at the display; job: {h['job']})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--regenerate", action="store_true", help="make the cached year again")
    parser.add_argument("--per-day", type=int, default=4000, help="tickets a day in the year's history")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each short request (the median is shown)")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each rate and latency measurement")
    parser.add_argument("--engine", choices=["auto", "wrk", "gevent"], default="auto")
    parser.add_argument("--cache", type=Path, default=CACHE, help=f"where the year is kept (default {CACHE})")
    parser.add_argument("--issue-only", action="store_true",
                        help="only issue and call, empty database against the year (three idle rounds each)")
    args = parser.parse_args()
    if args.issue_only:
        issue_only(args.per_day, args.regenerate, args.seconds, args.engine, args.cache)
    else:
        run(args.per_day, args.regenerate, args.repeat, args.seconds, args.engine, args.cache)


if __name__ == "__main__":
    main()
