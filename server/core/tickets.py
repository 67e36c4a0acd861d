"""Queue rules for tickets: issue, look up, position in line, estimated wait, expiry, cancel.

Plain functions over an open transaction (`tx`), the site index and a moment
(`now`, seconds since the epoch): no Flask here, so tests drive them directly.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from server.core import hours, visits
from server.core.errors import RuleError, conflict, not_found
from server.core.events import TicketCancelled, TicketExpired, TicketIssued
from server.core.site import SiteIndex
from server.core.store import Transaction
from server.core.vocabulary import (
    LANE_NORMAL,
    LANE_PRIORITY,
    PRIORITIES,
    WAIT_NO_COUNTER,
    WAIT_UNKNOWN,
    WaitEstimate,
    format_number,
)

RECENT_SERVICES = 20  # finished tickets that make up "recent service times"


def issued_today(tx: Transaction, service_day: str, service_id: str) -> int:
    value = tx.scalar(
        "SELECT last_seq FROM sequences WHERE service_day = ? AND service_id = ?", (service_day, service_id)
    )
    return int(value or 0)


def quota_taken(tx: Transaction, service_day: str, service_id: str) -> int:
    """How much of the service's daily quota is used: its tickets issued today and the later
    steps of today's visits that will come to it (server/core/visits.py), each counted once."""
    value = tx.scalar(
        "SELECT last_seq + visit_steps FROM sequences WHERE service_day = ? AND service_id = ?",
        (service_day, service_id),
    )
    return int(value or 0)


def closure_note(tx: Transaction, kind: str, target_id: str, service_day: str) -> str | None:
    """The reason a supervisor closed this service or counter for the day, if they did."""
    reason: str | None = tx.scalar(
        "SELECT reason FROM closures WHERE kind = ? AND target_id = ? AND service_day = ? "
        "AND reopened_at IS NULL ORDER BY id DESC LIMIT 1",
        (kind, target_id, service_day),
    )
    return reason


# A service that no counter can serve today (none is configured for it, or a supervisor
# closed every one of them): it takes no tickets, which nobody could call.
NO_COUNTER = "no_counter"


def quota_used(tx: Transaction, site: SiteIndex, service_id: str, service_day: str, issued: int) -> int:
    """How much of the day's quota walk-ins have used, counted so that `quota` is their limit.

    A service that takes bookings keeps its bookable share of the quota for them (its `booking`
    block): walk-ins may take the rest, and a checked-in booking's ticket, though numbered in
    the same sequence, is not counted against it. Returned as walk-ins plus the booked share,
    so "used up" stays `quota_used >= quota` for every service."""
    service = site.services[service_id]
    if service.booking is None or service.quota is None:
        return issued
    checked_in = int(tx.scalar(
        "SELECT count(*) FROM bookings WHERE service_id = ? AND day = ? AND status = 'checked_in'",
        (service_id, service_day)) or 0)
    return issued - checked_in + int(service.quota * service.booking.quota_share)


def service_availability(
    tx: Transaction, site: SiteIndex, service_id: str, now: float, issued: int | None = None
) -> hours.Availability:
    """Whether the service takes a (walk-in) ticket now; `issued` is today's quota_taken when the caller has it."""
    day = site.service_day(now)
    if issued is None:
        issued = quota_taken(tx, day, service_id)
    note = closure_note(tx, "service", service_id, day)
    used = quota_used(tx, site, service_id, day, issued)
    available = hours.availability(site, site.services[service_id], now, used, note)
    if available.open and not _serving_counters(tx, site, service_id, day, paused_too=False):
        return hours.Availability(False, NO_COUNTER)
    return available


