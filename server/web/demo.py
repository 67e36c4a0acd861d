"""`antrean serve --demo`: a simulated morning so the screens come alive.

A background task issues tickets at a busy hall's rate across the site's services
(popular ones far more often, about one in ten with priority) and works most
counters through the same queue rules the API uses: call, start, finish, now and
then a recall, a no-show, a transfer or a step added with a return to the counter; about
three in ten served visitors then answer the survey, so the IKM report has figures. About
one visitor in eight comes with errands at two or three agencies (one ticket, several
steps), and the services that take bookings get booked ahead and checked in at the kiosk
(server/web/demo_visitors.py). Every change goes through `hall.store.write()`
so kiosks, displays and phones hear of it like any other change.

Simulated time runs `speed` times faster than the clock, so a 15-minute service
takes 90 seconds and the hall display changes every few seconds. A few counters
are left alone for a trainee who logs in with the demo accounts printed at start.
The simulation stops issuing at `ticket_cap` tickets a day, so it stays bounded.

The demo's admin account may edit the configuration, so the demo runs on a copy of the
site's file (`demo_config`), made afresh at every start: its saves never reach config.yaml.
"""

from __future__ import annotations

import logging
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
from flask import Flask
from flask_socketio import SocketIO

from server.core import auth, counters, survey, tickets, visits
from server.core.errors import RuleError
from server.core.site import SiteIndex
from server.core.vocabulary import PRIORITIES
from server.web.demo_visitors import SURVEY_COMMENTS, DemoBookers, pick_visit, survey_score
from server.web.hall import Hall

log = logging.getLogger("antrean.demo")

DEMO_PASSWORD = "demo-antrean"
ACTOR = "demo-sim"  # who the simulated counters' changes are recorded as
DEVICE = "demo"


@dataclass(frozen=True)
class DemoSettings:
    """How busy the simulated hall is. Durations are in simulated seconds."""

    speed: float = 10.0  # simulated seconds per real second
    arrivals_per_hour: float = 300.0  # visitors taking a ticket, per simulated hour
    opening_crowd: int = 40  # visitors already at the door when the demo starts
    ticket_cap: int = 4000  # stop issuing once the day has this many tickets
    priority_share: float = 0.10
    late_share: float = 0.06  # called visitors who come only after a recall
    no_show_share: float = 0.04  # called visitors who never come (recalled, then no-show)
    transfer_share: float = 0.03  # served visitors sent on to another service
    trainee_counters: int = 3  # counters the simulation leaves to a trainee
    first_call_within: float = 100.0  # counters open one by one over this many simulated seconds
    survey_share: float = 0.3  # served visitors who answer the survey (at the tablet or from the QR code)
    visit_share: float = 0.12  # visitors with errands at two or three agencies: one ticket, several steps
    add_step_share: float = 0.02  # served visitors an officer sends to another agency and back
    booked_share: float = 0.5  # of each coming slot's places, taken by bookings ahead
    booking_no_show_share: float = 0.15  # bookers who never come (their bookings expire)
    tick_seconds: float = 0.25  # real seconds between steps
    seed: int | None = None


@dataclass
class CounterPlan:
    """What a simulated counter does next, and when (real clock seconds)."""

    counter_id: str
    next_at: float
    step: str = "call"  # call | recall | start | no_show | finish
    after_recall: str = "start"  # start or no_show


@dataclass
class DemoAccount:
    username: str
    role: str
    detail: str


