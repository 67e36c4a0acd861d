"""Socket.IO against the real server (gevent, WebSocket): rooms, who may join them,
snapshots, reconnects."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests
from live import Listener

from tests.conftest import PASSWORD

# In the bundled site, loket-1 (floor 1) serves Perekaman KTP-el; the hall display shows
# every counter, lantai-1 the first floor's, lantai-2 the second floor's.
SERVICE = "ktp-el-perekaman"


@pytest.fixture
def hall(live_server: Any) -> Any:
    live_server.add_user("budi", "officer", counters=["loket-1"])
    live_server.officer = live_server.login("budi")
    return live_server


def post(server: Any, path: str, **kwargs: Any) -> Any:
    return requests.post(server.url + path, timeout=10, **kwargs)


def test_a_display_gets_its_state_on_subscribe(hall: Any) -> None:
    listener = Listener(hall.url, {"display_id": "lantai-2"})
    state = listener.wait_for("display.state")
    listener.close()
    ids = [c["id"] for c in state["counters"]]
    assert "loket-1" not in ids and len(ids) == 32
    assert state["calling"] == [] and state["recent"] == []


def test_a_kiosk_gets_its_printer_on_subscribe(hall: Any) -> None:
    """The kiosk's staff line ("printer offline") is right from the first moment after a reconnect."""
    listener = Listener(hall.url, {"kiosk_id": "kiosk-1"})
    state = listener.wait_for("kiosk.state")
    listener.close()
    assert state["kiosk_id"] == "kiosk-1"
    assert state["printer"]["id"] == "printer-kios-1" and state["printer"]["name"] == "Printer Kios 1"
    assert state["printer"]["status"] in ("online", "unknown")


@pytest.mark.parametrize(("subscription", "code"), [
    ({"display_id": "nope"}, "unknown_display"),
    ({"counter_id": "loket-999"}, "unknown_counter"),
    ({"ticket_id": "000000000000"}, "unknown_ticket"),
    ({"service_id": "nope"}, "unknown_service"),
    ({"kiosk_id": "nope"}, "unknown_kiosk"),
    ({"colour": "red"}, "invalid_request"),
])
def test_unknown_ids_get_an_error_event(hall: Any, subscription: dict[str, str], code: str) -> None:
    listener = Listener(hall.url, subscription)
    assert listener.wait_for("error")["code"] == code
    listener.close()


def test_a_call_reaches_the_right_displays_the_counter_and_the_ticket(hall: Any) -> None:
    ticket = post(hall, "/api/v1/tickets", json={"service_id": SERVICE}).json()
    main = Listener(hall.url, {"display_id": "hall"})
    floor1 = Listener(hall.url, {"display_id": "lantai-1"})
    floor2 = Listener(hall.url, {"display_id": "lantai-2"})
    counter = Listener(hall.url, {"counter_id": "loket-1"}, headers=hall.officer)
    phone = Listener(hall.url, {"ticket_id": ticket["id"]})
    for listener in (main, floor1, floor2):
        listener.wait_for("display.state")
    phone.wait_for("ticket.updated")
    assert post(hall, "/api/v1/counters/loket-1/call-next", headers=hall.officer).status_code == 200
    for listener in (main, floor1, counter, phone):
        call = listener.wait_for("ticket.called")
        assert (call["number"], call["counter_id"], call["recall"]) == (ticket["number"], "loket-1", False)
        assert call["announcement"]["text"] == f"{ticket['number']}, Loket 1, lantai 1"  # the short style
        assert call["announcement"]["speak"] == ["lantai-1"]  # the floor's screen speaks it, not the hall's
    phone.wait_for("ticket.updated", lambda t: t["status"] == "called" and t["counter_id"] == "loket-1")
    counter.wait_for("counter.updated", lambda c: c["current"] and c["current"]["id"] == ticket["id"])
    time.sleep(0.3)
    assert floor2.of("ticket.called") == []
    for listener in (main, floor1, floor2, counter, phone):
        listener.close()


def test_a_display_hears_the_call_before_the_list_updates_of_the_same_call(hall: Any) -> None:
    """The announcement is what the hall waits for: it leaves before the counter tile and the
    waiting counts that the same call changes (with many screens, those would delay it)."""
    post(hall, "/api/v1/tickets", json={"service_id": SERVICE})
    display = Listener(hall.url, {"display_id": "hall"})
    display.wait_for("display.state")
    post(hall, "/api/v1/tickets", json={"service_id": SERVICE})
    display.wait_for("queue.updated", lambda q: q["waiting"] == 2)
    assert post(hall, "/api/v1/counters/loket-1/call-next", headers=hall.officer).status_code == 200
    display.wait_for("queue.updated", lambda q: q["waiting"] == 1)
    display.wait_for("counter.updated", lambda c: c["current"] is not None)
    names = [name for name, _ in display.received]
    after_issue = max(i for i, (name, data) in enumerate(display.received)
                      if name == "queue.updated" and data["waiting"] == 2)
    this_call = names[after_issue + 1:]
    assert this_call[0] == "ticket.called", this_call
    assert {"queue.updated", "counter.updated"} <= set(this_call[1:])
    display.close()


