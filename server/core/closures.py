"""Closing a service or a counter for today, with a reason, and reopening it.

A closed service takes no tickets (the kiosk shows `closed_today` with the
reason, see `tickets.closure_note`); a closed counter refuses to call
(`counters._ready`). A closure lasts until reopened or until the day ends.
"""

from __future__ import annotations

from typing import Any

from server.core.errors import RuleError, conflict, not_found
from server.core.events import ClosureLifted, ClosureMade
from server.core.site import SiteIndex
from server.core.store import Transaction
from server.core.tickets import closure_note

KINDS = ("service", "counter")


def agency_of_target(site: SiteIndex, kind: str, target_id: str) -> str:
    """The agency a service or counter belongs to; 404 when it does not exist."""
    if kind == "service":
        site.service_or_404(target_id, "target_id")
        return site.agency_of[target_id]
    if kind == "counter":
        return site.counter_or_404(target_id, "target_id").agency
    raise RuleError("invalid_request", f"kind: expected one of {', '.join(KINDS)}.", "kind")


def close(tx: Transaction, site: SiteIndex, now: float, kind: str, target_id: str, reason: str,
          actor: str | None, address: str | None = None) -> dict[str, Any]:
    """Close a service or counter for the rest of today."""
    agency_of_target(site, kind, target_id)
    reason = reason.strip()
    if not reason:
        raise RuleError("invalid_request", "reason: say why, e.g. \"sistem pusat sedang gangguan\".", "reason")
    day = site.service_day(now)
    if closure_note(tx, kind, target_id, day) is not None:
        raise conflict("already_closed", f"This {kind} is already closed for today; reopen it first.")
    cursor = tx.execute(
        "INSERT INTO closures (kind, target_id, service_day, reason, actor, at) VALUES (?,?,?,?,?,?)",
        (kind, target_id, day, reason, actor, now),
    )
    tx.raise_event(ClosureMade(at=now, actor=actor, address=address, closure_kind=kind, target_id=target_id,
                               reason=reason))
    return get(tx, site, int(cursor.lastrowid or 0))


def reopen(tx: Transaction, site: SiteIndex, now: float, closure_id: int, actor: str | None,
           address: str | None = None) -> dict[str, Any]:
    """Reopen what a closure closed."""
    closure = get(tx, site, closure_id)
    if closure["reopened_at"] is not None:
        raise conflict("already_reopened", "This closure has already been lifted.")
    tx.execute("UPDATE closures SET reopened_at = ? WHERE id = ?", (now, closure_id))
    tx.raise_event(ClosureLifted(at=now, actor=actor, address=address, closure_kind=closure["kind"],
                                 target_id=closure["target_id"], reason=closure["reason"]))
    return get(tx, site, closure_id)


def get(tx: Transaction, site: SiteIndex, closure_id: int) -> dict[str, Any]:
    # SQLite integers are 64-bit: a larger id (from a URL) cannot exist.
    row = tx.one("SELECT * FROM closures WHERE id = ?", (closure_id,)) if closure_id < 2**63 else None
    if row is None:
        raise not_found("unknown_closure", f"There is no closure with id {closure_id}.")
    return closure_json(site, row)


def closure_json(site: SiteIndex, row: dict[str, Any]) -> dict[str, Any]:
    if row["kind"] == "service":
        target = site.services.get(row["target_id"])
        name = target.name if target else row["target_id"]
        agency_id = site.agency_of.get(row["target_id"])
    else:
        counter = site.counters.get(row["target_id"])
        name = counter.name if counter else row["target_id"]
        agency_id = counter.agency if counter else None
    return {
        "id": row["id"],
        "kind": row["kind"],
        "target_id": row["target_id"],
        "target_name": name,
        "agency_id": agency_id,
        "service_day": row["service_day"],
        "reason": row["reason"],
        "actor": row["actor"],
        "at": site.iso(row["at"]),
        "reopened_at": site.iso(row["reopened_at"]),
        "active": row["reopened_at"] is None,
    }


def list_day(tx: Transaction, site: SiteIndex, day: str, agency_id: str | None = None) -> list[dict[str, Any]]:
    """The closures of a service day (still active ones first), optionally of one agency."""
    rows = tx.all("SELECT * FROM closures WHERE service_day = ? ORDER BY reopened_at IS NOT NULL, id DESC", (day,))
    items = [closure_json(site, row) for row in rows]
    return [c for c in items if agency_id is None or c["agency_id"] == agency_id]
