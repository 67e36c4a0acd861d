"""(c) A busy day at the bundled site, replayed as fast as it will go.

4,000 visitors over the 144 services (weighted by popularity, within quotas, one in
ten with priority), 60 counters calling, starting, finishing, now and then a recall,
a no-show or a transfer; 10 displays (the three bundled ones plus seven zone
displays), the 2 kiosks, and 500 phones each following one ticket, all real
socket.io clients over WebSocket spread over 7 processes.

The day is a discrete-event simulation in simulated time; the replay runs its events
in order (slices of one simulated minute, the events of a slice concurrently) over
HTTP against `antrean serve`. A phone subscribes as soon as its ticket is issued, and
the replay waits for that before going on, so a lost event is the server's fault.

    .venv/bin/python -m bench.bench_day [--visitors 4000] [--phones 500]
"""

from __future__ import annotations

import argparse
import bisect
import heapq
import itertools
import math
import random
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from bench.clients import ClientPool
from bench.harness import BenchServer, Http, bundled_data, machine_note, percentile

DAY_START = 7.5 * 3600  # 07:30, simulated seconds since midnight
# Share of the day's visitors arriving in each half hour from 07:30 to the 14:30 cut-off.
ARRIVAL_PROFILE = [6, 9, 10, 11, 11, 10, 9, 8, 7, 6, 5, 4, 3, 1]
SLICE = 60.0  # simulated seconds replayed together
SERVICE_FACTOR = 0.25  # real service times are well under the published maximum standards
ZONES = 7


def with_ten_displays(data: dict[str, Any]) -> dict[str, Any]:
    """The bundled site plus zone displays (consecutive counters), ten displays in all."""
    counters = [c["id"] for c in data["counters"]]
    size = math.ceil(len(counters) / ZONES)
    extra = [
        {"id": f"zona-{i + 1}", "name": f"Layar Zona {i + 1}", "counters": counters[i * size:(i + 1) * size]}
        for i in range(ZONES)
    ]
    return {**data, "displays": [*data["displays"], *extra]}


