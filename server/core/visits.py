"""Visits of several steps: one ticket, one number, the visitor's services in order.

A visit is a ticket whose `step` names its current step in `ticket_steps` (positions 1..n).
The ticket's row always holds the current step's service, status, counter and times, so every
line, counter, display, announcement and report query reads tickets exactly as for a plain
ticket (which has no step rows at all: `step` is NULL, and its JSON shows it as one step).
The rules here keep the two in step; `counters.py` and `tickets.py` call `follow` after every
change of a ticket's row, and `advance` where a counter finishes a step that is not the last.

The rules (docs/visits.md says them for people):
- Issue: two to five different services. Each must take a ticket now (open, before its
  cut-off, not closed, a counter to serve it) and have quota left; every step takes one place
  of its service's daily quota at issue (`sequences.visit_steps` for the later ones), so a
  visitor is never turned away halfway. A place once given is not given back, as a ticket's.
- A counter finishes a step that is not the last: the step is `done`, the ticket `waiting` in
  the next step's line by itself, at the place `site.visits.next_step_place` says (the finish
  time, or the visitor's arrival), in its own lane (priority or normal), never ahead of the
  transferred or priority lanes. The ticket is `done` when its last step is.
- No-show, cancel, day-end expiry: that step ends so (`no_show`; a cancelled or expired step
  reads `skipped`) and every later step is `skipped`.
- Transfer replaces the current step's service (it waits at the front of the new line); the
  later steps stay.
- An officer at the counter holding the ticket adds a step after the current one, and with
  `return_to_counter` one more, back to their own counter's service that only their counter
  calls. Added steps are not new tickets: hours and quota do not apply (as for a transfer).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final

from server.core import places, tickets
from server.core.errors import RuleError, conflict
from server.core.events import TicketStepAdded, TicketStepFinished, VisitPlacesTaken
from server.core.hours import QUOTA_REACHED
from server.core.site import SiteIndex
from server.core.store import Transaction
from server.core.vocabulary import AT_COUNTER, LANE_NORMAL, LANE_PRIORITY, STEP_ENDED

MIN_STEPS_AT_ISSUE: Final = 2
MAX_STEPS_AT_ISSUE: Final = 5
MAX_STEPS: Final = 8  # with the steps officers add
ENDED = STEP_ENDED
# A ticket's status as its step says it: a cancelled or expired visit skipped the step it waited in.
_STEP_STATUS: Final = {"cancelled": "skipped", "expired": "skipped"}


def step_status(ticket_status: str) -> str:
    return _STEP_STATUS.get(ticket_status, ticket_status)


def check_services(tx: Transaction, site: SiteIndex, now: float, service_ids: Sequence[str]) -> None:
    """Refuse a visit whose services are not 2-5 different ones that each take a ticket now."""
    if not MIN_STEPS_AT_ISSUE <= len(service_ids) <= MAX_STEPS_AT_ISSUE:
        raise RuleError("invalid_request", f"service_ids: give {MIN_STEPS_AT_ISSUE} to {MAX_STEPS_AT_ISSUE} "
                        "services, in the order the visitor goes to them (one service: use service_id).",
                        "service_ids")
    if len(set(service_ids)) != len(service_ids):
        raise RuleError("invalid_request", "service_ids: each service once; an officer can send the visitor "
                        "back to a service later.", "service_ids")
    day = site.service_day(now)
    for position, service_id in enumerate(service_ids, start=1):
        service = site.service_or_404(service_id, "service_ids")
        available = tickets.service_availability(tx, site, service_id, now, tickets.quota_taken(tx, day, service_id))
        if available.open:
            continue
        where = f"step {position} ({service.name})"
        if available.reason == QUOTA_REACHED:
            raise RuleError("quota_reached", f"service_ids: today's quota of {service.quota} for {where} is used "
                            "up; choose the visit without it.", "service_ids")
        note = f" ({available.note})" if available.note else ""
        raise RuleError("service_closed", f"service_ids: {where} is not taking visitors now: "
                        f"{available.reason}{note}.", "service_ids")


def issue_visit(tx: Transaction, site: SiteIndex, now: float, service_ids: Sequence[str],
                **options: Any) -> dict[str, Any]:
    """One ticket for several services: the number from the first; every step takes its quota."""
    check_services(tx, site, now, service_ids)
    row = tickets.issue_ticket(tx, site, now, service_ids[0], **options)
    day = row["service_day"]
    for position, service_id in enumerate(service_ids, start=1):
        first = position == 1
        tx.execute(
            "INSERT INTO ticket_steps (ticket_id, position, service_id, agency_id, status, queued_at) "
            "VALUES (?,?,?,?,?,?)",
            (row["id"], position, service_id, site.agency_of[service_id], "waiting" if first else "pending",
             now if first else None),
        )
        if not first:  # its place in this service's quota (the first took its number)
            tx.execute(
                "INSERT INTO sequences (service_day, service_id, last_seq, visit_steps) VALUES (?, ?, 0, 1) "
                "ON CONFLICT (service_day, service_id) DO UPDATE SET visit_steps = visit_steps + 1",
                (day, service_id),
            )
    tx.execute("UPDATE tickets SET step = 1 WHERE id = ?", (row["id"],))
    tx.raise_event(VisitPlacesTaken(ticket_id=row["id"], service_ids=tuple(service_ids[1:])))
    return tickets.get_row(tx, row["id"])


def follow(tx: Transaction, ticket: dict[str, Any], *, queued_at: float | None = None) -> None:
    """Copy the ticket's row (as it is now) onto its current step; when the visit ended there
    (no-show, cancel, expiry), skip the later steps. Nothing for a plain ticket."""
    if ticket.get("step") is None:
        return
    row = tickets.get_row(tx, ticket["id"])
    status = step_status(row["status"])
    tx.execute(
        "UPDATE ticket_steps SET status = ?, service_id = ?, agency_id = ?, counter_id = ?, officer = ?, "
        "only_counter_id = ?, called_at = ?, started_at = ?, finished_at = ?, queued_at = coalesce(?, queued_at) "
        "WHERE ticket_id = ? AND position = ?",
        (status, row["service_id"], row["agency_id"], row["counter_id"], row["officer"], row["only_counter"],
         row["called_at"], row["started_at"], row["finished_at"] if status in ENDED else None, queued_at,
         row["id"], row["step"]),
    )
    if status in ("no_show", "skipped"):
        tx.execute("UPDATE ticket_steps SET status = 'skipped' WHERE ticket_id = ? AND position > ? "
                   "AND status = 'pending'", (row["id"], row["step"]))


def next_step(tx: Transaction, ticket: dict[str, Any]) -> dict[str, Any] | None:
    """The step after the ticket's current one, or None (a plain ticket, or the last step)."""
    if ticket.get("step") is None:
        return None
    return tx.one("SELECT * FROM ticket_steps WHERE ticket_id = ? AND position = ?",
                  (ticket["id"], ticket["step"] + 1))


