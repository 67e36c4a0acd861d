"""(g) The kiosk search over the bundled site's 144 services: how long one query takes in
`server/core/service_search.py`, for the table of real queries the tests use (typos,
informal spellings, phrases, English, agencies' names), for a visitor typing letter by
letter, and through the route (`GET /api/v1/services/search`, Flask's test client). The
target: well under the kiosk's 150 ms pause after a key, so the list follows the typing.

    .venv/bin/python -m bench.bench_search [--repeat 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from server.core import service_search
from server.core.config_load import load_config

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 20.0


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"p50 {statistics.median(ordered):.2f} ms, p99 {p99:.2f} ms, max {ordered[-1]:.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "tests"))
    from test_service_search import QUERIES

    config = load_config(ROOT / "config.yaml")
    started = time.perf_counter()
    service_search.ServiceSearch(config)
    build_ms = (time.perf_counter() - started) * 1000
    services = sum(len(agency.services) for agency in config.agencies)
    print(f"index of {services} services built in {build_ms:.1f} ms (once per configuration)")

    samples = []
    for _ in range(args.repeat):
        for query, _first in QUERIES:
            started = time.perf_counter()
            service_search.search(config, query)
            samples.append((time.perf_counter() - started) * 1000)
    print(f"{len(QUERIES)} real queries x {args.repeat}: {percentiles(samples)} (target p99 < {TARGET_MS:.0f} ms)")

    typed = []
    for _ in range(args.repeat):
        for text in ("saya mau buat paspor", "perpanjang sim", "kartu keluarga hilang"):
            for end in range(1, len(text) + 1):
                started = time.perf_counter()
                service_search.search(config, text[:end])
                typed.append((time.perf_counter() - started) * 1000)
    print(f"typing letter by letter ({len(typed)} queries): {percentiles(typed)}")

    from server.app import create_app

    with tempfile.TemporaryDirectory(prefix="antrean-bench-search-") as folder:
        app, _socketio = create_app(config, data_dir=Path(folder))
        client = app.test_client()
        route = []
        for _ in range(args.repeat):
            for query, _first in QUERIES:
                started = time.perf_counter()
                answer = client.get("/api/v1/services/search", query_string={"q": query})
                route.append((time.perf_counter() - started) * 1000)
                assert answer.status_code == 200
        print(f"through the route ({len(route)} requests): {percentiles(route)}")


if __name__ == "__main__":
    main()
