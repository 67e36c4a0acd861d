"""A retried ticket request never makes a second ticket: the Idempotency-Key header.

The live tests lose an answer for real: a TCP proxy in front of the server passes the
request on, lets the server answer it in full, and closes the client's connection
without handing the answer over, as a dropped Wi-Fi link does. The kiosk then retries.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from conftest import HallApp, LiveServer, start_site
from fakeprinter import FakePrinter
from kiosk_support import kiosk_site_data, waiting

KEY = "Idempotency-Key"


def _post(app: HallApp, body: dict[str, Any], key: str | None) -> Any:
    return app.client().post("/api/v1/tickets", json=body, headers={KEY: key} if key is not None else {})


def _issued(app: HallApp) -> int:
    with app.hall.store.read() as tx:
        return int(tx.scalar("SELECT count(*) FROM tickets"))


# --- the rule, in process ------------------------------------------------------------------


def test_a_repeat_answers_the_first_ticket_and_issues_nothing(small_app: HallApp) -> None:
    first = _post(small_app, {"service_id": "ktp", "kiosk_id": "kiosk-2"}, "kiosk-2:7f3a")
    # The same request: fields in another order, the default language spelled out.
    again = _post(small_app, {"lang": "id", "kiosk_id": "kiosk-2", "service_id": "ktp"}, "kiosk-2:7f3a")
    assert first.status_code == 201 and again.status_code == 201, again.json
    assert again.json["id"] == first.json["id"] and again.json["number"] == first.json["number"] == "A001"
    assert again.json["qr_url"] == first.json["qr_url"]  # the kiosk's retry still shows the QR code with its secret
    other = _post(small_app, {"service_id": "ktp"}, "another-key")
    assert other.json["number"] == "A002"
    assert _issued(small_app) == 2


def test_the_same_key_with_another_body_is_refused_and_issues_nothing(small_app: HallApp) -> None:
    assert _post(small_app, {"service_id": "ktp"}, "k-1").status_code == 201
    refused = _post(small_app, {"service_id": "kk"}, "k-1")
    assert refused.status_code == 422
    assert refused.json["error"]["code"] == "idempotency_key_reused"
    assert refused.json["error"]["field"] == KEY
    assert _issued(small_app) == 1


@pytest.mark.parametrize("key", ["", "a" * 129, "kunci dengan spasi", "kunci-\u00e9", "tab\there"])
def test_a_malformed_key_is_refused_and_issues_nothing(small_app: HallApp, key: str) -> None:
    answer = _post(small_app, {"service_id": "ktp"}, key)
    assert answer.status_code == 422, answer.json
    assert answer.json["error"]["code"] == "invalid_request" and answer.json["error"]["field"] == KEY
    assert "128 visible ASCII" in answer.json["error"]["message"]
    assert _issued(small_app) == 0


def test_the_longest_key_and_punctuation_are_accepted(small_app: HallApp) -> None:
    assert _post(small_app, {"service_id": "ktp"}, "~" * 128).status_code == 201
    assert _post(small_app, {"service_id": "ktp"}, "!#$%&'*+-.^_`|~:/?@[]{}").status_code == 201
    assert _issued(small_app) == 2


def test_a_key_counts_for_its_service_day_only(small_app: HallApp) -> None:
    assert _post(small_app, {"service_id": "kk"}, "same-key").json["number"] == "B001"
    small_app.clock.advance(7 * 86400)  # the next Tuesday: a new day, numbers start over
    again = _post(small_app, {"service_id": "kk"}, "same-key")
    assert again.status_code == 201 and again.json["number"] == "B001"
    assert _issued(small_app) == 2
    with small_app.hall.store.read() as tx:  # yesterday's keys are gone
        assert tx.scalar("SELECT count(*) FROM idempotency_keys") == 1


def test_the_key_commits_with_its_ticket_or_not_at_all(small_app: HallApp) -> None:
    """A refused issue (the quota, here) leaves no key: the key and ticket share one transaction."""
    for n in range(5):
        assert _post(small_app, {"service_id": "ktp"}, f"q-{n}").status_code == 201
    assert _post(small_app, {"service_id": "ktp"}, "q-5").json["error"]["code"] == "quota_reached"
    with small_app.hall.store.read() as tx:
        keys = tx.all("SELECT k.key, t.number FROM idempotency_keys k JOIN tickets t ON t.id = k.ticket_id "
                      "ORDER BY t.seq")
    assert [(k["key"], k["number"]) for k in keys] == [(f"q-{n}", f"A00{n + 1}") for n in range(5)]


# --- for real: a live server, a lost answer, the retry ----------------------------------------


class AnswerDropper:
    """A TCP proxy to the server that loses every answer: it forwards the request, reads the
    server's whole answer, and closes the client's connection without passing it on."""

    def __init__(self, server_port: int) -> None:
        self.server_port = server_port
        self.swallowed: list[dict[str, Any]] = []  # the answers the client never saw
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        with client, socket.create_connection(("127.0.0.1", self.server_port)) as upstream:
            upstream.sendall(_read_message(client)[0])
            head, body = _read_message(upstream)
            self.swallowed.append(json.loads(body))
            # An abrupt close (RST), as a connection that dropped mid-answer looks to the client.
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")

    def close(self) -> None:
        self._listener.close()


def _read_message(sock: socket.socket) -> tuple[bytes, bytes]:
    """One HTTP message (headers and a Content-Length body) from `sock`: (all of it, the body)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed before the headers ended")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                   if line.lower().startswith(b"content-length:")), 0)
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed before the body ended")
        body += chunk
    return head + b"\r\n\r\n" + body, body