def issue_ticket(
    tx: Transaction,
    site: SiteIndex,
    now: float,
    service_id: str,
    *,
    priority: str | None = None,
    kiosk_id: str | None = None,
    lang: str = "id",
    device: str | None = None,
    origin: str | None = None,
    booking_code: str | None = None,
    queue_at: float | None = None,
) -> dict[str, Any]:
    """Give the next number of a service's daily sequence to a new waiting ticket; `origin`: the
    address the kiosk reached the server at, where the ticket's QR code leads without a public_url.

    With `booking_code`, the ticket of a booking's check-in (server/core/bookings.py, which
    checks its window): the hours and the walk-ins' quota do not apply, a closure for today
    and a service without a counter do; it joins the line at `queue_at` (else now)."""
    service = site.service_or_404(service_id, "service_id")
    if kiosk_id is not None:
        site.kiosk_or_404(kiosk_id, "kiosk_id")
    if priority is not None and priority not in PRIORITIES:
        raise RuleError("invalid_request", f"priority must be one of {', '.join(PRIORITIES)}.", "priority")
    day = site.service_day(now)
    issued = issued_today(tx, day, service_id)
    if booking_code is not None:
        available = checkin_availability(tx, site, service_id, day)
    else:
        available = service_availability(tx, site, service_id, now, quota_taken(tx, day, service_id))
    if not available.open:
        if available.reason == hours.QUOTA_REACHED:
            if service.booking is not None and service.quota is not None:
                booked_part = int(service.quota * service.booking.quota_share)
                raise conflict("quota_reached", f"Today's {service.quota - booked_part} walk-in tickets for "
                               f"{service.name} are used up (the other {booked_part} of its quota of "
                               f"{service.quota} are for bookings); book a slot for another day.")
            raise conflict("quota_reached", f"Today's quota of {service.quota} tickets for {service.name} is used up.")
        opens = f" It opens again at {site.iso(available.opens_at)}." if available.opens_at else ""
        note = f" ({available.note})" if available.note else ""
        raise conflict("service_closed", f"{service.name} is not taking tickets now: {available.reason}{note}.{opens}")
    seq = issued + 1
    tx.execute(
        "INSERT INTO sequences (service_day, service_id, last_seq) VALUES (?, ?, ?) "
        "ON CONFLICT (service_day, service_id) DO UPDATE SET last_seq = excluded.last_seq",
        (day, service_id, seq),
    )
    ticket_id = secrets.token_hex(6)
    row = {
        "id": ticket_id,
        "service_day": day,
        "seq": seq,
        "number": format_number(service.prefix, seq),
        "issued_service_id": service_id,
        "service_id": service_id,
        "agency_id": site.agency_of[service_id],
        "status": "waiting",
        "priority": priority,
        "lang": lang,
        "kiosk_id": kiosk_id,
        "queue_lane": LANE_PRIORITY if priority else LANE_NORMAL,
        "queue_at": now if queue_at is None else queue_at,
        "issued_at": now,
        "survey_secret": secrets.token_urlsafe(16),  # only the ticket's QR code and its counter's tablet get it
        "origin": origin,
        "booking_code": booking_code,
    }
    columns = ", ".join(row)
    tx.execute(f"INSERT INTO tickets ({columns}) VALUES ({', '.join('?' * len(row))})", tuple(row.values()))
    tx.raise_event(TicketIssued(ticket_id=ticket_id, at=now, service_id=service_id, priority=priority,
                                device=device or kiosk_id))
    return get_row(tx, ticket_id)


def checkin_availability(tx: Transaction, site: SiteIndex, service_id: str, service_day: str) -> hours.Availability:
    """Whether a booking's check-in may make a ticket today: not when the service is closed for
    today by a supervisor or no counter can serve it (nobody would call the ticket)."""
    note = closure_note(tx, "service", service_id, service_day)
    if note is not None:
        return hours.Availability(False, hours.CLOSED_TODAY, note)
    if not _serving_counters(tx, site, service_id, service_day, paused_too=False):
        return hours.Availability(False, NO_COUNTER)
    return hours.Availability(True)


def get_row(tx: Transaction, ticket_id: str) -> dict[str, Any]:
    row = tx.one("SELECT * FROM tickets WHERE id = ?", (ticket_id,))
    if row is None:
        raise not_found("ticket_not_found", f"There is no ticket with id {ticket_id!r}.")
    return row


def ahead_of(tx: Transaction, site: SiteIndex, row: dict[str, Any]) -> int:
    """Waiting tickets that will be called before this one at the counters serving it."""
    if row["status"] != "waiting":
        return 0
    pool = site.pool_of_service.get(row["service_id"], (row["service_id"],))
    marks = ",".join("?" * len(pool))
    # Row values order the line exactly as call_next does: lane, time, then arrival.
    return int(
        tx.scalar(
            f"SELECT count(*) FROM tickets t, (SELECT queue_lane, queue_at, arrival FROM tickets WHERE id = ?) me "
            f"WHERE t.status = 'waiting' AND t.service_id IN ({marks}) AND t.service_day = ? "
            "AND (t.queue_lane, t.queue_at, t.arrival) < (me.queue_lane, me.queue_at, me.arrival)",
            (row["id"], *pool, row["service_day"]),
        )
    )


