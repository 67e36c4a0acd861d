"""Shortcuts for driving the queue rules directly in tests (one transaction each)."""

from __future__ import annotations

from typing import Any

from server.core import counters, tickets


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