def next_place(site: SiteIndex, ticket: dict[str, Any], now: float) -> tuple[int, float]:
    """(lane, time) the ticket joins the next step's line at: its own lane, and the finish time
    or its arrival (`site.visits.next_step_place`)."""
    lane = LANE_PRIORITY if ticket["priority"] else LANE_NORMAL
    arrival = site.config.site.visits.next_step_place == "arrival"
    return lane, float(ticket["issued_at"]) if arrival else now


def advance(tx: Transaction, site: SiteIndex, now: float, ticket: dict[str, Any], counter_id: str,
            actor: str | None) -> None:
    """The counter finished the ticket's current step: done, and the ticket waits in the next line."""
    following = next_step(tx, ticket)
    assert following is not None  # the caller asked next_step first
    tx.execute(
        "UPDATE ticket_steps SET status = 'done', finished_at = ?, counter_id = ?, officer = ?, called_at = ?, "
        "started_at = ? WHERE ticket_id = ? AND position = ?",
        (now, counter_id, ticket["officer"], ticket["called_at"], ticket["started_at"], ticket["id"], ticket["step"]),
    )
    lane, queue_at = next_place(site, ticket, now)
    tx.execute(
        "UPDATE tickets SET status = 'waiting', service_id = ?, agency_id = ?, queue_lane = ?, queue_at = ?, "
        "counter_id = NULL, called_at = NULL, started_at = NULL, finished_at = NULL, transferred_from = NULL, "
        "step = ?, only_counter = ? WHERE id = ?",
        (following["service_id"], following["agency_id"], lane, queue_at, following["position"],
         following["only_counter_id"], ticket["id"]),
    )
    tx.execute("UPDATE ticket_steps SET status = 'waiting', queued_at = ? WHERE ticket_id = ? AND position = ?",
               (now, ticket["id"], following["position"]))
    tx.raise_event(TicketStepFinished(ticket_id=ticket["id"], at=now, actor=actor, counter_id=counter_id,
                                      service_id=ticket["service_id"], next_service_id=following["service_id"],
                                      position=int(ticket["step"])))


def holding_counter(tx: Transaction, ticket_id: str) -> str | None:
    counter_id: str | None = tx.scalar("SELECT counter_id FROM counter_state WHERE current_ticket_id = ?",
                                       (ticket_id,))
    return counter_id


def _make_steps(tx: Transaction, ticket: dict[str, Any]) -> None:
    """A plain ticket becomes a visit: its one step written from its row."""
    tx.execute(
        "INSERT INTO ticket_steps (ticket_id, position, service_id, agency_id, status, counter_id, officer, "
        "queued_at, called_at, started_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
        (ticket["id"], 1, ticket["service_id"], ticket["agency_id"], step_status(ticket["status"]),
         ticket["counter_id"], ticket["officer"], ticket["queue_at"], ticket["called_at"], ticket["started_at"]),
    )
    tx.execute("UPDATE tickets SET step = 1 WHERE id = ?", (ticket["id"],))