@dataclass
class DemoSimulation:
    hall: Hall
    settings: DemoSettings
    trainee: list[str]
    rng: random.Random = field(init=False)
    plans: dict[str, CounterPlan] = field(default_factory=dict)
    next_arrival: float | None = None
    day: str | None = None
    used_up: set[str] = field(default_factory=set)  # services refusing tickets today (quota, closed)
    surveys: list[tuple[float, str, str]] = field(default_factory=list)  # (due, ticket id, its secret)
    stopped: bool = False
    _site: SiteIndex | None = None
    _services: list[str] = field(default_factory=list)
    _weights: list[float] = field(default_factory=list)
    bookers: DemoBookers = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.settings.seed)
        self.bookers = DemoBookers(self.hall, self.rng, self.settings.booked_share,
                                   self.settings.booking_no_show_share, list(self.hall.site.kiosks))

    # --- the loop ---------------------------------------------------------------------------

    def run(self, sleep: Callable[[float], Any]) -> None:
        """Step until stopped; one failed step is logged, never the end of the demo."""
        log.info("demo simulation started (speed x%g, trainee counters: %s)",
                 self.settings.speed, ", ".join(self.trainee))
        while not self.stopped:
            try:
                self.step(self.hall.now())
            except Exception:
                log.exception("demo step failed")
            sleep(self.settings.tick_seconds)
        log.info("demo simulation stopped")

    def stop(self) -> None:
        self.stopped = True

    def step(self, now: float) -> None:
        """Do everything that is due by `now`: new visitors, then counter actions."""
        site = self.hall.site
        if site is not self._site:
            self._adopt(site, now)
        day = site.service_day(now)
        if day != self.day:
            self._new_day(day, now)
        self._arrivals(site, now)
        self.bookers.step(now)
        for plan in list(self.plans.values()):
            if plan.next_at <= now:
                self._act(site, plan, now)
        self._answer_surveys(site, now)

    def _real(self, simulated_seconds: float) -> float:
        return simulated_seconds / self.settings.speed

    def _adopt(self, site: SiteIndex, now: float) -> None:
        """(Re)build the plans when the configuration changes; keep those still valid."""
        self._site = site
        opening = self.settings.first_call_within
        self.plans = {
            c: self.plans.get(c) or CounterPlan(c, now + self._real(self.rng.uniform(0, opening)))
            for c in site.counters
            if c not in self.trainee
        }
        popular = 8.0
        self._services = list(site.services)
        self._weights = [
            (popular if site.services[s].popular else 1.0) * max(1, len(site.counters_of_service[s]))
            for s in self._services
        ]

    def _new_day(self, day: str, now: float) -> None:
        first_start = self.day is None
        self.day = day
        self.used_up.clear()
        with self.hall.store.write() as tx:
            tickets.expire_stale(tx, self.hall.site, now)
        if first_start and self._issued_today() == 0:
            for _ in range(self.settings.opening_crowd):
                self._issue(self.hall.site, now)
        self.next_arrival = now + self._gap()

    # --- visitors ---------------------------------------------------------------------------

    def _gap(self) -> float:
        """Real seconds until the next visitor (a Poisson process at the set rate)."""
        per_real_second = self.settings.arrivals_per_hour / 3600 * self.settings.speed
        return self.rng.expovariate(per_real_second)

    def _issued_today(self) -> int:
        with self.hall.store.read() as tx:
            return int(tx.scalar("SELECT coalesce(sum(last_seq), 0) FROM sequences WHERE service_day = ?",
                                 (self.day,)))

    def _arrivals(self, site: SiteIndex, now: float) -> None:
        if self.next_arrival is None or self.next_arrival > now:
            return
        issued = self._issued_today()
        while self.next_arrival <= now:
            self.next_arrival += self._gap()
            if issued < self.settings.ticket_cap and self._issue(site, now):
                issued += 1

    def _issue(self, site: SiteIndex, now: float) -> bool:
        """One visitor takes a ticket; one who finds a service full picks another."""
        for _ in range(3):
            choices = [(s, w) for s, w in zip(self._services, self._weights, strict=True) if s not in self.used_up]
            if not choices:
                return False
            service_id = self.rng.choices([s for s, _ in choices], [w for _, w in choices])[0]
            priority = self.rng.choice(PRIORITIES) if self.rng.random() < self.settings.priority_share else None
            kiosk_id = self.rng.choice(list(site.kiosks)) if site.kiosks else None
            options = {"priority": priority, "kiosk_id": kiosk_id, "lang": "en" if self.rng.random() < 0.05 else "id",
                       "device": DEVICE}
            errands = None
            if self.rng.random() < self.settings.visit_share:
                errands = pick_visit(self.rng, site, [s for s, _ in choices], [w for _, w in choices],
                                     self.rng.choice((2, 2, 3)))
            try:
                with self.hall.store.write() as tx:
                    if errands:
                        visits.issue_visit(tx, site, now, errands, **options)
                    else:
                        tickets.issue_ticket(tx, site, now, service_id, **options)
                return True
            except RuleError as exc:  # quota reached or closed by a supervisor: not today
                log.debug("demo: %s refused a ticket: %s", service_id, exc.code)
                self.used_up.add(service_id)
        return False

    # --- counters ---------------------------------------------------------------------------

    def _service_seconds(self, site: SiteIndex, ticket: dict[str, Any]) -> float:
        """A service time around the service's standard (log-normal, as service times are)."""
        standard = (site.services[ticket["service_id"]].standard_minutes or 10) * 60.0
        sigma = 0.45
        value = self.rng.lognormvariate(math.log(standard) - sigma * sigma / 2, sigma)
        return min(max(value, 60.0), standard * 3)

    def _act(self, site: SiteIndex, plan: CounterPlan, now: float) -> None:
        try:
            with self.hall.store.write() as tx:
                self._advance(tx, site, plan, now)
        except RuleError as exc:
            # Someone else (a supervisor trying the demo) paused or worked this counter:
            # start over with a fresh call a little later.
            log.debug("demo: %s %s refused: %s", plan.counter_id, plan.step, exc.code)
            plan.step = "call"
            plan.next_at = now + self._real(self.rng.uniform(30, 90))

    def _advance(self, tx: Any, site: SiteIndex, plan: CounterPlan, now: float) -> None:
        wait = self.rng.uniform
        counter_id = plan.counter_id
        if plan.step == "call":
            ticket = counters.call_next(tx, site, now, counter_id, ACTOR)
            if ticket is None:
                plan.next_at = now + self._real(wait(20, 45))
                return
            fate = self.rng.random()
            if fate < self.settings.no_show_share + self.settings.late_share:
                plan.step = "recall"
                plan.after_recall = "no_show" if fate < self.settings.no_show_share else "start"
                plan.next_at = now + self._real(wait(50, 70))
            else:
                plan.step = "start"
                plan.next_at = now + self._real(wait(20, 60))
        elif plan.step == "recall":
            counters.recall(tx, site, now, counter_id, ACTOR)
            plan.step = plan.after_recall
            plan.next_at = now + self._real(wait(30, 60) if plan.step == "start" else wait(60, 90))
        elif plan.step == "start":
            ticket = counters.start(tx, site, now, counter_id, ACTOR)
            plan.step = "finish"
            plan.next_at = now + self._real(self._service_seconds(site, ticket))
        elif plan.step == "no_show":
            counters.no_show(tx, site, now, counter_id, ACTOR)
            self._ready(plan, now)
        else:  # finish
            current = tx.one("SELECT t.id, t.service_id, t.agency_id FROM counter_state s JOIN tickets t "
                             "ON t.id = s.current_ticket_id WHERE s.counter_id = ?", (counter_id,))
            target = self._transfer_target(site, current) if current else None
            if target is not None and self.rng.random() < self.settings.transfer_share:
                counters.transfer(tx, site, now, counter_id, target, ACTOR)
            else:
                if current and self.rng.random() < self.settings.add_step_share:
                    self._send_and_back(tx, site, counter_id, current, now)
                done = counters.finish(tx, site, now, counter_id, ACTOR)
                if done["status"] == "done" and self.rng.random() < self.settings.survey_share:
                    due = now + self._real(wait(20, 120))  # a minute or two at the tablet
                    self.surveys.append((due, done["id"], done["survey_secret"]))
            self._ready(plan, now)

    def _send_and_back(self, tx: Any, site: SiteIndex, counter_id: str, current: dict[str, Any],
                       now: float) -> None:
        """"Go to another agency next, then come back to me": a step there and one back here."""
        elsewhere = [s for s in self._services if site.agency_of[s] != current["agency_id"]]
        if elsewhere:
            visits.add_step(tx, site, now, current["id"], self.rng.choice(elsewhere), return_to_counter=True,
                            actor=ACTOR, may_use=lambda _counter: True)

    def _ready(self, plan: CounterPlan, now: float) -> None:
        plan.step = "call"
        plan.next_at = now + self._real(self.rng.uniform(5, 25))

    # --- surveys ----------------------------------------------------------------------------

    def _answer_surveys(self, site: SiteIndex, now: float) -> None:
        due = [s for s in self.surveys if s[0] <= now]
        if not due:
            return
        self.surveys = [s for s in self.surveys if s[0] > now]
        for _, ticket_id, key in due:
            answers = {element: survey_score(self.rng, element) for element in survey.ELEMENTS}
            comment = self.rng.choice(SURVEY_COMMENTS) if self.rng.random() < 0.08 else None
            try:
                with self.hall.store.write() as tx:
                    survey.answer(tx, site, now, ticket_id, answers, comment, key)
            except RuleError as exc:  # answered already, or the ticket went on (a supervisor's doing)
                log.debug("demo: survey of %s refused: %s", ticket_id, exc.code)

    def _transfer_target(self, site: SiteIndex, current: dict[str, Any]) -> str | None:
        """Another service of the same agency (a visitor sent on to the next desk)."""
        same_agency = [s.id for s in site.agencies[current["agency_id"]].services if s.id != current["service_id"]]
        return self.rng.choice(same_agency) if same_agency else None


