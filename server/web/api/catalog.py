"""Public catalog routes: health, agencies, services and their search, counters, kiosks, displays, printers."""

from __future__ import annotations

from typing import Any

from server.core import service_search
from server.core.errors import RuleError
from server.core.version import VERSION
from server.web import views
from server.web.api import params, schemas
from server.web.api.base import api
from server.web.hall import current_hall


@api.route("/health", "GET", summary="Whether the server and its database work.", tag="catalog",
           response=schemas.Health, errors=((503, "unavailable"), (503, "disk_full")))
def health() -> dict[str, Any]:
    """Answer ok when a query on the database succeeds and its disk has room for writes."""
    hall = current_hall()
    try:
        with hall.store.read() as tx:
            tx.scalar("SELECT count(*) FROM _migrations")
    except Exception as exc:  # the database file is gone or broken: say so, not 500
        raise RuleError("unavailable", f"The database does not answer: {exc}") from None
    problem = hall.store.disk_problem()
    if problem is not None:
        raise RuleError("disk_full", problem)
    return {"status": "ok", "version": VERSION}


@api.route("/agencies", "GET", summary="Agencies with their services, and whether the hall is open.",
           tag="catalog", response=schemas.Agencies)
def list_agencies() -> dict[str, Any]:
    """All agencies, each with its services and their state now; `hall` says whether any takes tickets."""
    hall = current_hall()
    with hall.store.read() as tx:
        return views.agencies_json(tx, hall.site, hall.now())


@api.route("/services", "GET", summary="Every service and its state now.", tag="catalog", response=schemas.Services)
def list_services() -> dict[str, Any]:
    """All services: open or not (and why), waiting, quota and what remains of it."""
    hall = current_hall()
    with hall.store.read() as tx:
        return {"services": views.services_json(tx, hall.site, hall.now())}


@api.route("/services/search", "GET", summary="The services that match what a visitor typed, best first.",
           tag="catalog", response=schemas.ServiceSearchResults, errors=((422, "invalid_request"),),
           query=(("q", "What was typed (up to 64 characters); empty or absent: no results.", False),
                  ("limit", "At most this many results, 1 to 200 (default 50).", False)))
def search_services() -> dict[str, Any]:
    """Typos, informal spellings and ordinary words forgiven (server/core/service_search.py)."""
    text = params.text_arg("q") or ""
    limit = params.int_arg("limit", 50, 1, 200)
    matches = service_search.search(current_hall().site.config, text, limit)
    return {"query": text, "words": service_search.words(text),
            "results": [{"service_id": m.service_id, "agency_id": m.agency_id, "score": m.score,
                         "words_matched": m.words_matched} for m in matches]}


@api.route("/counters", "GET", summary="Counters (public fields).", tag="catalog", response=schemas.PublicCounters)
def list_counters() -> dict[str, Any]:
    """Counters with their state and the number each is serving."""
    hall = current_hall()
    with hall.store.read() as tx:
        return views.public_counters_json(tx, hall.site)


@api.route("/kiosks", "GET", summary="Kiosks.", tag="catalog", response=schemas.Kiosks)
def list_kiosks() -> dict[str, Any]:
    """The configured kiosks and the printer each prints on."""
    return views.kiosks_json(current_hall().site)


@api.route("/displays", "GET", summary="Hall displays.", tag="catalog", response=schemas.Displays)
def list_displays() -> dict[str, Any]:
    """The configured displays and the counters each shows."""
    return views.displays_json(current_hall().site)


@api.route("/printers", "GET", summary="Printers and their health.", tag="catalog", response=schemas.Printers)
def list_printers() -> dict[str, Any]:
    """Each printer with its last known status: online, offline, paper_out or unknown."""
    hall = current_hall()
    return views.printers_json(hall.site, hall.printing.statuses() if hall.printing else {})
