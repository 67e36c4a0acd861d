"""A CUPS queue, reached through the CUPS client's own commands (`lp`, `lpstat`).

A CUPS server is too heavy to start for a test, so these put small stand-in `lp` and
`lpstat` programs first on PATH: real programs, run as the transport runs them, which
keep what they were given and answer as CUPS 2's client does (in the C locale).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from printers.connections import PrintError, Timeouts, check_status, send
from server.core.config import Printer

FAST = Timeouts(connect=1.0, write=1.0, status=1.0)
KIOSK = Printer(id="printer-cups", type="cups", cups_name="kiosk")


def install(folder: Path, name: str, script: str) -> None:
    path = folder / name
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


@pytest.fixture
def cups(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An idle queue "kiosk"; `lp` keeps its arguments and the bytes it was given."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    spool = tmp_path / "spool"
    install(bin_dir, "lp", f'echo "$@" > {spool}.args\ncat > {spool}\necho "request id is kiosk-7 (1 file(s))"\n')
    install(bin_dir, "lpstat", 'if [ "$2" = kiosk ]; then\n'
                               '  echo "printer kiosk is idle.  enabled since Tue 01 Dec 2026 07:00:00 WIB"\n'
                               'else\n  echo "lpstat: Invalid destination name in list \\"$2\\"." >&2; exit 1\nfi\n')
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return spool


def test_a_ticket_goes_to_the_queue_raw(cups: Path, tmp_path: Path) -> None:
    ticket = b"\x1b@A1000\n\x1dV\x00"
    send(KIOSK, ticket, tmp_path, timeouts=FAST)
    assert cups.read_bytes() == ticket
    args = Path(f"{cups}.args").read_text()
    assert "-d kiosk" in args and "-o raw" in args
    assert check_status(KIOSK) == ("online", None)


def test_an_unknown_queue_is_named(cups: Path, tmp_path: Path) -> None:
    other = Printer(id="printer-cups", type="cups", cups_name="lobi")
    with pytest.raises(PrintError) as caught:
        send(other, b"x", tmp_path, timeouts=FAST)
    assert caught.value.kind == "failed"
    assert "CUPS has no printer named 'lobi'" in caught.value.message and "lpstat -p" in caught.value.message
    assert not cups.exists()


def test_a_stopped_queue_is_offline_with_its_reason(cups: Path, tmp_path: Path) -> None:
    install(cups.parent / "bin", "lpstat", 'echo "printer kiosk disabled since Tue 01 Dec 2026 -"\n'
                                           'printf "\\tPaused by the supervisor\\n"\n')
    assert check_status(KIOSK) == ("offline", "Paused by the supervisor")
    with pytest.raises(PrintError) as caught:
        send(KIOSK, b"x", tmp_path, timeouts=FAST)
    assert caught.value.kind == "offline" and "Paused by the supervisor" in caught.value.message


def test_cups_that_hangs_does_not_hold_the_worker(cups: Path, tmp_path: Path) -> None:
    install(cups.parent / "bin", "lp", "sleep 30\n")
    with pytest.raises(PrintError) as caught:
        send(KIOSK, b"x", tmp_path, timeouts=Timeouts(connect=0.3, write=0.3, status=1.0))
    assert caught.value.kind == "offline" and "did not answer in time" in caught.value.message


def test_without_the_cups_client_the_failure_says_what_to_install(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no lp, no lpstat
    with pytest.raises(PrintError) as caught:
        send(KIOSK, b"x", tmp_path, timeouts=FAST)
    assert caught.value.kind == "failed" and "cups-client" in caught.value.message
    assert check_status(KIOSK)[0] == "unknown"
