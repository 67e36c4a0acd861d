"""Logging in and out: a session cookie for pages, a bearer token for API clients."""

from __future__ import annotations

import secrets
from typing import Any

from flask import request, session

from server.core import auth, permissions
from server.core.errors import RuleError
from server.core.events import LoggedIn, LoggedOut, LoginFailed
from server.web.api import schemas
from server.web.api.access import bearer_token, current_user
from server.web.api.base import api
from server.web.hall import current_hall


@api.route("/session", "POST", summary="Log in.", tag="session", body=schemas.Login,
           response=schemas.SessionOut, errors=((401, "invalid_credentials"),))
def login(body: schemas.Login) -> dict[str, Any]:
    """Check the password; answer a bearer token and set the session cookie."""
    hall = current_hall()
    with hall.store.read() as tx:
        user = auth.authenticate(tx, body.username, body.password)
    with hall.store.write() as tx:
        tx.raise_event((LoggedIn if user else LoginFailed)(at=hall.now(), actor=body.username,
                                                          address=request.remote_addr))
        token = auth.issue_token(tx, user.username, hall.now()) if user else None
    if user is None:
        raise RuleError("invalid_credentials", "Wrong username or password.")
    session.clear()
    session["username"] = user.username
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


@api.route("/session", "DELETE", summary="Log out.", tag="session", response=schemas.Ok)
def logout() -> dict[str, Any]:
    """End the cookie session and revoke the bearer token, if one was sent."""
    hall = current_hall()
    user = current_user()
    token = bearer_token()
    with hall.store.write() as tx:
        if token is not None:
            auth.revoke_token(tx, token)
        if user is not None:
            tx.raise_event(LoggedOut(at=hall.now(), actor=user.username, address=request.remote_addr))
    session.clear()
    return {"ok": True}

