""""Your turn is near": the rule (server/core/near.py) and the Ticket's `near`, as the phone page
reads it: by places ahead, by the estimated wait, never for a ticket no longer waiting."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import HallApp, make_hall_app
from hypothesis import given
from hypothesis import strategies as st
from near_support import near_site
from rules import act, issue, ticket

from server.core import near
from server.core.config import NearAlert, SiteConfig
from server.core.vocabulary import WAIT_ESTIMATED, WAIT_NO_COUNTER, WaitEstimate


def _app(config: SiteConfig, tmp_path: Path, clock, **rule) -> Iterator[HallApp]:  # type: ignore[no-untyped-def]
    made = make_hall_app(near_site(config, **rule), tmp_path / "data", clock)
    yield made
    made.hall.store.close()


@pytest.fixture
def by_places(small_config: SiteConfig, tmp_path: Path, clock) -> Iterator[HallApp]:  # type: ignore[no-untyped-def]
    yield from _app(small_config, tmp_path, clock, places=2, minutes=None)


@pytest.fixture
def by_minutes(small_config: SiteConfig, tmp_path: Path, clock) -> Iterator[HallApp]:  # type: ignore[no-untyped-def]
    yield from _app(small_config, tmp_path, clock, places=None, minutes=10)


def test_a_ticket_becomes_near_when_the_tickets_ahead_are_called(by_places: HallApp) -> None:
    line = [issue(by_places, "ktp") for _ in range(5)]
    last = line[-1]["id"]
    assert ticket(by_places, last)["ahead"] == 4
    assert ticket(by_places, last)["near"] is False
    act(by_places, "call_next", "loket-1")
    assert ticket(by_places, last)["near"] is False  # three ahead: not yet
    act(by_places, "call_next", "loket-2")
    seen = ticket(by_places, last)
    assert (seen["ahead"], seen["near"], seen["near_reason"], seen["near_step"]) == (2, True, "places", 0)


def test_the_estimated_wait_makes_a_ticket_near_too(by_minutes: HallApp) -> None:
    # KTP: 10 minutes a visitor (its standard, no history yet) shared by two counters: 5 minutes a place.
    line = [issue(by_minutes, "ktp") for _ in range(4)]
    assert [ticket(by_minutes, t["id"])["estimated_wait_minutes"] for t in line] == [0, 5, 10, 15]
    assert [ticket(by_minutes, t["id"])["near"] for t in line] == [True, True, True, False]
    assert ticket(by_minutes, line[2]["id"])["near_reason"] == "minutes"


def test_a_ticket_called_served_or_finished_is_never_near(by_places: HallApp) -> None:
    first = issue(by_places, "ktp")
    assert ticket(by_places, first["id"])["near"] is True
    act(by_places, "call_next", "loket-1")
    assert ticket(by_places, first["id"])["near"] is False
    act(by_places, "start", "loket-1")
    assert ticket(by_places, first["id"])["near"] is False
    act(by_places, "finish", "loket-1")
    done = ticket(by_places, first["id"])
    assert (done["status"], done["near"], done["near_reason"]) == ("done", False, None)


def test_a_rule_with_both_tests_off_never_alerts() -> None:
    off = NearAlert(places=None, minutes=None)
    assert near.decide("waiting", 0, WaitEstimate.of_seconds(0), off) == near.Near(False, None, 0)


@given(
    status=st.sampled_from(["waiting", "called", "serving", "done", "no_show", "cancelled", "expired"]),
    ahead=st.integers(0, 200),
    seconds=st.one_of(st.none(), st.integers(0, 20000)),
    places=st.one_of(st.none(), st.integers(0, 100)),
    minutes=st.one_of(st.none(), st.integers(1, 240)),
    step=st.integers(0, 7),
)
def test_near_exactly_when_waiting_and_within_places_or_minutes(status: str, ahead: int, seconds: int | None,
                                                               places: int | None, minutes: int | None,
                                                               step: int) -> None:
    estimate = WaitEstimate.of_seconds(seconds) if seconds is not None else WaitEstimate(WAIT_NO_COUNTER)
    decided = near.decide(status, ahead, estimate, NearAlert(places=places, minutes=minutes), step)
    by_places = places is not None and ahead <= places
    by_minutes = (minutes is not None and estimate.status == WAIT_ESTIMATED and seconds is not None
                  and seconds <= minutes * 60)
    assert decided.near == (status == "waiting" and (by_places or by_minutes))
    assert decided.step == step
    assert decided.reason == (None if not decided.near else "places" if by_places else "minutes")


def test_the_admin_sets_when_a_turn_is_near_and_a_bad_value_is_refused(tmp_path: Path, small_config: SiteConfig,
                                                                        clock) -> None:  # type: ignore[no-untyped-def]
    from admin_api_support import CONFIG_URL, site_fixture

    site = next(site_fixture.__wrapped__(small_config, tmp_path, clock))  # type: ignore[attr-defined]
    admin = site.add_user("kepala", "admin")
    client = site.client()
    assert client.get(CONFIG_URL, headers=admin).json["sections"]["near_alert"] == {}
    refused = client.put(f"{CONFIG_URL}/near_alert", headers=admin, json={"value": {"places": -1, "minutes": 5}})
    assert refused.status_code == 422 and "site.near_alert.places" in refused.json["error"]["message"]
    saved = client.put(f"{CONFIG_URL}/near_alert", headers=admin, json={"value": {"places": 1, "minutes": None}})
    assert saved.status_code == 200, saved.json
    assert site.site.config.site.near_alert == NearAlert(places=1, minutes=None)
    assert "near_alert" in site.path.read_text()
    line = [issue(site, "ktp") for _ in range(3)]
    assert [ticket(site, t["id"])["near"] for t in line] == [True, True, False]
    site.hall.store.close()
