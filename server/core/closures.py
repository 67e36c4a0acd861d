"""Closing a service or a counter for today, with a reason, and reopening it.

A closed service takes no tickets (the kiosk shows `closed_today` with the
reason, see `tickets.closure_note`); a closed counter refuses to call
(`counters._ready`). A closure lasts until reopened or until the day ends.
"""

from __future__ import annotations

from typing import Any

from server.core.audit import audit
from server.core.errors import RuleError, conflict, not_found
from server.core.site import SiteIndex
from server.core.store import Transaction
from server.core.tickets import closure_note

KINDS = ("service", "counter")


def agency_of_target(site: SiteIndex, kind: str, target_id: str) -> str:
    """The agency a service or counter belongs to; 404 when it does not exist."""
    if kind == "service":
        if target_id not in site.services:
            raise RuleError("unknown_service", f"There is no service with id {target_id!r}.", "target_id")
        return site.agency_of[target_id]
    if kind == "counter":
        if target_id not in site.counters:
            raise RuleError("unknown_counter", f"There is no counter with id {target_id!r}.", "target_id")
        return site.counters[target_id].agency
    raise RuleError("invalid_request", f"kind: expected one of {', '.join(KINDS)}.", "kind")


def _emit(tx: Transaction, site: SiteIndex, kind: str, target_id: str) -> None:
    """Kiosks and counters learn at once: the service's tiles, the counter's services."""
    if kind == "service":
        tx.emit("queue", target_id)
    else:
        tx.emit("counter", target_id)
        for service_id in site.counters[target_id].services:
            tx.emit("queue", service_id)


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
    audit(tx, now, actor, f"{kind}_closed", target=target_id, address=address, detail={"reason": reason})
    _emit(tx, site, kind, target_id)
    return get(tx, site, int(cursor.lastrowid or 0))


def reopen(tx: Transaction, site: SiteIndex, now: float, closure_id: int, actor: str | None,
           address: str | None = None) -> dict[str, Any]:
    """Reopen what a closure closed."""
    closure = get(tx, site, closure_id)
    if closure["reopened_at"] is not None:
        raise conflict("already_reopened", "This closure has already been lifted.")
    tx.execute("UPDATE closures SET reopened_at = ? WHERE id = ?", (now, closure_id))
    audit(tx, now, actor, f"{closure['kind']}_reopened", target=closure["target_id"], address=address,
          detail={"reason": closure["reason"]})
    if closure["kind"] in KINDS and (closure["target_id"] in site.services or closure["target_id"] in site.counters):
        _emit(tx, site, closure["kind"], closure["target_id"])
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
