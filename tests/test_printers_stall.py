"""A ticket is "printed" only once the printer has shown it took it.

The printer here is tests/fakeprinter.py: a real TCP server that answers DLE EOT status
requests like an Epson and that can stop reading while it keeps its connections open
(its small receive buffers then fill for real). The server is a live process.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from conftest import LiveServer, start_site
from fakeprinter import SMALL_BUFFER, FakePrinter

from printers.connections import PrintError, Timeouts, check_status, send
from server.core.config import Printer

FAST = Timeouts(connect=0.5, write=0.5, status=0.4)  # roomy enough for a loaded CI machine
SERVICE = "kartu-keluarga"


def network(port: int) -> Printer:
    return Printer(id="printer-lobi", type="network", host="127.0.0.1", port=port)


def numbers_printed(printer: FakePrinter) -> list[str]:
    """The ticket numbers on the paper (the one line printed at a large size)."""
    return [line.text for line in printer.decoded().lines if line.size[0] >= 4]


def eventually(condition: Any, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return bool(condition())


# --- the fake printer answers like an Epson, and the transport reads it ------------------------


@pytest.mark.parametrize(("mode", "status", "words"), [
    ("normal", "online", None),
    ("paper_near_end", "online", "paper is running low"),
    ("paper_out", "paper_out", "out of paper"),
    ("cover_open", "offline", "cover open"),
])
def test_status_answers_like_an_epson(mode: str, status: str, words: str | None, tmp_path: Path) -> None:
    with FakePrinter(mode=mode) as printer:
        cfg = network(printer.port)
        said, detail = check_status(cfg, timeouts=FAST)
        assert said == status
        assert detail is None if words is None else words in (detail or "")
        if status == "online":
            delivery = send(cfg, b"ticket\n\x1dV\x00", tmp_path, timeouts=FAST)
            assert (delivery.status, delivery.detail) == (status, detail)
            assert printer.wait_for(lambda p: p.tickets() == 1)
        else:
            with pytest.raises(PrintError) as caught:
                send(cfg, b"ticket\n\x1dV\x00", tmp_path, timeouts=FAST)
            assert caught.value.kind == status and words in caught.value.message
            assert "the ticket was not sent" in caught.value.message
            time.sleep(0.2)
            assert printer.tickets() == 0  # nothing went into a printer that is not ready


def test_a_ticket_whose_logo_spells_status_requests_is_still_confirmed(tmp_path: Path) -> None:
    # Pixels of a logo can spell DLE EOT n; a real Epson answers those too, before ours.
    with FakePrinter() as printer:
        data = b"logo \x10\x04\x01\x10\x04\x04 pixels\n\x1dV\x00"
        delivery = send(network(printer.port), data, tmp_path, timeouts=FAST)
        assert delivery.status == "online"
        assert printer.wait_for(lambda p: p.tickets() == 1)


# --- a printer that worked, then stops reading: the live server -----------------------------


@pytest.fixture(scope="module")
def printer() -> Iterator[FakePrinter]:
    with FakePrinter(receive_buffer=SMALL_BUFFER) as fake:
        yield fake


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, bundled_data: dict[str, Any],
         printer: FakePrinter) -> Iterator[LiveServer]:
    data = copy.deepcopy(bundled_data)
    data["printers"] = [{"id": "printer-lobi", "name": "Printer Lobi", "type": "network", "host": "127.0.0.1",
                         "port": printer.port}]
    data["kiosks"] = [{"id": "kiosk-1", "name": "Kios Lobi", "printer": "printer-lobi"}]
    server = start_site(tmp_path_factory.mktemp("stall-site"), data)
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def fresh(printer: FakePrinter, site: LiveServer) -> Iterator[None]:
    """Each test starts with a printer that reads, prints and has nothing queued."""
    printer.mode = "normal"
    printer.read_again()
    assert eventually(lambda: printer_status(site) == "online"), "the printer did not come back"
    printer.clear()
    yield
    printer.mode = "normal"
    printer.read_again()


def issue(site: LiveServer) -> dict[str, Any]:
    answer = requests.post(site.url + "/api/v1/tickets", json={"service_id": SERVICE, "kiosk_id": "kiosk-1"},
                           timeout=15)
    assert answer.status_code == 201, answer.text
    return answer.json()  # type: ignore[no-any-return]


def print_state(site: LiveServer, ticket_id: str) -> dict[str, Any]:
    return requests.get(f"{site.url}/api/v1/tickets/{ticket_id}", timeout=5).json()["print"]  # type: ignore[no-any-return]


def printer_status(site: LiveServer) -> str:
    printers = requests.get(site.url + "/api/v1/printers", timeout=5).json()["printers"]
    return str(next(p for p in printers if p["id"] == "printer-lobi")["status"])


def test_after_the_printer_stops_reading_no_ticket_is_lost(site: LiveServer, printer: FakePrinter) -> None:
    printer.stall_after = 2  # two tickets as usual, then it reads nothing more
    first = [issue(site) for _ in range(2)]
    assert [t["print"]["status"] for t in first] == ["printed", "printed"]
    assert printer.wait_for(lambda p: p.stalled)

    stuck = [issue(site) for _ in range(12)]
    # The kiosk is told the truth, in words: none of the 12 is "printed".
    assert [t["print"]["status"] for t in stuck] == ["queued"] * 12
    assert all("printer-lobi" in (t["print"]["error"] or "") for t in stuck)
    assert "reads nothing" in stuck[-1]["print"]["error"]
    assert eventually(lambda: printer_status(site) == "offline", 10)
    time.sleep(1.0)
    assert all(print_state(site, t["id"])["status"] == "queued" for t in stuck)
    assert numbers_printed(printer) == [t["number"] for t in first]

    printer.read_again()
    assert eventually(lambda: all(print_state(site, t["id"])["status"] == "printed" for t in stuck)), \
        [print_state(site, t["id"]) for t in stuck]
    time.sleep(2.0)  # retries and health checks go on: nothing may come out twice
    assert numbers_printed(printer) == [t["number"] for t in first + stuck]
    assert printer_status(site) == "online"


def test_a_ticket_waits_while_the_cover_is_open_and_prints_once_it_is_closed(
        site: LiveServer, printer: FakePrinter) -> None:
    printer.mode = "cover_open"
    ticket = issue(site)
    assert ticket["print"]["status"] == "queued"
    assert "cover open" in ticket["print"]["error"]
    assert eventually(lambda: printer_status(site) == "offline", 10)
    time.sleep(0.5)
    assert printer.tickets() == 0
    printer.mode = "normal"
    assert eventually(lambda: print_state(site, ticket["id"])["status"] == "printed")
    time.sleep(1.0)
    assert numbers_printed(printer) == [ticket["number"]]
