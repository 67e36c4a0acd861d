"""A counter's or an officer's figures of the day, as the counter page shows them: visitors
served, no-shows, and the average service time (start to finish)."""

from __future__ import annotations

from typing import Any

from server.core.site import SiteIndex
from server.core.store import Transaction


def _figures(of: str) -> str:
    """The sums of_today adds up, over the columns of table alias `of`."""
    return (
        f"sum({of}.status = 'done') AS served, sum({of}.status = 'no_show') AS no_show, "
        f"sum(CASE WHEN {of}.status = 'done' AND {of}.started_at IS NOT NULL "
        f"THEN {of}.finished_at - {of}.started_at END) AS seconds, "
        f"sum({of}.status = 'done' AND {of}.started_at IS NOT NULL) AS timed"
    )


def of_today(tx: Transaction, site: SiteIndex, now: float, *, counter_id: str | None = None,
                officer: str | None = None) -> dict[str, Any]:
    """Today's served and no-show counts and the average service time (start to finish); a
    visit's steps finished here that sent the visitor on count as served too."""
    where, params = ["t.service_day = ?"], [site.service_day(now)]
    steps_where = list(where)
    for column, value in (("counter_id", counter_id), ("officer", officer)):
        if value is not None:
            where.append(f"t.{column} = ?")
            steps_where.append(f"s.{column} = ?")
            params.append(value)
    row = tx.one(f"SELECT {_figures('t')} FROM tickets t WHERE {' AND '.join(where)}", tuple(params)) or {}
    # A ticket's row is its current step; the steps before it (all done) are in ticket_steps.
    earlier = tx.one(
        f"SELECT {_figures('s')} FROM ticket_steps s JOIN tickets t ON t.id = s.ticket_id "
        f"WHERE t.step IS NOT NULL AND s.position < t.step AND {' AND '.join(steps_where)}",
        tuple(params),
    ) or {}

    def total(key: str) -> float:
        return float(row.get(key) or 0) + float(earlier.get(key) or 0)

    timed = total("timed")
    return {
        "served": int(total("served")),
        "no_show": int(total("no_show")),
        "average_service_seconds": round(total("seconds") / timed) if timed else None,
    }