def add_step(tx: Transaction, site: SiteIndex, now: float, ticket_id: str, service_id: str, *,
             return_to_counter: bool, actor: str | None, may_use: Callable[[str], bool]) -> dict[str, Any]:
    """At the counter holding the ticket (`may_use` says whether the user holds that counter):
    a step for `service_id` right after the current one, and with `return_to_counter` one more
    after it, back to this counter's service, that only this counter calls."""
    site.service_or_404(service_id, "service_id")
    ticket = tickets.get_row(tx, ticket_id)
    counter_id = holding_counter(tx, ticket_id)
    if counter_id is None or ticket["status"] not in AT_COUNTER or not may_use(counter_id):
        raise conflict("not_at_counter", f"Ticket {ticket['number']} is not at a counter of yours now: a step is "
                       "added by the counter that has called it, before finishing it.")
    adding = 2 if return_to_counter else 1
    if ticket["step"] is None:
        _make_steps(tx, ticket)
        ticket = tickets.get_row(tx, ticket_id)
    total = int(tx.scalar("SELECT count(*) FROM ticket_steps WHERE ticket_id = ?", (ticket_id,)))
    if total + adding > MAX_STEPS:
        raise conflict("too_many_steps", f"Ticket {ticket['number']} has {total} steps; a visit has at most "
                       f"{MAX_STEPS}.")
    current = int(ticket["step"])
    # Make room after the current step. Through negative positions: the key is checked row by row.
    tx.execute("UPDATE ticket_steps SET position = -(position + ?) WHERE ticket_id = ? AND position > ?",
               (adding, ticket_id, current))
    tx.execute("UPDATE ticket_steps SET position = -position WHERE ticket_id = ? AND position < 0", (ticket_id,))
    added: list[tuple[str, str | None]] = [(service_id, None)]
    if return_to_counter:
        added.append((ticket["service_id"], counter_id))
    for offset, (step_service, only) in enumerate(added, start=1):
        tx.execute(
            "INSERT INTO ticket_steps (ticket_id, position, service_id, agency_id, status, only_counter_id, "
            "added_by, added_at) VALUES (?,?,?,?,'pending',?,?,?)",
            (ticket_id, current + offset, step_service, site.agency_of[step_service], only, actor, now),
        )
    tx.raise_event(TicketStepAdded(ticket_id=ticket_id, at=now, actor=actor, counter_id=counter_id,
                                   service_id=service_id, position=current + 1, return_to_counter=return_to_counter))
    return tickets.get_row(tx, ticket_id)


def has_room(tx: Transaction, ticket_id: str) -> bool:
    """Whether one more step (the smallest addition) fits in the ticket's visit."""
    total = int(tx.scalar("SELECT count(*) FROM ticket_steps WHERE ticket_id = ?", (ticket_id,)) or 1)
    return total < MAX_STEPS


def steps_of(tx: Transaction, ticket: dict[str, Any]) -> list[dict[str, Any]]:
    """The ticket's steps in order, as rows; a plain ticket's one step made from its row."""
    if ticket.get("step") is None:
        status = step_status(ticket["status"])
        return [{
            "ticket_id": ticket["id"], "position": 1, "service_id": ticket["service_id"],
            "agency_id": ticket["agency_id"], "status": status, "counter_id": ticket["counter_id"],
            "only_counter_id": None, "added_by": None, "queued_at": ticket["queue_at"],
            "called_at": ticket["called_at"], "started_at": ticket["started_at"],
            "finished_at": ticket["finished_at"] if status in ENDED else None,
        }]
    return tx.all("SELECT * FROM ticket_steps WHERE ticket_id = ? ORDER BY position", (ticket["id"],))


def steps_json(tx: Transaction, site: SiteIndex, ticket: dict[str, Any], ahead: int) -> list[dict[str, Any]]:
    """The Ticket's `steps`: each with its service, status, counter and, while it waits, how
    many are ahead; times and where to go (the same words as the ticket's `place`)."""
    current = ticket.get("step") or 1
    out = []
    for step in steps_of(tx, ticket):
        service = site.services.get(step["service_id"])
        agency = site.agencies.get(step["agency_id"])
        counter = site.counters.get(step["counter_id"] or "")
        name = service.name if service else step["service_id"]
        where = places.ticket_place(site, {"counter_id": step["counter_id"] or step["only_counter_id"],
                                           "service_id": step["service_id"]})
        out.append({
            "position": step["position"],
            "service_id": step["service_id"],
            "service_name": name,
            "service_name_en": (service.name_en if service else None) or name,
            "agency_id": step["agency_id"],
            "agency_short_name": agency.short_name if agency else step["agency_id"],
            "status": step["status"],
            "current": step["position"] == current,
            "counter_id": step["counter_id"],
            "counter_name": counter.name if counter else None,
            "return_counter_id": step["only_counter_id"],
            "added": step["added_by"] is not None,
            "ahead": ahead if step["position"] == current and step["status"] == "waiting" else None,
            "queued_at": site.iso(step["queued_at"]),
            "called_at": site.iso(step["called_at"]),
            "started_at": site.iso(step["started_at"]),
            "finished_at": site.iso(step["finished_at"]),
            "place": where["place"],
            "place_en": where["place_en"],
        })
    return out
