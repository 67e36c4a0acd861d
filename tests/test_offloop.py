"""Nothing slow stops the hall: while an admin builds a big report, exports it, searches the
audit log or saves the configuration, a kiosk still issues tickets and the health check
still answers, on a live `antrean serve` (one gevent loop).

The history is written straight into the server's real SQLite file before it starts
(bench/history.py), sized so that a report over all of it takes seconds: long enough that
the loop, had it built the report itself, would keep every kiosk waiting that long.
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import requests
from conftest import TUESDAY_9AM, LiveServer, free_port, write_site

from bench.history import Seeded, seed_history, service_days

BOUND = 1.0  # seconds: generous; the hall usually answers in a few milliseconds
HISTORY_DAYS, PER_DAY = 100, 2500  # 250,000 tickets and nearly a million history rows
REPORT_DAYS = 40  # 100,000 tickets: a report of seconds on one loop
LAST_DAY = date(2026, 11, 30)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory, bundled_data: dict[str, Any]) -> tuple[Path, int, Seeded]:
    """The site's folder (its port written in), and the history written into its database."""
    folder = tmp_path_factory.mktemp("seeded-site")
    port = free_port()
    write_site(folder, bundled_data, port)
    made = seed_history(folder / "data" / "antrean.db", bundled_data, last_day=LAST_DAY, days=HISTORY_DAYS,
                        per_day=PER_DAY)
    return folder, port, made


@pytest.fixture(scope="module")
def seeded(history: tuple[Path, int, Seeded]) -> Iterator[LiveServer]:
    folder, port, _ = history
    server = LiveServer(folder, port, TUESDAY_9AM)
    server.start()
    server.add_user("admin-offloop", "admin")
    try:
        yield server
    finally:
        server.stop()


def _first_day(days: int = REPORT_DAYS) -> str:
    return service_days(LAST_DAY, days)[0].isoformat()


