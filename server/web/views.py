"""The JSON shapes of the contract (Ticket, Service, Counter, ...), built from database rows.
One place, so the API and the Socket.IO events agree; a display's own (Call, display state)
are in server/web/display_views.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from printers import messages
from server.core import (
    addresses,
    counters,
    day_figures,
    hours,
    near,
    places,
    print_queue,
    tickets,
    visits,
)
from server.core.site import SiteIndex
from server.core.store import Transaction

if TYPE_CHECKING:
    pass

def status_url(site: SiteIndex, row: dict[str, Any]) -> str:
    """The ticket's phone page: at `site.public_url`, else where its kiosk reached the server."""
    base = site.config.site.public_url or row.get("origin") or addresses.UNKNOWN_ORIGIN
    return f"{base}/t/{row['id']}"


def qr_url(site: SiteIndex, row: dict[str, Any]) -> str:
    """The address of the ticket's QR code: its `status_url` with the survey secret (`?k=`).

    Only the ticket's visitor gets it (the issuing kiosk's answer, the printed and on-screen
    QR code); every shape that others can read carries the bare `status_url` of `ticket_json`."""
    bare = status_url(site, row)
    return f"{bare}?k={row['survey_secret']}" if row.get("survey_secret") else bare


def ticket_json(
    tx: Transaction, site: SiteIndex, row: dict[str, Any], print_state: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The contract's Ticket, a public shape (never the survey secret); `print_state` when the
    caller already knows it (a ticket just issued)."""
    # A ticket outlives configuration changes: a service or agency removed since keeps its id as name.
    service = site.services.get(row["service_id"])
    agency = site.agencies.get(row["agency_id"])
    service_name = service.name if service else row["service_id"]
    agency_name = agency.name if agency else row["agency_id"]
    ahead = tickets.ahead_of(tx, site, row)
    waiting = row["status"] == "waiting"
    counter = site.counters.get(row["counter_id"] or "")
    serving = site.counters_of_service.get(row["service_id"], [])
    estimate = tickets.wait_estimate(tx, site, row["service_id"], ahead, row["service_day"]) if waiting else None
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
        **tickets.wait_json(estimate),
        **near.near_json(near.of_ticket(tx, site, row, ahead, estimate)),  # "your turn is near"
        "status_url": status_url(site, row),
        "print": print_state if print_state is not None else print_queue.print_state(tx, row["id"]),
        "lang": row["lang"],
        "service_day": row["service_day"],
        "service_name": service_name,
        "service_name_en": (service.name_en if service else None) or service_name,
        "agency_name": agency_name,
        "agency_name_en": (agency.name_en if agency else None) or agency_name,
        "agency_short_name": agency.short_name if agency else agency_name,
        "counter_name": counter.name if counter else None,
        "counter_name_en": counter.english_name if counter else None,
        "counter_names": [site.counters[c].name for c in serving],
        "counter_names_en": [site.counters[c].english_name for c in serving],
        # A visitor coming back to the counter that sent them on goes to that counter only.
        **places.ticket_place(site, {**row, "counter_id": row["counter_id"] or row.get("only_counter")}),
        "booking_code": row.get("booking_code"),  # the booking whose check-in made it (server/core/bookings.py)
        "steps": visits.steps_json(tx, site, row, ahead),
    }


def service_json(tx: Transaction, site: SiteIndex, service_id: str, now: float, waiting: int) -> dict[str, Any]:
    return _service(tx, site, service_id, now, waiting)[0]


def _service(
    tx: Transaction, site: SiteIndex, service_id: str, now: float, waiting: int
) -> tuple[dict[str, Any], hours.Availability]:
    """The contract's Service, and whether it takes tickets now (for the hall's state)."""
    service = site.services[service_id]
    day = site.service_day(now)
    issued = tickets.quota_taken(tx, day, service_id)  # tickets and the later steps of visits
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
        # Walk-ins' tickets left: a service that takes bookings keeps their share (tickets.quota_used).
        "remaining": max(service.quota - tickets.quota_used(tx, site, service_id, day, issued), 0)
        if service.quota is not None else None,
        "standard_minutes": service.standard_minutes,
        **tickets.wait_json(tickets.wait_estimate(tx, site, service_id, waiting, day)),
        "keywords": service.keywords,
        "popular": service.popular,
        "counter_ids": site.counters_of_service.get(service_id, []),
    }, available


def services_json(tx: Transaction, site: SiteIndex, now: float) -> list[dict[str, Any]]:
    """Every service and its state now, in configuration order."""
    return [service for service, _ in _services(tx, site, now)]


def _services(tx: Transaction, site: SiteIndex, now: float) -> list[tuple[dict[str, Any], hours.Availability]]:
    waiting = tickets.waiting_counts(tx, site.service_day(now))
    return [_service(tx, site, service_id, now, waiting.get(service_id, 0)) for service_id in site.services]


def agencies_json(tx: Transaction, site: SiteIndex, now: float) -> dict[str, Any]:
    """Agencies with their services, and whether the hall takes tickets at all (and when next)."""
    services = _services(tx, site, now)
    by_agency: dict[str, list[dict[str, Any]]] = {}
    for service, _ in services:
        by_agency.setdefault(service["agency_id"], []).append(service)
    hall = hours.hall_availability(available for _, available in services)
    return {
        "agencies": [
            {
                "id": agency.id,
                "name": agency.name,
                "short_name": agency.short_name,
                "name_en": agency.name_en or agency.name,
                "logo_url": f"/media/logos/{agency.id}" if agency.logo else None,
                "services": by_agency.get(agency.id, []),
            }
            for agency in site.config.agencies
        ],
        "hall": {"open": hall.open, "reason": hall.reason, "opens_at": site.iso(hall.opens_at)},
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
    keys = ("waiting", "remaining", "open", "closed_reason", "closed_note", "opens_at", "estimated_wait_seconds",
            "estimated_wait_minutes", "wait_status")
    return {"service_id": service_id, **{key: full[key] for key in keys}}


def _last_called(tx: Transaction, site: SiteIndex, counter_id: str, now: float) -> dict[str, Any] | None:
    """The counter's latest call today: what its page shows once it holds no ticket."""
    row = counters.last_called(tx, site, counter_id, now)
    if row is None:
        return None
    return {"ticket_id": row["id"], "number": row["number"], "status": row["status"], "called_at": site.iso(row["at"])}


