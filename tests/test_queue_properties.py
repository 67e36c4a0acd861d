"""Hypothesis: random sequences of kiosk and counter actions keep the queue's promises.

Invariants checked after every step:
- each service's numbers for the day are 1..n with no gap and no repeat;
- no ticket is current at two counters, and a counter's current ticket is called/serving;
- call_next takes exactly the ticket a simple model of the line says is first;
- a ticket is called at most once per time it was put in a line (no double call).
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
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from rules import three_services_site

from server.core import counters, tickets
from server.core.clock import FixedClock
from server.core.errors import RuleError

SERVICES = ["ktp", "kk", "pbb"]
COUNTERS = ["loket-1", "loket-2", "loket-3"]


SITE = three_services_site()


class QueueMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp())
        self.clock = FixedClock(datetime(2026, 12, 1, 9, 0, tzinfo=JAKARTA))
        self.app = make_hall_app(SITE, self.folder, self.clock)
        self.store = self.app.hall.store
        self.site = self.app.site
        # The model: the order each ticket joined its current line, and its lane.
        self.lines: dict[str, dict[str, Any]] = {}
        self.calls_expected = 0

    def teardown(self) -> None:
        self.store.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _model_first(self, counter_id: str) -> str | None:
        services = self.site.counters[counter_id].services
        waiting = [t for t in self.lines.values() if t["status"] == "waiting" and t["service"] in services]
        if not waiting:
            return None
        return min(waiting, key=lambda t: (t["lane"], t["joined"], t["arrival"]))["id"]

    @rule(service=st.sampled_from(SERVICES), priority=st.sampled_from([None, None, "elderly", "pregnant"]))
    def issue(self, service: str, priority: str | None) -> None:
        with self.store.write() as tx:
            row = tickets.issue_ticket(tx, self.site, self.clock.now(), service, priority=priority)
        self.lines[row["id"]] = {"id": row["id"], "service": service, "status": "waiting",
                                 "lane": 1 if priority else 2, "joined": self.clock.now(),
                                 "arrival": row["arrival"]}

    @rule(seconds=st.integers(min_value=0, max_value=90))
    def wait(self, seconds: int) -> None:
        self.clock.advance(seconds)

    def _current(self, counter_id: str) -> str | None:
        with self.store.read() as tx:
            return tx.scalar("SELECT current_ticket_id FROM counter_state WHERE counter_id = ?", (counter_id,))

    def _finish_current_in_model(self, counter_id: str, status: str) -> None:
        current = self._current(counter_id)
        if current is not None:
            self.lines[current]["status"] = status

    @rule(counter_id=st.sampled_from(COUNTERS))
    def call_next(self, counter_id: str) -> None:
        expected = self._model_first(counter_id)
        try:
            with self.store.write() as tx:
                before = self._current(counter_id)
                got = counters.call_next(tx, self.site, self.clock.now(), counter_id)
        except RuleError as exc:
            assert exc.code == "counter_paused"
            return
        if before is not None:  # served: done; only called, never started: a no-show
            self.lines[before]["status"] = "no_show" if self.lines[before]["status"] == "called" else "done"
        assert (got["id"] if got else None) == expected
        if got:
            self.lines[got["id"]]["status"] = "called"
            self.calls_expected += 1

    @rule(counter_id=st.sampled_from(COUNTERS), action=st.sampled_from(["finish", "no_show", "start", "recall"]))
    def act(self, counter_id: str, action: str) -> None:
        current = self._current(counter_id)
        try:
            with self.store.write() as tx:
                getattr(counters, action)(tx, self.site, self.clock.now(), counter_id)
        except RuleError as exc:
            assert exc.code in ("no_current_ticket", "not_called")
            return
        assert current is not None
        if action in ("finish", "no_show"):
            self.lines[current]["status"] = "done" if action == "finish" else "no_show"
        elif action == "start":
            self.lines[current]["status"] = "serving"

    @rule(counter_id=st.sampled_from(COUNTERS), to_service=st.sampled_from(SERVICES))
    def transfer(self, counter_id: str, to_service: str) -> None:
        current = self._current(counter_id)
        try:
            with self.store.write() as tx:
                counters.transfer(tx, self.site, self.clock.now(), counter_id, to_service)
        except RuleError as exc:
            assert exc.code == "no_current_ticket"
            return
        self.lines[current].update(status="waiting", service=to_service, lane=0, joined=self.clock.now())

    @rule(counter_id=st.sampled_from(COUNTERS), paused=st.booleans())
    def pause(self, counter_id: str, paused: bool) -> None:
        try:
            with self.store.write() as tx:
                counters.set_paused(tx, self.site, self.clock.now(), counter_id, paused, "tester")
        except RuleError as exc:  # pausing a paused counter, resuming an open one
            assert exc.code == ("counter_paused" if paused else "counter_not_paused")

    @invariant()
    def numbers_have_no_gaps_or_repeats(self) -> None:
        with self.store.read() as tx:
            rows = tx.all("SELECT issued_service_id, seq FROM tickets ORDER BY arrival")
        by_service: dict[str, list[int]] = {}
        for row in rows:
            by_service.setdefault(row["issued_service_id"], []).append(row["seq"])
        for seqs in by_service.values():
            assert seqs == list(range(1, len(seqs) + 1))

    @invariant()
    def statuses_match_the_model_and_counters(self) -> None:
        with self.store.read() as tx:
            rows = {r["id"]: r for r in tx.all("SELECT id, status, service_id FROM tickets")}
            currents = [r["current_ticket_id"] for r in tx.all("SELECT current_ticket_id FROM counter_state")
                        if r["current_ticket_id"]]
            first_calls = tx.scalar("SELECT count(*) FROM calls WHERE recall = 0")
        assert len(currents) == len(set(currents))
        for ticket_id in currents:
            assert rows[ticket_id]["status"] in ("called", "serving")
        for ticket_id, model in self.lines.items():
            assert rows[ticket_id]["status"] == model["status"], (ticket_id, model)
            assert rows[ticket_id]["service_id"] == model["service"]
        assert first_calls == self.calls_expected


QueueMachine.TestCase.settings = settings(
    max_examples=60, stateful_step_count=40, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestQueueProperties = QueueMachine.TestCase
