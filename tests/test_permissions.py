"""The permission door as a table: role × action × target → allowed.

The small site has agency capil (loket-1, loket-2) and agency pajak (loket-3). The
people: an officer of loket-1, a supervisor of each agency, an admin, a disabled
officer, and nobody (not logged in).
"""

from __future__ import annotations

import pytest

from server.core import permissions
from server.core.auth import User
from server.core.config import SiteConfig
from server.core.errors import RuleError
from server.core.site import SiteIndex

PEOPLE = {
    "nobody": None,
    "officer": User("budi", "officer", counters=("loket-1",)),
    "disabled": User("lama", "officer", counters=("loket-1",), disabled=True),
    "sup-capil": User("sari", "supervisor", agency_id="capil"),
    "sup-pajak": User("tono", "supervisor", agency_id="pajak"),
    "admin": User("kepala", "admin"),
}
ACCOUNTS = {
    "officer-capil": User("budi", "officer", counters=("loket-1",)),
    "officer-both": User("rina", "officer", counters=("loket-2", "loket-3")),
    "officer-pajak": User("andi", "officer", counters=("loket-3",)),
    "sup-capil": User("sari", "supervisor", agency_id="capil"),
    "admin": User("kepala", "admin"),
}


@pytest.fixture
def site(small_config: SiteConfig) -> SiteIndex:
    return SiteIndex(small_config)


def target(site: SiteIndex, name: str | None) -> permissions.Target | None:
    if name is None:
        return None
    kind, _, ident = name.partition(":")
    if kind == "counter":
        return permissions.counter(site.counters[ident])
    if kind == "agency":
        return permissions.agency(ident or None)
    return permissions.account(site, ACCOUNTS[ident])


# (who, action, target, allowed). Without a target: whether the role may do it at all.
TABLE = [
    # a counter: the officer at their own, a supervisor at their agency's, an admin anywhere
    ("nobody", "use_counter", None, False),
    ("nobody", "use_counter", "counter:loket-1", False),
    ("disabled", "use_counter", "counter:loket-1", False),
    ("officer", "use_counter", None, True),
    ("officer", "use_counter", "counter:loket-1", True),
    ("officer", "use_counter", "counter:loket-2", False),  # same agency, not assigned
    ("officer", "use_counter", "counter:loket-3", False),
    ("sup-capil", "use_counter", "counter:loket-1", True),
    ("sup-capil", "use_counter", "counter:loket-2", True),
    ("sup-capil", "use_counter", "counter:loket-3", False),
    ("sup-pajak", "use_counter", "counter:loket-1", False),
    ("sup-pajak", "use_counter", "counter:loket-3", True),
    ("admin", "use_counter", "counter:loket-3", True),
    # reports, the overview, closures: a supervisor's own agency; officers none
    ("officer", "read_reports", None, False),
    ("officer", "read_reports", "agency:capil", False),
    ("sup-capil", "read_reports", None, True),
    ("sup-capil", "read_reports", "agency:capil", True),
    ("sup-capil", "read_reports", "agency:pajak", False),
    ("sup-capil", "read_reports", "agency:", False),  # of no agency the site knows
    ("admin", "read_reports", "agency:pajak", True),
    ("admin", "read_reports", "agency:", True),
    ("sup-pajak", "see_overview", "agency:pajak", True),
    ("sup-pajak", "see_overview", "agency:capil", False),
    ("officer", "see_overview", None, False),
    ("sup-capil", "manage_closures", "agency:capil", True),
    ("sup-capil", "manage_closures", "agency:pajak", False),
    ("officer", "manage_closures", None, False),
    ("admin", "manage_closures", "agency:capil", True),
    # accounts: a supervisor sees their agency's supervisors and the officers of its counters
    ("sup-capil", "see_user", "account:officer-capil", True),
    ("sup-capil", "see_user", "account:officer-both", True),  # one counter in capil is enough
    ("sup-capil", "see_user", "account:officer-pajak", False),
    ("sup-capil", "see_user", "account:sup-capil", True),
    ("sup-pajak", "see_user", "account:sup-capil", False),
    ("sup-capil", "see_user", "account:admin", False),
    ("admin", "see_user", "account:admin", True),
    ("officer", "see_user", "account:officer-capil", False),
    ("sup-capil", "manage_users", None, False),
    ("admin", "manage_users", None, True),
    # configuration, backups, audit
    ("officer", "read_config", None, False),
    ("sup-capil", "read_config", None, True),
    ("sup-capil", "edit_config", None, False),
    ("admin", "edit_config", None, True),
    ("sup-capil", "read_backups", None, False),
    ("admin", "read_backups", None, True),
    ("sup-capil", "read_sms", None, False),
    ("admin", "read_sms", None, True),
    ("sup-capil", "read_audit", None, False),
    ("admin", "read_audit", None, True),
    # reprint at a counter (its own officer), a printer's test print (admin)
    ("officer", "reprint_at_counter", "counter:loket-1", True),
    ("officer", "reprint_at_counter", "counter:loket-3", False),
    ("sup-capil", "test_printer", None, False),
    ("admin", "test_printer", None, True),
]


@pytest.mark.parametrize(("who", "action", "on", "allowed"), TABLE,
                         ids=[f"{w}-{a}-{t or 'any'}" for w, a, t, _ in TABLE])
def test_the_door(site: SiteIndex, who: str, action: str, on: str | None, allowed: bool) -> None:
    assert permissions.may(PEOPLE[who], action, target(site, on)) is allowed


def test_every_action_is_in_the_table() -> None:
    assert {action for _, action, _, _ in TABLE} == set(permissions.ACTIONS)


@pytest.mark.parametrize(("who", "action", "on", "code", "message"), [
    ("nobody", "use_counter", None, "unauthenticated", "Log in first."),
    ("officer", "read_reports", None, "forbidden", "This needs the supervisor role; you are officer."),
    ("officer", "use_counter", "counter:loket-3", "forbidden", "You are not assigned to counter 'loket-3'."),
    ("sup-capil", "read_reports", "agency:pajak", "forbidden", "A supervisor sees only their own agency."),
])
def test_a_refusal_says_why(site: SiteIndex, who: str, action: str, on: str | None, code: str,
                            message: str) -> None:
    with pytest.raises(RuleError) as caught:
        permissions.require(PEOPLE[who], action, target(site, on))
    assert (caught.value.code, caught.value.status, caught.value.message) == (
        code, 401 if code == "unauthenticated" else 403, message)


def test_require_answers_the_user_it_let_in(site: SiteIndex) -> None:
    assert permissions.require(PEOPLE["officer"], "use_counter", target(site, "counter:loket-1")) is PEOPLE["officer"]


@pytest.mark.parametrize(("who", "counters"), [
    ("nobody", []),
    ("officer", ["loket-1"]),
    ("sup-capil", ["loket-1", "loket-2"]),
    ("sup-pajak", ["loket-3"]),
    ("admin", ["loket-1", "loket-2", "loket-3"]),
])
def test_the_counters_a_user_may_open(site: SiteIndex, who: str, counters: list[str]) -> None:
    assert permissions.counters_for(PEOPLE[who], site) == counters


@pytest.mark.parametrize(("who", "scope"), [("sup-capil", "capil"), ("sup-pajak", "pajak"), ("admin", None)])
def test_the_agency_a_user_is_limited_to(who: str, scope: str | None) -> None:
    assert permissions.agency_scope(PEOPLE[who]) == scope  # type: ignore[arg-type]


def test_an_unknown_action_is_a_bug_not_a_refusal() -> None:
    with pytest.raises(KeyError):
        permissions.may(PEOPLE["admin"], "launch_rockets")
