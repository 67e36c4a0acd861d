"""The `antrean` command: user add while the server runs, clear errors, no tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys
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