def average_service_seconds(tx: Transaction, site: SiteIndex, service_id: str) -> float | None:
    """How long a counter serving this service has lately been busy per visitor.

    From call to finish (the counter is taken while the visitor walks up too),
    over the last finished tickets at those counters; the published service
    standard when there are none yet.
    """
    counter_ids = site.counters_of_service.get(service_id, [])
    if counter_ids:
        # Each counter's own newest tickets (a range of tickets_counter_finished each), then the
        # newest of those. One query over all the counters made SQLite take the status index and
        # sort every finished ticket in history: ~600 ms a call after 60 days of 4,000 tickets.
        # "+status" keeps it off that index.
        newest = (
            "SELECT * FROM (SELECT finished_at, finished_at - called_at AS seconds FROM tickets "
            "WHERE counter_id = ? AND +status = 'done' AND finished_at IS NOT NULL AND called_at IS NOT NULL "
            "ORDER BY finished_at DESC LIMIT ?)"
        )
        union = " UNION ALL ".join([newest] * len(counter_ids))
        params = [value for counter_id in counter_ids for value in (counter_id, RECENT_SERVICES)]
        durations: list[float] = [
            r[0]
            for r in tx.execute(
                f"SELECT seconds FROM ({union}) ORDER BY finished_at DESC LIMIT ?", (*params, RECENT_SERVICES)
            )
        ]
        if durations:
            return sum(durations) / len(durations)
    service = site.services.get(service_id)
    standard = service.standard_minutes if service else None
    return standard * 60.0 if standard else None


def _serving_counters(tx: Transaction, site: SiteIndex, service_id: str, service_day: str, *,
                      paused_too: bool) -> list[str]:
    """The counters of a service that are not closed for the day (`paused_too`: nor paused)."""
    counter_ids = site.counters_of_service.get(service_id, [])
    if not counter_ids:
        return []
    marks = ",".join("?" * len(counter_ids))
    out = {
        r["target_id"] for r in tx.all(
            f"SELECT target_id FROM closures WHERE kind = 'counter' AND service_day = ? AND reopened_at IS NULL "
            f"AND target_id IN ({marks})", (service_day, *counter_ids))
    }
    if paused_too:
        out |= {
            r["counter_id"] for r in tx.all(
                f"SELECT counter_id FROM counter_state WHERE state = 'paused' AND counter_id IN ({marks})",
                tuple(counter_ids))
        }
    return [counter_id for counter_id in counter_ids if counter_id not in out]


def open_counter_count(tx: Transaction, site: SiteIndex, service_id: str, service_day: str) -> int:
    """Counters serving this service right now: not closed for the day and not paused."""
    return len(_serving_counters(tx, site, service_id, service_day, paused_too=True))


def wait_estimate(tx: Transaction, site: SiteIndex, service_id: str, ahead: int, service_day: str) -> WaitEstimate:
    """How long until a ticket with `ahead` tickets before it is likely to be called: the recent
    time per visitor, times those ahead, shared among the service's counters open right now."""
    counters = open_counter_count(tx, site, service_id, service_day)
    if counters == 0:
        return WaitEstimate(WAIT_NO_COUNTER)
    average = average_service_seconds(tx, site, service_id)
    if average is None:
        return WaitEstimate(WAIT_UNKNOWN)
    return WaitEstimate.of_seconds(int(round(ahead * average / counters)))


def wait_json(estimate: WaitEstimate | None) -> dict[str, Any]:
    """The estimate's fields in the API's Ticket and Service (None: not waiting, no estimate)."""
    return {
        "estimated_wait_seconds": estimate.seconds if estimate else None,
        "estimated_wait_minutes": estimate.minutes if estimate else None,
        "wait_status": estimate.status if estimate else None,
    }


def waiting_counts(tx: Transaction, service_day: str) -> dict[str, int]:
    return {
        r["service_id"]: r["n"]
        for r in tx.all(
            "SELECT service_id, count(*) AS n FROM tickets WHERE status = 'waiting' AND service_day = ? "
            "GROUP BY service_id",
            (service_day,),
        )
    }


