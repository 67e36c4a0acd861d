"""(d) Start-up time and memory of `antrean serve` with the bundled site.

Start-up: from starting the process to the first successful GET /api/v1/health,
on a new data folder (schema created) and on a restart (schema already there).
Memory: resident set (VmRSS) of the serve process when idle after start; the busy
day (bench_day) reports it after the day as well.

    .venv/bin/python -m bench.bench_startup [--runs 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.harness import BenchServer, machine_note


def measure(runs: int, python: str | None = None) -> dict[str, float]:
    """Start-up (new data folder and restart) and idle memory with one Python environment."""
    folder = Path(tempfile.mkdtemp(prefix="antrean-bench-start-"))
    fresh, again, rss, cpu = [], [], [], []
    try:
        warm = BenchServer(folder=folder, python=python)  # compiles the bytecode cache once
        warm.start()
        warm.stop()
        for _ in range(runs):
            shutil.rmtree(folder / "data", ignore_errors=True)
            server = BenchServer(folder=folder, python=python)
            fresh.append(server.start())
            server.stop()
            again.append(server.start())
            cpu.append(server.startup_cpu_seconds)
            time.sleep(1.0)  # settle: idle
            rss.append(server.rss_mb())
            server.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "startup_new_s": statistics.median(fresh), "startup_restart_s": statistics.median(again),
        "startup_best_s": min(fresh + again), "rss_idle_mb": statistics.median(rss),
        "startup_cpu_s": statistics.median(cpu),
    }


def run(runs: int = 5) -> dict[str, Any]:
    print("\n== (d) Start-up time and memory (bundled site) ==", flush=True)
    print("   " + machine_note())
    figures = measure(runs)
    test_env = measure(runs, sys.executable)
    print(f"   process start -> first good /api/v1/health, median of {runs}:")
    for label, row in (("as scripts/serve installs it", figures),
                       ("in the test environment (.venv)", test_env)):
        print(f"   {label:<32} new data folder {row['startup_new_s']:.2f} s, restart {row['startup_restart_s']:.2f} s "
              f"(best {row['startup_best_s']:.2f} s); CPU until ready {row['startup_cpu_s']:.2f} s; "
              f"idle RSS {row['rss_idle_mb']:.0f} MB")
    print("   (the test environment has requests and redis, which python-socketio's client imports at start)")
    figures["test_env"] = test_env
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    run(args.runs)


if __name__ == "__main__":
    main()
