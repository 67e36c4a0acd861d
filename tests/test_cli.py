"""The `antrean` command: user add while the server runs, clear errors, no tracebacks."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from contextlib import closing
from pathlib import Path
from typing import Any

import requests
from test_config import ROOT, antrean


def test_user_add_while_the_server_runs_can_log_in_at_once(live_server: Any) -> None:
    result = antrean("--config", str(live_server.config_path), "user", "add", "ani", "--role", "officer",
                     "--counter", "loket-1", "--counter", "loket-2", "--password-stdin", stdin="kata-sandi-ani\n")
    assert result.returncode == 0, result.stderr
    assert "Added officer 'ani'" in result.stdout
    answer = requests.post(live_server.url + "/api/v1/session",
                           json={"username": "ani", "password": "kata-sandi-ani"}, timeout=5)
    assert answer.status_code == 200
    assert answer.json()["user"]["counters"] == ["loket-1", "loket-2"]


def test_user_add_refuses_bad_input_by_name(tmp_path: Any) -> None:
    import shutil

    from conftest import BUNDLED_CONFIG

    config = tmp_path / "config.yaml"
    shutil.copy(BUNDLED_CONFIG, config)
    base = ["--config", str(config), "--db", str(tmp_path / "a.db"), "user", "add"]
    cases = [
        (["budi", "--role", "officer", "--counter", "loket-999", "--password-stdin"], "loket-999"),
        (["budi", "--role", "officer", "--password-stdin"], "an officer needs at least one counter"),
        (["budi", "--role", "supervisor", "--password-stdin"], "a supervisor needs the agency"),
        (["budi", "--role", "officer", "--counter", "loket-1", "--password-stdin"], "at least 8 characters"),
        (["Budi Santoso", "--role", "admin", "--password-stdin"], "username"),
    ]
    for args, expected in cases:
        password = "pendek\n" if "at least 8" in expected else "cukup-panjang\n"
        result = antrean(*base, *args, stdin=password)
        assert result.returncode == 2, (args, result.stdout)
        assert expected in result.stderr and "Traceback" not in result.stderr
    ok = antrean(*base, "sari", "--role", "admin", "--password-stdin", stdin="cukup-panjang\n")
    assert ok.returncode == 0
    again = antrean(*base, "sari", "--role", "admin", "--password-stdin", stdin="cukup-panjang\n")
    assert again.returncode == 2 and "already exists" in again.stderr


def test_serve_on_a_busy_port_says_so(live_server: Any) -> None:
    result = antrean("--config", str(live_server.config_path), "serve", "--port", str(live_server.port))
    assert result.returncode == 1
    assert f"Cannot listen on 127.0.0.1:{live_server.port}" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_port_and_bad_start_time_are_refused(tmp_path: Any) -> None:
    result = antrean("serve", "--port", "99999")
    assert result.returncode == 2 and "99999" in result.stderr
    env = {**os.environ, "ANTREAN_START_AT": "besok pagi"}
    result = subprocess.run([sys.executable, "-m", "server.cli", "--db", str(tmp_path / "x.db"), "serve"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "ANTREAN_START_AT" in result.stderr and "Traceback" not in result.stderr


def test_migrate_reports_the_schema(tmp_path: Any) -> None:
    result = antrean("--db", str(tmp_path / "new.db"), "migrate")
    assert result.returncode == 0 and "schema up to date" in result.stdout
    assert (tmp_path / "new.db").exists()


def test_backup_while_kiosks_issue_keeps_every_ticket_issued_before_it(live_server: Any) -> None:
    issued = [requests.post(live_server.url + "/api/v1/tickets", json={"service_id": "kartu-keluarga"},
                            timeout=10).json()["id"] for _ in range(30)]
    stop = threading.Event()

    def kiosk() -> None:  # the hall goes on while the copy is made
        while not stop.is_set():
            requests.post(live_server.url + "/api/v1/tickets", json={"service_id": "ktp-el-perekaman"}, timeout=10)

    busy = threading.Thread(target=kiosk)
    busy.start()
    try:
        result = antrean("--config", str(live_server.config_path), "backup")
    finally:
        stop.set()
        busy.join()
    assert result.returncode == 0, result.stderr
    made = Path(result.stdout.rsplit(" to ", 1)[1].strip())
    assert made.parent == live_server.folder / "data" / "backups" and made.name.startswith("antrean-")
    with closing(sqlite3.connect(made)) as copy:
        kept = {row[0] for row in copy.execute("SELECT id FROM tickets")}
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert set(issued) <= kept
    assert f"Backed up {len(kept)} tickets" in result.stdout
    assert not list(made.parent.glob(".*partial"))


def test_backup_refuses_clearly_and_never_overwrites(tmp_path: Any) -> None:
    missing = antrean("--db", str(tmp_path / "none.db"), "backup", "--to", str(tmp_path))
    assert missing.returncode == 2 and "there is no database" in missing.stderr
    assert antrean("--db", str(tmp_path / "a.db"), "migrate").returncode == 0
    existing = tmp_path / "kept.db"
    existing.write_bytes(b"an older backup")
    again = antrean("--db", str(tmp_path / "a.db"), "backup", "--to", str(existing))
    assert again.returncode == 2 and "already exists" in again.stderr
    assert existing.read_bytes() == b"an older backup"
    nowhere = antrean("--db", str(tmp_path / "a.db"), "backup", "--to", str(tmp_path / "no" / "such.db"))
    assert nowhere.returncode == 2 and "does not exist" in nowhere.stderr
    for result in (missing, again, nowhere):
        assert "Traceback" not in result.stderr
    into_folder = antrean("--db", str(tmp_path / "a.db"), "backup", "--to", str(tmp_path))
    assert into_folder.returncode == 0 and "Backed up 0 tickets" in into_folder.stdout
