"""Shortcuts for driving the queue rules directly in tests (one transaction each)."""

from __future__ import annotations

import threading
from typing import Any

import yaml

from server.core import counters, tickets
from server.core.config_load import parse_config
from server.core.store import Store


def issue(app: Any, service_id: str, **options: Any) -> dict[str, Any]:
    with app.hall.store.write() as tx:
        return tickets.issue_ticket(tx, app.site, app.clock.now(), service_id, **options)


def act(app: Any, rule: str, counter_id: str, *args: Any, **options: Any) -> Any:
    with app.hall.store.write() as tx:
        return getattr(counters, rule)(tx, app.site, app.clock.now(), counter_id, *args, **options)


def ticket(app: Any, ticket_id: str) -> dict[str, Any]:
    from server.web import views

    with app.hall.store.read() as tx:
        return views.ticket_json(tx, app.site, tickets.get_row(tx, ticket_id))


def seed_sequence(store: Store, service_day: str, service_id: str, last_seq: int) -> None:
    """A busy day: as if `last_seq` tickets of this service were already issued on `service_day`
    (much cheaper than issuing them), so the next one is number `last_seq + 1`."""
    with store.write() as tx:
        tx.execute(
            "INSERT INTO sequences (service_day, service_id, last_seq) VALUES (?, ?, ?) "
            "ON CONFLICT (service_day, service_id) DO UPDATE SET last_seq = excluded.last_seq",
            (service_day, service_id, last_seq),
        )


def three_services_site() -> Any:
    """Two agencies, three services, three counters (one shared by two services): the small site
    the Hypothesis state machines drive, built from the bundled site's hours."""
    from conftest import BUNDLED_CONFIG

    bundled = yaml.safe_load(BUNDLED_CONFIG.read_text(encoding="utf-8"))
    return parse_config({
        "site": {**bundled["site"], "breaks": [], "holidays": []},
        "agencies": [
            {"id": "capil", "name": "Dukcapil", "short_name": "Dukcapil", "services": [
                {"id": "ktp", "name": "KTP", "prefix": "A"}, {"id": "kk", "name": "KK", "prefix": "B"}]},
            {"id": "pajak", "name": "Bapenda", "short_name": "Bapenda", "services": [
                {"id": "pbb", "name": "PBB", "prefix": "PBB"}]},
        ],
        "counters": [
            {"id": "loket-1", "name": "Loket 1", "agency": "capil", "services": ["ktp", "kk"]},
            {"id": "loket-2", "name": "Loket 2", "agency": "capil", "services": ["ktp"]},
            {"id": "loket-3", "name": "Loket 3", "agency": "pajak", "services": ["pbb"]},
        ],
    })


def together(count: int, work: Any, timeout: float = 120) -> list[Any]:
    """`work(index)` in `count` threads released at the same moment; their results in order."""
    results: list[Any] = [None] * count
    errors: list[BaseException] = []
    start = threading.Barrier(count)

    def run(index: int) -> None:
        try:
            start.wait()
            results[index] = work(index)
        except BaseException as exc:  # reported below, so a failure is not silent
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not errors, errors
    return results