# --- the demo's own configuration -----------------------------------------------------------------

COPY_NOTE = ("# A copy of {name} for `antrean serve --demo`, made afresh at every demo start: the demo's\n"
             "# admin edits land here and never in {name}. Edit {name} itself, not this file.\n")


def demo_config(config_path: Path) -> Path:
    """The copy of the site's config file the demo runs on, beside it (so the names it gives
    relative to its folder, media and voice packs, still point at the same files)."""
    copy = config_path.with_name(f"{config_path.stem}.demo{config_path.suffix or '.yaml'}")
    text = config_path.read_text(encoding="utf-8")
    copy.write_text(COPY_NOTE.format(name=config_path.name) + text, encoding="utf-8")
    return copy


# --- accounts ---------------------------------------------------------------------------------


def pick_trainee_counters(site: SiteIndex, count: int) -> list[str]:
    """Counters for a trainee: on popular services, each service also served elsewhere,
    so their lines fill up and the simulation still serves those visitors."""
    chosen: list[str] = []
    ordered = sorted(site.services, key=lambda s: not site.services[s].popular)
    for service_id in ordered:
        if len(chosen) >= count:
            break
        for counter_id in site.counters_of_service[service_id]:
            if counter_id in chosen:
                continue
            covered = all(
                any(c != counter_id and c not in chosen for c in site.counters_of_service[s])
                for s in site.counters[counter_id].services
            )
            if covered:
                chosen.append(counter_id)
                break
    return chosen or list(site.counters)[:1]