def test_queue_updates_reach_service_subscribers_kiosks_and_displays(hall: Any) -> None:
    service = Listener(hall.url, {"service_id": SERVICE})
    kiosk = Listener(hall.url, {"kiosk_id": "kiosk-1"})
    display = Listener(hall.url, {"display_id": "hall"})
    service.wait_for("queue.updated")  # the snapshot on subscribe
    display.wait_for("display.state")
    post(hall, "/api/v1/tickets", json={"service_id": SERVICE})
    for listener in (service, kiosk, display):
        update = listener.wait_for("queue.updated", lambda q: q["service_id"] == SERVICE and q["waiting"] == 1)
        assert update["remaining"] is not None and update["open"] is True
    for listener in (service, kiosk, display):
        listener.close()


def test_a_cancelled_ticket_reaches_its_phone_its_line_and_the_kiosks(hall: Any) -> None:
    service = Listener(hall.url, {"service_id": SERVICE})
    # A kiosk gets no snapshot; the error answering a second, malformed subscription says it has joined.
    kiosk = Listener(hall.url, {"kiosk_id": "kiosk-1"}, {"colour": "red"})
    service.wait_for("queue.updated")
    kiosk.wait_for("error")
    leaving = post(hall, "/api/v1/tickets", json={"service_id": SERVICE}).json()
    staying = post(hall, "/api/v1/tickets", json={"service_id": SERVICE}).json()
    phone = Listener(hall.url, {"ticket_id": leaving["id"]})
    phone.wait_for("ticket.updated")
    for listener in (service, kiosk):
        listener.wait_for("queue.updated", lambda q: q["service_id"] == SERVICE and q["waiting"] == 2)
    answer = post(hall, f"/api/v1/tickets/{leaving['id']}/cancel", json={"key": leaving["qr_url"].split("?k=")[1]})
    assert (answer.status_code, answer.json()["status"]) == (200, "cancelled")
    phone.wait_for("ticket.updated", lambda t: t["status"] == "cancelled")
    service.wait_for("ticket.updated", lambda t: t["id"] == leaving["id"] and t["status"] == "cancelled")
    for listener in (service, kiosk):
        listener.wait_for("queue.updated", lambda q: q["service_id"] == SERVICE and q["waiting"] == 1)
    assert requests.get(f"{hall.url}/api/v1/tickets/{staying['id']}", timeout=10).json()["ahead"] == 0
    for listener in (phone, service, kiosk):
        listener.close()


def test_a_refused_action_sends_nothing(hall: Any) -> None:
    counter = Listener(hall.url, {"counter_id": "loket-1"}, headers=hall.officer)
    counter.wait_for("counter.updated")
    answer = post(hall, "/api/v1/counters/loket-1/recall", headers=hall.officer)
    assert answer.status_code == 409
    time.sleep(0.3)
    assert len(counter.received) == 1
    counter.close()


def test_recall_is_sent_again_as_a_recall(hall: Any) -> None:
    post(hall, "/api/v1/tickets", json={"service_id": SERVICE})
    display = Listener(hall.url, {"display_id": "hall"})
    display.wait_for("display.state")
    post(hall, "/api/v1/counters/loket-1/call-next", headers=hall.officer)
    post(hall, "/api/v1/counters/loket-1/recall", headers=hall.officer)
    display.wait_for("ticket.called", lambda c: c["recall"])
    first, again = display.of("ticket.called")
    assert first["ticket_id"] == again["ticket_id"] and again["call_id"] > first["call_id"]
    display.close()


def test_after_a_server_restart_a_display_resubscribes_and_sees_the_truth(hall: Any) -> None:
    ticket = post(hall, "/api/v1/tickets", json={"service_id": SERVICE}).json()
    display = Listener(hall.url, {"display_id": "hall"})
    display.wait_for("display.state")
    hall.restart()
    officer = hall.login("budi")
    post(hall, "/api/v1/counters/loket-1/call-next", headers=officer)
    # The call made while the display was still reconnecting is in its next snapshot
    # or arrives as an event: either way the screen ends up showing it.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        states = display.of("display.state")
        shown = [c for s in states for c in s["counters"] if c["current_number"] == ticket["number"]]
        if shown or any(c["number"] == ticket["number"] for c in display.of("ticket.called")):
            break
        time.sleep(0.1)
    else:
        raise AssertionError(f"display never showed {ticket['number']}: {display.received[-3:]}")
    assert len(display.of("display.state")) >= 2  # the fresh snapshot after reconnecting
    display.close()


# --- who may join: counter:ID and admin carry officers' names and the current ticket ----------------


