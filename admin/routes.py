"""The admin blueprint: thin page shells whose scripts speak the /api/v1 routes.

Each admin page checks the session cookie on the server first: no session gives
the login form, an officer gets a clear "no access" page (403); the data itself
is always fetched through the API, which checks again.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, session

from server.core import permissions
from server.core.auth import User
from server.web.api.access import current_user
from server.web.hall import current_hall

blueprint = Blueprint(
    "admin", __name__, template_folder="templates", static_folder="static", static_url_path="/admin/static"
)

# page -> (template, the action of server/core/permissions.py that opens it)
PAGES = {
    "dashboard": ("admin/dashboard.html", "see_overview"),
    "setup": ("admin/setup.html", "read_config"),
    "users": ("admin/users.html", "see_user"),
    "operations": ("admin/operations.html", "manage_closures"),
    "reports": ("admin/reports.html", "read_reports"),
    "ikm": ("admin/ikm.html", "read_reports"),
    "audit": ("admin/audit.html", "read_audit"),
}


def _context(user: User | None) -> dict[str, Any]:
    hall = current_hall()
    # The hall's date, not the browser's: a PC on an offline LAN may have a wrong clock.
    # What the door lets this user do, for the page to render (the API checks again).
    allowed = [action for action in permissions.ACTIONS if permissions.may(user, action)]
    scope = permissions.agency_scope(user) if user else None
    return {"site": hall.site.config.site, "today": hall.site.service_day(hall.now()), "user": user,
            "nav": [page for page, (_, action) in PAGES.items() if permissions.may(user, action)],
            "allowed": allowed, "sees_all_agencies": user is not None and scope is None, "scope": scope or ""}


def _page(name: str) -> Any:
    user = current_user()
    if user is None:
        return render_template("admin/login.html", page=name, **_context(None))
    template, action = PAGES[name]
    if not permissions.may(user, action):
        return render_template("admin/no_access.html", page=name, **_context(user)), 403
    return render_template(template, page=name, csrf_token=session.get("csrf", ""), **_context(user))


@blueprint.get("/admin")
def dashboard() -> Any:
    """The live overview: lines, the longest wait, counters, served today against the usual."""
    return _page("dashboard")


@blueprint.get("/admin/setup")
def setup() -> Any:
    """Agencies and services, counters, kiosks, displays, printers, running text, hours and holidays."""
    return _page("setup")


@blueprint.get("/admin/users")
def users() -> Any:
    """Officers, supervisors and admins: create, assign counters, reset password, disable."""
    return _page("users")


@blueprint.get("/admin/operations")
def operations() -> Any:
    """Today's closures of services and counters, and the printers' health."""
    return _page("operations")


@blueprint.get("/admin/reports")
def reports() -> Any:
    """Report of a day or a period, with charts and CSV/XLSX downloads."""
    return _page("reports")


@blueprint.get("/admin/ikm")
def ikm() -> Any:
    """The satisfaction index (IKM) with its grade, per element, service, agency and month."""
    return _page("ikm")


@blueprint.get("/admin/audit")
def audit() -> Any:
    """Who did what, when and from where."""
    return _page("audit")