class Probe:
    """A kiosk and a monitor that keep asking while something slow runs."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self.answers: list[tuple[str, float, float, int]] = []  # what, started, seconds, status

    def _timed(self, what: str, call: Callable[[], requests.Response]) -> None:
        started = time.monotonic()
        status = call().status_code
        self.answers.append((what, started, time.monotonic() - started, status))

    def round(self, session: requests.Session) -> None:
        url = self.server.url
        self._timed("health", lambda: session.get(url + "/api/v1/health", timeout=60))
        self._timed("ticket", lambda: session.post(url + "/api/v1/tickets", json={"service_id": "kartu-keluarga"},
                                                  timeout=60))

    def during(self, slow: Callable[[], requests.Response]) -> tuple[requests.Response, float, float]:
        """Run `slow` in a thread; probe until it is done. Answers its response and its span."""
        result: list[requests.Response] = []
        began = time.monotonic()
        worker = threading.Thread(target=lambda: result.append(slow()))
        worker.start()
        time.sleep(0.2)  # the slow request has reached the server
        with requests.Session() as session:
            while worker.is_alive():
                self.round(session)
                time.sleep(0.05)
        worker.join()
        return result[0], began, time.monotonic()

    def check(self, began: float, ended: float) -> None:
        inside = [a for a in self.answers if a[1] >= began and a[1] + a[2] <= ended]
        slowest = max(self.answers, key=lambda a: a[2])
        assert all(status in (200, 201) for _, _, _, status in self.answers), self.answers
        assert slowest[2] < BOUND, f"the {slowest[0]} waited {slowest[2]:.2f} s while the slow request ran"
        assert {a[0] for a in inside} == {"health", "ticket"}, \
            f"no kiosk ticket or health answer came back while the slow request ran: {self.answers}"


def _admin(server: LiveServer) -> dict[str, str]:
    return server.login("admin-offloop")


def test_a_kiosk_issues_and_health_answers_while_a_big_report_is_built(
        seeded: LiveServer, history: tuple[Path, int, Seeded]) -> None:
    headers = _admin(seeded)
    probe = Probe(seeded)
    url = f"{seeded.url}/api/v1/reports/summary?from={_first_day()}&to={LAST_DAY}"
    answer, began, ended = probe.during(lambda: requests.get(url, headers=headers, timeout=300))
    assert answer.status_code == 200, answer.text
    # Every ticket of the 40 days, counted (the days of the history vary around PER_DAY).
    assert answer.json()["issued"] == history[2].issued_between(_first_day(), LAST_DAY.isoformat())
    probe.check(began, ended)


def test_a_kiosk_issues_while_a_big_report_is_exported_as_a_workbook(seeded: LiveServer) -> None:
    headers = _admin(seeded)
    probe = Probe(seeded)
    url = f"{seeded.url}/api/v1/reports/summary.xlsx?from={_first_day()}&to={LAST_DAY}&lang=en"
    answer, began, ended = probe.during(lambda: requests.get(url, headers=headers, timeout=300))
    assert answer.status_code == 200, answer.text
    assert answer.content[:2] == b"PK"  # a workbook (a zip), ready to open
    probe.check(began, ended)


def test_a_kiosk_issues_while_admins_search_the_whole_audit_log(
        seeded: LiveServer, history: tuple[Path, int, Seeded]) -> None:
    headers = _admin(seeded)
    probe = Probe(seeded)
    # Text that no row holds, of two letters (too short for the trigram index of migration 012,
    # which answers a longer one in milliseconds): every history row of the period is read and compared.
    url = f"{seeded.url}/api/v1/admin/audit?from={history[2].first_day}&to={LAST_DAY}&q=~~"
    answers: list[requests.Response] = []

    def three_admins_search() -> requests.Response:
        searches = [threading.Thread(target=lambda: answers.append(requests.get(url, headers=headers, timeout=300)))
                    for _ in range(3)]
        for search in searches:
            search.start()
        for search in searches:
            search.join()
        return answers[-1]

    _, began, ended = probe.during(three_admins_search)
    assert [answer.status_code for answer in answers] == [200, 200, 200], answers[0].text
    assert all(answer.json()["entries"] == [] for answer in answers)
    probe.check(began, ended)


def big_site(data: dict[str, Any], copies: int) -> dict[str, Any]:
    """The bundled site with each agency repeated `copies` times (new ids, prefixes and
    counters): a big city's hall, whose config.yaml takes seconds to read and write."""
    data = copy.deepcopy(data)
    agencies, counters = list(data["agencies"]), list(data["counters"])
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    for n in range(1, copies):
        made = 0
        for agency in agencies:
            twin = copy.deepcopy(agency)
            twin["id"] = f"{agency['id']}-{n}"
            for service in twin["services"]:
                service["id"] = f"{service['id']}-{n}"
                service["prefix"] = f"{n}{letters[made // 26]}{letters[made % 26]}"  # ends in a letter, unique
                made += 1
            data["agencies"].append(twin)
        for counter in counters:
            data["counters"].append({**counter, "id": f"{counter['id']}-{n}", "name": f"{counter['name']} {n}",
                                     "agency": f"{counter['agency']}-{n}",
                                     "services": [f"{s}-{n}" for s in counter["services"]]})
    return data


@pytest.fixture
def big_server(tmp_path: Path, bundled_data: dict[str, Any]) -> Iterator[LiveServer]:
    port = free_port()
    write_site(tmp_path, big_site(bundled_data, 6), port)
    server = LiveServer(tmp_path, port, TUESDAY_9AM)
    server.start()
    server.add_user("admin-offloop", "admin")
    try:
        yield server
    finally:
        server.stop()


def test_a_kiosk_issues_while_a_big_configuration_is_saved(big_server: LiveServer) -> None:
    headers = _admin(big_server)
    config = requests.get(big_server.url + "/api/v1/admin/config", headers=headers, timeout=60).json()
    probe = Probe(big_server)
    text = {**config["sections"]["running_text"], "running_text": "Selamat datang; loket buka sampai pukul 15.00."}

    def save() -> requests.Response:
        return requests.put(big_server.url + "/api/v1/admin/config/running_text", headers=headers, timeout=120,
                            json={"version": config["version"], "value": text})

    answer, began, ended = probe.during(save)
    assert answer.status_code == 200, answer.text
    assert "15.00" in big_server.config_path.read_text(encoding="utf-8")
    boot = requests.get(big_server.url + "/display/hall/boot.json", timeout=10).json()
    assert boot["site"]["running_text"] == text["running_text"]  # the hall took it at once
    probe.check(began, ended)
