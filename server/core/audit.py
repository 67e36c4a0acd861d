"""The two logs of who did what, when and from where, written from the events rules raise.

`record` is called by `Transaction.raise_event` for every event, inside the rule's
transaction: a change and its log row commit or roll back together.

- A ticket's change (`TicketEvent`) becomes a row of `ticket_events`, the ticket's history
  (read by reports, the audit search and the counter's day figures).
- An administrative act (`AuditEvent`) becomes a row of `audit_log`.
- Anything else is news for screens only and writes nothing.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from server.core.events import AuditEvent, Event, TicketEvent

if TYPE_CHECKING:  # the store calls us; we only use its transaction
    from server.core.store import Transaction


def record(tx: Transaction, event: Event) -> None:
    if isinstance(event, TicketEvent):
        detail = event.detail()
        tx.execute(
            "INSERT INTO ticket_events (ticket_id, at, kind, counter_id, actor, device, detail) "
            "VALUES (?,?,?,?,?,?,?)",
            (event.ticket_id, event.at, event.kind, event.counter_id, event.actor, event.device or tx.device,
             json.dumps(detail) if detail else None),
        )
    elif isinstance(event, AuditEvent):
        detail = event.detail()
        tx.execute(
            "INSERT INTO audit_log (at, actor, action, target, address, detail) VALUES (?,?,?,?,?,?)",
            (event.at, event.actor, event.action(), event.target(), event.address,
             json.dumps(detail, ensure_ascii=False) if detail else None),
        )
