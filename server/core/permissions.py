"""The one permission door: may this user do this action (to this target)?

Every check asks `may(user, action, target)` or `require(...)`: the API routes (through
their `auth=` declaration and in their handlers), the admin pages, the Socket.IO rooms
and the counters a session may open. The defaults are the table `ACTIONS` below:

- a role may do what its least role allows (officer < supervisor < admin);
- with a target, an admin may act on everything, a supervisor on what belongs to their
  agency, an officer on the counters assigned to them.

Without a target, `may` answers whether the role may do the action at all (the route's
first check); the handler then asks again with what the request names.
"""

from __future__ import annotations

from dataclasses import dataclass

from server.core.auth import ROLES, User
from server.core.config import Counter
from server.core.errors import RuleError
from server.core.site import SiteIndex

RANK = {role: rank for rank, role in enumerate(ROLES)}  # officer < supervisor < admin


@dataclass(frozen=True)
class Rule:
    role: str  # the least role that may do the action
    refusal: str = ""  # said when the target is out of the user's scope ({id}: the target's id)


SCOPE = "A supervisor sees only their own agency."
ACTIONS: dict[str, Rule] = {
    # call, serve and see a counter, its queue and its room counter:ID
    "use_counter": Rule("officer", "You are not assigned to counter {id!r}."),
    "read_config": Rule("supervisor"),  # the configuration sections (read-only for supervisors)
    "edit_config": Rule("admin"),
    "see_user": Rule("supervisor", SCOPE),  # a supervisor sees their agency's officers and supervisors
    "manage_users": Rule("admin"),  # create, change, reset password, disable
    "manage_closures": Rule("supervisor", "A supervisor can close or reopen only their own agency's services "
                                          "and counters."),
    "see_overview": Rule("supervisor", SCOPE),  # the live overview (of an agency) and the admin room
    "read_reports": Rule("supervisor", SCOPE),  # reports and the queue chart (of an agency)
    "read_backups": Rule("admin"),
    "read_sms": Rule("admin"),  # whether the "near" SMS go out, and why not
    "read_audit": Rule("admin"),
    # reprint a ticket this counter called today (the officer's own counters)
    "reprint_at_counter": Rule("officer", "You are not assigned to counter {id!r}."),
    "test_printer": Rule("admin"),  # a test print from the admin printer table
}


@dataclass(frozen=True)
class Target:
    """What an action is done to, as far as the door cares: its kind and id, and the
    agencies it belongs to (officers are assigned counters, supervisors agencies)."""

    kind: str  # "counter", "agency" or "account"
    id: str | None
    agencies: frozenset[str]


def counter(config: Counter) -> Target:
    return Target("counter", config.id, frozenset([config.agency]))


def agency(agency_id: str | None) -> Target:
    """An agency; None is something of no agency the site knows (an admin's only)."""
    return Target("agency", agency_id, frozenset([agency_id] if agency_id else []))


def account(site: SiteIndex, other: User) -> Target:
    """An account belongs to a supervisor's agency, or to the agencies of an officer's counters."""
    if other.role == "supervisor":
        agencies = frozenset([other.agency_id] if other.agency_id else [])
    elif other.role == "officer":
        agencies = frozenset(site.counters[c].agency for c in other.counters if c in site.counters)
    else:  # an admin's account belongs to no agency: only admins see it
        agencies = frozenset()
    return Target("account", other.username, agencies)


def _in_scope(user: User, target: Target) -> bool:
    if user.role == "admin":
        return True
    if user.role == "supervisor":
        return user.agency_id is not None and user.agency_id in target.agencies
    return target.kind == "counter" and target.id in user.counters


def may(user: User | None, action: str, target: Target | None = None) -> bool:
    """Whether `user` may do `action` (to `target`). An unknown action is a bug: KeyError."""
    least = ACTIONS[action].role
    if user is None or user.disabled or RANK[user.role] < RANK[least]:
        return False
    return target is None or _in_scope(user, target)


def require(user: User | None, action: str, target: Target | None = None) -> User:
    """The user, if they may; else `unauthenticated` (nobody) or `forbidden`, saying why."""
    if user is None or user.disabled:
        raise RuleError("unauthenticated", "Log in first.")
    if not may(user, action):
        raise RuleError("forbidden", f"This needs the {role(action)} role; you are {user.role}.")
    if target is not None and not may(user, action, target):
        raise RuleError("forbidden", ACTIONS[action].refusal.format(id=target.id))
    return user


def role(action: str) -> str:
    """The least role of an action (the OpenAPI document says it per route)."""
    return ACTIONS[action].role


def agency_scope(user: User) -> str | None:
    """The one agency whose data this user sees, or None for every agency (an admin)."""
    return None if user.role == "admin" else user.agency_id


def counters_for(user: User | None, site: SiteIndex) -> list[str]:
    """The counters this user may open, in configuration order (the counter page's choice)."""
    return [c.id for c in site.config.counters if may(user, "use_counter", counter(c))]

