"""A visit on the live server (gevent, real WebSockets, real Socket.IO clients): when Dukcapil's
counter finishes the first step, Bapenda's counter sees the visitor arrive in its line, the
phone sees the next step, and the hall display shows the line grow and then the call of the
number the visitor holds, without the visitor going back to the kiosk."""

from __future__ import annotations

from typing import Any

import requests
from live import Listener

KTP, PBB = "ktp-el-perekaman", "pbb-p2"  # Dukcapil's Loket 1 and Bapenda's Loket 10 and 11


def test_the_next_steps_counter_sees_the_visitor_arrive_in_its_line(live_server: Any) -> None:
    url = live_server.url
    live_server.add_user("ani", "officer", counters=["loket-1"])
    live_server.add_user("budi", "officer", counters=["loket-10"])
    ani, budi = live_server.login("ani"), live_server.login("budi")
    taken = requests.post(f"{url}/api/v1/tickets", json={"service_ids": [KTP, PBB]}, timeout=5)
    assert taken.status_code == 201, taken.text
    visit = taken.json()
    bapenda = Listener(url, {"counter_id": "loket-10"}, auth={"token": budi["Authorization"][7:]})
    phone = Listener(url, {"ticket_id": visit["id"]})
    hall = Listener(url, {"display_id": "hall"})
    try:
        bapenda.wait_for("counter.updated")
        phone.wait_for("ticket.updated")
        hall.wait_for("display.state")
        for action in ("call-next", "start", "finish"):
            answer = requests.post(f"{url}/api/v1/counters/loket-1/{action}", headers=ani, timeout=5)
            assert answer.status_code == 200, answer.text
        assert answer.json()["ticket"]["service_id"] == PBB
        arrived = bapenda.wait_for("queue.updated", lambda q: q["service_id"] == PBB and q["waiting"] == 1)
        assert arrived["open"] is True
        hall.wait_for("queue.updated", lambda q: q["service_id"] == PBB and q["waiting"] == 1)
        now = phone.wait_for("ticket.updated", lambda t: t["service_id"] == PBB)
        assert (now["status"], now["number"]) == ("waiting", visit["number"])
        assert [(s["service_id"], s["status"]) for s in now["steps"]] == [(KTP, "done"), (PBB, "waiting")]
        assert now["steps"][1]["ahead"] == 0 and now["place"].startswith("Loket 10")
        queue = requests.get(f"{url}/api/v1/counters/loket-10/queue", headers=budi, timeout=5).json()
        assert [t["number"] for t in queue["tickets"]] == [visit["number"]]
        called = requests.post(f"{url}/api/v1/counters/loket-10/call-next", headers=budi, timeout=5).json()
        assert called["ticket"]["id"] == visit["id"]
        call = hall.wait_for("ticket.called", lambda c: c["counter_id"] == "loket-10")
        assert call["number"] == visit["number"]  # the number on the visitor's paper, at Bapenda too
        phone.wait_for("ticket.called", lambda c: c["counter_id"] == "loket-10")
    finally:
        for listener in (bapenda, phone, hall):
            listener.close()
