"""One day of the hall, simulated: who came when, who called them, how long each took.

bench/history.py writes a year of these into SQLite. The day is played as a small
event simulation rather than drawn at random, so that the figures a report reads hang
together the way a real hall's do:

- arrivals follow the hall's curve: a crowd at the door from opening, the peak in the
  first two hours (07:30-09:30), then tailing off to the ticket cut-off; each service only
  within its own hours, none in a break (Friday prayer);
- each service gets a share of the day in proportion to what its counters can serve (a
  counter shared by k services gives each 1/k, over the service's standard time), capped by
  its daily quota (the rest go to the services without one);
- each counter, when free, calls the first of its services' lines exactly as call_next
  does (transferred, then priority, then normal, earliest first), so waiting times follow
  from the counters' capacity: long in the morning peak, short after;
- service time is log-normal around each service's `standard_minutes` (a median of 12 to
  32 % of it, fixed per service, so 0.1 to 4 % of visits go over the standard); the walk to the counter
  takes about 40 s; officers take lunch in turns (Mon-Thu) and nobody calls in a break;
- some visitors give up and cancel from their phone, some are called and do not come
  (a recall first, then a no-show), some are recalled before they arrive, a few are sent
  to another service of the same agency (a transfer: back to waiting at the front of the
  other line, same number), and those still waiting at closing expire at midnight.

Rows come out exactly as the rules write them (server/core/tickets.py, counters.py,
audit.py): the same columns, event kinds, details and `calls` rows.
"""

from __future__ import annotations

import heapq
import json
import math
import random
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any

from bench.history_plan import SERVICE_SIGMA, WALK_MEDIAN, WALK_SIGMA, Plan, volumes
from server.core.hours import service_window, ticket_cutoff
from server.core.vocabulary import LANE_NORMAL, LANE_PRIORITY, LANE_TRANSFERRED, format_number

GIVE_UP, NO_SHOW, RECALL, TRANSFER = 0.05, 0.05, 0.08, 0.03
PRIORITY_SHARE = {"elderly": 0.03, "disabled": 0.01, "pregnant": 0.01}
ENGLISH = 0.05
SURVEYED = 0.14  # of served tickets
ANSWER_WEIGHTS = (0.02, 0.08, 0.52, 0.38)  # 1..4: most visitors answer 3 or 4
COMMENTED = 0.2  # of survey answers
COMMENTS = (
    "Pelayanan cepat dan ramah.", "Ruang tunggu agak panas, mohon AC diperbaiki.",
    "Petugas menjelaskan persyaratan dengan jelas.", "Antrean terlalu lama di pagi hari.",
    "Terima kasih, sangat membantu.", "Kursi tunggu kurang.", "Toilet perlu lebih bersih.",
    "Informasi persyaratan di website belum lengkap.", "Mantap, tidak ada pungli.",
    "Petugas loket kurang senyum.", "=Nomor antrean dipanggil terlalu cepat.", "Parkir sempit.",
    "Great service, thank you.", "Sistem antrean sangat memudahkan.",
)
DAY_FACTOR = {0: 1.18, 1: 1.05, 2: 1.0, 3: 0.97, 4: 0.80}  # Monday busiest, Friday short


@dataclass
class Ticket:
    id: str
    seq: int
    issued_service: str
    service: str
    agency_id: str
    issued_at: float
    priority: str | None
    lang: str
    kiosk: str | None
    give_up: float | None  # when the visitor cancels if not called by then
    lane: int = LANE_NORMAL
    queue_at: float = 0.0
    status: str = "waiting"
    called_at: float | None = None
    started_at: float | None = None
    finished_at: float | None = None
    counter: str | None = None
    officer: str | None = None
    transferred_from: str | None = None


@dataclass
class Day:
    """What one day leaves in the database."""

    tickets: list[tuple[Any, ...]] = field(default_factory=list)
    events: list[tuple[Any, ...]] = field(default_factory=list)
    calls: list[tuple[Any, ...]] = field(default_factory=list)
    surveys: list[tuple[Any, ...]] = field(default_factory=list)
    audit: list[tuple[Any, ...]] = field(default_factory=list)
    sequences: list[tuple[Any, ...]] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)


def _lognormal(rng: random.Random, median: float, sigma: float) -> float:
    return median * math.exp(rng.gauss(0.0, sigma))


