"""Sessions end when they should, against the real server with real cookies: a page's login
makes no bearer token; logout ends every cookie session and token of the account on every
device; so do a new password and disabling (and enabling again brings none back); a
disabled officer's live connection stops hearing its counter."""

from __future__ import annotations

import sqlite3
import time
from typing import Any

import pytest
import requests
from live import Listener
from login_support import audit, client_from, log_in

from tests.conftest import PASSWORD

SERVICE = "ktp-el-perekaman"  # served at loket-1 in the bundled site


@pytest.fixture
def hall(live_server: Any) -> Any:
    live_server.add_user("budi", "officer", counters=["loket-1"])
    live_server.add_user("kepala", "admin")
    live_server.admin = live_server.login("kepala")
    return live_server


def page_login(server: Any, username: str = "budi", address: str = "127.0.0.1") -> requests.Session:
    """A browser's login as the pages make it: the cookie, and the CSRF token for later calls."""
    browser = client_from(address)
    answer = log_in(browser, server.url, username, token=False)
    assert answer.status_code == 200, answer.text
    assert answer.json()["token"] is None
    browser.headers["X-CSRF-Token"] = answer.json()["csrf_token"]
    return browser


def tokens_of(server: Any, username: str) -> int:
    with sqlite3.connect(server.db_path) as db:
        return int(db.execute("SELECT COUNT(*) FROM api_tokens WHERE username = ?", (username,)).fetchone()[0])


def logged_in(server: Any, browser: requests.Session) -> bool:
    answer = browser.get(server.url + "/api/v1/session", timeout=10)
    assert answer.status_code in (200, 401), answer.text
    return answer.status_code == 200


def test_logout_ends_every_cookie_session_and_token_of_the_account(hall: Any) -> None:
    counter_pc, tablet = page_login(hall), page_login(hall, address="127.0.0.2")
    assert tokens_of(hall, "budi") == 0  # a page's login leaves no bearer token behind
    api = {"Authorization": f"Bearer {log_in(requests.Session(), hall.url, 'budi').json()['token']}"}
    assert tokens_of(hall, "budi") == 1  # an API client still gets one, as the contract says
    assert requests.get(hall.url + "/api/v1/counters/loket-1", headers=api, timeout=10).status_code == 200
    saved = dict(tablet.cookies)

    assert counter_pc.delete(hall.url + "/api/v1/session", timeout=10).status_code == 200
    assert not logged_in(hall, counter_pc)
    assert not logged_in(hall, tablet)  # the other device's cookie session ended too
    pause = tablet.post(hall.url + "/api/v1/counters/loket-1/pause", timeout=10)
    assert (pause.status_code, pause.json()["error"]["code"]) == (401, "unauthenticated")
    replayed = requests.get(hall.url + "/api/v1/session", cookies=saved, timeout=10)  # a copied cookie
    assert replayed.status_code == 401
    answer = requests.get(hall.url + "/api/v1/counters/loket-1", headers=api, timeout=10)
    assert answer.status_code == 401 and tokens_of(hall, "budi") == 0
    assert [e["actor"] for e in audit(hall.url, hall.admin, "logout")] == ["budi"]
    assert logged_in(hall, page_login(hall))  # logging in again works at once


def test_logout_with_a_bearer_token_ends_the_pages_too(hall: Any) -> None:
    counter_pc = page_login(hall)
    api = {"Authorization": f"Bearer {log_in(requests.Session(), hall.url, 'budi').json()['token']}"}
    assert requests.delete(hall.url + "/api/v1/session", headers=api, timeout=10).status_code == 200
    assert not logged_in(hall, counter_pc)


def test_a_new_password_ends_every_session_at_once(hall: Any) -> None:
    counter_pc = page_login(hall)
    api = {"Authorization": f"Bearer {log_in(requests.Session(), hall.url, 'budi').json()['token']}"}
    reset = requests.post(hall.url + "/api/v1/admin/users/budi/password", headers=hall.admin,
                          json={"password": "sandi-baru-99"}, timeout=10)
    assert reset.status_code == 200
    assert not logged_in(hall, counter_pc)
    assert requests.get(hall.url + "/api/v1/session", headers=api, timeout=10).status_code == 401
    assert log_in(requests.Session(), hall.url, "budi").status_code == 401
    assert log_in(requests.Session(), hall.url, "budi", "sandi-baru-99").status_code == 200
    assert [e["target"] for e in audit(hall.url, hall.admin, "password_reset")] == ["budi"]


def test_a_disabled_account_loses_its_sessions_and_enabling_it_brings_none_back(hall: Any) -> None:
    counter_pc = page_login(hall)
    user_url = hall.url + "/api/v1/admin/users/budi"
    assert requests.patch(user_url, headers=hall.admin, json={"disabled": True}, timeout=10).status_code == 200
    assert not logged_in(hall, counter_pc)
    assert requests.patch(user_url, headers=hall.admin, json={"disabled": False}, timeout=10).status_code == 200
    assert not logged_in(hall, counter_pc)  # the cookie from before stays dead
    assert logged_in(hall, page_login(hall))


def test_a_disabled_officers_live_connection_stops_hearing_the_counter(hall: Any) -> None:
    counter_pc = page_login(hall)
    cookie = {"Cookie": "; ".join(f"{name}={value}" for name, value in counter_pc.cookies.items())}
    listener = Listener(hall.url, {"counter_id": "loket-1"}, headers=cookie)
    listener.wait_for("counter.updated")  # joined the counter's room
    user_url = hall.url + "/api/v1/admin/users/budi"
    assert requests.patch(user_url, headers=hall.admin, json={"disabled": True}, timeout=10).status_code == 200
    time.sleep(0.5)
    heard = len(listener.received)
    # Someone else works at loket-1 now; the old officer's screen must not hear the visitor's call.
    requests.post(hall.url + "/api/v1/tickets", json={"service_id": SERVICE}, timeout=10).raise_for_status()
    call = requests.post(hall.url + "/api/v1/counters/loket-1/call-next", headers=hall.admin, timeout=10)
    assert call.status_code == 200 and call.json()["ticket"] is not None
    time.sleep(1.5)
    later = [name for name, _ in listener.received[heard:]]
    assert "ticket.called" not in later and "counter.updated" not in later, later
    assert not listener.client.connected or "error" in later
    listener.close()


def test_the_password_is_checked_with_the_default_contract_body(hall: Any) -> None:
    """`POST /api/v1/session` with only username and password answers the contract's user and token."""
    answer = requests.post(hall.url + "/api/v1/session", json={"username": "budi", "password": PASSWORD}, timeout=10)
    assert answer.status_code == 200
    assert answer.json()["user"]["username"] == "budi" and isinstance(answer.json()["token"], str)