@pytest.fixture
def printing_site(tmp_path: Any, bundled_data: dict[str, Any]) -> Iterator[tuple[LiveServer, FakePrinter]]:
    """A live server whose kiosk-1 prints on a fake network printer."""
    with FakePrinter() as printer:
        server = start_site(tmp_path / "site", kiosk_site_data(bundled_data, printer.port))
        try:
            yield server, printer
        finally:
            server.stop()


def test_a_retry_after_a_lost_answer_gets_the_same_ticket_printed_once(
        printing_site: tuple[LiveServer, FakePrinter]) -> None:
    server, printer = printing_site
    dropper = AnswerDropper(server.port)
    body = {"service_id": "kartu-keluarga", "kiosk_id": "kiosk-1"}
    headers = {KEY: "kiosk-1:5b0e2c7d9a314f6e"}
    try:
        with pytest.raises(requests.ConnectionError):  # the kiosk never hears the answer
            requests.post(dropper.url + "/api/v1/tickets", json=body, headers=headers, timeout=20)
    finally:
        dropper.close()
    lost = dropper.swallowed[0]  # the server did issue (and print) a ticket
    assert lost["print"]["status"] == "printed"
    retry = requests.post(server.url + "/api/v1/tickets", json=body, headers=headers, timeout=20)
    assert retry.status_code == 201, retry.text
    assert retry.json()["id"] == lost["id"] and retry.json()["number"] == lost["number"]
    assert retry.json()["print"]["status"] == "printed"
    assert waiting(server, "kartu-keluarga") == 1  # one ticket in the line
    # One ticket on paper: give a second print every chance to come out before counting.
    assert not printer.wait_for(lambda p: p.tickets() > 1, timeout=2)
    assert printer.tickets() == 1
    following = requests.post(server.url + "/api/v1/tickets", json={"service_id": "kartu-keluarga"},
                              headers={KEY: "a-new-visitor"}, timeout=20).json()
    assert following["number"] == _next_number(lost["number"])


def _next_number(number: str) -> str:
    prefix = number.rstrip("0123456789")
    digits = number[len(prefix):]
    return f"{prefix}{int(digits) + 1:0{len(digits)}d}"


def test_repeats_arriving_at_once_make_one_ticket(live_server: LiveServer) -> None:
    """Eight copies of one request at the same moment (a kiosk retrying while its first
    try is still on its way, several times over): one ticket, every answer that ticket."""
    barrier = threading.Barrier(8)
    answers: list[requests.Response] = []

    def send() -> None:
        barrier.wait()
        answers.append(requests.post(live_server.url + "/api/v1/tickets", json={"service_id": "kartu-keluarga"},
                                     headers={KEY: "one-visitor-one-touch"}, timeout=20))

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [201] * 8
    assert len({a.json()["id"] for a in answers}) == 1
    assert waiting(live_server, "kartu-keluarga") == 1
