"""Print jobs through the real network path into a fake printer, on a real SQLite store."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from printers.connections import Timeouts
from printers.decode import decode_escpos
from printers.jobs import PrintService, PrintSettings, SkipPrint
from printers.ticket import TicketPrint
from server.core import print_queue
from server.core.config import Printer
from server.core.events import Event, PrinterStatusChanged, PrintJobEnded
from server.core.print_queue import PrintQueue
from server.core.store import Store
from server.core.vocabulary import WaitEstimate
from tests.fakeprinter import FakePrinter, free_port

WIB = ZoneInfo("Asia/Jakarta")
WAIT = 0.8
FAST = Timeouts(connect=0.5, write=0.5, status=0.4)  # roomy enough for a loaded CI machine
_ids = itertools.count(1)


@pytest.fixture
def fake_printer() -> Iterator[FakePrinter]:
    with FakePrinter() as printer:
        yield printer


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    db = Store(tmp_path / "antrean.db")
    yield db
    db.close()


def insert_ticket(tx: Any, number: str) -> str:
    seq = next(_ids)
    ticket_id = f"t{seq:04d}"
    tx.execute(
        "INSERT INTO tickets (id, service_day, seq, number, issued_service_id, service_id, agency_id, status,"
        " lang, queue_lane, queue_at, issued_at) VALUES (?, '2026-11-30', ?, ?, 'ktp-el', 'ktp-el',"
        " 'dispendukcapil', 'waiting', 'id', 1, ?, ?)",
        (ticket_id, seq, number, time.time(), time.time()),
    )
    return ticket_id


def builder(store: Store) -> Callable[[str, str], TicketPrint]:
    """What the core provides: fresh ticket data at print time."""

    def build(ticket_id: str, lang: str) -> TicketPrint:
        with store.read() as tx:
            row = tx.one("SELECT number FROM tickets WHERE id = ?", (ticket_id,))
        assert row is not None
        return TicketPrint(
            site_name="MPP Jember", logo_path=None, agency_name="Dispendukcapil", service_name="KTP-el",
            number=row["number"], issued_at=datetime.now(WIB), ahead=2, wait=WaitEstimate.of_seconds(300),
            priority=None, counter_names=["Loket 1"], status_url=f"http://127.0.0.1:5000/t/{ticket_id}",
            footer="Layanan ini GRATIS.", lang=lang,
        )

    return build


class Recorder:
    """Collects what the store's listeners (the screens) hear: printer health, tickets whose job ended."""

    def __init__(self) -> None:
        self.statuses: list[tuple[str, str, str | None]] = []
        self.done: list[str] = []

    def heard(self, events: list[Event]) -> None:
        for event in events:
            if isinstance(event, PrinterStatusChanged):
                self.statuses.append((event.printer_id, event.status, event.detail))
            elif isinstance(event, PrintJobEnded):
                self.done.append(event.ticket_id)

    def kinds(self, printer_id: str) -> list[str]:
        return [status for pid, status, _ in self.statuses if pid == printer_id]


@pytest.fixture
def recorder(store: Store) -> Recorder:
    heard = Recorder()
    store.subscribe(heard.heard)
    return heard


@pytest.fixture
def queue(store: Store) -> PrintQueue:
    return PrintQueue(store, time.time)


@pytest.fixture
def make_service(queue: PrintQueue, tmp_path: Path, recorder: Recorder) -> Iterator[Callable[..., PrintService]]:
    services: list[PrintService] = []

    def make(printers: list[Printer], start: bool = True, build: Any = None, **options: Any) -> PrintService:
        settings: dict[str, Any] = {
            "wait_seconds": WAIT, "health_seconds": 0.3, "timeouts": FAST,
            "backoff_seconds": (0.05, 0.2), "poll_seconds": 0.1,
        }
        settings.update(options)
        service = PrintService(queue, {p.id: p for p in printers}, build or builder(queue.store),
                               PrintSettings(tmp_path, **settings))
        services.append(service)
        if start:
            service.start()
        return service

    yield make
    for service in services:
        service.stop()


def network(port: int, printer_id: str = "printer-lobi") -> Printer:
    return Printer(id=printer_id, type="network", host="127.0.0.1", port=port)


def issue(store: Store, service: PrintService, printer_id: str, number: str) -> tuple[str, int]:
    with store.write() as tx:
        ticket_id = insert_ticket(tx, number)
        job_id = print_queue.enqueue(tx, time.time(), ticket_id, printer_id, "id", service.health(printer_id))
    return ticket_id, job_id


