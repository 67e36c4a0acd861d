"""The demo's visitors who do more than take one ticket: visits through several agencies,
bookings made ahead that are checked in at the kiosk (or never, and expire), and how they
answer the survey.

Kept apart from server/web/demo.py, which runs the counters: these only decide who arrives
and with what, through the same rules the kiosk and the booking page use
(server/core/visits.py, server/core/bookings.py).

The demo's clock is the real one (its speed shortens what happens, not the day), so bookings
are made for the slots starting within the next hour, a round at a time, and each booker
arrives at a real moment inside their check-in window; a few never come, and the
housekeeping expires their bookings as it would at the hall.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from server.core import bookings, slots
from server.core.errors import RuleError
from server.core.site import SiteIndex
from server.web.hall import Hall

log = logging.getLogger("antrean.demo")

BOOKING_ROUND_SECONDS = 600.0  # real seconds between two rounds of booking ahead
BOOKING_AHEAD_SECONDS = 3600.0  # a round books the slots starting within this much
LATEST_AFTER_SLOT = 300.0  # a booker arrives at most this long after their slot's start


def pick_visit(rng: random.Random, site: SiteIndex, services: Sequence[str], weights: Sequence[float],
               steps: int) -> list[str] | None:
    """`steps` services of as many different agencies, drawn as single tickets are (popular
    ones more often): one visitor's errands in the hall, in the order they do them."""
    chosen: list[str] = []
    agencies: set[str] = set()
    for _ in range(steps * 6):
        if len(chosen) == steps:
            break
        service_id = rng.choices(services, weights)[0]
        agency_id = site.agency_of[service_id]
        if agency_id not in agencies:
            chosen.append(service_id)
            agencies.add(agency_id)
    return chosen if len(chosen) >= 2 else None


@dataclass
class DemoBookers:
    """Bookings made ahead for the next hour's slots, and when each booker comes to check in."""

    hall: Hall
    rng: random.Random
    share: float  # of each slot's places taken by bookings
    no_show_share: float  # bookers who never come
    kiosk_ids: list[str]
    arrivals: list[tuple[float, str]] = field(default_factory=list)  # (real moment, booking code)
    next_round: float = 0.0

    def step(self, now: float) -> None:
        if now >= self.next_round:
            self.next_round = now + BOOKING_ROUND_SECONDS
            self._book_ahead(now)
        due = [arrival for arrival in self.arrivals if arrival[0] <= now]
        if due:
            self.arrivals = [arrival for arrival in self.arrivals if arrival[0] > now]
            for _, code in due:
                self._check_in(now, code)

    def _book_ahead(self, now: float) -> None:
        site = self.hall.site
        today = site.local(now).date()
        made = 0
        with self.hall.store.write() as tx:
            for service in site.services.values():
                if service.booking is None:
                    continue
                for slot in slots.slot_rows(tx, site, service.id, today, today + timedelta(days=1), now):
                    if datetime.fromisoformat(slot["start"]).timestamp() > now + BOOKING_AHEAD_SECONDS:
                        break
                    wanted = round(slot["capacity"] * self.share) - slot["booked"]
                    for _ in range(max(wanted, 0) if slot["available"] else 0):
                        made += self._book(tx, site, now, slot["id"])
        log.debug("demo: %d bookings made for the next hour", made)

    def _book(self, tx: Any, site: SiteIndex, now: float, slot_id: str) -> int:
        try:
            row = bookings.book(tx, site, now, slot_id, lang="en" if self.rng.random() < 0.05 else "id")
        except RuleError as exc:  # full, or the day's bookable share is used up
            log.debug("demo: booking %s refused: %s", slot_id, exc.code)
            return 0
        if self.rng.random() >= self.no_show_share:
            earliest = max(now, row["check_in_from"])
            latest = min(row["check_in_until"], row["slot_start"] + LATEST_AFTER_SLOT)
            self.arrivals.append((self.rng.uniform(earliest, max(earliest, latest)), row["code"]))
        return 1

    def _check_in(self, now: float, code: str) -> None:
        kiosk_id = self.rng.choice(self.kiosk_ids) if self.kiosk_ids else None
        try:
            with self.hall.store.write() as tx:
                bookings.check_in(tx, self.hall.site, now, code, kiosk_id=kiosk_id, device="demo")
        except RuleError as exc:  # cancelled or moved by someone trying the booking page
            log.debug("demo: check-in of %s refused: %s", code, exc.code)


# The share of answers 1 to 4 per element (the rest use "*"): a service hall's usual IKM, B
# ("Baik") to A, with free services ranked high on cost and the waiting time ranked lowest.
SCORE_WEIGHTS: dict[str, tuple[float, float, float, float]] = {
    "*": (0.01, 0.06, 0.50, 0.43),
    "u3": (0.03, 0.14, 0.53, 0.30),  # completion time
    "u4": (0.00, 0.02, 0.28, 0.70),  # cost: most services here are free
    "u9": (0.02, 0.10, 0.52, 0.36),  # facilities
}
SURVEY_COMMENTS = (
    "Pelayanan cepat dan ramah, terima kasih.",
    "Antrean agak lama di jam sibuk.",
    "Petugas menjelaskan persyaratan dengan jelas.",
    "Mohon tambah kursi di ruang tunggu.",
    "Sudah bagus, pertahankan.",
)


def survey_score(rng: random.Random, element: str) -> int:
    """One answer from 1 to 4, weighted as a hall's surveys come out (IKM in the 80s: mostly
    "good", many "very good", a few poor; waiting time and facilities a little lower)."""
    return int(rng.choices((1, 2, 3, 4), SCORE_WEIGHTS.get(element, SCORE_WEIGHTS["*"]))[0])