def counter_json(tx: Transaction, site: SiteIndex, counter_id: str, now: float) -> dict[str, Any]:
    """The contract's Counter, with the `actions` the rules would accept now."""
    counter = site.counters[counter_id]
    state = tx.one("SELECT * FROM counter_state WHERE counter_id = ?", (counter_id,)) or {
        "counter_id": counter_id,
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
        "name_en": counter.english_name,
        "agency_id": counter.agency,
        "service_ids": list(counter.services),
        "state": state["state"],
        "current": current,
        "officer": state["officer"],
        "floor": counter.floor,
        "last_called": _last_called(tx, site, counter_id, now),
        "actions": counters.allowed_actions(tx, site, state, current["status"] if current else None, now),
        **counter_closure(tx, counter_id, site.service_day(now)),
    }


def counter_closure(tx: Transaction, counter_id: str, service_day: str) -> dict[str, Any]:
    """Whether a supervisor closed the counter for the day, and the reason they gave."""
    note = tickets.closure_note(tx, "counter", counter_id, service_day)
    return {"closed": note is not None, "closed_note": note}


def counter_states(tx: Transaction, counter_ids: list[str]) -> dict[str, dict[str, Any]]:
    """Each counter's state and the number, status and id of the ticket it holds (counters never used have none)."""
    marks = ",".join("?" * len(counter_ids)) or "''"
    rows = tx.all(
        "SELECT s.counter_id, s.state, t.number, t.status, t.id AS ticket_id FROM counter_state s "
        f"LEFT JOIN tickets t ON t.id = s.current_ticket_id WHERE s.counter_id IN ({marks})",
        tuple(counter_ids),
    )
    return {row["counter_id"]: row for row in rows}