def ensure_demo_users(hall: Hall, trainee: list[str]) -> list[DemoAccount]:
    """Create the demo accounts when missing (an existing account is left as it is)."""
    site = hall.site
    agency = site.counters[trainee[0]].agency
    wanted = [
        (auth.NewUser("demo", DEMO_PASSWORD, "officer", None, list(trainee), "Petugas Demo"),
         "counters " + ", ".join(trainee)),
        (auth.NewUser("supervisor", DEMO_PASSWORD, "supervisor", agency, [], "Supervisor Demo"), f"agency {agency}"),
        (auth.NewUser("admin", DEMO_PASSWORD, "admin", None, [], "Admin Demo"), "all counters and settings"),
    ]
    accounts = []
    with hall.store.write() as tx:
        for new, detail in wanted:
            if auth.get_user(tx, new.username) is None:
                auth.create_user(tx, site, new, hall.now())
            accounts.append(DemoAccount(new.username, new.role, detail))
    return accounts


def start_demo(app: Flask, socketio: SocketIO, settings: DemoSettings | None = None) -> DemoSimulation:
    """Create the demo accounts, print them, and start the simulated morning in the background."""
    hall: Hall = app.extensions["antrean"]
    settings = settings or DemoSettings()
    trainee = pick_trainee_counters(hall.site, settings.trainee_counters)
    accounts = ensure_demo_users(hall, trainee)
    click.echo(f"Demo: a simulated morning runs at {settings.speed:g}x speed in {hall.store.path.name}; "
               f"counters {', '.join(trainee)} are left for you. Log in at /counter or /admin with:")
    for account in accounts:
        click.echo(f"  {account.username:<11} password {DEMO_PASSWORD}  ({account.role}: {account.detail})")
    if hall.config_path is not None:
        click.echo(f"Settings saved in the demo go to {hall.config_path.name}, a copy made at this start; "
                   "the site's own file is not changed.")
    simulation = DemoSimulation(hall, settings, trainee)
    app.extensions["antrean_demo"] = simulation
    socketio.start_background_task(simulation.run, socketio.sleep)
    return simulation
