"""Hypothesis: a visit's steps run in order and each once, whatever the counters do.

Random sequences of visits and plain tickets issued, and calls, starts, finishes, no-shows,
transfers, added steps (with and without a return) and cancels across three counters of two
agencies. A model keeps each ticket's steps (service, status, the counter a return step
belongs to) and is told only what the officer did; after every step the database must agree
with it exactly, and:
- the ticket's row is its current step: same service, same status;
- before the current step every step is done, after it every step pending (skipped once the
  visit ended early); a ticket is done only when all its steps are;
- each step was finished once: the history has one step_finished per step done but the last;
- a step's times run in order, and a step joined its line no earlier than the one before ended;
- a return step is only ever called by its own counter.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from conftest import JAKARTA, make_hall_app
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from rules import three_services_site

from server.core import counters, tickets, visits
from server.core.clock import FixedClock
from server.core.errors import RuleError

SERVICES = ["ktp", "kk", "pbb"]
COUNTERS = ["loket-1", "loket-2", "loket-3"]


SITE = three_services_site()
ACTIVE = ("waiting", "called", "serving")


class VisitMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp())
        self.clock = FixedClock(datetime(2026, 12, 1, 9, 0, tzinfo=JAKARTA))
        self.app = make_hall_app(SITE, self.folder, self.clock)
        self.store = self.app.hall.store
        self.site = self.app.site
        # ticket id -> {"status": ticket status, "cur": index of the current step, "steps": [...]}
        self.model: dict[str, dict[str, Any]] = {}

    def teardown(self) -> None:
        self.store.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _held(self, counter_id: str) -> str | None:
        with self.store.read() as tx:
            return tx.scalar("SELECT current_ticket_id FROM counter_state WHERE counter_id = ?", (counter_id,))

    # --- what the model expects of each act ---------------------------------------------------

    def _end(self, ticket_id: str, status: str) -> None:
        """The counter ends its ticket: a finish of a step with one after it sends the visitor on."""
        visit = self.model[ticket_id]
        steps, cur = visit["steps"], visit["cur"]
        if status == "done" and cur + 1 < len(steps):
            steps[cur]["status"] = "done"
            visit["cur"] = cur + 1
            steps[cur + 1]["status"] = visit["status"] = "waiting"
            return
        steps[cur]["status"] = visit["status"] = status
        for later in steps[cur + 1:]:
            later["status"] = "skipped"

    def _close_for_next(self, counter_id: str) -> None:
        held = self._held(counter_id)
        if held is not None:
            self._end(held, "no_show" if self.model[held]["status"] == "called" else "done")

    # --- rules ----------------------------------------------------------------------------------

    @rule(services=st.lists(st.sampled_from(SERVICES), min_size=1, max_size=3, unique=True),
          priority=st.sampled_from([None, None, "elderly"]))
    def issue(self, services: list[str], priority: str | None) -> None:
        with self.store.write() as tx:
            if len(services) == 1:
                row = tickets.issue_ticket(tx, self.site, self.clock.now(), services[0], priority=priority)
            else:
                row = visits.issue_visit(tx, self.site, self.clock.now(), services, priority=priority)
        self.model[row["id"]] = {"status": "waiting", "cur": 0, "steps": [
            {"service": s, "status": "waiting" if i == 0 else "pending", "only": None} for i, s in enumerate(services)]}

    @rule(seconds=st.integers(min_value=1, max_value=120))
    def wait(self, seconds: int) -> None:
        self.clock.advance(seconds)

    @rule(counter_id=st.sampled_from(COUNTERS))
    def call_next(self, counter_id: str) -> None:
        self._close_for_next(counter_id)
        with self.store.write() as tx:
            got = counters.call_next(tx, self.site, self.clock.now(), counter_id)
        if got is None:
            return
        visit = self.model[got["id"]]
        step = visit["steps"][visit["cur"]]
        assert visit["status"] == "waiting" and step["service"] in self.site.counters[counter_id].services
        assert step["only"] in (None, counter_id), "a return step called by another counter"
        step["status"] = visit["status"] = "called"

    @rule(counter_id=st.sampled_from(COUNTERS), action=st.sampled_from(["finish", "no_show", "start"]))
    def act(self, counter_id: str, action: str) -> None:
        held = self._held(counter_id)
        try:
            with self.store.write() as tx:
                getattr(counters, action)(tx, self.site, self.clock.now(), counter_id)
        except RuleError as exc:
            assert exc.code in ("no_current_ticket", "not_called")
            return
        assert held is not None
        if action == "start":
            visit = self.model[held]
            visit["steps"][visit["cur"]]["status"] = visit["status"] = "serving"
        else:
            self._end(held, "done" if action == "finish" else "no_show")

    @rule(counter_id=st.sampled_from(COUNTERS), to_service=st.sampled_from(SERVICES))
    def transfer(self, counter_id: str, to_service: str) -> None:
        held = self._held(counter_id)
        try:
            with self.store.write() as tx:
                counters.transfer(tx, self.site, self.clock.now(), counter_id, to_service)
        except RuleError as exc:
            assert exc.code == "no_current_ticket"
            return
        assert held is not None
        visit = self.model[held]
        visit["steps"][visit["cur"]].update(service=to_service, status="waiting", only=None)
        visit["status"] = "waiting"

    @rule(counter_id=st.sampled_from(COUNTERS), service=st.sampled_from(SERVICES), back=st.booleans())
    def add_step(self, counter_id: str, service: str, back: bool) -> None:
        held = self._held(counter_id)
        if held is None:
            return
        try:
            with self.store.write() as tx:
                visits.add_step(tx, self.site, self.clock.now(), held, service, return_to_counter=back,
                                actor="tester", may_use=lambda c: True)
        except RuleError as exc:
            assert exc.code == "too_many_steps"
            assert len(self.model[held]["steps"]) + (2 if back else 1) > visits.MAX_STEPS
            return
        visit = self.model[held]
        cur = visit["cur"]
        added = [{"service": service, "status": "pending", "only": None}]
        if back:
            added.append({"service": visit["steps"][cur]["service"], "status": "pending", "only": counter_id})
        visit["steps"][cur + 1:cur + 1] = added

    @precondition(lambda self: any(v["status"] == "waiting" for v in self.model.values()))
    @rule(data=st.data())
    def cancel(self, data: Any) -> None:
        waiting = sorted(ticket_id for ticket_id, v in self.model.items() if v["status"] == "waiting")
        ticket_id = data.draw(st.sampled_from(waiting))
        with self.store.write() as tx:
            tickets.cancel(tx, self.site, self.clock.now(), ticket_id, actor="tester")
        visit = self.model[ticket_id]
        visit["status"] = "cancelled"
        for step in visit["steps"][visit["cur"]:]:
            step["status"] = "skipped"

    # --- invariants -----------------------------------------------------------------------------

    @invariant()
    def the_database_runs_each_visit_as_the_model(self) -> None:
        with self.store.read() as tx:
            rows = {r["id"]: r for r in tx.all("SELECT * FROM tickets")}
            finished = {r["ticket_id"]: r["n"] for r in tx.all(
                "SELECT ticket_id, count(*) AS n FROM ticket_events WHERE kind = 'step_finished' GROUP BY ticket_id")}
            stepped = {ticket_id: visits.steps_of(tx, row) for ticket_id, row in rows.items()}
        for ticket_id, visit in self.model.items():
            row, steps = rows[ticket_id], stepped[ticket_id]
            assert [(s["service_id"], s["status"], s["only_counter_id"]) for s in steps] == [
                (s["service"], s["status"], s["only"]) for s in visit["steps"]], ticket_id
            assert [s["position"] for s in steps] == list(range(1, len(steps) + 1))
            current = steps[visit["cur"]]
            assert row["status"] == visit["status"] and row["service_id"] == current["service_id"]
            assert (row["step"] or 1) == current["position"]
            assert all(s["status"] == "done" for s in steps[:visit["cur"]])
            if row["status"] == "done":
                assert all(s["status"] == "done" for s in steps)
            later = {s["status"] for s in steps[visit["cur"] + 1:]}
            assert later <= ({"pending"} if row["status"] in ACTIVE + ("done",) else {"skipped"})
            done = sum(s["status"] == "done" for s in steps)
            assert finished.get(ticket_id, 0) == done - (row["status"] == "done")  # each step finished once
            for before, step in zip(steps, steps[1:], strict=False):
                if before["status"] == "done" and step["queued_at"] is not None:
                    assert step["queued_at"] >= before["finished_at"]
            for step in steps:
                times = [step[k] for k in ("queued_at", "called_at", "started_at", "finished_at") if step[k]]
                assert times == sorted(times)


VisitMachine.TestCase.settings = settings(
    max_examples=50, stateful_step_count=40, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestVisitProperties = VisitMachine.TestCase
