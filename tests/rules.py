"""Shortcuts for driving the queue rules directly in tests (one transaction each)."""

from __future__ import annotations

from typing import Any

from server.core import counters, tickets
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
