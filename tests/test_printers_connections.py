"""Each printer type delivers bytes or says in words why not; `antrean printer test`."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from printers import cli
from printers.connections import PrintError, Timeouts, check_status, send
from printers.decode import decode_escpos
from server.core.config import Printer, SiteConfig
from server.core.config_load import parse_config
from tests.fakeprinter import FakePrinter, free_port

FAST = Timeouts(connect=0.5, write=0.5, status=0.4)  # roomy enough for a loaded CI machine


@pytest.fixture
def fake_printer() -> Iterator[FakePrinter]:
    with FakePrinter() as printer:
        yield printer


def network(port: int) -> Printer:
    return Printer(id="printer-lobi", type="network", host="127.0.0.1", port=port)


def site_config(printers: list[dict[str, Any]]) -> SiteConfig:
    return parse_config({
        "site": {"name": "Mall Pelayanan Publik Kabupaten Jember", "hours": {"open": "07:30", "close": "15:00"}},
        "agencies": [{"id": "dispendukcapil", "name": "Dinas Kependudukan dan Pencatatan Sipil",
                      "short_name": "Dispendukcapil",
                      "services": [{"id": "ktp-el", "name": "Perekaman KTP-el", "prefix": "A"}]}],
        "counters": [{"id": "loket-1", "name": "Loket 1", "agency": "dispendukcapil", "services": ["ktp-el"]}],
        "printers": printers,
    })


def test_network_printer_receives_the_bytes(fake_printer: FakePrinter, tmp_path: Path) -> None:
    delivery = send(network(fake_printer.port), b"hello\n\x1dV\x00", tmp_path, timeouts=FAST)
    assert delivery.status == "online" and delivery.detail is None
    assert fake_printer.wait_for(lambda p: p.tickets() == 1)
    assert decode_escpos(fake_printer.received).lines[0].text == "hello"
    assert check_status(network(fake_printer.port), timeouts=FAST) == ("online", None)


def test_refused_connection_is_offline_in_words(tmp_path: Path) -> None:
    cfg = network(free_port())
    with pytest.raises(PrintError) as caught:
        send(cfg, b"x", tmp_path, timeouts=FAST)
    assert caught.value.kind == "offline"
    assert caught.value.message.startswith(f"Printer printer-lobi (127.0.0.1:{cfg.port}) refused the connection")
    status, detail = check_status(cfg, timeouts=FAST)
    assert status == "offline" and "refused" in (detail or "")


def test_printer_that_reads_nothing_gets_no_ticket_and_says_why(tmp_path: Path) -> None:
    with FakePrinter(mode="accept_but_never_read") as printer:
        started = time.monotonic()
        with pytest.raises(PrintError) as caught:
            send(network(printer.port), b"\x00" * 4_000_000, tmp_path, timeouts=FAST)
        assert time.monotonic() - started < FAST.connect + 2 * FAST.status + 1.0
        # Not "printed", not even sent: the ticket cannot come out late and then again.
        assert caught.value.kind == "offline" and "reads nothing" in caught.value.message
        assert "The ticket was not sent" in caught.value.message
        status, detail = check_status(network(printer.port), timeouts=FAST)
        assert status == "offline" and "reads nothing" in (detail or "")


def test_printer_that_stops_reading_halfway_fails_within_the_write_timeout(tmp_path: Path) -> None:
    with FakePrinter(mode="stall_halfway", close_after=4096) as printer:
        started = time.monotonic()
        with pytest.raises(PrintError) as caught:
            send(network(printer.port), b"\x00" * 4_000_000, tmp_path, timeouts=FAST)
        assert time.monotonic() - started < FAST.connect + FAST.status + FAST.write + 1.0
        assert caught.value.kind == "offline" and "took no data for 0.5 s" in caught.value.message


def test_a_silent_printer_prints_but_its_paper_is_unknown(tmp_path: Path) -> None:
    with FakePrinter(mode="silent") as printer:
        delivery = send(network(printer.port), b"ticket\n\x1dV\x00", tmp_path, timeouts=FAST)
        assert delivery.status == "unknown" and "does not answer status requests" in (delivery.detail or "")
        assert printer.wait_for(lambda p: p.tickets() == 1)
        assert check_status(network(printer.port), timeouts=FAST)[0] == "unknown"


def test_abort_interrupts_a_send_at_once(tmp_path: Path) -> None:
    abort = threading.Event()
    with FakePrinter(mode="accept_but_never_read") as printer:
        threading.Timer(0.2, abort.set).start()
        started = time.monotonic()
        with pytest.raises(PrintError, match="server is stopping"):
            send(network(printer.port), b"\x00" * 4_000_000, tmp_path, abort=abort,
                 timeouts=Timeouts(connect=5, write=5, status=5))
        assert time.monotonic() - started < 0.6


def test_file_printer_writes_to_the_device(tmp_path: Path) -> None:
    device = tmp_path / "lp0"
    device.write_bytes(b"")
    cfg = Printer(id="printer-usb-lp", type="file", device=str(device))
    send(cfg, b"one\n", tmp_path, timeouts=FAST)
    send(cfg, b"two\n", tmp_path, timeouts=FAST)
    assert device.read_bytes() == b"one\ntwo\n"
    assert check_status(cfg)[0] == "unknown"


def test_missing_device_is_offline_and_no_file_is_made(tmp_path: Path) -> None:
    cfg = Printer(id="printer-usb-lp", type="file", device=str(tmp_path / "lp0"))
    with pytest.raises(PrintError) as caught:
        send(cfg, b"x", tmp_path, timeouts=FAST)
    assert caught.value.kind == "offline" and "does not exist" in caught.value.message
    assert not (tmp_path / "lp0").exists()
    assert check_status(cfg)[0] == "offline"


@pytest.mark.parametrize(("module", "cfg", "words"), [
    ("usb", {"type": "usb", "vendor_id": 0x0416, "product_id": 0x5011}, "USB support is not installed"),
    ("serial", {"type": "serial", "device": "/dev/ttyS0"}, "serial support is not installed"),
])
def test_missing_optional_support_is_a_clear_failure(
    module: str, cfg: dict[str, Any], words: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Hide the library as if it were not installed: a None entry makes `import` fail, and
    # python-escpos's own check (decided when escpos was imported) is told the same.
    monkeypatch.setitem(sys.modules, module, None)
    import escpos.printer

    for driver in ("Usb", "Serial"):
        if driver.lower() == module:
            monkeypatch.setattr(getattr(escpos.printer, driver), "is_usable", staticmethod(lambda: False))
    with pytest.raises(PrintError) as caught:
        send(Printer(id="printer-x", **cfg), b"x", tmp_path, timeouts=FAST)
    assert caught.value.kind == "failed" and words in caught.value.message
    assert "Traceback" not in caught.value.message


def test_serial_printer_through_a_pty(tmp_path: Path) -> None:
    controller, device = os.openpty()
    try:
        cfg = Printer(id="printer-serial", type="serial", device=os.ttyname(device), baudrate=115200)
        send(cfg, b"serial ticket\n\x1dV\x00", tmp_path, timeouts=FAST)
        received = b""
        while b"\x1dV\x00" not in received:
            received += os.read(controller, 1024)
        assert decode_escpos(received).lines[0].text == "serial ticket"
        assert check_status(cfg)[0] == "unknown"
    finally:
        os.close(controller)
        os.close(device)


def test_printer_test_command_on_a_virtual_printer(tmp_path: Path) -> None:
    config = site_config([{"id": "printer-kios-1", "type": "virtual"}])
    ok, message = cli.test_printer(config, "printer-kios-1", tmp_path)
    assert ok, message
    assert message.startswith("Printed a test ticket on printer-kios-1 (virtual): ")
    picture = Path(message.split(": ", 1)[1])
    assert picture.suffix == ".png" and picture.exists()
    text = picture.with_suffix(".txt").read_text(encoding="utf-8")
    assert "TEST" in text and "bukan nomor antrean" in text and "Mall Pelayanan Publik" in text


def test_printer_test_command_says_what_went_wrong(tmp_path: Path) -> None:
    port = free_port()
    config = site_config([{"id": "printer-lobi", "type": "network", "host": "127.0.0.1", "port": port},
                          {"id": "printer-odd", "type": "virtual", "profile": "NoSuchModel"}])
    ok, message = cli.test_printer(config, "printer-lobi", tmp_path, timeouts=FAST)
    assert not ok and message.startswith(f"Printer printer-lobi (127.0.0.1:{port}) refused the connection")
    ok, message = cli.test_printer(config, "printer-nope", tmp_path)
    assert not ok and message == "There is no printer 'printer-nope' in the configuration " \
                                 "(printers: printer-lobi, printer-odd)."
    ok, message = cli.test_printer(config, "printer-odd", tmp_path)
    assert not ok and "Unknown printer profile 'NoSuchModel'" in message
    with FakePrinter(port=port) as printer:
        ok, message = cli.test_printer(config, "printer-lobi", tmp_path, timeouts=FAST)
        assert ok and message == f"Printed a test ticket on printer-lobi (127.0.0.1:{port})"
        assert printer.wait_for(lambda p: p.tickets() == 1)


def test_importing_printers_leaves_no_pickle_folder_setting_for_child_processes(tmp_path: Path) -> None:
    """A server started by this process must not inherit a folder that was removed."""
    import subprocess

    env = {k: v for k, v in os.environ.items() if k != "ESCPOS_CAPABILITIES_PICKLE_DIR"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")  # a cold cache: the private-folder path
    code = "import os, printers; print(os.environ.get('ESCPOS_CAPABILITIES_PICKLE_DIR'))"
    for _ in range(2):  # cold cache, then warm
        result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "None"
    assert (tmp_path / "cache" / "antrean" / "escpos").is_dir()
