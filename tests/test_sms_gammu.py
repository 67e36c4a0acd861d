"""The "near" SMS through the real gammu-smsd (Debian's package; scripts/test installs it):
its files backend on Antrean's outbox, Gammu's dummy phone driver (model `dummy`, a folder for a
device) for the modem. A message Antrean writes is taken and sent, and moved to `sent`; with
gammu-smsd stopped it waits in the outbox, nothing lost, and goes out when gammu-smsd starts.
gammu-smsd-inject, Gammu's own writer of that outbox, is the reference for the file's bytes."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import HallApp, make_hall_app
from near_support import gammu_folders, near_site
from rules import issue

from server.core import sms
from server.core.config import SiteConfig
from server.web.sms_worker import SmsWorker

pytestmark = pytest.mark.skipif(shutil.which("gammu-smsd") is None,
                                reason="gammu-smsd is not installed (scripts/test installs it)")


def gammu_config(spool: Path) -> Path:
    """gammu-smsd's configuration: the dummy phone in spool/phone, the files backend on spool/."""
    (spool / "phone").mkdir(parents=True, exist_ok=True)
    path = spool / "smsdrc"
    path.write_text(
        "[gammu]\nmodel = dummy\nconnection = none\n"
        f"device = {spool / 'phone'}/\n\n"
        "[smsd]\nservice = files\n"
        f"inboxpath = {spool / 'inbox'}/\noutboxpath = {spool / 'outbox'}/\n"
        f"sentsmspath = {spool / 'sent'}/\nerrorsmspath = {spool / 'error'}/\n"
        "outboxformat = unicode\ntransmitformat = auto\n"
        f"logfile = {spool / 'smsd.log'}\ndebuglevel = 1\n"
        "commtimeout = 1\nsendtimeout = 5\nloopsleep = 1\nreceivefrequency = 60\n"
        "checksecurity = 0\ncheckbattery = 0\nchecksignal = 0\nphoneid = antrean-test\n"
        f"pidfile = {spool / 'smsd.pid'}\n"
    )
    return path


class Daemon:
    def __init__(self, config: Path) -> None:
        self.config = config
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(["gammu-smsd", "-c", str(self.config)], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def spool(tmp_path: Path) -> Path:
    return tmp_path / "spool"


@pytest.fixture
def daemon(spool: Path) -> Iterator[Daemon]:
    gammu_folders(spool)
    running = Daemon(gammu_config(spool))
    yield running
    running.stop()


@pytest.fixture
def sms_app(small_config: SiteConfig, tmp_path: Path, spool: Path, clock: Any) -> Iterator[HallApp]:
    made = make_hall_app(near_site(small_config, places=1, sms=gammu_folders(spool)), tmp_path / "data", clock)
    yield made
    made.hall.store.close()


def _wait(predicate: Callable[[], bool], timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


def _ask_sms(app: HallApp, ticket_id: str, phone: str) -> None:
    with app.hall.store.read() as tx:
        key = tx.scalar("SELECT survey_secret FROM tickets WHERE id = ?", (ticket_id,))
    answer = app.client().post(f"/api/v1/tickets/{ticket_id}/sms", json={"key": key, "phone": phone})
    assert answer.status_code == 200, answer.json


def test_gammu_smsd_sends_what_antrean_wrote(sms_app: HallApp, daemon: Daemon, spool: Path) -> None:
    daemon.start()
    mine = issue(sms_app, "ktp")
    _ask_sms(sms_app, mine["id"], "0812 3456 7890")
    worker = SmsWorker(sms_app.hall)
    worker.run_once()
    with sms_app.hall.store.read() as tx:
        (name,) = [r["file_name"] for r in tx.all("SELECT file_name FROM sms_messages")]
    assert _wait(lambda: (spool / "sent" / name).exists()), (spool / "smsd.log").read_text()
    assert not (spool / "outbox" / name).exists()
    log = (spool / "smsd.log").read_text()
    # gammu-smsd read the number from the name and the text from the UTF-16 content.
    assert 'to "+6281234567890" with text "' in log
    assert "hampir dipanggil" in log and "SMS sent on device" in log
    worker.run_once()
    status = worker.status()
    assert status["today"]["sent"] == 1 and status["state"] == "ok"


def test_with_gammu_smsd_stopped_the_message_waits_and_goes_out_when_it_starts(
        sms_app: HallApp, daemon: Daemon, spool: Path) -> None:
    mine = issue(sms_app, "ktp")
    _ask_sms(sms_app, mine["id"], "+62 857 1234 5678")
    worker = SmsWorker(sms_app.hall)
    worker.run_once()
    (waiting,) = (spool / "outbox").iterdir()
    sms_app.clock.advance(5 * 60)
    worker.run_once()
    assert worker.status()["state"] == "stalled"
    assert waiting.exists()  # nothing lost, nothing written twice
    assert len(list((spool / "outbox").iterdir())) == 1
    daemon.start()
    assert _wait(lambda: (spool / "sent" / waiting.name).exists()), (spool / "smsd.log").read_text()
    worker.run_once()
    status = worker.status()
    assert (status["state"], status["today"]["sent"]) == ("ok", 1)


def test_the_file_has_the_bytes_gammu_smsd_inject_writes(spool: Path, daemon: Daemon) -> None:
    text = "Antrean: nomor A007 hampir dipanggil (1 orang lagi). Silakan ke Loket 1-2."
    subprocess.run(["gammu-smsd-inject", "-c", str(daemon.config), "TEXT", "+6281234567890", "-text", text],
                   check=True, capture_output=True, timeout=30)
    (injected,) = (spool / "outbox").iterdir()
    assert injected.name.endswith(".txt") and injected.name.startswith("OUTC")
    assert injected.read_bytes() == sms.encode(text)
    # Its name has the same parts as Antrean's (OUT<priority><date>_<time>_<serial>_<number>_<anything>).
    assert injected.name.split("_")[3] == "+6281234567890"