def public_counters_json(tx: Transaction, site: SiteIndex) -> dict[str, Any]:
    """Counters with their state and the number each is serving: what anyone may see."""
    states = counter_states(tx, list(site.counters))
    return {
        "counters": [
            {
                "id": c.id,
                "name": c.name,
                "name_en": c.english_name,
                "agency_id": c.agency,
                "service_ids": list(c.services),
                "state": states.get(c.id, {}).get("state", "open"),
                "current_number": states.get(c.id, {}).get("number"),
                "floor": c.floor,
            }
            for c in site.config.counters
        ]
    }


def counter_queue_json(tx: Transaction, site: SiteIndex, counter_id: str, now: float) -> dict[str, Any]:
    """A counter's waiting lines: per service the count, the priority count and the oldest wait, then
    every waiting ticket in call order."""
    service_ids = list(site.counters[counter_id].services)
    line = tickets.waiting_line(tx, site, service_ids, now, counter_id=counter_id)
    services = []
    for service_id in service_ids:
        service = site.services[service_id]
        mine = [t for t in line if t["service_id"] == service_id]
        oldest = min((t["issued_at"] for t in mine), default=None)
        services.append({
            "service_id": service_id,
            "name": service.name,
            "name_en": service.name_en or service.name,
            "standard_minutes": service.standard_minutes,
            "waiting": len(mine),
            "priority_waiting": sum(1 for t in mine if t["priority"]),
            "oldest_wait_seconds": int(now - oldest) if oldest is not None else None,
        })
    return {
        "services": services,
        "tickets": [
            {
                "id": t["id"],
                "number": t["number"],
                "service_id": t["service_id"],
                "priority": t["priority"],
                "transferred": t["transferred_from"] is not None,
                "issued_at": site.iso(t["issued_at"]),
                "waiting_seconds": int(now - t["issued_at"]),
            }
            for t in line
        ],
    }


def counter_figures_json(tx: Transaction, site: SiteIndex, counter_id: str, officer: str, now: float) -> dict[str, Any]:
    """Today's figures of the counter and of the officer, and the mean standard of its services."""
    standards = [site.services[s].standard_minutes for s in site.counters[counter_id].services]
    known = [s for s in standards if s]
    return {
        "counter": day_figures.of_today(tx, site, now, counter_id=counter_id),
        "officer": day_figures.of_today(tx, site, now, officer=officer),
        "standard_seconds": round(sum(known) / len(known) * 60) if known else None,
    }


def kiosks_json(site: SiteIndex) -> dict[str, Any]:
    return {"kiosks": [{"id": k.id, "name": k.name, "printer_id": k.printer} for k in site.config.kiosks]}


def displays_json(site: SiteIndex) -> dict[str, Any]:
    return {
        "displays": [
            {"id": d.id, "name": d.name, "counters": site.display_counters(d.id), "sound": d.sound}
            for d in site.config.displays
        ]
    }


def kiosk_state(site: SiteIndex, kiosk_id: str, statuses: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """What a kiosk needs of itself when it (re)connects: its printer and how that printer is."""
    printer_id = site.kiosks[kiosk_id].printer
    printer = next((p for p in printers_json(site, statuses)["printers"] if p["id"] == printer_id), None)
    return {"kiosk_id": kiosk_id, "printer": printer}


def printer_detail(detail: str | None) -> dict[str, str | None]:
    """A printer's detail in the screens' second language: its message's code and Indonesian words."""
    return messages.both(detail)


def printers_json(site: SiteIndex, statuses: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Each printer with its last known status (`unknown` before the first check)."""
    return {
        "printers": [
            {
                "id": p.id,
                "name": p.name or p.id,
                "type": p.type,
                "width_mm": p.width_mm,
                "status": statuses.get(p.id, {}).get("status", "unknown"),
                "detail": statuses.get(p.id, {}).get("detail"),
                **printer_detail(statuses.get(p.id, {}).get("detail")),
            }
            for p in site.config.printers
        ]
    }
