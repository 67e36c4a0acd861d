"""Logging in and out: a session cookie for pages, a bearer token for API clients."""

from __future__ import annotations

import secrets
from typing import Any

from flask import request, session

from server.core import auth, permissions
from server.core.errors import RuleError
from server.core.events import LoggedOut
from server.web.api import schemas
from server.web.api.access import EPOCH, current_user
from server.web.api.base import api
from server.web.hall import current_hall


@api.route("/session", "POST", summary="Log in.", tag="session", body=schemas.Login,
           response=schemas.SessionOut,
           errors=((401, "invalid_credentials"), (429, "login_throttled"), (429, "account_locked")))
def login(body: schemas.Login) -> dict[str, Any]:
    """Check the password (throttled by address, locked by account); set the session cookie
    and, unless the client asks for none (`"token": false`, the pages), answer a bearer token."""
    hall = current_hall()
    user, token = auth.log_in(hall.store, hall.site.config.login, body.username, body.password,
                              request.remote_addr, hall.now(), want_token=body.token)
    session.clear()
    session["username"] = user.username
    session[EPOCH] = user.session_epoch
    session["csrf"] = secrets.token_urlsafe(24)
    session.permanent = True
    return {"user": user.to_json(), "token": token, "csrf_token": session["csrf"],
            "counter_ids": permissions.counters_for(user, hall.site)}


@api.route("/session", "GET", summary="Who is logged in.", tag="session", response=schemas.SessionOut,
           errors=((401, "unauthenticated"),))
def whoami() -> dict[str, Any]:
    """The current user, the counters they may open and, for cookie sessions, the CSRF token pages must send."""
    user = current_user()
    if user is None:
        raise RuleError("unauthenticated", "Not logged in.")
    return {"user": user.to_json(), "csrf_token": session.get("csrf"),
            "counter_ids": permissions.counters_for(user, current_hall().site)}


@api.route("/session", "DELETE", summary="Log out: end every session and token of the account.", tag="session",
           response=schemas.Ok)
def logout() -> dict[str, Any]:
    """End every cookie session and every bearer token of the caller's account, on every
    device, and clear this browser's cookie."""
    hall = current_hall()
    user = current_user()
    if user is not None:
        with hall.store.write() as tx:
            auth.end_sessions(tx, user.username)
            tx.raise_event(LoggedOut(at=hall.now(), actor=user.username, address=request.remote_addr))
    session.clear()
    return {"ok": True}
