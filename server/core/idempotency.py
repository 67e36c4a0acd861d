"""Idempotent ticket requests: a repeat of a request answers the first one's ticket (a new
ticket, or a step added to a visit at a counter).

A kiosk whose answer was lost on the way (Wi-Fi dropped, a proxy timed out) cannot
know whether its ticket was issued; it sends the request again with the same
`Idempotency-Key`. The key is written in the ticket's own transaction, so there is
never a ticket without its key or a key without its ticket, and two repeats arriving
at once queue on the write lock (and the table's primary key): one ticket.

Keys are kept per service day, as numbers are; a key is only asked about on the day
it was sent, so older days' keys are deleted as new ones are written.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

from server.core.errors import RuleError
from server.core.store import Transaction

HEADER = "Idempotency-Key"
_KEY = re.compile(r"[\x21-\x7e]{1,128}")  # visible ASCII: no spaces, no control or non-ASCII characters


def parse_key(raw: str | None) -> str | None:
    """The header's key, None when the request sent none, 422 when it is not 1-128 visible ASCII."""
    if raw is None:
        return None
    if not _KEY.fullmatch(raw):
        raise RuleError("invalid_request", f"{HEADER} must be 1 to 128 visible ASCII characters "
                        "(letters, digits and punctuation, no spaces).", HEADER)
    return raw


def fingerprint(body: Mapping[str, Any]) -> str:
    """What the request asked for, as a digest: the same request gives the same one whatever
    the order of its fields or the defaults it left out (the caller passes the parsed body)."""
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def earlier_ticket(tx: Transaction, service_day: str, key: str, digest: str) -> str | None:
    """The id of the ticket this key was first sent for today, or None for a new key."""
    row = tx.one("SELECT fingerprint, ticket_id FROM idempotency_keys WHERE service_day = ? AND key = ?",
                 (service_day, key))
    if row is None:
        return None
    if row["fingerprint"] != digest:
        raise RuleError("idempotency_key_reused", f"This {HEADER} was already used today for a different "
                        "request; send a new key for a new ticket.", HEADER)
    ticket_id: str = row["ticket_id"]
    return ticket_id


def remember(tx: Transaction, service_day: str, key: str, digest: str, ticket_id: str, now: float) -> None:
    """Record the key of a ticket just issued, in its transaction."""
    tx.execute("DELETE FROM idempotency_keys WHERE service_day < ?", (service_day,))
    tx.execute("INSERT INTO idempotency_keys (service_day, key, fingerprint, ticket_id, created_at) "
               "VALUES (?, ?, ?, ?, ?)", (service_day, key, digest, ticket_id, now))
