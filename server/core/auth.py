"""Accounts: users in the database, scrypt-hashed passwords, bearer tokens, roles, sessions.

Hashing or checking a password costs tens of milliseconds of CPU: it always runs off the
gevent loop (`osthread.off_loop`), outside any transaction, so neither the hall nor the
database waits for it. Logging in goes through `log_in`, which the login throttle guards.

Ending an account's sessions (logout, a new password, disabled) deletes its bearer tokens
and raises its `session_epoch`: a cookie session carries the epoch it was made in and is
refused once the account's has moved on, so every cookie session ends at once.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from werkzeug.security import check_password_hash, generate_password_hash

from server.core import login_throttle
from server.core.config import LoginSettings
from server.core.errors import RuleError
from server.core.events import LoggedIn, SessionsEnded
from server.core.osthread import off_loop, own_pool
from server.core.site import SiteIndex
from server.core.store import Store, Transaction

ROLES = ("officer", "supervisor", "admin")
TOKEN_DAYS = 7
USERNAME_PATTERN = r"[a-z0-9][a-z0-9._-]{1,39}"
MIN_PASSWORD = 8


@dataclass(frozen=True)
class User:
    username: str
    role: str
    agency_id: str | None = None
    counters: tuple[str, ...] = ()
    display_name: str | None = None
    disabled: bool = False
    session_epoch: int = 0  # what a cookie session of this account must carry (not shown)

    def to_json(self) -> dict[str, Any]:
        return {
            "username": self.username,
            "role": self.role,
            "agency_id": self.agency_id,
            "counters": list(self.counters),
            "display_name": self.display_name,
            "disabled": self.disabled,
        }


@dataclass
class NewUser:
    username: str
    password: str
    role: str
    agency_id: str | None = None
    counters: list[str] = field(default_factory=list)
    display_name: str | None = None


def _user(row: dict[str, Any]) -> User:
    return User(
        username=row["username"],
        role=row["role"],
        agency_id=row["agency_id"],
        counters=tuple(json.loads(row["counters"] or "[]")),
        display_name=row["display_name"],
        disabled=bool(row["disabled"]),
        session_epoch=int(row["session_epoch"]),
    )


@functools.cache
def _hashing_pool() -> Any:
    """One OS thread for all hashing: a burst of guesses queues there instead of filling gevent's
    shared pool with CPU work that would leave the loop no core (two of them here). Made on
    first use, in the loop's thread; None outside gevent's loop."""
    return own_pool(1)


def _hashed(work: Any, *args: Any) -> Any:
    return off_loop(work, *args, pool=_hashing_pool())


def hash_password(password: str) -> str:
    """A salted scrypt hash of `password`, made in an OS thread while the loop goes on."""
    return str(_hashed(generate_password_hash, password))


def password_matches(stored_hash: str | None, password: str) -> bool:
    """Whether `password` is the one of `stored_hash`, checked off the loop. With no hash (no
    such account) the same work is spent on a dummy, so a wrong name is not told apart."""
    if stored_hash is None:
        _hashed(check_password_hash, _dummy_hash(), password)
        return False
    return bool(_hashed(check_password_hash, stored_hash, password))


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise RuleError("invalid_request", f"password: use at least {MIN_PASSWORD} characters.", "password")


def validate_new_user(site: SiteIndex, new: NewUser) -> None:
    """Refuse a user that could not work: bad name, weak password, unknown counter..."""
    if not re.fullmatch(USERNAME_PATTERN, new.username):
        message = "username: use 2-40 lower-case letters, digits, '.', '_' or '-'."
        raise RuleError("invalid_request", message, "username")
    check_new_password(new.password)
    if new.role not in ROLES:
        raise RuleError("invalid_request", f"role: expected one of {', '.join(ROLES)}.", "role")
    for counter_id in new.counters:
        if counter_id not in site.counters:
            raise RuleError("invalid_request", f"counters: {counter_id!r} is not a counter id.", "counters")
    if new.agency_id is not None and new.agency_id not in site.agencies:
        raise RuleError("invalid_request", f"agency: {new.agency_id!r} is not an agency id.", "agency_id")
    if new.role == "supervisor" and new.agency_id is None:
        raise RuleError("invalid_request", "agency: a supervisor needs the agency they supervise.", "agency_id")
    if new.role == "officer" and not new.counters:
        raise RuleError("invalid_request", "counters: an officer needs at least one counter.", "counters")


def create_user(tx: Transaction, site: SiteIndex, new: NewUser, now: float, *,
                password_hash: str | None = None) -> User:
    """A new account. A server handler validates and hashes first (`validate_new_user`,
    `hash_password`), outside its transaction, and passes `password_hash`; the command line
    and tests may let it hash here."""
    validate_new_user(site, new)
    if tx.scalar("SELECT 1 FROM users WHERE username = ?", (new.username,)):
        raise RuleError("user_exists", f"A user named {new.username!r} already exists.", "username")
    tx.execute(
        "INSERT INTO users (username, password_hash, role, agency_id, counters, display_name, created_at) "
        "VALUES (?,?,?,?,?,?,?)",
        (
            new.username,
            password_hash or hash_password(new.password),
            new.role,
            new.agency_id,
            json.dumps(new.counters),
            new.display_name,
            now,
        ),
    )
    return _existing(tx, new.username)


def get_user(tx: Transaction, username: str) -> User | None:
    row = tx.one("SELECT * FROM users WHERE username = ?", (username,))
    return _user(row) if row else None


def _existing(tx: Transaction, username: str) -> User:
    """An account this transaction has just written (so it is there)."""
    user = get_user(tx, username)
    if user is None:
        raise RuntimeError(f"account {username!r} vanished inside its own transaction")
    return user


def log_in(store: Store, settings: LoginSettings, username: str, password: str, address: str | None,
           now: float, *, want_token: bool) -> tuple[User, str | None]:
    """The user (and a new bearer token if `want_token`) if the password is right and the
    account enabled; else `invalid_credentials`, or `Throttled` before the password is read.

    Three steps, so that nothing waits on the hash: the throttle writes the attempt down and
    the stored hash is read (one short transaction); the password is checked off the loop
    with no transaction open; the outcome is written (another)."""
    # Not durable: a power cut may forget a login attempt, and a flood of guesses must not queue
    # the hall's tickets behind a disk sync each.
    with store.write(durable=False) as tx:
        attempt = login_throttle.begin(tx, settings, username, address, now)
        stored = tx.scalar("SELECT password_hash FROM users WHERE username = ?", (username,))
    right = password_matches(stored, password)
    with store.write(durable=False) as tx:
        user = get_user(tx, username) if right else None
        if user is None or user.disabled:
            login_throttle.failed(tx, settings, attempt, now)
        else:
            login_throttle.succeeded(tx, attempt)
            tx.raise_event(LoggedIn(at=now, actor=username, address=address))
            return user, issue_token(tx, username, now) if want_token else None
    raise RuleError("invalid_credentials", "Wrong username or password.")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(tx: Transaction, username: str, now: float) -> str:
    token = secrets.token_urlsafe(32)
    tx.execute(
        "INSERT INTO api_tokens (token_hash, username, created_at, expires_at) VALUES (?,?,?,?)",
        (_token_hash(token), username, now, now + TOKEN_DAYS * 86400),
    )
    return token


def user_for_token(tx: Transaction, token: str, now: float) -> User | None:
    row = tx.one(
        "SELECT u.* FROM api_tokens t JOIN users u ON u.username = t.username "
        "WHERE t.token_hash = ? AND t.expires_at > ? AND u.disabled = 0",
        (_token_hash(token), now),
    )
    return _user(row) if row else None


def revoke_token(tx: Transaction, token: str) -> None:
    tx.execute("DELETE FROM api_tokens WHERE token_hash = ?", (_token_hash(token),))


@functools.cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_hex(8))


# --- managing accounts (admin pages) -----------------------------------------------------------


def list_users(tx: Transaction) -> list[User]:
    return [_user(row) for row in tx.all("SELECT * FROM users ORDER BY role DESC, username")]


def update_user(tx: Transaction, site: SiteIndex, username: str, changes: dict[str, Any]) -> User:
    """Change role, agency, counters or name; the result must still be a workable account."""
    user = get_user(tx, username)
    if user is None:
        raise RuleError("unknown_user", f"There is no user {username!r}.")
    merged = {**user.to_json(), **changes}
    validate_new_user(site, NewUser(username, "x" * MIN_PASSWORD, merged["role"], merged["agency_id"],
                                    list(merged["counters"]), merged["display_name"]))
    tx.execute(
        "UPDATE users SET role = ?, agency_id = ?, counters = ?, display_name = ? WHERE username = ?",
        (merged["role"], merged["agency_id"], json.dumps(list(merged["counters"])), merged["display_name"], username),
    )
    return _existing(tx, username)


def end_sessions(tx: Transaction, username: str) -> None:
    """Every cookie session and bearer token of the account ends, at once."""
    tx.execute("UPDATE users SET session_epoch = session_epoch + 1 WHERE username = ?", (username,))
    tx.execute("DELETE FROM api_tokens WHERE username = ?", (username,))
    tx.raise_event(SessionsEnded(username=username))


def set_password(tx: Transaction, username: str, password_hash: str) -> None:
    """A new password (hashed with `hash_password` before the transaction); every session
    and token of the account ends."""
    tx.execute("UPDATE users SET password_hash = ? WHERE username = ?", (password_hash, username))
    end_sessions(tx, username)


def set_disabled(tx: Transaction, username: str, disabled: bool) -> None:
    """A disabled account cannot log in, and its tokens and sessions stop working at once
    (and stay ended when it is enabled again)."""
    tx.execute("UPDATE users SET disabled = ? WHERE username = ?", (int(disabled), username))
    if disabled:
        end_sessions(tx, username)
