"""Run every benchmark once and print the figures next to the aims.

    .venv/bin/python -m bench.run_all            # about 5 minutes on the 2-core machine
    .venv/bin/python -m bench.run_all --quick    # a smaller day and shorter loads (a smoke run)
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

from bench import bench_day, bench_display, bench_issue, bench_startup
from bench.harness import timed


def _aims(a: dict[str, Any], b: dict[str, Any], c: dict[str, Any], d: dict[str, Any]) -> list[tuple[str, str, bool]]:
    rss = max(d["rss_idle_mb"], c["rss_after_mb"])
    return [
        ("issues/s at 8 clients >= 700", f"{a['issue_per_second_8']:.0f}/s", a["issue_per_second_8"] >= 700),
        ("issue p99 at 8 clients < 50 ms", f"{a['issue_p99_ms_8']:.1f} ms", a["issue_p99_ms_8"] < 50),
        ("issue rate >= 60 % of the bare endpoint",
         f"{a['issue_vs_bare']:.0%}" + (" (both stalled at ~44 ms, see (a))" if a["stalled"] else ""),
         a["issue_vs_bare"] >= 0.6),
        ("call -> 100 displays p99 < 100 ms", f"{b['p99_ms']:.1f} ms", b["p99_ms"] < 100),
        ("every display got every call (b)", f"{b['missing']} missing", b["missing"] == 0),
        ("busy day >= 50x real time", f"{c['speedup']:.0f}x", c["speedup"] >= 50),
        ("busy day: nothing lost", f"{c['lost_display']} display, {c['lost_phone']} phone",
         c["lost_display"] == 0 and c["lost_phone"] == 0),
        ("server memory < 120 MB", f"{d['rss_idle_mb']:.0f} MB idle, {c['rss_after_mb']:.0f} MB busy", rss < 120),
        ("start-up < 1.5 s", f"{d['startup_restart_s']:.2f} s", d["startup_restart_s"] < 1.5),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a smaller day and shorter loads")
    parser.add_argument("--engine", choices=["auto", "wrk", "gevent"], default="auto")
    args = parser.parse_args()
    began = time.perf_counter()
    load_before = os.getloadavg()[0]
    d = timed("startup", lambda: bench_startup.run(3))
    a = timed("issue", lambda: bench_issue.run(2.0 if args.quick else 4.0, args.engine))
    b = timed("display", lambda: bench_display.run(20 if args.quick else 60))
    bare = timed("display, bare clients", lambda: bench_display.run(20 if args.quick else 60, light=True))
    c = timed("busy day", lambda: bench_day.run(800 if args.quick else 4000, 100 if args.quick else 500))
    print(f"\n== Summary ({time.perf_counter() - began:.0f} s; load average {load_before:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after) ==")
    for aim, got, met in _aims(a, b, c, d):
        print(f"   {'met   ' if met else 'MISSED'} {aim:<42} {got}")
    print(f"   also: HTTP issue / SQLite ceiling {a['http_vs_sqlite']:.0%}; call -> 100 displays p99 with bare "
          f"WebSocket clients {bare['p99_ms']:.0f} ms (the server's share); call -> display p99 in the busy day "
          f"{c['display_p99_ms']:.0f} ms; start-up on a new data folder {d['startup_new_s']:.2f} s, "
          f"CPU until ready {d['startup_cpu_s']:.2f} s; in the test environment start-up "
          f"{d['test_env']['startup_restart_s']:.2f} s and {d['test_env']['rss_idle_mb']:.0f} MB idle")
    print("   (servers run in an environment set up as scripts/serve sets one up; see bench/harness.py)")


if __name__ == "__main__":
    main()
