"""The print-job rules (server/core/print_queue.py) driven directly on a real SQLite store, and
a kiosk ticket numbered past 999 coming out of a (fake) network printer with its whole number."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from printers.jobs import PrintService, PrintSettings
from server.app import create_app
from server.core import print_queue, tickets
from server.core.clock import FixedClock
from server.core.config import SiteConfig
from server.core.config_load import parse_config
from server.core.errors import RuleError
from server.core.print_queue import PrintQueue
from server.web import views
from server.web.printing import build_ticket_print
from tests.fakeprinter import FakePrinter
from tests.rules import seed_sequence


class Boom(Exception):
    """Raised inside a transaction to roll it back."""


def service_over(app: Any, printers: dict[str, Any]) -> PrintService:
    """The real print service over the app's store, not started: jobs wait, nothing prints."""
    hall = app.hall
    return PrintService(PrintQueue(hall.store, app.clock.now), printers,
                        lambda ticket_id, lang: build_ticket_print(hall, ticket_id, lang), PrintSettings(hall.data_dir))


@pytest.fixture
def service(small_app: Any) -> PrintService:
    return service_over(small_app, small_app.site.printers)


def jobs(app: Any) -> list[dict[str, Any]]:
    with app.hall.store.read() as tx:
        return tx.all("SELECT ticket_id, printer_id, lang, status FROM print_jobs ORDER BY id")


def issue(app: Any, service: PrintService | None, kiosk_id: str | None,
          **options: Any) -> tuple[dict[str, Any], int | None]:
    with app.hall.store.write() as tx:
        now = app.clock.now()
        row = tickets.issue_ticket(tx, app.site, now, "kk", kiosk_id=kiosk_id, **options)
        return row, print_queue.print_issued(tx, app.site, now, row, service)


def test_a_ticket_issued_at_a_kiosk_with_a_printer_gets_a_job_in_its_own_transaction(
    small_app: Any, service: PrintService
) -> None:
    with pytest.raises(Boom), small_app.hall.store.write() as tx:
        now = small_app.clock.now()
        row = tickets.issue_ticket(tx, small_app.site, now, "kk", kiosk_id="kiosk-1", lang="en")
        job_id = print_queue.print_issued(tx, small_app.site, now, row, service)
        assert job_id is not None
        assert print_queue.print_state(tx, row["id"]) == {"status": "queued", "printer_id": "p1", "error": None}
        raise Boom  # the ticket is rolled back: so is its job
    assert jobs(small_app) == []
    with small_app.hall.store.read() as tx:
        assert tx.scalar("SELECT COUNT(*) FROM tickets") == 0

    row, job_id = issue(small_app, service, "kiosk-1", lang="en")
    assert job_id is not None
    assert jobs(small_app) == [{"ticket_id": row["id"], "printer_id": "p1", "lang": "en", "status": "pending"}]


def test_no_job_without_a_kiosk_printer_or_without_printing(small_app: Any, service: PrintService) -> None:
    at_kiosk_without_printer, job = issue(small_app, service, "kiosk-2")
    assert job is None
    from_a_phone, job = issue(small_app, service, None)
    assert job is None
    _, job = issue(small_app, None, "kiosk-1")  # a server that does not print
    assert job is None
    assert jobs(small_app) == []
    with small_app.hall.store.read() as tx:
        assert print_queue.print_state(tx, at_kiosk_without_printer["id"]) == print_queue.NOT_REQUESTED
        assert print_queue.print_state(tx, from_a_phone["id"])["status"] == "not_requested"


def test_reprint_rules(small_app: Any, service: PrintService) -> None:
    row, _ = issue(small_app, service, "kiosk-2")

    def reprint(printer_id: str | None, printing: PrintService | None = service) -> int:
        with small_app.hall.store.write() as tx:
            return print_queue.reprint(tx, small_app.site, small_app.clock.now(), row["id"], printer_id, printing,
                                       device="10.0.0.7")

    with pytest.raises(RuleError) as refused:
        reprint(None)  # issued at a kiosk without a printer, and no printer named
    assert (refused.value.status, refused.value.code) == (409, "no_printer")
    assert "name a printer_id" in refused.value.message
    with pytest.raises(RuleError) as refused:
        reprint("p9")
    assert (refused.value.status, refused.value.code) == (404, "unknown_printer")
    with pytest.raises(RuleError) as refused:
        reprint("p1", printing=None)
    assert (refused.value.status, refused.value.code) == (409, "no_printer")
    assert "not running" in refused.value.message
    assert jobs(small_app) == []

    reprint("p1")
    assert jobs(small_app) == [{"ticket_id": row["id"], "printer_id": "p1", "lang": "id", "status": "pending"}]
    with small_app.hall.store.read() as tx:
        history = tx.all("SELECT kind, device, detail FROM ticket_events WHERE ticket_id = ? ORDER BY id", (row["id"],))
    assert history[-1] == {"kind": "reprint", "device": "10.0.0.7", "detail": '{"printer": "p1"}'}

    at_kiosk_1, _ = issue(small_app, service, "kiosk-1")
    with small_app.hall.store.write() as tx:  # no printer named: the issuing kiosk's
        print_queue.reprint(tx, small_app.site, small_app.clock.now(), at_kiosk_1["id"], None, service)
    assert [job["printer_id"] for job in jobs(small_app) if job["ticket_id"] == at_kiosk_1["id"]] == ["p1", "p1"]


