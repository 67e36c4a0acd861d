"""What config.yaml's parts say of each other: ids unique, every reference naming something
that exists, every service served by some counter, every display's zone its own counters.

Pydantic checks each part on its own (server/core/config.py); these checks need the whole
file, and name the field of each fault as `check-config` prints it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from server.core.config_zones import speaks_problems

if TYPE_CHECKING:
    from server.core.config import Agency, Counter, SiteConfig


def _unique(items: list[Any], attribute: str, where: str) -> list[str]:
    seen: dict[str, int] = {}
    problems = []
    for index, item in enumerate(items):
        value = getattr(item, attribute)
        if value in seen:
            problems.append(
                f"{where}[{index}].{attribute}: {value!r} is used twice "
                f"(first at {where}[{seen[value]}]); expected a unique {attribute}"
            )
        else:
            seen[value] = index
    return problems


def _unserved_services(agencies: list[Agency], counters: list[Counter]) -> list[str]:
    """A service that no counter serves would let the kiosk issue tickets nobody can call."""
    served = {service_id for counter in counters for service_id in counter.services}
    return [
        f"agencies[{a_i}].services[{s_i}].id: {service.id!r} is served by no counter; "
        "expected it in some counter's services (counters[].services), or remove the service"
        for a_i, agency in enumerate(agencies)
        for s_i, service in enumerate(agency.services)
        if service.id not in served
    ]


def reference_problems(config: SiteConfig) -> list[str]:
    problems = _unique(config.agencies, "id", "agencies")
    services = [(a_i, s_i, s) for a_i, a in enumerate(config.agencies) for s_i, s in enumerate(a.services)]
    for attribute in ("id", "prefix"):
        seen: dict[str, str] = {}
        for a_i, s_i, service in services:
            value = getattr(service, attribute)
            here = f"agencies[{a_i}].services[{s_i}]"
            if value in seen:
                problems.append(
                    f"{here}.{attribute}: {value!r} is used twice (first at {seen[value]}); "
                    f"expected a unique service {attribute}"
                )
            else:
                seen[value] = here
    service_ids = {s.id for _, _, s in services}
    agency_ids = {a.id for a in config.agencies}
    problems += _unique(config.counters, "id", "counters")
    for index, counter in enumerate(config.counters):
        if counter.agency not in agency_ids:
            problems.append(
                f"counters[{index}].agency: {counter.agency!r} is not an agency id; "
                f"expected one of the agencies' ids"
            )
        for service_id in counter.services:
            if service_id not in service_ids:
                problems.append(
                    f"counters[{index}].services: {service_id!r} is not a service id; "
                    f"expected ids of services defined under agencies"
                )
    problems += _unserved_services(config.agencies, config.counters)
    problems += _unique(config.printers, "id", "printers")
    printer_ids = {p.id for p in config.printers}
    problems += _unique(config.kiosks, "id", "kiosks")
    for index, kiosk in enumerate(config.kiosks):
        if kiosk.printer is not None and kiosk.printer not in printer_ids:
            problems.append(
                f"kiosks[{index}].printer: {kiosk.printer!r} is not a printer id; "
                f"expected one of: {', '.join(sorted(printer_ids)) or '(no printers defined)'}"
            )
    problems += _unique(config.displays, "id", "displays")
    counter_ids = {c.id for c in config.counters}
    for index, display in enumerate(config.displays):
        if display.counters != "all":
            for counter_id in display.counters:
                if counter_id not in counter_ids:
                    problems.append(
                        f"displays[{index}].counters: {counter_id!r} is not a counter id; "
                        f"expected \"all\" or a list of counter ids"
                    )
    problems += speaks_problems(config)
    return problems

