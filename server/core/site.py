"""A validated configuration with the look-ups the rules need, built once per config."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import TypeVar
from zoneinfo import ZoneInfo

from server.core.config import Agency, Counter, Display, Kiosk, Printer, Service, SiteConfig
from server.core.errors import RuleError

Item = TypeVar("Item")


def _known(items: dict[str, Item], kind: str, item_id: str, field: str | None) -> Item:
    """The configured item with this id, or the API's 404 `unknown_<kind>` (naming `field` when given)."""
    item = items.get(item_id)
    if item is None:
        raise RuleError(f"unknown_{kind}", f"There is no {kind} with id {item_id!r}.", field)
    return item


@dataclass(frozen=True)
class SiteIndex:
    """`config` plus maps by id. Replaced whole when the configuration changes."""

    config: SiteConfig
    always_open: bool = False  # demo mode: every service open at any hour
    tz: ZoneInfo = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tz", ZoneInfo(self.config.site.timezone))

    @cached_property
    def agencies(self) -> dict[str, Agency]:
        return {a.id: a for a in self.config.agencies}

    @cached_property
    def services(self) -> dict[str, Service]:
        return {s.id: s for a in self.config.agencies for s in a.services}

    @cached_property
    def agency_of(self) -> dict[str, str]:
        return {s.id: a.id for a in self.config.agencies for s in a.services}

    @cached_property
    def counters(self) -> dict[str, Counter]:
        return {c.id: c for c in self.config.counters}

    @cached_property
    def kiosks(self) -> dict[str, Kiosk]:
        return {k.id: k for k in self.config.kiosks}

    @cached_property
    def displays(self) -> dict[str, Display]:
        return {d.id: d for d in self.config.displays}

    @cached_property
    def printers(self) -> dict[str, Printer]:
        return {p.id: p for p in self.config.printers}

    @cached_property
    def counters_of_service(self) -> dict[str, list[str]]:
        """Counter ids serving each service, in configuration order."""
        result: dict[str, list[str]] = {s: [] for s in self.services}
        for counter in self.config.counters:
            for service_id in counter.services:
                result[service_id].append(counter.id)
        return result

    @cached_property
    def pool_of_service(self) -> dict[str, tuple[str, ...]]:
        """The services whose tickets compete for the same counters as this one.

        A ticket's `ahead` counts the waiting tickets of all these services that
        sort before it, since any of them may take the counter it is waiting for.
        """
        result: dict[str, tuple[str, ...]] = {}
        for service_id, counter_ids in self.counters_of_service.items():
            pool = {service_id}
            for counter_id in counter_ids:
                pool.update(self.counters[counter_id].services)
            result[service_id] = tuple(sorted(pool))
        return result

    # Look-ups of an id a request names: the item, or a 404 the API answers as it is.
    def agency_or_404(self, agency_id: str, field: str | None = None) -> Agency:
        return _known(self.agencies, "agency", agency_id, field)

    def service_or_404(self, service_id: str, field: str | None = None) -> Service:
        return _known(self.services, "service", service_id, field)

    def counter_or_404(self, counter_id: str, field: str | None = None) -> Counter:
        return _known(self.counters, "counter", counter_id, field)

    def kiosk_or_404(self, kiosk_id: str, field: str | None = None) -> Kiosk:
        return _known(self.kiosks, "kiosk", kiosk_id, field)

    def display_or_404(self, display_id: str, field: str | None = None) -> Display:
        return _known(self.displays, "display", display_id, field)

    def printer_or_404(self, printer_id: str, field: str | None = None) -> Printer:
        return _known(self.printers, "printer", printer_id, field)

    def display_counters(self, display_id: str) -> list[str]:
        display = self.displays[display_id]
        if display.counters == "all":
            return list(self.counters)
        return list(display.counters)

    @cached_property
    def displays_of_counter(self) -> dict[str, list[str]]:
        result: dict[str, list[str]] = {c: [] for c in self.counters}
        for display_id in self.displays:
            for counter_id in self.display_counters(display_id):
                result[counter_id].append(display_id)
        return result

    def local(self, moment: float) -> datetime:
        return datetime.fromtimestamp(moment, self.tz)

    def service_day(self, moment: float) -> str:
        return self.local(moment).date().isoformat()

    def day_start(self, moment: float) -> float:
        """Midnight (site time) of the service day that `moment` falls in."""
        local = self.local(moment)
        return local.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()

    def iso(self, moment: float | None) -> str | None:
        """An ISO 8601 time with the site's offset, as the API speaks it."""
        if moment is None:
            return None
        return self.local(moment).isoformat(timespec="seconds")

    def holiday(self, day: date) -> str | None:
        for holiday in self.config.site.holidays:
            if holiday.date == day:
                return holiday.name
        return None
