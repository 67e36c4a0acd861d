"""Several server processes on one site: each piece of the night's work (the backup, the
report columns, the night care) is done by one of them, once; a process killed while it
holds a lease holds it only until the lease runs out, and another then does the work."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import JAKARTA, make_hall_app
from rules import act, issue

from server.core import night_lease
from server.core.clock import FixedClock
from server.core.config import SiteConfig
from server.web.housekeeping import Housekeeper

ROOT = Path(__file__).resolve().parent.parent
NIGHT = datetime(2026, 12, 2, 0, 5, tzinfo=JAKARTA)


def _hall(config: SiteConfig, data: Path) -> Any:
    return make_hall_app(config, data, FixedClock(datetime(2026, 12, 1, 9, 0, tzinfo=JAKARTA)))


def _said(caplog: pytest.LogCaptureFixture, start: str) -> int:
    return sum(1 for record in caplog.records if record.getMessage().startswith(start))


def _rounds(keepers: list[Housekeeper], until: Any, timeout: float = 20) -> None:
    """Housekeeping rounds of every process, side by side, until `until()` (or the timeout)."""
    deadline = time.monotonic() + timeout
    while not until() and time.monotonic() < deadline:
        for keeper in keepers:
            keeper.run_once()
        time.sleep(0.1)


def test_two_processes_on_one_site_do_each_nights_work_once(
    small_config: SiteConfig, tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    data = tmp_path / "data"
    first, second = _hall(small_config, data), _hall(small_config, data)  # two Stores on one database
    issue(first, "ktp")
    act(first, "call_next", "loket-1", actor="siti")
    issue(second, "kk")
    keepers = [Housekeeper(first.hall), Housekeeper(second.hall)]
    for app in (first, second):
        app.clock.set(NIGHT)
    with caplog.at_level(logging.INFO):
        _rounds(keepers, lambda: _said(caplog, "night care") > 0 and _said(caplog, "stored the report") > 0)
        for _ in range(10):  # more rounds of both: nothing is done again
            for keeper in keepers:
                keeper.run_once()
            time.sleep(0.1)
    assert _said(caplog, "backed up") == 1
    assert _said(caplog, "stored the report columns of 1 closed days") == 1
    assert _said(caplog, "night care:") == 1
    assert [p.name for p in (data / "backups").iterdir()] == ["antrean-2026-12-02.db"]
    assert first.hall.backup_problem is None and second.hall.backup_problem is None
    for app in (first, second):
        app.hall.store.close()


HOLDER = """
import sys, time
from pathlib import Path
from server.core import night_lease
lease = night_lease.take(Path(sys.argv[1]), "care", "2026-12-02", "killed-process", float(sys.argv[2]))
print(lease.value, flush=True)
time.sleep(600)  # "working": killed here
"""


def test_a_process_killed_while_it_holds_the_lease_holds_it_only_until_it_runs_out(
    small_config: SiteConfig, tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    app = _hall(small_config.model_copy(update={"server": small_config.server.model_copy(
        update={"backup_keep": 0})}), tmp_path / "data")
    keeper = Housekeeper(app.hall)
    child = subprocess.Popen([sys.executable, "-c", HOLDER, str(app.hall.store.path), "3"], cwd=ROOT,
                             env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline().strip() == "taken"
    taken = time.monotonic()
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    child.stdout.close()
    app.clock.set(NIGHT)
    with caplog.at_level(logging.INFO):
        while time.monotonic() - taken < 2:  # its lease still runs: nobody cares for the night
            keeper.run_once()
            time.sleep(0.2)
        assert _said(caplog, "night care") == 0
        _rounds([keeper], lambda: _said(caplog, "night care") > 0)
    assert _said(caplog, "night care:") == 1
    assert night_lease.take(app.hall.store.path, "care", "2026-12-02", "another", 60) is night_lease.Lease.DONE
    app.hall.store.close()