def test_one_print_state_for_the_ticket_shape_the_service_and_the_api(small_app: Any, service: PrintService) -> None:
    row, job_id = issue(small_app, service, "kiosk-1")
    assert job_id is not None

    def everyone() -> list[dict[str, Any]]:
        with small_app.hall.store.read() as tx:
            shape = views.ticket_json(tx, small_app.site, tickets.get_row(tx, row["id"]))["print"]
            direct = print_queue.print_state(tx, row["id"])
        api = small_app.client().get(f"/api/v1/tickets/{row['id']}").json["print"]
        return [shape, direct, service.queue.state(row["id"]), api]

    assert everyone() == [{"status": "queued", "printer_id": "p1", "error": None}] * 4
    job = service.queue.job(job_id)
    assert job is not None
    service.queue.finish(job, "failed", "Printer p1 (virtual) is out of ink")
    failed = {"status": "failed", "printer_id": "p1", "error": "Printer p1 (virtual) is out of ink"}
    assert everyone() == [failed] * 4
    assert service.wait(job_id) == failed
    with small_app.hall.store.write() as tx:  # the latest job is the ticket's state
        print_queue.reprint(tx, small_app.site, small_app.clock.now(), row["id"], "p1", service)
    assert everyone() == [{"status": "queued", "printer_id": "p1", "error": None}] * 4


def test_cancelling_a_ticket_drops_its_waiting_print_job(small_app: Any, service: PrintService) -> None:
    row, job_id = issue(small_app, service, "kiosk-1")  # the printer is down: the job waits
    with small_app.hall.store.write() as tx:
        tickets.cancel(tx, small_app.site, small_app.clock.now(), row["id"], key=row["survey_secret"])
    state = small_app.client().get(f"/api/v1/tickets/{row['id']}").json["print"]
    assert state == {"status": "failed", "printer_id": "p1", "error": f"Ticket {row['number']} was cancelled; "
                                                                        "not printed."}
    assert service.queue.next_job("p1") is None  # nothing left to print when the printer is back


def test_a_job_for_a_printer_the_service_does_not_run_fails_in_words(small_app: Any) -> None:
    row, _ = issue(small_app, service_over(small_app, {}), "kiosk-1")  # p1 left its configuration
    with small_app.hall.store.read() as tx:
        state = print_queue.print_state(tx, row["id"])
    assert state["status"] == "failed" and "'p1' is not in the configuration" in state["error"]


# --- four-digit numbers on paper -------------------------------------------------------------


@pytest.fixture
def networked_site(small_config: SiteConfig, tmp_path: Path, clock: FixedClock) -> Iterator[tuple[Any, FakePrinter]]:
    """The small site with kiosk-1's printer on the network (a fake ESC/POS printer), printing for real."""
    with FakePrinter() as printer:
        data = small_config.model_dump(mode="json", exclude_none=True)
        data["printers"] = [{"id": "p1", "type": "network", "host": "127.0.0.1", "port": printer.port}]
        app, _ = create_app(parse_config(data), data_dir=tmp_path / "data", clock=clock, printer_check_seconds=60)
        hall = app.extensions["antrean"]
        try:
            yield app, printer
        finally:
            hall.printing.stop()
            hall.store.close()


@pytest.mark.parametrize(("service_id", "already", "number"), [("kk", 999, "B1000"), ("pbb", 1233, "PBB1234")])
def test_a_ticket_with_four_digits_prints_its_whole_number(
    networked_site: tuple[Any, FakePrinter], service_id: str, already: int, number: str
) -> None:
    app, printer = networked_site
    hall = app.extensions["antrean"]
    seed_sequence(hall.store, hall.site.service_day(hall.now()), service_id, already)  # a busy day
    answer = app.test_client().post("/api/v1/tickets", json={"service_id": service_id, "kiosk_id": "kiosk-1"})
    assert answer.status_code == 201, answer.json
    assert answer.json["number"] == number
    assert printer.wait_for(lambda p: p.tickets() == 1)
    assert answer.json["print"] == {"status": "printed", "printer_id": "p1", "error": None}
    decoded = printer.decoded()
    biggest = max(decoded.lines, key=lambda line: line.size[0])
    assert biggest.text == number  # the number line, whole, at the largest size that fits
    assert all(len(line.text) * line.size[0] <= 48 for line in decoded.lines)
    assert decoded.qr_payloads == [answer.json["qr_url"]] and decoded.cuts == 1
