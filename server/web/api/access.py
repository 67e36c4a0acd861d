"""Who is calling: a bearer token or the browser's session cookie (with CSRF check)."""

from __future__ import annotations

import hmac

from flask import g, request, session

from server.core import auth
from server.core.auth import User
from server.core.errors import RuleError
from server.web.hall import Hall, current_hall

RANK = {"officer": 1, "supervisor": 2, "admin": 3}
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
CSRF_HEADER = "X-CSRF-Token"


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return None


def current_user(hall: Hall | None = None) -> User | None:
    """The authenticated user of this request, or None; cached on `g`."""
    if "user" in g:
        return g.user  # type: ignore[no-any-return]
    hall = hall or current_hall()
    user = None
    token = _bearer()
    with hall.store.read() as tx:
        if token is not None:
            user = auth.user_for_token(tx, token, hall.now())
            if user is None:
                raise RuleError("unauthenticated", "The bearer token is unknown or has expired.")
        elif "username" in session:
            found = auth.get_user(tx, session["username"])
            user = found if found and not found.disabled else None
            if user is not None and request.method in UNSAFE:
                _check_csrf()
    g.user = user
    return user


def _check_csrf() -> None:
    sent = request.headers.get(CSRF_HEADER, "")
    expected = session.get("csrf", "")
    if not expected or not hmac.compare_digest(sent, expected):
        raise RuleError("csrf_failed", f"Missing or wrong {CSRF_HEADER} header; reload the page and try again.")


def require_role(role: str) -> User:
    user = current_user()
    if user is None:
        raise RuleError("unauthenticated", "Log in first.")
    if RANK[user.role] < RANK[role]:
        raise RuleError("forbidden", f"This needs the {role} role; you are {user.role}.")
    return user


def require_counter(counter_id: str) -> User:
    """An officer may act only at the counters assigned to them."""
    hall = current_hall()
    user = require_role("officer")
    if counter_id not in hall.site.counters:
        raise RuleError("unknown_counter", f"There is no counter with id {counter_id!r}.")
    if not user.may_use_counter(hall.site, counter_id):
        raise RuleError("forbidden", f"You are not assigned to counter {counter_id!r}.")
    return user
