"""Login throttling: a growing delay for each client address, a lockout for each account.

The design (docs/security.md, "Accounts and sessions"):

- An address that has failed `free_failures` times within the window waits before each
  further try, first `first_delay_seconds`, doubling with each failure up to
  `max_delay_seconds`. It is refused with `429 login_throttled` and `Retry-After`,
  whatever the account and whether or not the password is right. Nobody else waits: the
  officer at their own counter PC, another address, logs in as usual.
- An account that `lockout_failures` wrong passwords hit within the window (from any
  address) is locked for `lockout_minutes` (`429 account_locked`), even for the right
  password; an admin can lift it earlier. With the defaults, one address cannot lock an
  account on its own (its delays let it fail at most 15 times in 15 minutes, fewer than 20),
  so a single attacking machine only slows itself down, and a lockout ends by itself.

State lives in SQLite (`login_failures`, `login_lockouts`): it survives a restart and is
shared by every server process on the database. Each attempt is written down as a failure
before its password is checked, and forgotten if the password was right: a burst of
guesses sent at once counts in full, even across processes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from server.core.config import LoginSettings
from server.core.errors import RuleError
from server.core.events import AccountLocked, AccountUnlocked, LoginFailed, LoginThrottled
from server.core.store import Transaction

UNKNOWN_ADDRESS = "?"


class Throttled(RuleError):
    """A login refused before its password is read; `retry_after` seconds until it may try."""

    def __init__(self, code: str, message: str, retry_after: int) -> None:
        super().__init__(code, message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Attempt:
    """One login attempt, recorded as a failure until its password proves right."""

    username: str
    address: str
    at: float


def _seconds(value: float) -> int:
    return max(1, math.ceil(value))


def _address_wait(tx: Transaction, settings: LoginSettings, address: str, now: float) -> tuple[float, int]:
    """How long `address` must still wait before its next try (0: it may try now), and how
    many failures it has within the window."""
    row = tx.one("SELECT COUNT(*) AS failures, MAX(at) AS last FROM login_failures WHERE address = ? AND at > ?",
                 (address, now - settings.window_minutes * 60))
    failures = int(row["failures"]) if row else 0
    if row is None or failures < settings.free_failures:
        return 0.0, failures
    doublings = min(failures - settings.free_failures, 30)
    delay = min(settings.first_delay_seconds * 2 ** doublings, settings.max_delay_seconds)
    return max(0.0, row["last"] + delay - now), failures


def locked_until(tx: Transaction, username: str, now: float) -> float | None:
    """When the lockout of `username` ends, or None when it is not locked."""
    until = tx.scalar("SELECT until FROM login_lockouts WHERE username = ? AND until > ?", (username, now))
    return float(until) if until is not None else None


def begin(tx: Transaction, settings: LoginSettings, username: str, address: str | None, now: float) -> Attempt:
    """Refuse an attempt that must wait (`Throttled`); otherwise write it down as a failure."""
    address = address or UNKNOWN_ADDRESS
    window = settings.window_minutes * 60
    tx.execute("DELETE FROM login_failures WHERE at <= ?", (now - window,))
    tx.execute("DELETE FROM login_lockouts WHERE until <= ?", (now - window,))
    until = locked_until(tx, username, now)
    if until is not None:
        raise Throttled("account_locked", f"Too many wrong passwords for {username!r}: the account is locked for "
                        f"{_seconds(until - now)} s more, or until an admin unlocks it.", _seconds(until - now))
    wait, _ = _address_wait(tx, settings, address, now)
    if wait > 0:
        raise Throttled("login_throttled", f"Too many wrong passwords from this device: try again in "
                        f"{_seconds(wait)} s.", _seconds(wait))
    tx.execute("INSERT INTO login_failures (at, username, address) VALUES (?,?,?)", (now, username, address))
    return Attempt(username, address, now)


def succeeded(tx: Transaction, attempt: Attempt) -> None:
    """The password was right: forget this address's failures for this account (the officer's
    own typing mistakes), not those of other addresses, which still count against them."""
    tx.execute("DELETE FROM login_failures WHERE username = ? AND address = ?", (attempt.username, attempt.address))


def failed(tx: Transaction, settings: LoginSettings, attempt: Attempt, now: float) -> None:
    """The password was wrong (its failure is already written): log it, and the throttle of
    its address or the lockout of its account that it starts."""
    tx.raise_event(LoginFailed(at=now, actor=attempt.username, address=attempt.address))
    wait, failures = _address_wait(tx, settings, attempt.address, now)
    if wait > 0:
        tx.raise_event(LoginThrottled(at=now, actor=attempt.username, address=attempt.address,
                                      retry_after=_seconds(wait), failures=failures))
    if locked_until(tx, attempt.username, now) is not None:
        return
    # Failures since the last lockout ended count: an expired lockout starts a fresh count.
    since = max(now - settings.window_minutes * 60,
                tx.scalar("SELECT until FROM login_lockouts WHERE username = ?", (attempt.username,)) or 0.0)
    count = int(tx.scalar("SELECT COUNT(*) FROM login_failures WHERE username = ? AND at > ?",
                          (attempt.username, since)))
    if count >= settings.lockout_failures:
        until = now + settings.lockout_minutes * 60
        tx.execute("INSERT OR REPLACE INTO login_lockouts (username, locked_at, until, address) VALUES (?,?,?,?)",
                   (attempt.username, now, until, attempt.address))
        tx.raise_event(AccountLocked(at=now, actor=None, address=attempt.address, username=attempt.username,
                                     until=until, failures=count))


def unlock(tx: Transaction, username: str, actor: str, address: str | None, now: float) -> bool:
    """An admin lifts the lockout of `username` and forgets its failed logins (from every
    address). False when it was not locked (nothing is logged then)."""
    was_locked = locked_until(tx, username, now) is not None
    tx.execute("DELETE FROM login_lockouts WHERE username = ?", (username,))
    tx.execute("DELETE FROM login_failures WHERE username = ?", (username,))
    if was_locked:
        tx.raise_event(AccountUnlocked(at=now, actor=actor, address=address, username=username))
    return was_locked
