"""Who is calling: a bearer token or the browser's session cookie (with CSRF check).

What the caller may do is decided by the door, `server.core.permissions`; these are
its request-side helpers.
"""

from __future__ import annotations

import hmac

from flask import g, request, session

from server.core import auth, permissions
from server.core.auth import User
from server.core.errors import RuleError
from server.web.hall import Hall, current_hall

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
CSRF_HEADER = "X-CSRF-Token"
EPOCH = "epoch"  # the session cookie's copy of its account's session epoch (server/core/auth.py)


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return None


def identify(hall: Hall, token: str | None) -> User | None:
    """The user of a bearer token, else of the session cookie, else None.

    A token that is unknown or expired is refused rather than taken as nobody, so a
    client learns that its credentials stopped working. Also used at Socket.IO
    subscriptions, where the session is the one of the connection's handshake.
    """
    with hall.store.read() as tx:
        if token is not None:
            user = auth.user_for_token(tx, token, hall.now())
            if user is None:
                raise RuleError("unauthenticated", "The bearer token is unknown or has expired.")
            return user
        if "username" in session:
            # A cookie made before the account's sessions were ended (logout anywhere, a new
            # password, disabled) carries an older epoch: it is nobody.
            found = auth.get_user(tx, session["username"])
            alive = found is not None and not found.disabled and session.get(EPOCH) == found.session_epoch
            return found if alive else None
    return None


def current_user(hall: Hall | None = None) -> User | None:
    """The authenticated user of this request, or None; cached on `g`."""
    if "user" in g:
        return g.user  # type: ignore[no-any-return]
    token = bearer_token()
    user = identify(hall or current_hall(), token)
    if user is not None and token is None and request.method in UNSAFE:
        _check_csrf()
    g.user = user
    return user


def _check_csrf() -> None:
    sent = request.headers.get(CSRF_HEADER, "")
    expected = session.get("csrf", "")
    if not expected or not hmac.compare_digest(sent, expected):
        raise RuleError("csrf_failed", f"Missing or wrong {CSRF_HEADER} header; reload the page and try again.")


def require(action: str, target: permissions.Target | None = None) -> User:
    """The caller, if the door lets them do `action` (to `target`); else 401 or 403."""
    return permissions.require(current_user(), action, target)


def require_counter(counter_id: str) -> User:
    """An officer may act only at the counters assigned to them (a supervisor at their agency's)."""
    hall = current_hall()
    require("use_counter")
    counter = hall.site.counter_or_404(counter_id)
    return require("use_counter", permissions.counter(counter))