class Hall:
    """The day's simulation: lines, counters and the clock of events."""

    ARRIVE, FREE = 0, 1

    def __init__(self, plan: Plan, day: date, rng: random.Random, serial: Iterator[int]) -> None:
        self.plan, self.day, self.rng, self.serial = plan, day, rng, serial
        self.out = Day()
        self.hall_open, self.hall_close = plan.hall_hours(day)
        self.breaks = plan.breaks(day)
        self.midnight = plan.at(day + timedelta(days=1), time(0))
        self.lines: dict[str, tuple[deque[Ticket], ...]] = {s: (deque(), deque(), deque()) for s in plan.lines}
        self.clock: list[tuple[float, int, int, Any]] = []
        self.order = 0
        self.idle: set[str] = set()
        self.officer: dict[str, str] = {}
        self.lunch: dict[str, tuple[float, float]] = {}
        self.last_action: dict[str, float] = {}
        self.tickets: list[Ticket] = []

    def push(self, at: float, kind: int, what: Any) -> None:
        self.order += 1
        heapq.heappush(self.clock, (at, self.order, kind, what))

    def event(self, ticket: Ticket, at: float, kind: str, counter: str | None = None, actor: str | None = None,
              device: str | None = None, detail: dict[str, Any] | None = None) -> None:
        self.out.events.append((ticket.id, at, kind, counter, actor, device, json.dumps(detail) if detail else None))

    # --- the morning: tickets and staff ---------------------------------------------------

    def issue(self, total: int) -> None:
        plan, rng, day = self.plan, self.rng, self.day
        priorities, priority_weights = list(PRIORITY_SHARE), list(PRIORITY_SHARE.values())
        for service_id, count in volumes(plan, total, rng).items():
            window = service_window(plan.site, plan.site.services[service_id], day)
            if window is None or not count:
                continue
            opens, cutoff = plan.at(day, window[0]), ticket_cutoff(plan.site, day, window[1])
            starts, cumulative = plan.curve(opens, self.hall_open, cutoff, self.breaks)
            moments = sorted(self.hall_open + start + 60 * rng.random()
                             for start in rng.choices(starts, cum_weights=cumulative, k=count))
            line = plan.lines[service_id]
            for seq, issued in enumerate(moments, 1):
                roll = rng.random()
                priority = None
                if roll < sum(priority_weights):
                    priority = rng.choices(priorities, priority_weights)[0]
                ticket = Ticket(f"h{next(self.serial):011x}", seq, service_id, service_id, line.agency_id, issued,
                                priority, "en" if rng.random() < ENGLISH else "id", rng.choice(plan.kiosks),
                                issued + rng.uniform(600, 5400) if rng.random() < GIVE_UP else None,
                                LANE_PRIORITY if priority else LANE_NORMAL, issued)
                self.tickets.append(ticket)
                self.event(ticket, issued, "issued", device=ticket.kiosk,
                           detail={"priority": priority} if priority else None)
                self.push(issued, self.ARRIVE, ticket)
            self.out.sequences.append((day.isoformat(), service_id, count))

    def staff(self) -> None:
        """Every counter's officer for the day (now and then a relief), their login, their lunch."""
        rng, weekday = self.rng, self.day.weekday()
        for n, counter_id in enumerate(self.plan.services_of, 1):
            officer = f"petugas-{counter_id}" if rng.random() > 0.05 else f"petugas-cadangan-{rng.randint(1, 8)}"
            self.officer[counter_id] = officer
            begins = self.hall_open + rng.uniform(0, 600)
            self.out.audit.append((begins - rng.uniform(60, 900), officer, "login", None, self.plan.address[counter_id],
                                   None))
            if weekday < 4:  # ISHOMA in turns, Monday to Thursday
                lunch = self.plan.at(self.day, time(11, 30)) + (n % 3) * 1800 + rng.uniform(-300, 300)
                self.lunch[counter_id] = (lunch, lunch + rng.uniform(1800, 3000))
            self.push(begins, self.FREE, counter_id)
        for name in ("admin", "kepala-mpp", *(f"supervisor-{a}" for a in list(self.plan.site.agencies)[:6])):
            if rng.random() < 0.7:
                at = self.hall_open + rng.uniform(0, 6 * 3600)
                self.out.audit.append((at, name, "login", None, "192.168.1.10", None))
        for _ in range(rng.randint(0, 4)):  # wrong passwords
            self.out.audit.append((self.hall_open + rng.uniform(-1800, 3600), f"petugas-loket-{rng.randint(1, 70)}",
                                   "login_failed", None, f"192.168.1.{rng.randint(20, 90)}", None))

    # --- the day ---------------------------------------------------------------------------

    def run(self) -> None:
        while self.clock:
            at, _, kind, what = heapq.heappop(self.clock)
            if kind == self.ARRIVE:
                self.arrive(at, what)
            else:
                self.free(at, what)
        self.close()

    def arrive(self, at: float, ticket: Ticket) -> None:
        self.lines[ticket.service][ticket.lane].append(ticket)
        for counter_id in self.plan.lines[ticket.service].counters:
            if counter_id in self.idle:  # an idle counter notices the new ticket after a moment
                self.idle.discard(counter_id)
                self.push(at + self.rng.uniform(3, 40), self.FREE, counter_id)
                break

    def paused_until(self, counter_id: str, at: float) -> float | None:
        for begin, end in [*self.breaks, self.lunch.get(counter_id, (0.0, 0.0))]:
            if begin <= at < end:
                return end
        return None

    def next_ticket(self, counter_id: str, at: float) -> Ticket | None:
        """The first of the counter's lines: lane, then queue time, then arrival (as call_next)."""
        best: Ticket | None = None
        for service_id in self.plan.services_of[counter_id]:
            for queue in self.lines[service_id]:
                while queue and queue[0].give_up is not None and queue[0].give_up <= at:
                    self.cancel(queue.popleft())
                if queue and (best is None or (queue[0].lane, queue[0].queue_at) < (best.lane, best.queue_at)):
                    best = queue[0]
                if queue:
                    break  # a later lane of this service cannot come first
        if best is not None:
            self.lines[best.service][best.lane].popleft()
        return best

    def free(self, at: float, counter_id: str) -> None:
        if at >= self.hall_close:
            return
        resume = self.paused_until(counter_id, at)
        if resume is not None:
            self.push(resume, self.FREE, counter_id)
            return
        ticket = self.next_ticket(counter_id, at)
        if ticket is None:
            self.idle.add(counter_id)
            return
        self.push(self.serve(ticket, counter_id, at) + self.rng.uniform(5, 30), self.FREE, counter_id)

    def call(self, ticket: Ticket, counter_id: str, at: float, recall: bool) -> None:
        officer = self.officer[counter_id]
        self.out.calls.append((ticket.id, counter_id, ticket.service, self.number(ticket), at, int(recall)))
        self.event(ticket, at, "recalled" if recall else "called", counter_id, officer, self.plan.address[counter_id])

    def number(self, ticket: Ticket) -> str:
        return format_number(self.plan.lines[ticket.issued_service].prefix, ticket.seq)

    def serve(self, ticket: Ticket, counter_id: str, at: float) -> float:
        """Call `ticket` at `at`; answer when the counter is done with it."""
        rng, officer, device = self.rng, self.officer[counter_id], self.plan.address[counter_id]
        ticket.status, ticket.called_at, ticket.started_at = "called", at, None
        ticket.counter, ticket.officer = counter_id, officer
        self.call(ticket, counter_id, at, recall=False)
        waited = at - ticket.issued_at
        if rng.random() < NO_SHOW * (0.6 + waited / 3600):  # the longer the wait, the more have left
            recalled = at + rng.uniform(45, 120)
            self.call(ticket, counter_id, recalled, recall=True)
            ended = recalled + rng.uniform(60, 180)
            ticket.status, ticket.finished_at = "no_show", ended
            self.event(ticket, ended, "no_show", counter_id, officer, device)
            return ended
        arrived = at
        if rng.random() < RECALL:
            arrived = at + rng.uniform(30, 90)
            self.call(ticket, counter_id, arrived, recall=True)
        started = arrived + _lognormal(rng, WALK_MEDIAN, WALK_SIGMA)
        ticket.status, ticket.started_at = "serving", started
        self.event(ticket, started, "started", counter_id, officer, device)
        line = self.plan.lines[ticket.service]
        service = _lognormal(rng, 60 * line.median, SERVICE_SIGMA)
        if ticket.transferred_from is None and line.siblings and rng.random() < TRANSFER:
            moved = started + service * rng.uniform(0.3, 0.8)
            target = rng.choice(line.siblings)
            self.event(ticket, moved, "transferred", counter_id, officer, device,
                       {"from": ticket.service, "to": target})
            ticket.transferred_from, ticket.service = ticket.service, target
            ticket.agency_id = self.plan.lines[target].agency_id
            ticket.lane, ticket.queue_at, ticket.status = LANE_TRANSFERRED, moved, "waiting"
            ticket.counter = ticket.officer = ticket.called_at = ticket.started_at = None
            self.push(moved, self.ARRIVE, ticket)
            return moved
        finished = started + service
        ticket.status, ticket.finished_at = "done", finished
        self.event(ticket, finished, "done", counter_id, officer, device)
        self.last_action[counter_id] = finished
        return finished

    def cancel(self, ticket: Ticket) -> None:
        assert ticket.give_up is not None
        ticket.status, ticket.finished_at = "cancelled", ticket.give_up
        phone = f"10.20.{self.rng.randint(0, 255)}.{self.rng.randint(1, 254)}"  # the visitor's phone
        self.event(ticket, ticket.give_up, "cancelled", device=phone)

    def close(self) -> None:
        """Those still waiting: cancelled if they gave up before closing, else expired at midnight
        (the housekeeping round of the next day, as expire_stale does: no finish time)."""
        for queues in self.lines.values():
            for queue in queues:
                for ticket in queue:
                    if ticket.give_up is not None and ticket.give_up < self.hall_close:
                        self.cancel(ticket)
                    else:
                        ticket.status = "expired"
                        self.event(ticket, self.midnight + self.rng.uniform(0, 60), "expired", actor="system")
        for counter_id, officer in self.officer.items():
            if counter_id in self.last_action and self.rng.random() < 0.6:
                self.out.audit.append((self.last_action[counter_id] + self.rng.uniform(60, 900), officer, "logout",
                                       None, self.plan.address[counter_id], None))

    # --- what is left --------------------------------------------------------------------

    def rows(self) -> Day:
        out, rng, day = self.out, self.rng, self.day.isoformat()
        self.tickets.sort(key=lambda t: t.issued_at)
        for t in self.tickets:
            out.statuses[t.status] = out.statuses.get(t.status, 0) + 1
            out.tickets.append((
                t.id, day, t.seq, self.number(t), t.issued_service, t.service, t.agency_id, t.status, t.priority,
                t.lang, t.kiosk, t.lane, t.queue_at, t.issued_at, t.called_at, t.started_at, t.finished_at, t.counter,
                t.officer, t.transferred_from, f"{rng.getrandbits(128):032x}"[:22]))
            if t.status == "done" and rng.random() < SURVEYED:
                assert t.finished_at is not None
                mood = rng.choices((1, 2, 3, 4), ANSWER_WEIGHTS, k=9)
                comment = rng.choice(COMMENTS) if rng.random() < COMMENTED else None
                out.surveys.append((t.id, t.finished_at + rng.uniform(20, 300), t.service, t.agency_id, t.counter,
                                    t.officer, *mood, comment))
        out.events.sort(key=lambda e: e[1])
        out.calls.sort(key=lambda c: c[4])
        out.audit.sort(key=lambda a: a[0])
        return out


TICKET_COLUMNS = ("id", "service_day", "seq", "number", "issued_service_id", "service_id", "agency_id", "status",
                  "priority", "lang", "kiosk_id", "queue_lane", "queue_at", "issued_at", "called_at", "started_at",
                  "finished_at", "counter_id", "officer", "transferred_from", "survey_secret")


def simulate(plan: Plan, day: date, per_day: int, rng: random.Random, serial: Iterator[int]) -> Day:
    """One service day of about `per_day` tickets (more on Mondays, fewer on Fridays)."""
    total = max(1, round(per_day * DAY_FACTOR.get(day.weekday(), 1.0) * rng.gauss(1.0, 0.06)))
    hall = Hall(plan, day, rng, serial)
    hall.staff()
    hall.issue(total)
    hall.run()
    return hall.rows()
