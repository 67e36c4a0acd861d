"""The JSON a hall display gets (the contract's Call and display state), built from database
rows: each call with which displays speak it, and everything a display shows, sent on every
(re)subscribe."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from server.core import announcements, tickets
from server.core.migrations import TODAYS_CALLS
from server.core.site import SiteIndex
from server.core.store import Transaction
from server.web import views

if TYPE_CHECKING:
    from server.web.hall import Announcer

RECENT_CALLS = 10
CALLING_SECONDS = 120  # a call stays "being called" this long unless the visitor arrives first


def call_json(tx: Transaction, site: SiteIndex, call: dict[str, Any], announcer: Announcer) -> dict[str, Any]:
    counter = site.counters[call["counter_id"]]
    # Which displays speak it and which mark it "not announced" (server/core/announcements.py).
    plan = announcements.decide(tx, site, call, lambda row: announcer.seconds(row["number"], row["counter_id"]))
    return {
        "call_id": call["id"],
        "ticket_id": call["ticket_id"],
        "number": call["number"],
        "counter_id": call["counter_id"],
        "counter_name": counter.name,
        "counter_name_en": counter.english_name,
        "service_id": call["service_id"],
        "agency_id": site.agency_of[call["service_id"]],
        "called_at": site.iso(call["at"]),
        "recall": bool(call["recall"]),
        "announcement": {**announcer.announcement(call["number"], call["counter_id"]), **plan},
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
        f"SELECT * FROM calls {TODAYS_CALLS} WHERE counter_id IN ({marks}) AND at >= ? ORDER BY id DESC LIMIT ?",
        (*counter_ids, site.day_start(now), RECENT_CALLS),
    )
    today = site.service_day(now)
    states = views.counter_states(tx, counter_ids)
    calling = [
        call_json(tx, site, r, announcer)
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
        "recent": [call_json(tx, site, r, announcer) for r in recent_rows],
        "counters": [
            {
                "id": c,
                "name": site.counters[c].name,
                "name_en": site.counters[c].english_name,
                "current_number": states.get(c, {}).get("number"),
                "state": states.get(c, {}).get("state", "open"),
                **views.counter_closure(tx, c, today),
            }
            for c in counter_ids
        ],
        "waiting": {s: waiting.get(s, 0) for s in services},
        "last_call_id": tx.scalar("SELECT max(id) FROM calls") or 0,
    }
