""""Your turn is near": whether a waiting visitor should be told to come back to the counters.

One rule for the phone page (the Ticket's `near`) and the SMS (server/core/sms.py), so that both
say it at the same moment: a waiting ticket is near when at most `site.near_alert.places` tickets
are ahead of it, or when its estimated wait (the one every screen shows, tickets.wait_estimate)
is at most `site.near_alert.minutes`. A ticket that is not waiting (called, served, finished,
cancelled, expired) is never near. The alert is given once per step of a visit: each step waits
in its own line, so `near_step` says which line this is about; the phone page and the SMS table
remember the (ticket, step) pairs they have alerted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from server.core import tickets
from server.core.config import NearAlert
from server.core.site import SiteIndex
from server.core.store import Transaction
from server.core.vocabulary import WAIT_ESTIMATED, WaitEstimate

PLACES = "places"  # at most `places` tickets ahead
MINUTES = "minutes"  # the estimated wait is at most `minutes`


@dataclass(frozen=True)
class Near:
    near: bool
    reason: str | None = None  # PLACES or MINUTES when near (places first: it is the surer test)
    step: int = 0


def decide(status: str, ahead: int, estimate: WaitEstimate | None, rule: NearAlert, step: int = 0) -> Near:
    """The rule itself, over plain values: `ahead` tickets before this one, its wait estimate."""
    if status != "waiting":
        return Near(False, None, step)
    if rule.places is not None and ahead <= rule.places:
        return Near(True, PLACES, step)
    if (rule.minutes is not None and estimate is not None and estimate.status == WAIT_ESTIMATED
            and estimate.seconds is not None and estimate.seconds <= rule.minutes * 60):
        return Near(True, MINUTES, step)
    return Near(False, None, step)


def current_step(tx: Transaction, row: dict[str, Any]) -> int:
    """The position of the ticket's current step: `tickets.step` of a visit with several steps
    (1..n, server/core/visits.py), 0 for a plain ticket; what makes an alert "once per step"."""
    value = row.get("step")
    return int(value) if isinstance(value, int) else 0


def of_ticket(tx: Transaction, site: SiteIndex, row: dict[str, Any], ahead: int | None = None,
              estimate: WaitEstimate | None = None) -> Near:
    """The rule for one ticket row; `ahead` and `estimate` when the caller has them already."""
    if row["status"] != "waiting":
        return Near(False, None, current_step(tx, row))
    if ahead is None:
        ahead = tickets.ahead_of(tx, site, row)
    if estimate is None:
        estimate = tickets.wait_estimate(tx, site, row["service_id"], ahead, row["service_day"])
    return decide(row["status"], ahead, estimate, site.config.site.near_alert, current_step(tx, row))


def near_json(near: Near) -> dict[str, Any]:
    """The Ticket's fields: `near`, `near_reason`, `near_step`."""
    return {"near": near.near, "near_reason": near.reason, "near_step": near.step}