def displays_of_counter(data: dict[str, Any]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = defaultdict(list)
    every = [c["id"] for c in data["counters"]]
    for display in data["displays"]:
        for counter_id in every if display["counters"] == "all" else display["counters"]:
            result[counter_id].append(display["id"])
    return result


@dataclass(order=True)
class Step:
    at: float
    order: int
    kind: str = field(compare=False)  # arrive | call | recall | start | finish | no_show
    counter_id: str = field(compare=False, default="")
    body: dict[str, Any] = field(compare=False, default_factory=dict)


@dataclass
class Day:
    """The simulated day and what the replay saw."""

    rng: random.Random
    data: dict[str, Any]
    active: list[str]
    phones_every: int
    phones_limit: int
    heap: list[Step] = field(default_factory=list)
    order: itertools.count = field(default_factory=itertools.count)  # type: ignore[type-arg]
    sent: dict[tuple[str, str, bool], list[float]] = field(default_factory=lambda: defaultdict(list))
    current: dict[str, tuple[str, str]] = field(default_factory=dict)  # counter -> (ticket id, service id)
    fate: dict[str, str] = field(default_factory=dict)  # counter -> start | no_show (after a recall)
    first_at: float = math.inf
    last_at: float = 0.0
    issued: int = 0
    idle: set[str] = field(default_factory=set)  # counters that found nobody waiting
    requests: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    phones: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def push(self, at: float, kind: str, counter_id: str = "", body: dict[str, Any] | None = None) -> None:
        heapq.heappush(self.heap, Step(at, next(self.order), kind, counter_id, body or {}))

    def fail(self, what: str) -> None:
        with self.lock:
            self.failures[what] += 1

    def wake(self, service_id: str, at: float) -> None:
        """A visitor joins a line: idle officers serving it see the count go up and call."""
        with self.lock:
            for counter_id in self.counters_of[service_id]:
                if counter_id in self.idle:
                    self.idle.discard(counter_id)
                    self.push(at + self.rng.uniform(5, 30), "call", counter_id)

    @property
    def counters_of(self) -> dict[str, list[str]]:
        if not hasattr(self, "_counters_of"):
            found: dict[str, list[str]] = defaultdict(list)
            for counter in self.data["counters"]:
                if counter["id"] in self.active:
                    for service_id in counter["services"]:
                        found[service_id].append(counter["id"])
            self._counters_of = found
        return self._counters_of


def plan_arrivals(day: Day, visitors: int) -> None:
    """When each visitor comes and for what: popular services more, quotas respected."""
    rng, data = day.rng, day.data
    weights = demand(day)
    quota = {s["id"]: s.get("quota") for a in data["agencies"] for s in a["services"]}
    taken: Counter[str] = Counter()
    halves = rng.choices(range(len(ARRIVAL_PROFILE)), ARRIVAL_PROFILE, k=visitors)
    for half in sorted(halves):
        choices = [s for s in weights if quota[s] is None or taken[s] < quota[s]]
        service_id = rng.choices(choices, [weights[s] for s in choices])[0]
        taken[service_id] += 1
        body: dict[str, Any] = {"service_id": service_id, "kiosk_id": rng.choice(["kiosk-1", "kiosk-2"])}
        if rng.random() < 0.1:
            body["priority"] = rng.choice(["elderly", "disabled", "pregnant"])
        # The kiosks here print on the virtual printer, which the bench leaves out on purpose.
        body.pop("kiosk_id")
        day.push(DAY_START + (half + rng.random()) * 1800, "arrive", body=body)


def demand(day: Day) -> dict[str, float]:
    """How often visitors pick each service: the hall staffed its counters for the demand,
    so each counter gets about the same work (its share split over its services,
    fewer visitors where a service takes longer), popular services a little more."""
    popular = {s["id"] for a in day.data["agencies"] for s in a["services"] if s.get("popular")}
    seconds = standard_seconds(day.data)
    weights: dict[str, float] = defaultdict(float)
    for counter in day.data["counters"]:
        if counter["id"] in day.active:
            for service_id in counter["services"]:
                weights[service_id] += 1 / len(counter["services"]) / (seconds[service_id] * SERVICE_FACTOR + 75)
    return {s: w * (1.3 if s in popular else 1.0) for s, w in weights.items()}


def standard_seconds(data: dict[str, Any]) -> dict[str, float]:
    return {s["id"]: (s.get("standard_minutes") or 10) * 60.0 for a in data["agencies"] for s in a["services"]}


def transfer_target(day: Day, counter_id: str, service_id: str) -> str | None:
    """Another service of the same agency that an active counter serves."""
    agency = next(c["agency"] for c in day.data["counters"] if c["id"] == counter_id)
    options = sorted({s for c in day.data["counters"] if c["agency"] == agency and c["id"] in day.active
                      for s in c["services"]} - {service_id})
    return day.rng.choice(options) if options else None


def act(day: Day, http: Http, step: Step, standards: dict[str, float]) -> list[tuple[float, str]]:
    """Do one counter step over HTTP; answer the counter's next steps (time, kind)."""
    rng, counter = day.rng, step.counter_id
    path = f"/api/v1/counters/{counter}"
    t0 = time.monotonic()
    if step.kind == "call":
        status, answer = http.call("POST", f"{path}/call-next")
        if status != 200:
            day.fail(f"call-next {status}")
            return [(step.at + 60, "call")]
        ticket = answer["ticket"]
        if ticket is None:
            with day.lock:
                day.idle.add(counter)
            return []
        with day.lock:
            day.sent[(ticket["id"], counter, False)].append(t0)
        day.current[counter] = (ticket["id"], ticket["service_id"])
        fate = rng.random()
        if fate < 0.10:
            day.fate[counter] = "no_show" if fate < 0.04 else "start"
            return [(step.at + 60, "recall")]
        return [(step.at + rng.uniform(20, 60), "start")]
    ticket_id, service_id = day.current[counter]
    if step.kind == "recall":
        status, _ = http.call("POST", f"{path}/recall")
        with day.lock:
            day.sent[(ticket_id, counter, True)].append(t0)
        after = day.fate.pop(counter)
        return [(step.at + (30 if after == "start" else 60), after)] if status == 200 else [(step.at + 5, "call")]
    if step.kind == "start":
        status, _ = http.call("POST", f"{path}/start")
        mean = standards[service_id] * SERVICE_FACTOR
        duration = min(max(rng.lognormvariate(math.log(mean) - 0.08, 0.4), 60), mean * 3)
        return [(step.at + duration, "finish")] if status == 200 else [(step.at + 5, "call")]
    if step.kind == "no_show":
        status, _ = http.call("POST", f"{path}/no-show")
    else:  # finish, now and then a transfer to the next desk
        target = transfer_target(day, counter, service_id) if rng.random() < 0.02 else None
        if target is not None:
            status, _ = http.call("POST", f"{path}/transfer", {"service_id": target})
            if status == 200:
                day.wake(target, step.at)
        else:
            status, _ = http.call("POST", f"{path}/finish")
    if status != 200:
        day.fail(f"{step.kind} {status}")
    del day.current[counter]
    return [(step.at + rng.uniform(5, 20), "call")]


def replay(day: Day, server: BenchServer, pool: ClientPool, token: str, workers: int = 12) -> float:
    """Run the day's events in simulated-time order; answer the wall seconds it took."""
    standards = standard_seconds(day.data)
    local = threading.local()

    def http(authorised: bool) -> Http:
        name = "officer" if authorised else "kiosk"
        if not hasattr(local, name):
            setattr(local, name, Http(server.port, token if authorised else None))
        return getattr(local, name)  # type: ignore[no-any-return]

    def issue(step: Step) -> str | None:
        status, answer = http(False).call("POST", "/api/v1/tickets", step.body)
        if status != 201:
            day.fail(f"issue {status}")
            return None
        day.wake(step.body["service_id"], step.at)
        return str(answer["id"])

    def counter_steps(steps: list[Step]) -> list[tuple[str, float, str]]:
        nexts = []
        for step in steps:
            nexts.extend((step.counter_id, at, kind) for at, kind in act(day, http(True), step, standards))
        return nexts

    began = time.perf_counter()
    with ThreadPoolExecutor(workers) as executor:
        while day.heap:
            slice_end = (day.heap[0].at // SLICE + 1) * SLICE
            while day.heap and day.heap[0].at < slice_end:
                batch = []
                while day.heap and day.heap[0].at < slice_end:
                    batch.append(heapq.heappop(day.heap))
                day.first_at = min(day.first_at, batch[0].at)
                day.last_at = max(day.last_at, batch[-1].at)
                arrivals = [s for s in batch if s.kind == "arrive"]
                waits = []
                for ticket_id in executor.map(issue, arrivals):
                    if ticket_id is None:
                        continue
                    day.issued += 1
                    if day.issued % day.phones_every == 0 and len(day.phones) < day.phones_limit:
                        day.phones.append(ticket_id)
                        waits.append(pool.subscribe_phone(ticket_id))
                for answers in waits:  # the phone follows the ticket before anyone can call it
                    pool.wait_subscribed(answers)
                by_counter: dict[str, list[Step]] = defaultdict(list)
                for step in batch:
                    if step.kind != "arrive":
                        by_counter[step.counter_id].append(step)
                day.requests += len(arrivals) + sum(len(s) for s in by_counter.values())
                for nexts in executor.map(counter_steps, by_counter.values()):
                    with day.lock:  # workers may be waking counters meanwhile
                        for counter_id, at, kind in nexts:
                            day.push(at, kind, counter_id)
    return time.perf_counter() - began


def run(visitors: int = 4000, phones: int = 500, seed: int = 11) -> dict[str, Any]:
    print(f"\n== (c) Busy day: {visitors} visitors, 60 counters, 10 displays, 2 kiosks, {phones} phones ==",
          flush=True)
    print("   " + machine_note())
    from server.core.config_load import parse_config
    from server.core.site import SiteIndex
    from server.web.demo import pick_trainee_counters

    data = with_ten_displays(bundled_data())
    site = SiteIndex(parse_config(data, "bench.yaml"))
    idle = pick_trainee_counters(site, len(site.counters) - 60)  # counters whose lines others also serve
    active = [c for c in site.counters if c not in idle]
    day = Day(random.Random(seed), data, active, phones_every=max(1, visitors // max(phones, 1)),
              phones_limit=phones)
    plan_arrivals(day, visitors)
    for counter_id in active:
        day.push(DAY_START + day.rng.uniform(0, 300), "call", counter_id)

    figures: dict[str, Any] = {}
    with BenchServer(data) as server:
        figures["rss_idle_mb"] = server.rss_mb()
        server.add_user("bench-admin", "admin")
        token = server.login("bench-admin")
        statics = [(f"display-{d['id']}", {"display_id": d["id"]}) for d in data["displays"]]
        statics += [(f"kiosk-{k['id']}", {"kiosk_id": k["id"]}) for k in data["kiosks"]]
        # Displays and kiosks hear of nearly every change: few per process, so the clients
        # keep up; phones hear only of their own ticket.
        screens = [statics[i::4] for i in range(4)]
        per = [phones // 3 + (1 if i < phones % 3 else 0) for i in range(3)]
        began = time.perf_counter()
        pool = ClientPool(server.port, [*[(group, 0) for group in screens], *[([], n) for n in per if n]])
        print(f"   {pool.connected} socket.io clients connected in {time.perf_counter() - began:.1f} s; "
              f"server RSS {server.rss_mb():.0f} MB", flush=True)
        try:
            wall = replay(day, server, pool, token)
            time.sleep(2.0)  # let the last events arrive
            figures["rss_after_mb"] = server.rss_mb()
            records = pool.report()
        finally:
            pool.stop()
        time.sleep(1.0)
        figures["rss_after_disconnect_mb"] = server.rss_mb()
    figures.update(check(day, data, records, wall))
    report(figures, day, wall)
    return figures


def check(day: Day, data: dict[str, Any], records: list[Any], wall: float) -> dict[str, Any]:
    """Every display got every call of its counters, every phone its ticket.called; latencies."""
    shown_on = displays_of_counter(data)
    expected: dict[str, Counter[tuple[str, str, bool]]] = defaultdict(Counter)
    for key, starts in day.sent.items():
        for display_id in shown_on[key[1]]:
            expected[display_id][key] += len(starts)
    sent = {key: sorted(starts) for key, starts in day.sent.items()}
    display_latency, phone_latency = [], []
    lost_display = lost_phone = 0
    for _name, subscription, heard, _ in records:
        if subscription and "display_id" in subscription:
            got: Counter[tuple[str, str, bool]] = Counter()
            for _, ticket_id, counter_id, recall, at in heard:
                key = (ticket_id, counter_id, recall)
                got[key] += 1
                starts = sent.get(key, [])
                index = bisect.bisect_right(starts, at) - 1
                if index >= 0:
                    display_latency.append((at - starts[index]) * 1000)
            lost_display += sum((expected[subscription["display_id"]] - got).values())
        elif subscription and "ticket_id" in subscription:
            firsts = [at for _, ticket_id, counter_id, recall, at in heard
                      if ticket_id == subscription["ticket_id"] and not recall]
            if not firsts:
                lost_phone += 1
                continue
            starts = [t for (ticket_id, _, recall), ts in sent.items() if ticket_id == subscription["ticket_id"]
                      and not recall for t in ts]
            if starts:
                phone_latency.append((firsts[0] - min(starts)) * 1000)
    span = day.last_at - day.first_at
    return {
        "span_hours": span / 3600,
        "speedup": span / wall,
        "display_p50_ms": percentile(display_latency, 50),
        "display_p99_ms": percentile(display_latency, 99),
        "phone_p99_ms": percentile(phone_latency, 99),
        "display_deliveries": len(display_latency),
        "display_expected": sum(sum(c.values()) for c in expected.values()),
        "lost_display": lost_display,
        "phones_followed": len([r for r in records if r[1] and "ticket_id" in r[1]]),
        "lost_phone": lost_phone,
        "calls": sum(len(v) for k, v in day.sent.items() if not k[2]),
        "recalls": sum(len(v) for k, v in day.sent.items() if k[2]),
        "failures": dict(day.failures),
    }


def report(figures: dict[str, Any], day: Day, wall: float) -> None:
    end = DAY_START + figures["span_hours"] * 3600
    print(f"   replayed {day.issued} tickets, {figures['calls']} calls, {figures['recalls']} recalls, "
          f"{day.requests} HTTP requests in {wall:.1f} s wall")
    print(f"   simulated day 07:30-{int(end // 3600):02d}:{int(end % 3600 // 60):02d} "
          f"({figures['span_hours']:.1f} h): {figures['speedup']:.0f}x faster than real time")
    print(f"   call -> display: p50 {figures['display_p50_ms']:.1f} ms, p99 {figures['display_p99_ms']:.1f} ms "
          f"({figures['display_deliveries']} deliveries); call -> phone p99 {figures['phone_p99_ms']:.1f} ms")
    print(f"   lost: {figures['lost_display']} of {figures['display_expected']} display deliveries, "
          f"{figures['lost_phone']} of {figures['phones_followed']} phones; "
          f"refused requests: {figures['failures'] or 'none'}")
    print(f"   server RSS: idle {figures['rss_idle_mb']:.0f} MB, after the day with clients connected "
          f"{figures['rss_after_mb']:.0f} MB, after they left {figures['rss_after_disconnect_mb']:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--visitors", type=int, default=4000)
    parser.add_argument("--phones", type=int, default=500)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    run(args.visitors, args.phones, args.seed)


if __name__ == "__main__":
    main()
