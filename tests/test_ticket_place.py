"""Where to go and how to get there: the floor on every ticket, and a QR code a phone can open.

The bundled hall has 64 counters on two floors; a visitor in the lobby must learn that Loket 57
is upstairs. And out of the box (no `site.public_url`) the QR code must lead to an address a
phone reaches, not to the server's own 127.0.0.1:5000.
"""

from __future__ import annotations

import copy
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from click.testing import CliRunner
from conftest import ROOT, TUESDAY_9AM, UNLIMITED, free_port
from fakeprinter import FakePrinter
from rules import act, issue

from printers.decode import decode_escpos
from printers.render import render_ticket
from server.cli import cli
from server.core import places
from server.core.config import SiteConfig
from server.web import views
from server.web.printing import build_ticket_print

UPSTAIRS = "pengambilan-paspor"  # Loket 57 alone, on floor 2
DOWNSTAIRS = "ktp-el-perekaman"  # Loket 1-3, floor 1


def _json(app: Any, row: dict[str, Any]) -> dict[str, Any]:
    with app.hall.store.read() as tx:
        return views.ticket_json(tx, app.site, views.tickets.get_row(tx, row["id"]))


def test_the_words_name_the_counters_as_ranges_and_the_floor(bundled_config: SiteConfig) -> None:
    site = bundled_config.site
    counters = {c.id: c for c in bundled_config.counters}
    pick = [counters[f"loket-{n}"] for n in (1, 2, 3, 4, 6, 33)]
    assert places.place(site, pick, "id") == "Loket 1–4, 6, Lantai 1; Loket 33, Lantai 2"
    assert places.place(site, pick, "en") == "Counters 1–4, 6, Floor 1 (ground floor); Counter 33, Floor 2"
    assert places.place(site, [counters["loket-57"]], "id") == "Loket 57, Lantai 2"
    assert places.place(site, [], "id") is None
    # Names that are not "Loket N" are kept as they are; a floor not named is "Lantai N".
    named = counters["loket-5"].model_copy(update={"name": "Loket Prioritas", "floor": 3})
    assert places.place(site, [named], "id") == "Loket Prioritas, Lantai 3"
    assert places.place(site, [named], "en") == "Counter Prioritas, Floor 3"


def test_the_ticket_says_its_services_floor_then_its_counters(hall_app: Any) -> None:
    waiting = _json(hall_app, issue(hall_app, DOWNSTAIRS))
    assert waiting["place"] == "Loket 1–3, Lantai 1" and waiting["place_en"] == "Counters 1–3, Floor 1 (ground floor)"
    assert waiting["floors"] == [1] and waiting["counter_floor"] is None
    upstairs = issue(hall_app, UPSTAIRS)
    assert _json(hall_app, upstairs)["place"] == "Loket 57, Lantai 2"
    act(hall_app, "call_next", "loket-2")
    called = _json(hall_app, waiting)
    assert called["status"] == "called" and called["counter_floor"] == 1 and called["floors"] == [1]
    assert called["place"] == "Loket 2, Lantai 1" and called["place_en"] == "Counter 2, Floor 1 (ground floor)"


def test_the_api_answers_the_place_as_documented(hall_app: Any) -> None:
    answer = hall_app.client().post("/api/v1/tickets", json={"service_id": UPSTAIRS, "lang": "en"})
    assert answer.status_code == 201
    assert (answer.json["place"], answer.json["place_en"], answer.json["floors"]) == (
        "Loket 57, Lantai 2", "Counter 57, Floor 2", [2])
    document = hall_app.client().get("/api/v1/openapi.json").json
    fields = document["components"]["schemas"]["Ticket"]["properties"]
    assert {"place", "place_en", "floors", "counter_floor"} <= set(fields)


@pytest.mark.parametrize(("lang", "line"), [("id", "Dilayani di: Loket 57, Lantai 2"),
                                             ("en", "Served at: Counter 57, Floor 2")])
def test_the_printed_ticket_says_the_floor(hall_app: Any, lang: str, line: str) -> None:
    answer = hall_app.client().post("/api/v1/tickets", json={"service_id": UPSTAIRS, "lang": lang})
    paper = decode_escpos(render_ticket(build_ticket_print(hall_app.hall, answer.json["id"], lang)))
    assert line in paper.text()
    # The paper's code leads where the kiosk's answer says: the address the request came in at.
    assert paper.qr_payloads == [answer.json["qr_url"]]
    assert answer.json["qr_url"].startswith(f"http://localhost/t/{answer.json['id']}?k=")


# --- the address in the QR code -----------------------------------------------------------


def _lan_address() -> str:
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))
        return str(probe.getsockname()[0])
    finally:
        probe.close()


