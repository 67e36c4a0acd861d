"""The JSON shapes of the contract (Ticket, Service, Counter, Call, display state),
built from database rows. One place, so the API and the Socket.IO events agree.
"""

from __future__ import annotations

import re
from typing import Any, Protocol

from server.core import tickets
from server.core.site import SiteIndex
from server.core.store import Transaction

RECENT_CALLS = 10
CALLING_SECONDS = 120  # a call stays "being called" this long unless the visitor arrives first


class Announcer(Protocol):
    def announcement(self, number: str, counter_id: str) -> dict[str, Any]: ...


NOT_REQUESTED = {"status": "not_requested", "printer_id": None, "error": None}


def print_info(tx: Transaction, ticket_id: str) -> dict[str, Any]:
    """The latest print job of a ticket in the contract's `print` shape."""
    job = tx.one(
        "SELECT status, printer_id, error FROM print_jobs WHERE ticket_id = ? ORDER BY id DESC LIMIT 1", (ticket_id,)
    )
    if job is None:
        return dict(NOT_REQUESTED)
    status = "queued" if job["status"] == "pending" else job["status"]
    return {"status": status, "printer_id": job["printer_id"], "error": job["error"]}


def ticket_json(
    tx: Transaction, site: SiteIndex, row: dict[str, Any], print_state: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The contract's Ticket; `print_state` when the caller already knows it (a ticket just issued)."""
    # A ticket outlives configuration changes: a service or agency removed since keeps its id as name.
    service = site.services.get(row["service_id"])
    agency = site.agencies.get(row["agency_id"])
    service_name = service.name if service else row["service_id"]
    agency_name = agency.name if agency else row["agency_id"]
    ahead = tickets.ahead_of(tx, site, row)
    waiting = row["status"] == "waiting"
    counter = site.counters.get(row["counter_id"] or "")
    return {
        "id": row["id"],
        "number": row["number"],
        "service_id": row["service_id"],
        "agency_id": row["agency_id"],
        "status": row["status"],
        "priority": row["priority"],
        "issued_at": site.iso(row["issued_at"]),
        "called_at": site.iso(row["called_at"]),
        "started_at": site.iso(row["started_at"]),
        "finished_at": site.iso(row["finished_at"]),
        "counter_id": row["counter_id"],
        "ahead": ahead,
        "estimated_wait_seconds": tickets.estimated_wait(tx, site, row["service_id"], ahead) if waiting else None,
        "status_url": f"{site.config.site.public_url}/t/{row['id']}",
        "print": print_state if print_state is not None else print_info(tx, row["id"]),
        "lang": row["lang"],
        "service_day": row["service_day"],
        "service_name": service_name,
        "service_name_en": (service.name_en if service else None) or service_name,
        "agency_name": agency_name,
        "agency_name_en": (agency.name_en if agency else None) or agency_name,
        "agency_short_name": agency.short_name if agency else agency_name,
        "counter_name": counter.name if counter else None,
        "counter_name_en": counter_name_en(counter) if counter else None,  # STUB: front-end contract, issue #11
        "counter_names": [site.counters[c].name for c in site.counters_of_service.get(row["service_id"], [])],
        "counter_names_en": [  # STUB: front-end contract, issue #11
            counter_name_en(site.counters[c]) for c in site.counters_of_service.get(row["service_id"], [])
        ],
    }


def service_json(tx: Transaction, site: SiteIndex, service_id: str, now: float, waiting: int) -> dict[str, Any]:
    service = site.services[service_id]
    day = site.service_day(now)
    issued = tickets.issued_today(tx, day, service_id)
    available = tickets.service_availability(tx, site, service_id, now, issued)
    return {
        "id": service.id,
        "agency_id": site.agency_of[service_id],
        "name": service.name,
        "name_en": service.name_en or service.name,
        "prefix": service.prefix,
        "open": available.open,
        "closed_reason": available.reason,
        "closed_note": available.note,
        "opens_at": site.iso(available.opens_at),
        "waiting": waiting,
        "quota": service.quota,
        "remaining": max(service.quota - issued, 0) if service.quota is not None else None,
        "standard_minutes": service.standard_minutes,
        "estimated_wait_seconds": tickets.estimated_wait(tx, site, service_id, waiting),
        "keywords": service.keywords,
        "popular": service.popular,
        "counter_ids": site.counters_of_service.get(service_id, []),
    }


def queue_json(tx: Transaction, site: SiteIndex, service_id: str, now: float) -> dict[str, Any]:
    """The `queue.updated` payload: what a kiosk tile needs to stay honest."""
    day = site.service_day(now)
    waiting = int(
        tx.scalar(
            "SELECT count(*) FROM tickets WHERE status = 'waiting' AND service_day = ? AND service_id = ?",
            (day, service_id),
        )
    )
    full = service_json(tx, site, service_id, now, waiting)
    keys = ("waiting", "remaining", "open", "closed_reason", "closed_note", "opens_at", "estimated_wait_seconds")
    return {"service_id": service_id, **{key: full[key] for key in keys}}


def counter_json(tx: Transaction, site: SiteIndex, counter_id: str) -> dict[str, Any]:
    counter = site.counters[counter_id]
    state = tx.one("SELECT * FROM counter_state WHERE counter_id = ?", (counter_id,)) or {
        "state": "open",
        "current_ticket_id": None,
        "officer": None,
    }
    current = None
    if state["current_ticket_id"]:
        current = ticket_json(tx, site, tickets.get_row(tx, state["current_ticket_id"]))
    return {
        "id": counter.id,
        "name": counter.name,
        "name_en": counter_name_en(counter),  # STUB: front-end contract, issue #11
        "agency_id": counter.agency,
        "service_ids": list(counter.services),
        "state": state["state"],
        "current": current,
        "officer": state["officer"],
        "floor": counter.floor,
        "actions": _actions_stub(state["state"], current),  # STUB: front-end contract, issue #11
    }


# STUB (front-end contract, issue #11): the rules' helper replaces these two with the real
# `name_en` of a counter and the actions computed by server/core/counters.py.
def counter_name_en(counter: Any) -> str:
    return getattr(counter, "name_en", None) or re.sub(r"^Loket\b", "Counter", counter.name)


def _actions_stub(state: str, current: dict[str, Any] | None) -> dict[str, bool]:
    open_, status = state != "paused", current["status"] if current else None
    return {
        "call-next": open_, "call": open_, "recall": current is not None, "start": status == "called",
        "finish": current is not None, "no-show": status in ("called", "serving"),
        "transfer": current is not None, "pause": open_, "resume": not open_,
    }


def call_json(site: SiteIndex, call: dict[str, Any], announcer: Announcer) -> dict[str, Any]:
    counter = site.counters[call["counter_id"]]
    return {
        "call_id": call["id"],
        "ticket_id": call["ticket_id"],
        "number": call["number"],
        "counter_id": call["counter_id"],
        "counter_name": counter.name,
        "counter_name_en": counter_name_en(counter),  # STUB: front-end contract, issue #11
        "service_id": call["service_id"],
        "agency_id": site.agency_of[call["service_id"]],
        "called_at": site.iso(call["at"]),
        "recall": bool(call["recall"]),
        "announcement": announcer.announcement(call["number"], call["counter_id"]),
    }


def get_call(tx: Transaction, call_id: int) -> dict[str, Any] | None:
    return tx.one("SELECT * FROM calls WHERE id = ?", (call_id,))


def display_state(
    tx: Transaction, site: SiteIndex, display_id: str, now: float, announcer: Announcer
) -> dict[str, Any]:
    """Everything a display shows, as true now: sent on every (re)subscribe."""
    counter_ids = site.display_counters(display_id)
    marks = ",".join("?" * len(counter_ids)) or "''"
    recent_rows = tx.all(
        f"SELECT * FROM calls WHERE counter_id IN ({marks}) AND at >= ? ORDER BY id DESC LIMIT ?",
        (*counter_ids, site.day_start(now), RECENT_CALLS),
    )
    today = site.service_day(now)
    states = {
        r["counter_id"]: r
        for r in tx.all(
            f"SELECT s.counter_id, s.state, t.number, t.status, t.id AS ticket_id FROM counter_state s "
            f"LEFT JOIN tickets t ON t.id = s.current_ticket_id WHERE s.counter_id IN ({marks})",
            tuple(counter_ids),
        )
    }
    calling = [
        call_json(site, r, announcer)
        for r in recent_rows
        if now - r["at"] < CALLING_SECONDS
        and states.get(r["counter_id"], {}).get("ticket_id") == r["ticket_id"]
        and states[r["counter_id"]]["status"] == "called"
    ]
    # A recall and its first call are one "calling" entry: keep the newest per ticket.
    seen: set[str] = set()
    calling = [c for c in calling if not (c["ticket_id"] in seen or seen.add(c["ticket_id"]))]
    waiting = tickets.waiting_counts(tx, today)
    services = sorted({s for c in counter_ids for s in site.counters[c].services})
    return {
        "display_id": display_id,
        "calling": calling,
        "recent": [call_json(site, r, announcer) for r in recent_rows],
        "counters": [
            {
                "id": c,
                "name": site.counters[c].name,
                "current_number": states.get(c, {}).get("number"),
                "state": states.get(c, {}).get("state", "open"),
            }
            for c in counter_ids
        ],
        "waiting": {s: waiting.get(s, 0) for s in services},
        "last_call_id": tx.scalar("SELECT max(id) FROM calls") or 0,
    }