def expire_stale(tx: Transaction, site: SiteIndex, now: float) -> int:
    """Tickets still waiting when their service day ended become `expired`."""
    today = site.service_day(now)
    stale = tx.all("SELECT id, service_id, step FROM tickets WHERE status = 'waiting' AND service_day < ?", (today,))
    for row in stale:
        tx.execute("UPDATE tickets SET status = 'expired' WHERE id = ?", (row["id"],))
        visits.follow(tx, row)  # its waiting step and the later ones are skipped
        tx.raise_event(TicketExpired(ticket_id=row["id"], at=now, service_id=row["service_id"]))
    # Counters still holding a ticket of an earlier day start the new day empty. Each counter's
    # ticket is looked up by id: a list of every past ticket (a year: 780,000) took 1.7 s, on
    # the loop, at every counter action and every housekeeping round.
    tx.execute(
        "UPDATE counter_state SET current_ticket_id = NULL WHERE current_ticket_id IS NOT NULL "
        "AND (SELECT service_day FROM tickets WHERE id = counter_state.current_ticket_id) < ?",
        (today,),
    )
    return len(stale)


def holds_secret(ticket: dict[str, Any], key: Any) -> bool:
    """Whether `key` is the ticket's secret, which only its QR code (and the survey tablet of
    its counter) carries, compared in constant time. A ticket id is public (displays, rooms);
    this secret is what shows that the visitor holding the paper is asking.

    A ticket issued before tickets had secrets has none: nobody holds it."""
    secret = ticket.get("survey_secret")
    return bool(secret) and isinstance(key, str) and hmac.compare_digest(key.encode(), str(secret).encode())


def cancel(tx: Transaction, site: SiteIndex, now: float, ticket_id: str, actor: str | None = None,
           key: str | None = None) -> dict[str, Any]:
    """The visitor gives up their place: a waiting ticket becomes cancelled.

    The visitor proves it is theirs with the ticket's secret (`key`, from its QR code); staff
    (`actor`) may cancel for a visitor. Only a waiting ticket: once called, the counter is
    waiting for the visitor and its officer ends the ticket (finish or no-show). Cancelling a
    cancelled ticket again changes nothing and answers it as it is, so a retried request (a
    phone on a bad connection) is no error.
    """
    ticket = get_row(tx, ticket_id)
    if actor is None and not holds_secret(ticket, key):
        raise RuleError("cancel_forbidden", "key: only the visitor holding the ticket (the link in its QR code) or "
                        "staff can cancel it.", "key")
    if ticket["status"] == "cancelled":
        return ticket
    if ticket["status"] != "waiting":
        raise conflict("not_cancellable", f"Ticket {ticket['number']} is {ticket['status']} and can no longer be "
                       "cancelled; only a waiting ticket can.")
    tx.execute("UPDATE tickets SET status = 'cancelled', finished_at = ? WHERE id = ?", (now, ticket_id))
    visits.follow(tx, ticket)  # a visit of several steps: this one and the later ones are skipped
    # Its paper, if it still waits for a printer, is no longer wanted. (Imported here:
    # print_queue reads tickets through this module.)
    from server.core import print_queue

    print_queue.drop_pending(tx, now, ticket_id, f"Ticket {ticket['number']} was cancelled; not printed.")
    tx.raise_event(TicketCancelled(ticket_id=ticket_id, at=now, actor=actor, service_id=ticket["service_id"]))
    return get_row(tx, ticket_id)


def waiting_line(tx: Transaction, site: SiteIndex, service_ids: list[str], now: float,
                 counter_id: str | None = None) -> list[dict[str, Any]]:
    """Today's waiting tickets of these services, in the order they will be called (by
    `counter_id`: without the visitors coming back to another counter, server/core/visits.py)."""
    marks = ",".join("?" * len(service_ids))
    mine = "AND (only_counter IS NULL OR only_counter = ?) " if counter_id is not None else ""
    return tx.all(
        f"SELECT id, number, service_id, priority, issued_at, queue_lane, transferred_from FROM tickets "
        f"WHERE status = 'waiting' AND service_day = ? AND service_id IN ({marks}) {mine}"
        "ORDER BY queue_lane, queue_at, arrival",
        (site.service_day(now), *service_ids, *([counter_id] if counter_id is not None else [])),
    )
