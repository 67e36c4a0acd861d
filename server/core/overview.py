"""The live overview a supervisor watches: waiting per service, the longest wait now,
counters busy, idle, paused or closed, and tickets served today against the usual.
"""

from __future__ import annotations

from typing import Any

from server.core import reports, tickets
from server.core.site import SiteIndex
from server.core.store import Transaction


def _services_in(site: SiteIndex, agency_id: str | None) -> list[str]:
    return [s.id for a in site.config.agencies if agency_id in (None, a.id) for s in a.services]


def counter_activity(state: dict[str, Any] | None, closed_note: str | None) -> str:
    """One word for a counter now: closed (for today), paused, busy (has a visitor) or idle."""
    if closed_note is not None:
        return "closed"
    if state is None:
        return "idle"
    if state["state"] == "paused":
        return "paused"
    return "busy" if state["current_ticket_id"] else "idle"


def overview(tx: Transaction, site: SiteIndex, now: float, agency_id: str | None = None) -> dict[str, Any]:
    """Everything the dashboard shows, for the whole hall or one agency."""
    day = site.service_day(now)
    service_ids = _services_in(site, agency_id)
    lines = {
        r["service_id"]: r
        for r in tx.all(
            "SELECT service_id, count(*) AS waiting, min(issued_at) AS oldest FROM tickets "
            "WHERE status = 'waiting' AND service_day = ? GROUP BY service_id",
            (day,),
        )
    }
    services = []
    for service_id in service_ids:
        line = lines.get(service_id)
        available = tickets.service_availability(tx, site, service_id, now)
        service = site.services[service_id]
        services.append({
            "service_id": service_id,
            "name": service.name,
            "name_en": service.name_en or service.name,
            "agency_id": site.agency_of[service_id],
            "prefix": service.prefix,
            "waiting": int(line["waiting"]) if line else 0,
            "longest_wait_seconds": int(now - line["oldest"]) if line else None,
            "open": available.open,
            "closed_reason": available.reason,
            "closed_note": available.note,
        })
    return {
        "at": site.iso(now),
        "agency_id": agency_id,
        "waiting": sum(s["waiting"] for s in services),
        "longest_wait": _longest_wait(tx, site, day, service_ids, now),
        "services": services,
        "counters": _counters(tx, site, day, agency_id),
        "served_today": reports.served_vs_usual(tx, site, now, agency_id=agency_id),
    }


def _longest_wait(
    tx: Transaction, site: SiteIndex, day: str, service_ids: list[str], now: float,
) -> dict[str, Any] | None:
    if not service_ids:
        return None
    marks = ",".join("?" * len(service_ids))
    row = tx.one(
        f"SELECT id, number, service_id, issued_at FROM tickets WHERE status = 'waiting' AND service_day = ? "
        f"AND service_id IN ({marks}) ORDER BY issued_at LIMIT 1",
        (day, *service_ids),
    )
    if row is None:
        return None
    return {"seconds": int(now - row["issued_at"]), "number": row["number"], "service_id": row["service_id"],
            "ticket_id": row["id"]}


def _counters(tx: Transaction, site: SiteIndex, day: str, agency_id: str | None) -> dict[str, Any]:
    states = {
        r["counter_id"]: r
        for r in tx.all(
            "SELECT s.counter_id, s.state, s.current_ticket_id, s.officer, t.number, t.status AS ticket_status "
            "FROM counter_state s LEFT JOIN tickets t ON t.id = s.current_ticket_id"
        )
    }
    served = {
        r["counter_id"]: r["n"]
        for r in tx.all(
            "SELECT counter_id, count(*) AS n FROM tickets WHERE service_day = ? AND status = 'done' "
            "GROUP BY counter_id",
            (day,),
        )
    }
    items = []
    for counter in site.config.counters:
        if agency_id is not None and counter.agency != agency_id:
            continue
        state = states.get(counter.id)
        note = tickets.closure_note(tx, "counter", counter.id, day)
        items.append({
            "counter_id": counter.id,
            "name": counter.name,
            "name_en": counter.english_name,
            "agency_id": counter.agency,
            "activity": counter_activity(state, note),
            "closed_note": note,
            "current_number": state["number"] if state else None,
            "current_status": state["ticket_status"] if state else None,
            "officer": state["officer"] if state else None,
            "served_today": int(served.get(counter.id, 0)),
        })
    totals = {kind: sum(1 for c in items if c["activity"] == kind) for kind in ("busy", "idle", "paused", "closed")}
    return {"totals": {**totals, "open": totals["busy"] + totals["idle"]}, "items": items}
