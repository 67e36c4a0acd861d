"""What clients without a login may do, and how often.

Anyone on the hall's network may take a ticket: kiosks do not sign in. So that one client
cannot empty a service's day (one took a whole quota in 0.7 s), each kiosk and each client
address has an allowance, a token bucket: `per_minute` requests at once, then `per_minute`
more a minute as it refills. A kiosk is counted by its id *and* its address, so kiosks
behind one NAT address each have their own allowance, and someone who sends a kiosk's id
from elsewhere spends their own allowance, not the kiosk's. Requests without a registered
kiosk are counted by client address. Staff sessions are not limited (the caller checks).

The allowance lives in the database (table `rate_limits`) and is spent inside the request's
own write transaction: every server process of a scaled-out hall counts the same allowance,
without a race, with no extra round trip, and a request that is refused for another reason
(service closed, quota reached) rolls back and spends nothing.

A reprint needs the ticket's own kiosk (or a staff session, checked by the caller): the
ticket id alone, printed on the ticket and carried in its QR code, is not enough.
"""

from __future__ import annotations

import math

from server.core.errors import RuleError
from server.core.site import SiteIndex
from server.core.store import Transaction

FORGET_AFTER = 24 * 3600.0  # a bucket untouched this long is full again whatever its limit


class RateLimited(RuleError):
    """`429 rate_limited`, with the whole seconds after which one more request will pass."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__("rate_limited", message)
        self.retry_after = retry_after


def bucket(site: SiteIndex, kiosk_id: str | None, address: str) -> tuple[str, int | None]:
    """The allowance a request spends: its kiosk's (at that address) when it names a registered
    kiosk, else its address's; with the limit per minute the configuration sets (None: none)."""
    server = site.config.server
    if kiosk_id is not None and kiosk_id in site.kiosks:
        return f"kiosk:{kiosk_id}@{address}", server.kiosk_rate_limit_per_minute
    return f"address:{address}", server.rate_limit_per_minute


def spend(tx: Transaction, key: str, per_minute: int | None, now: float) -> None:
    """Spend one request of `key`'s allowance, or raise RateLimited saying when to come back."""
    if per_minute is None:
        return
    rate = per_minute / 60.0  # refill, per second
    row = tx.one("SELECT tokens, at FROM rate_limits WHERE key = ?", (key,))
    if row is None:
        tokens = float(per_minute)
        # A new client: forget the ones idle for a day (their buckets are full again anyway).
        tx.execute("DELETE FROM rate_limits WHERE at < ?", (now - FORGET_AFTER,))
    else:
        tokens = min(float(per_minute), row["tokens"] + max(0.0, now - row["at"]) * rate)
        # Processes whose clocks differ a little take turns: the bucket's time never goes back,
        # or each turn from the clock behind would refill it again by the difference.
        now = max(now, row["at"])
    if tokens < 1:
        wait = max(1, math.ceil((1 - tokens) / rate))
        raise RateLimited(f"Too many requests from this device; try again in {wait} s.", wait)
    tx.execute(
        "INSERT INTO rate_limits (key, tokens, at) VALUES (?, ?, ?) "
        "ON CONFLICT (key) DO UPDATE SET tokens = excluded.tokens, at = excluded.at",
        (key, tokens - 1, now),
    )


def check_kiosk_reprint(site: SiteIndex, row: dict[str, object], kiosk_id: str | None,
                        printer_id: str | None) -> None:
    """A reprint without a staff session: only the kiosk that issued the ticket may ask, and
    only on its own printer. None asks: `unauthenticated`; another kiosk or printer: `forbidden`."""
    if kiosk_id is None:
        raise RuleError("unauthenticated", "A reprint needs the ticket's kiosk (kiosk_id) or a staff login.")
    kiosk = site.kiosks.get(kiosk_id)
    if kiosk is None or row["kiosk_id"] != kiosk_id:
        raise RuleError("forbidden", "Only the kiosk that issued this ticket may reprint it.", "kiosk_id")
    if printer_id is not None and printer_id != kiosk.printer:
        raise RuleError("forbidden", "A kiosk reprints only on its own printer.", "printer_id")
