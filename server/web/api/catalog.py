"""Public catalog routes: health, agencies, services, counters, kiosks, displays, printers."""

from __future__ import annotations

from typing import Any

from server.core import tickets
from server.core.errors import RuleError
from server.core.version import VERSION
from server.web import views
from server.web.api import schemas
from server.web.api.base import api
from server.web.hall import current_hall


@api.route("/health", "GET", summary="Whether the server and its database work.", tag="catalog",
           response=schemas.Health, errors=((503, "unavailable"),))
def health() -> dict[str, Any]:
    """Answer ok when a query on the database succeeds."""
    hall = current_hall()
    try:
        with hall.store.read() as tx:
            tx.scalar("SELECT count(*) FROM _migrations")
    except Exception as exc:  # the database file is gone or broken: say so, not 500
        raise RuleError("unavailable", f"The database does not answer: {exc}") from None
    return {"status": "ok", "version": VERSION}


def _services(tx: Any, agency_id: str | None = None) -> list[dict[str, Any]]:
    hall = current_hall()
    site, now = hall.site, hall.now()
    waiting = tickets.waiting_counts(tx, site.service_day(now))
    return [
        views.service_json(tx, site, service.id, now, waiting.get(service.id, 0))
        for agency in site.config.agencies
        if agency_id is None or agency.id == agency_id
        for service in agency.services
    ]


@api.route("/agencies", "GET", summary="Agencies with their services.", tag="catalog", response=schemas.Agencies)
def list_agencies() -> dict[str, Any]:
    """All agencies, each with its services and their state now."""
    hall = current_hall()
    with hall.store.read() as tx:
        services = _services(tx)
    by_agency: dict[str, list[dict[str, Any]]] = {}
    for service in services:
        by_agency.setdefault(service["agency_id"], []).append(service)
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
            for agency in hall.site.config.agencies
        ]
    }


@api.route("/services", "GET", summary="Every service and its state now.", tag="catalog", response=schemas.Services)
def list_services() -> dict[str, Any]:
    """All services: open or not (and why), waiting, quota and what remains of it."""
    with current_hall().store.read() as tx:
        return {"services": _services(tx)}


@api.route("/counters", "GET", summary="Counters (public fields).", tag="catalog", response=schemas.PublicCounters)
def list_counters() -> dict[str, Any]:
    """Counters with their state and the number each is serving."""
    hall = current_hall()
    with hall.store.read() as tx:
        rows = {
            r["counter_id"]: r
            for r in tx.all(
                "SELECT s.counter_id, s.state, t.number FROM counter_state s "
                "LEFT JOIN tickets t ON t.id = s.current_ticket_id"
            )
        }
    return {
        "counters": [
            {
                "id": c.id,
                "name": c.name,
                "agency_id": c.agency,
                "service_ids": list(c.services),
                "state": rows.get(c.id, {}).get("state", "open"),
                "current_number": rows.get(c.id, {}).get("number"),
                "floor": c.floor,
            }
            for c in hall.site.config.counters
        ]
    }


@api.route("/kiosks", "GET", summary="Kiosks.", tag="catalog", response=schemas.Kiosks)
def list_kiosks() -> dict[str, Any]:
    """The configured kiosks and the printer each prints on."""
    site = current_hall().site
    return {"kiosks": [{"id": k.id, "name": k.name, "printer_id": k.printer} for k in site.config.kiosks]}


@api.route("/displays", "GET", summary="Hall displays.", tag="catalog", response=schemas.Displays)
def list_displays() -> dict[str, Any]:
    """The configured displays and the counters each shows."""
    site = current_hall().site
    return {
        "displays": [
            {"id": d.id, "name": d.name, "counters": site.display_counters(d.id), "sound": d.sound}
            for d in site.config.displays
        ]
    }


@api.route("/printers", "GET", summary="Printers and their health.", tag="catalog", response=schemas.Printers)
def list_printers() -> dict[str, Any]:
    """Each printer with its last known status: online, offline, paper_out or unknown."""
    hall = current_hall()
    statuses = hall.printing.statuses() if hall.printing else {}
    return {
        "printers": [
            {
                "id": p.id,
                "name": p.name or p.id,
                "type": p.type,
                "width_mm": p.width_mm,
                "status": statuses.get(p.id, {}).get("status", "unknown"),
                "detail": statuses.get(p.id, {}).get("detail"),
            }
            for p in hall.site.config.printers
        ]
    }