def eventually(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def timed_wait(service: PrintService, job_id: int) -> tuple[dict[str, Any], float]:
    started = time.monotonic()
    result = service.wait(job_id)
    return result, time.monotonic() - started


def numbers_printed(printer: FakePrinter) -> list[str]:
    return [line.text for line in printer.decoded().lines if line.size[0] >= 4]


def test_a_ticket_prints_and_is_recorded(
    store: Store, make_service: Callable[..., PrintService], fake_printer: FakePrinter, recorder: Recorder,
    queue: PrintQueue,
) -> None:
    service = make_service([network(fake_printer.port)])
    ticket_id, job_id = issue(store, service, "printer-lobi", "A001")
    result, elapsed = timed_wait(service, job_id)
    assert result == {"status": "printed", "printer_id": "printer-lobi", "error": None}
    assert elapsed < WAIT
    assert numbers_printed(fake_printer) == ["A001"] and fake_printer.tickets() == 1
    assert queue.state(ticket_id)["status"] == "printed"
    assert queue.state("no-such-ticket") == {"status": "not_requested", "printer_id": None, "error": None}
    assert eventually(lambda: recorder.done == [ticket_id])
    assert service.status("printer-lobi")["status"] == "online"


def test_printer_not_listening_queues_then_prints_once_when_back(
    store: Store, make_service: Callable[..., PrintService], recorder: Recorder, queue: PrintQueue
) -> None:
    port = free_port()
    service = make_service([network(port)])
    ticket_id, job_id = issue(store, service, "printer-lobi", "A002")
    result, elapsed = timed_wait(service, job_id)
    assert result["status"] == "queued"
    assert elapsed < WAIT + 0.3
    assert eventually(lambda: service.status("printer-lobi")["status"] == "offline")
    assert "refused the connection" in (queue.state(ticket_id)["error"] or "")
    with FakePrinter(port=port) as printer:
        assert eventually(lambda: queue.state(ticket_id)["status"] == "printed")
        time.sleep(0.5)  # retries, health checks: nothing may print it again
        assert numbers_printed(printer) == ["A002"] and printer.tickets() == 1
        kinds = recorder.kinds("printer-lobi")
        assert kinds[0] == "offline" and kinds[-1] == "online"


def test_waiting_jobs_print_oldest_first_when_the_printer_returns(
    store: Store, make_service: Callable[..., PrintService], queue: PrintQueue
) -> None:
    port = free_port()
    service = make_service([network(port)], backoff_seconds=(1.0, 1.0))  # health checks notice the return
    jobs = [issue(store, service, "printer-lobi", number) for number in ("B001", "B002", "B003")]
    assert all(service.wait(job_id)["status"] == "queued" for _, job_id in jobs)
    with FakePrinter(port=port) as printer:
        assert eventually(lambda: all(queue.state(t)["status"] == "printed" for t, _ in jobs))
        assert numbers_printed(printer) == ["B001", "B002", "B003"]


def test_printer_that_accepts_but_never_reads_never_hangs_the_caller(
    store: Store, make_service: Callable[..., PrintService], queue: PrintQueue
) -> None:
    with FakePrinter(mode="accept_but_never_read") as printer:
        service = make_service([network(printer.port)], timeouts=Timeouts(connect=0.3, write=0.5, status=0.6))
        ticket_id, job_id = issue(store, service, "printer-lobi", "A003")
        result, elapsed = timed_wait(service, job_id)
        # The first health check waits 0.6 s for a status answer, the send 0.6 s for a FIN.
        assert result["status"] == "queued" and elapsed < WAIT + 0.3
        # It answers no status request and does not close when we do: it reads nothing,
        # so the ticket is not sent and waits, and the printer is offline in words.
        assert eventually(lambda: service.status("printer-lobi")["status"] == "offline")
        assert "reads nothing" in (service.status("printer-lobi")["detail"] or "")
        assert queue.state(ticket_id)["status"] == "queued"
        started = time.monotonic()
        service.stop()
        assert time.monotonic() - started < 1.0


def test_printer_closing_halfway_keeps_the_job_until_it_prints_whole(
    store: Store, make_service: Callable[..., PrintService], queue: PrintQueue
) -> None:
    with FakePrinter(mode="close_halfway", close_after=64) as printer:
        service = make_service([network(printer.port)])
        ticket_id, job_id = issue(store, service, "printer-lobi", "A004")
        result, elapsed = timed_wait(service, job_id)
        assert result["status"] == "queued" and elapsed < WAIT + 0.3
        assert "connection" in (result["error"] or queue.state(ticket_id)["error"] or "")
        assert printer.tickets() == 0
        printer.mode = "normal"
        assert eventually(lambda: queue.state(ticket_id)["status"] == "printed")
        time.sleep(0.3)
        assert printer.tickets() == 1


def test_paper_out_is_a_status_and_the_ticket_waits_for_paper(
    store: Store, make_service: Callable[..., PrintService], recorder: Recorder, queue: PrintQueue
) -> None:
    with FakePrinter(mode="paper_out") as printer:
        service = make_service([network(printer.port)])
        ticket_id, job_id = issue(store, service, "printer-lobi", "A005")
        result, elapsed = timed_wait(service, job_id)
        assert result["status"] == "queued" and elapsed < WAIT + 0.3
        assert service.status("printer-lobi")["status"] == "paper_out"
        assert "out of paper" in (service.status("printer-lobi")["detail"] or "")
        assert "paper_out" in recorder.kinds("printer-lobi")
        assert printer.tickets() == 0  # nothing sent into a printer without paper
        later, _ = issue(store, service, "printer-lobi", "A105")
        assert "out of paper" in (queue.state(later)["error"] or "")  # says why from the start
        printer.mode = "normal"
        assert eventually(lambda: queue.state(later)["status"] == "printed")
        assert numbers_printed(printer) == ["A005", "A105"]
        assert queue.state(ticket_id) == {"status": "printed", "printer_id": "printer-lobi", "error": None}
        assert recorder.kinds("printer-lobi")[-1] == "online"


def test_health_changes_are_reported_once_each(
    make_service: Callable[..., PrintService], recorder: Recorder
) -> None:
    printer = FakePrinter(mode="silent").start()
    try:
        service = make_service([network(printer.port)])
        assert eventually(lambda: service.status("printer-lobi")["status"] == "unknown"
                          and service.status("printer-lobi")["checked_at"] is not None)
        printer.stop()
        assert eventually(lambda: service.status("printer-lobi")["status"] == "offline")
        printer.mode = "normal"
        printer.start()
        assert eventually(lambda: service.status("printer-lobi")["status"] == "online")
        time.sleep(0.5)  # more health checks, no change: no more calls
        # It starts as "unknown" (not checked yet), and a silent printer stays "unknown": no call.
        assert recorder.kinds("printer-lobi") == ["offline", "online"]
        assert service.statuses()["printer-lobi"]["status"] == "online"
    finally:
        printer.stop()


def test_pending_jobs_resume_after_a_restart(
    store: Store, make_service: Callable[..., PrintService], fake_printer: FakePrinter, queue: PrintQueue
) -> None:
    before = make_service([network(fake_printer.port)], start=False)  # the server that died
    ticket_id, _ = issue(store, before, "printer-lobi", "A006")
    make_service([network(fake_printer.port)])  # the server started again
    assert eventually(lambda: queue.state(ticket_id)["status"] == "printed")
    assert numbers_printed(fake_printer) == ["A006"]


def test_a_job_that_waited_too_long_fails_with_advice(
    store: Store, make_service: Callable[..., PrintService], recorder: Recorder, queue: PrintQueue
) -> None:
    service = make_service([network(free_port())], retry_minutes=0.01)
    ticket_id, job_id = issue(store, service, "printer-lobi", "A007")
    assert service.wait(job_id)["status"] == "queued"
    assert eventually(lambda: queue.state(ticket_id)["status"] == "failed")
    error = queue.state(ticket_id)["error"] or ""
    assert "could not print this ticket within" in error and "reprint" in error
    assert ticket_id in recorder.done


def test_one_hanging_printer_does_not_delay_another(
    store: Store, make_service: Callable[..., PrintService], queue: PrintQueue
) -> None:
    with FakePrinter(mode="accept_but_never_read") as stuck, FakePrinter() as fine:
        slow = Timeouts(connect=0.3, write=3.0, status=3.0)  # the stuck printer holds its worker ~6 s
        service = make_service([network(stuck.port, "printer-a"), network(fine.port, "printer-b")],
                               timeouts=slow, health_seconds=60)
        time.sleep(0.1)
        stuck_ticket, stuck_job = issue(store, service, "printer-a", "C001")
        service.wait(stuck_job)
        _, job_id = issue(store, service, "printer-b", "D001")
        assert service.wait(job_id)["status"] == "printed"
        assert queue.state(stuck_ticket)["status"] == "queued"
        started = time.monotonic()
        service.stop()  # abandons the stuck send at once
        assert time.monotonic() - started < 1.0


def test_unknown_and_removed_printers_fail_jobs_in_words(
    store: Store, make_service: Callable[..., PrintService], fake_printer: FakePrinter, queue: PrintQueue
) -> None:
    port = free_port()
    service = make_service([network(port)])
    ticket_id, job_id = issue(store, service, "printer-nowhere", "E001")
    assert service.wait(job_id)["status"] == "failed"
    assert "not in the configuration" in queue.state(ticket_id)["error"]
    waiting, _ = issue(store, service, "printer-lobi", "E002")
    service.update_printers({"printer-new": network(fake_printer.port, "printer-new")})
    assert queue.state(waiting)["status"] == "failed"
    assert "removed from the configuration" in queue.state(waiting)["error"]
    assert list(service.statuses()) == ["printer-new"]
    ticket_id, job_id = issue(store, service, "printer-new", "E003")
    assert service.wait(job_id)["status"] == "printed"


def test_changed_printer_address_takes_effect(
    store: Store, make_service: Callable[..., PrintService], fake_printer: FakePrinter, queue: PrintQueue
) -> None:
    service = make_service([network(free_port())])
    ticket_id, job_id = issue(store, service, "printer-lobi", "F001")
    assert service.wait(job_id)["status"] == "queued"
    service.update_printers({"printer-lobi": network(fake_printer.port)})
    assert eventually(lambda: queue.state(ticket_id)["status"] == "printed")
    time.sleep(0.3)
    assert fake_printer.tickets() == 1


def test_virtual_printer_writes_bin_txt_and_png(
    store: Store, make_service: Callable[..., PrintService], tmp_path: Path
) -> None:
    service = make_service([Printer(id="printer-kios-1", type="virtual", width_mm=58)])
    _, job_id = issue(store, service, "printer-kios-1", "KK012")
    assert service.wait(job_id)["status"] == "printed"
    day = datetime.now(WIB).strftime("%Y-%m-%d")
    files = sorted((tmp_path / "printouts" / day).iterdir())
    assert [path.suffix for path in files] == [".bin", ".png", ".txt"]
    assert all(path.name.endswith(f"-KK012-{job_id}{path.suffix}") for path in files)
    assert decode_escpos(files[0].read_bytes()).cuts == 1
    assert "KK012" in files[2].read_text(encoding="utf-8")
    with Image.open(files[1]) as image:
        assert image.width == 384 + 48
    assert service.status("printer-kios-1")["status"] == "online"


def test_the_core_can_drop_a_job_no_longer_worth_printing(
    store: Store, make_service: Callable[..., PrintService], fake_printer: FakePrinter, recorder: Recorder
) -> None:
    def build(ticket_id: str, lang: str) -> TicketPrint:
        raise SkipPrint("Ticket A009 was called before the printer came back; it was not printed")

    service = make_service([network(fake_printer.port)], build=build)
    ticket_id, job_id = issue(store, service, "printer-lobi", "A009")
    assert service.wait(job_id) == {
        "status": "failed", "printer_id": "printer-lobi",
        "error": "Ticket A009 was called before the printer came back; it was not printed",
    }
    assert fake_printer.tickets() == 0 and recorder.done == [ticket_id]


def test_a_printer_that_never_answers_status_prints_within_the_wait(
    store: Store, make_service: Callable[..., PrintService]
) -> None:
    with FakePrinter(mode="silent") as printer:
        # Asking it for status before and after each ticket would take 2 x 0.5 s, more than
        # the wait; once it is known to be silent, only the wait for its FIN remains.
        service = make_service([network(printer.port)], health_seconds=60,
                               timeouts=Timeouts(connect=0.3, write=0.5, status=0.5))
        assert eventually(lambda: service.status("printer-lobi")["checked_at"] is not None)
        assert "does not answer status requests" in (service.status("printer-lobi")["detail"] or "")
        ticket_id, job_id = issue(store, service, "printer-lobi", "G001")
        result, elapsed = timed_wait(service, job_id)
        assert result["status"] == "printed" and elapsed < WAIT
        assert numbers_printed(printer) == ["G001"]