@pytest.fixture
def lan_server(tmp_path: Path, bundled_data: dict[str, Any]) -> Any:
    """The bundled site as shipped (no public_url), served on every address on a free port,
    printing kiosk-1's tickets on a fake network printer."""
    lan = _lan_address()
    if lan.startswith("127."):
        pytest.skip("this machine has no LAN address")
    data = copy.deepcopy(bundled_data)
    assert "public_url" not in data["site"]  # as shipped
    with FakePrinter() as printer:
        data["printers"] = [{"id": "lobi", "type": "network", "host": "127.0.0.1", "port": printer.port}]
        data["kiosks"] = [{"id": "kiosk-1", "name": "Kios Lobi", "printer": "lobi"}]
        data["server"] = {**UNLIMITED, "data_dir": "data"}
        (tmp_path / "config.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
        port = free_port()
        env = {**os.environ, "ANTREAN_START_AT": TUESDAY_9AM.isoformat()}
        env.pop("ANTREAN_DB", None)
        log = open(tmp_path / "server.log", "wb")  # noqa: SIM115 (the child writes it until stopped)
        process = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "--config", str(tmp_path / "config.yaml"), "serve",
             "--host", "0.0.0.0", "--port", str(port)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    if requests.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).ok:
                        break
                except requests.ConnectionError:
                    pass
                assert process.poll() is None and time.monotonic() < deadline, (tmp_path / "server.log").read_text()
                time.sleep(0.1)
            yield lan, port, printer, tmp_path / "server.log"
        finally:
            process.terminate()
            process.wait(timeout=10)
            log.close()


def test_out_of_the_box_the_qr_code_leads_where_phones_reach(lan_server: Any) -> None:
    lan, port, printer, log = lan_server
    # A kiosk elsewhere on the LAN: its ticket leads to the address it used, on the port served.
    ticket = requests.post(f"http://{lan}:{port}/api/v1/tickets", json={"service_id": UPSTAIRS, "kiosk_id": "kiosk-1"},
                           timeout=10).json()
    assert ticket["status_url"] == f"http://{lan}:{port}/t/{ticket['id']}"
    assert printer.wait_for(lambda p: p.tickets() >= 1, timeout=10)
    assert printer.decoded().qr_payloads == [ticket["qr_url"]] and ticket["qr_url"].startswith(ticket["status_url"])
    # A kiosk browser on the server's own machine reaches 127.0.0.1: the phones get the LAN address.
    local = requests.post(f"http://127.0.0.1:{port}/api/v1/tickets", json={"service_id": UPSTAIRS}, timeout=10).json()
    assert local["status_url"] == f"http://{lan}:{port}/t/{local['id']}"
    # ... and that address opens the phone page, read back with the address kept.
    phone = requests.get(local["status_url"], timeout=10)
    assert phone.status_code == 200 and "Nomor antrean" in phone.text
    again = requests.get(f"http://{lan}:{port}/api/v1/tickets/{local['id']}", timeout=10).json()
    assert again["status_url"] == local["status_url"]


def test_a_forged_host_never_reaches_a_qr_code(hall_app: Any) -> None:
    answer = hall_app.client().post("/api/v1/tickets", json={"service_id": UPSTAIRS},
                                    headers={"Host": "evil.example/<script>"})
    assert answer.status_code == 201
    assert answer.json["status_url"] == f"http://127.0.0.1:5000/t/{answer.json['id']}"


def _check(tmp_path: Path, data: dict[str, Any], *args: str) -> Any:
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return CliRunner().invoke(cli, ["--config", str(path), "check-config", *args])


def test_check_config_warns_of_an_address_phones_cannot_reach(tmp_path: Path, bundled_data: dict[str, Any]) -> None:
    data = copy.deepcopy(bundled_data)
    shipped = _check(tmp_path, data, "--port", "8080")
    assert shipped.exit_code == 0 and "Warning" not in shipped.output

    data["site"]["public_url"] = "http://127.0.0.1:5000"
    loopback = _check(tmp_path, data)
    assert loopback.exit_code == 0 and ": OK - 33 agencies" in loopback.output
    assert ("Warning: site.public_url is http://127.0.0.1:5000, a loopback address: a phone that scans "
            "a ticket's QR code reaches itself, not this server.") in loopback.output

    data["site"]["public_url"] = "http://192.168.1.10:5000"
    assert "Warning" not in _check(tmp_path, data, "--port", "5000").output
    other_port = _check(tmp_path, data, "--port", "8080")
    assert other_port.exit_code == 0
    assert ("Warning: site.public_url is http://192.168.1.10:5000 (port 5000), but the server listens on "
            "port 8080: a phone that scans a ticket's QR code reaches nothing.") in other_port.output
    data["server"] = {"proxy_hops": 1}  # behind a proxy the public port is the proxy's
    assert "Warning" not in _check(tmp_path, data, "--port", "8080").output


def test_serve_warns_when_the_configured_address_is_loopback(live_server: Any) -> None:
    # The live test servers are configured with http://127.0.0.1:{port} (tests/conftest.py).
    deadline = time.monotonic() + 10
    log = live_server.folder / "server.log"
    while "Warning: site.public_url" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert f"Warning: site.public_url is http://127.0.0.1:{live_server.port}, a loopback address" in log.read_text()
