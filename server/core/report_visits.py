"""The visits report: per-step and whole-visit times of the visits of several steps.

Which visits count: tickets with steps (issued with several services, or given a step by an
officer) whose service day lies in the period. With an agency (or a service), only its steps
count in the step figures and only arrivals at it in `between`; a visit counts when one of its
steps is the agency's, and its whole time is the whole trip.

Times of a step, in seconds (the step's own row in `ticket_steps`):
- wait: joined its line (`queued_at`: the issue for the first step, the previous step's
  finish for a later one, the transfer after a transfer) to its call, every called step;
- walk: call to start at the counter, every started step;
- service: start to finish, every step done that was started.

Between agencies, for each step done that was followed by a step that was started:
- between.wait: finish of one step to the call at the next (waiting in the next line);
- between.walk: that call to the start at the next counter: walking between agencies;
- between.total: the two together, finish of one step to the start of the next.

visit: issue of the ticket to the finish of its last step, completed visits (the ticket `done`).

Each figure is `{"avg", "median", "p90"}` as in the summary report (server/core/reports.py):
the mean, the middle value (or the mean of the two middle ones), the nearest-rank 90th
percentile; rounded to one decimal; None without data.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from server.core.reports import Filters
from server.core.site import SiteIndex
from server.core.store import Transaction

NONE: dict[str, float | None] = {"avg": None, "median": None, "p90": None}
PARTS = ("wait", "walk", "service")


def stats(values: Iterable[float]) -> dict[str, float | None]:
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        return dict(NONE)
    middle = ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2
    return {"avg": round(sum(ordered) / n, 1), "median": round(middle, 1),
            "p90": round(ordered[math.ceil(0.9 * n) - 1], 1)}


def _gap(start: float | None, end: float | None) -> float | None:
    return end - start if start is not None and end is not None else None


def step_times(step: dict[str, Any]) -> dict[str, float | None]:
    """A step's wait, walk and service (None where it did not get that far)."""
    return {
        "wait": _gap(step["queued_at"], step["called_at"]),
        "walk": _gap(step["called_at"], step["started_at"]),
        "service": _gap(step["started_at"], step["finished_at"]) if step["status"] == "done" else None,
    }


class _Group:
    def __init__(self) -> None:
        self.steps = 0
        self.served = 0
        self.times: dict[str, list[float]] = {part: [] for part in PARTS}

    def add(self, step: dict[str, Any]) -> None:
        self.steps += 1
        self.served += step["status"] == "done"
        for part, value in step_times(step).items():
            if value is not None:
                self.times[part].append(value)

    def json(self) -> dict[str, Any]:
        return {"steps": self.steps, "served": self.served, **{part: stats(self.times[part]) for part in PARTS}}


def _visits(tx: Transaction, filters: Filters) -> dict[str, dict[str, Any]]:
    """The period's visits with their steps in order: {ticket id: {"ticket": row, "steps": [...]}}."""
    rows = tx.all(
        "SELECT t.id AS ticket, t.status AS ticket_status, t.issued_at AS issued_at, s.* FROM tickets t "
        "JOIN ticket_steps s ON s.ticket_id = t.id WHERE t.step IS NOT NULL AND t.service_day BETWEEN ? AND ? "
        "ORDER BY t.arrival, s.position",
        (filters.start.isoformat(), filters.end.isoformat()),
    )
    visits: dict[str, dict[str, Any]] = {}
    for row in rows:
        visit = visits.setdefault(row["ticket"], {"status": row["ticket_status"], "issued_at": row["issued_at"],
                                                  "steps": []})
        visit["steps"].append(row)
    return visits


def visits_report(tx: Transaction, site: SiteIndex, filters: Filters) -> dict[str, Any]:
    """Per-step and whole-visit times of the period's visits of several steps (see above)."""

    def chosen(step: dict[str, Any]) -> bool:
        return ((filters.agency_id is None or step["agency_id"] == filters.agency_id)
                and (filters.service_id is None or step["service_id"] == filters.service_id))

    total = _Group()
    by_position: dict[int, _Group] = {}
    by_service: dict[str, _Group] = {}
    between: dict[str, list[float]] = {"wait": [], "walk": [], "total": []}
    whole: list[float] = []
    ends = {"completed": 0, "no_show": 0, "cancelled": 0, "expired": 0, "active": 0}  # how the visits ended
    count = 0
    for visit in _visits(tx, filters).values():
        steps = visit["steps"]
        if not any(chosen(step) for step in steps):
            continue
        count += 1
        status = visit["status"]
        ending = "completed" if status == "done" else status if status in ends else "active"
        ends[ending] += 1
        if status == "done":
            whole.append(steps[-1]["finished_at"] - visit["issued_at"])
        for before, step in zip([None, *steps], steps, strict=False):
            if not chosen(step):
                continue
            total.add(step)
            by_position.setdefault(step["position"], _Group()).add(step)
            by_service.setdefault(step["service_id"], _Group()).add(step)
            if before is not None and before["status"] == "done" and step["started_at"] is not None:
                between["wait"].append(step["called_at"] - before["finished_at"])
                between["walk"].append(step["started_at"] - step["called_at"])
                between["total"].append(step["started_at"] - before["finished_at"])
    return {
        "from": filters.start.isoformat(),
        "to": filters.end.isoformat(),
        "agency_id": filters.agency_id,
        "visits": count,
        **ends,
        "step": total.json(),
        "by_position": [{"position": p, **g.json()} for p, g in sorted(by_position.items())],
        "by_service": [{"service_id": s, "agency_id": site.agency_of.get(s), "service_name": _name(site, s),
                        **g.json()} for s, g in sorted(by_service.items(), key=lambda item: _order(site, item[0]))],
        "between": {part: stats(values) for part, values in between.items()},
        "visit": stats(whole),
    }


def _name(site: SiteIndex, service_id: str) -> str:
    service = site.services.get(service_id)
    return service.name if service else service_id  # removed since: its id stays readable


def _order(site: SiteIndex, service_id: str) -> tuple[int, str]:
    """Configuration order; services removed since, last."""
    order = list(site.services)
    return (order.index(service_id), "") if service_id in site.services else (len(order), service_id)