def cookie_of(server: Any, username: str) -> dict[str, str]:
    """The Cookie header a browser sends after logging in on a page (no bearer token)."""
    session = requests.Session()
    session.post(server.url + "/api/v1/session", json={"username": username, "password": PASSWORD},
                 timeout=5).raise_for_status()
    return {"Cookie": "; ".join(f"{name}={value}" for name, value in session.cookies.items())}


def token_of(server: Any, username: str) -> dict[str, str]:
    """The `auth` of a client's connect call: a bearer token from logging in."""
    return {"token": server.login(username)["Authorization"].removeprefix("Bearer ")}


def refused(listener: Listener) -> str:
    return str(listener.wait_for("error")["code"])


def test_only_those_who_may_use_a_counter_join_its_room(hall: Any) -> None:
    hall.add_user("ani", "officer", counters=["loket-2"])
    hall.add_user("sari", "supervisor", agency="dispendukcapil")  # loket-1's agency
    hall.add_user("tono", "supervisor", agency="bapenda")
    stranger = Listener(hall.url, {"counter_id": "loket-1"})
    other_officer = Listener(hall.url, {"counter_id": "loket-1"}, headers=hall.login("ani"))
    other_agency = Listener(hall.url, {"counter_id": "loket-1"}, auth=token_of(hall, "tono"))
    officer = Listener(hall.url, {"counter_id": "loket-1"}, headers=cookie_of(hall, "budi"))  # as the counter page
    supervisor = Listener(hall.url, {"counter_id": "loket-1"}, auth=token_of(hall, "sari"))
    assert refused(stranger) == "unauthenticated"
    assert refused(other_officer) == "forbidden"
    assert refused(other_agency) == "forbidden"
    for listener in (officer, supervisor):
        assert listener.wait_for("counter.updated")["id"] == "loket-1"  # the snapshot on joining
    post(hall, "/api/v1/tickets", json={"service_id": SERVICE})
    assert post(hall, "/api/v1/counters/loket-1/call-next", headers=hall.officer).status_code == 200
    for listener in (officer, supervisor):
        listener.wait_for("ticket.called", lambda c: c["counter_id"] == "loket-1")
        listener.wait_for("counter.updated", lambda c: c["officer"] == "budi")
    time.sleep(0.3)
    for listener in (stranger, other_officer, other_agency):
        assert [name for name, _ in listener.received] == ["error"], listener.received
    for listener in (stranger, other_officer, other_agency, officer, supervisor):
        listener.close()


def test_a_bad_token_is_refused_and_said_so(hall: Any) -> None:
    listener = Listener(hall.url, {"counter_id": "loket-1"}, auth={"token": "not-a-token"})
    error = listener.wait_for("error")
    assert error["code"] == "unauthenticated" and "expired" in error["message"]
    listener.close()


def test_the_admin_room_refuses_anonymous_clients(hall: Any) -> None:
    hall.add_user("kepala", "admin")
    stranger = Listener(hall.url, {"admin": True})
    officer = Listener(hall.url, {"admin": True}, headers=hall.officer)
    dashboard = Listener(hall.url, {"admin": True}, headers=cookie_of(hall, "kepala"))
    assert refused(stranger) == "unauthenticated"
    assert refused(officer) == "forbidden"
    time.sleep(0.3)  # the dashboard's subscription has been handled
    post(hall, "/api/v1/tickets", json={"service_id": SERVICE})
    dashboard.wait_for("overview.changed")
    time.sleep(0.3)
    assert [name for name, _ in stranger.received] == ["error"]
    assert [name for name, _ in officer.received] == ["error"]
    for listener in (stranger, officer, dashboard):
        listener.close()


def test_the_survey_tablet_room_is_public_and_hears_only_finished_tickets(hall: Any) -> None:
    tablet = Listener(hall.url, {"survey_counter_id": "loket-1"})
    ticket = post(hall, "/api/v1/tickets", json={"service_id": SERVICE}).json()
    for action in ("call-next", "start", "finish"):
        assert post(hall, f"/api/v1/counters/loket-1/{action}", headers=hall.officer).status_code == 200
    done = tablet.wait_for("ticket.updated")
    assert (done["id"], done["status"], done["counter_id"]) == (ticket["id"], "done", "loket-1")
    answers = {f"u{i}": 4 for i in range(1, 10)}
    key = ticket["qr_url"].split("?k=")[1]  # the visitor's QR code
    answer = post(hall, f"/api/v1/tickets/{ticket['id']}/survey", json={"answers": answers, "key": key})
    assert answer.status_code == 201
    assert tablet.wait_for("survey.answered") == {"ticket_id": ticket["id"]}
    assert {name for name, _ in tablet.received} == {"ticket.updated", "survey.answered"}
    assert all(data["status"] == "done" for data in tablet.of("ticket.updated"))  # never the one being called
    assert key not in repr(tablet.received)  # the public room names the ticket but never carries its secret
    tablet.close()
