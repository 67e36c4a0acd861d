"""Only the visitor who holds the ticket answers its survey.

Ticket ids are public: the hall's displays show them (`/api/v1/displays/{id}/state`, room
`display:ID`), and the rooms `service:ID`, `survey:ID` and `ticket:ID` carry them. Before
each ticket had a secret, anyone reading those ids answered other visitors' surveys, and
the real visitor then got 409. Here the attack is made against a live server with a real
Socket.IO client and a fake network printer (a real TCP socket) at kiosk-1: the forged
answers are refused, and the visitor's answer from the printed QR code is accepted.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from fakeprinter import FakePrinter
from kiosk_support import (  # noqa: F401  (printer_fixture, site_fixture: the module's fixtures)
    api,
    printer_fixture,
    site_fixture,
)
from live import Listener

from server.core import tickets
from tests.conftest import PASSWORD, LiveServer
from tests.rules import act, issue

ANSWERS = {f"u{i}": 4 for i in range(1, 10)}
SERVICE = "ktp-el-perekaman"  # served at loket-1 in the bundled site


@pytest.fixture(name="officer", scope="module")
def officer_fixture(site: LiveServer) -> Iterator[dict[str, str]]:
    site.add_user("budi", "officer", counters=["loket-1"])
    yield site.login("budi")


def survey(server: LiveServer, ticket_id: str, body: dict[str, Any]) -> requests.Response:
    return requests.post(f"{server.url}/api/v1/tickets/{ticket_id}/survey", json=body, timeout=10)


def test_an_id_from_the_display_feed_answers_nothing_and_the_visitor_answers_from_the_qr_code(
        site: LiveServer, printer: FakePrinter, officer: dict[str, str]) -> None:
    printer.clear()
    display = Listener(site.url, {"display_id": "hall"})
    tablet_room = Listener(site.url, {"survey_counter_id": "loket-1"})
    service_room = Listener(site.url, {"service_id": SERVICE})
    display.wait_for("display.state")
    visitor = api(site, "/tickets", "POST", json={"service_id": SERVICE, "kiosk_id": "kiosk-1"})
    assert printer.wait_for(lambda p: p.tickets() >= 1, timeout=10), "the printer got no ticket"
    for action in ("call-next", "start", "finish"):
        api(site, f"/counters/loket-1/{action}", "POST", headers=officer)

    # What anyone in the hall can read: the display feed, its room, the public rooms, the ticket.
    feed = api(site, "/displays/hall/state")
    seen = {call["ticket_id"] for call in feed["calling"] + feed["recent"]}
    seen.add(display.wait_for("ticket.called")["ticket_id"])
    seen.add(tablet_room.wait_for("ticket.updated", lambda t: t["status"] == "done")["id"])
    public_ticket = api(site, f"/tickets/{visitor['id']}")
    assert seen == {visitor["id"]}
    assert "qr_url" not in public_ticket

    # Forged answers with the id alone, a guessed key, an empty one, another ticket's: refused, nothing kept.
    other = api(site, "/tickets", "POST", json={"service_id": SERVICE}).get("qr_url", "?k=x").split("?k=")[1]
    for forged in ({"answers": ANSWERS}, {"answers": ANSWERS, "key": "A" * 22}, {"answers": ANSWERS, "key": ""},
                   {"answers": ANSWERS, "key": other}, {"answers": ANSWERS, "key": None}):
        refused = survey(site, visitor["id"], forged)
        assert refused.status_code == 403, refused.text
        assert refused.json()["error"]["code"] == "survey_forbidden"
        assert refused.json()["error"]["field"] == "key"
    assert api(site, f"/tickets/{visitor['id']}/survey")["can_answer"] is True

    # The secret is only on the visitor's paper: the printed QR code is the phone page's address with it.
    printed_qr = printer.decoded().qr_payloads[-1]
    assert printed_qr.startswith(f"{visitor['status_url']}?k=")
    key = printed_qr.split("?k=")[1]
    for public in (feed, public_ticket, display.received, tablet_room.received, service_room.received):
        assert key not in repr(public), "a public feed carries the survey secret"

    # The visitor, from the printed QR code's address: accepted, once.
    answered = survey(site, visitor["id"], {"answers": ANSWERS, "comment": "Cepat.", "key": key})
    assert answered.status_code == 201, answered.text
    assert survey(site, visitor["id"], {"answers": ANSWERS, "key": key}).json()["error"]["code"] == "already_answered"
    for listener in (display, tablet_room, service_room):
        listener.close()


# --- the survey tablet: enrolled once by staff, the only other holder of a ticket's secret ---------


def finished(app: Any, counter_id: str = "loket-1") -> dict[str, Any]:
    row = issue(app, "ktp")
    act(app, "call_next", counter_id)
    act(app, "start", counter_id)
    act(app, "finish", counter_id)
    return row


def test_only_a_tablet_enrolled_at_the_counter_gets_the_secret(small_app: Any) -> None:
    row = finished(small_app)
    stranger = small_app.client()
    shown = stranger.get("/api/v1/survey/counters/loket-1").json
    assert shown["enrolled"] is False and shown["ticket"]["id"] == row["id"] and "key" not in shown["ticket"]

    small_app.add_user("siti", "officer", counters=["loket-1"])
    tablet = small_app.client()
    login = tablet.post("/api/v1/session", json={"username": "siti", "password": PASSWORD})
    assert login.status_code == 200
    enrolled = tablet.post("/api/v1/survey/counters/loket-1/tablet",
                           headers={"X-CSRF-Token": login.json["csrf_token"]})
    assert enrolled.status_code == 201 and enrolled.json == {"counter_id": "loket-1", "enrolled": True}
    cookie = tablet.get_cookie("antrean_survey_tablet")
    assert cookie is not None and cookie.http_only
    assert tablet.get("/api/v1/session").status_code == 401  # the tablet keeps no staff session
    shown = tablet.get("/api/v1/survey/counters/loket-1").json
    assert shown["enrolled"] is True and shown["ticket"]["key"] == row["survey_secret"]
    body = {"answers": ANSWERS, "key": shown["ticket"]["key"]}
    assert tablet.post(f"/api/v1/tickets/{row['id']}/survey", json=body).status_code == 201

    # The tablet of loket-1 is nobody at loket-2.
    other = finished(small_app, "loket-2")
    at_two = tablet.get("/api/v1/survey/counters/loket-2").json
    assert at_two["enrolled"] is False and at_two["ticket"]["id"] == other["id"] and "key" not in at_two["ticket"]

    # Revoked (a lost tablet): it gets no secret any more; both acts are in the audit log.
    headers = small_app.add_user("kepala", "admin")
    revoked = small_app.client().delete("/api/v1/survey/counters/loket-1/tablets", headers=headers)
    assert revoked.json == {"counter_id": "loket-1", "revoked": 1}
    finished(small_app)
    after = tablet.get("/api/v1/survey/counters/loket-1").json
    assert after["enrolled"] is False and "key" not in after["ticket"]
    with small_app.hall.store.read() as tx:
        log = tx.all("SELECT actor, action, target FROM audit_log WHERE action LIKE 'survey_tablet%' ORDER BY id")
    assert log == [{"actor": "siti", "action": "survey_tablet_enrolled", "target": "loket-1"},
                   {"actor": "kepala", "action": "survey_tablets_revoked", "target": "loket-1"}]


def test_nobody_else_enrols_a_tablet(small_app: Any) -> None:
    assert small_app.client().post("/api/v1/survey/counters/loket-1/tablet").status_code == 401
    small_app.add_user("rudi", "officer", counters=["loket-2"])
    tablet = small_app.client()
    login = tablet.post("/api/v1/session", json={"username": "rudi", "password": PASSWORD})
    refused = tablet.post("/api/v1/survey/counters/loket-1/tablet", headers={"X-CSRF-Token": login.json["csrf_token"]})
    assert refused.status_code == 403 and refused.json["error"]["code"] == "forbidden"
    assert tablet.get_cookie("antrean_survey_tablet") is None
    assert tablet.get("/api/v1/session").status_code == 401  # refused: the login does not stay on the tablet
    with small_app.hall.store.read() as tx:
        assert tx.scalar("SELECT count(*) FROM survey_tablets") == 0


def test_a_ticket_from_before_secrets_cannot_be_answered(small_app: Any) -> None:
    """Tickets already in the database when 007_survey_secret ran have no secret: no answer at all."""
    row = finished(small_app)
    with small_app.hall.store.write() as tx:
        tx.execute("UPDATE tickets SET survey_secret = NULL WHERE id = ?", (row["id"],))
        assert tickets.get_row(tx, row["id"])["survey_secret"] is None
    for key in (None, "", "None", row["survey_secret"]):
        answer = small_app.client().post(f"/api/v1/tickets/{row['id']}/survey", json={"answers": ANSWERS, "key": key})
        assert answer.status_code == 403 and answer.json["error"]["code"] == "survey_forbidden"
