"""An answered ticket is on the disk before its answer leaves: the database runs with
`synchronous=FULL`, so each commit syncs the write-ahead log before the kiosk hears of it.

What these tests can and cannot prove: a power cut cannot be made here. The first test
checks the setting in force on the server's own connection (with NORMAL, the last commits
before a power cut can vanish and their numbers be issued again). The second kills the
server with SIGKILL right after an answer and finds the ticket after the restart; a killed
process loses nothing that reached the operating system, so it would pass with NORMAL too:
it proves that nothing answered is held back in the process, not that the disk has it.
"""

from __future__ import annotations

import signal

import requests
from conftest import HallApp, LiveServer

FULL = 2  # PRAGMA synchronous: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA


def test_the_server_connection_syncs_every_commit(small_app: HallApp) -> None:
    conn = small_app.hall.store.db.conn
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == FULL
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_login_attempt_is_bookkeeping_and_the_next_ticket_is_durable_again(small_app: HallApp) -> None:
    # A wrong password is written without a sync (a flood of guesses must not queue the hall
    # behind one disk sync each); the connection is back to FULL for the tickets after it.
    small_app.add_user("budi", "officer", counters=["loket-1"])
    client = small_app.client()
    wrong = client.post("/api/v1/session", json={"username": "budi", "password": "tebakan-salah"})
    assert wrong.status_code == 401
    conn = small_app.hall.store.db.conn
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == FULL
    assert conn.execute("SELECT count(*) FROM audit_log WHERE action = 'login_failed'").fetchone()[0] == 1
    assert client.post("/api/v1/tickets", json={"service_id": "kk"}).status_code == 201
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == FULL


def test_a_ticket_answered_just_before_a_kill_is_there_after_the_restart(live_server: LiveServer) -> None:
    answer = requests.post(live_server.url + "/api/v1/tickets", json={"service_id": "kartu-keluarga"}, timeout=10)
    assert answer.status_code == 201
    ticket = answer.json()
    assert live_server.process is not None
    live_server.process.send_signal(signal.SIGKILL)  # no shutdown, no closing of the database
    live_server.process.wait()
    live_server.process = None
    live_server.start()
    again = requests.get(f"{live_server.url}/api/v1/tickets/{ticket['id']}", timeout=10)
    assert again.status_code == 200 and again.json()["number"] == ticket["number"] == "C001"
    following = requests.post(live_server.url + "/api/v1/tickets", json={"service_id": "kartu-keluarga"}, timeout=10)
    assert following.json()["number"] == "C002"  # the number was not given out twice
