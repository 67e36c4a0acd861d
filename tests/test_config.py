"""Configuration: the bundled site validates; each broken file is named precisely."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from server.core.config_load import ConfigError, load_config, parse_config

ROOT = Path(__file__).resolve().parent.parent


def antrean(*args: str, cwd: Path = ROOT, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "server.cli", *args], cwd=cwd, input=stdin, text=True,
                          capture_output=True, timeout=60)


def test_check_config_passes_on_the_bundled_site() -> None:
    result = antrean("check-config")
    assert result.returncode == 0, result.stderr
    assert "OK - 33 agencies, 144 services" in result.stdout


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    """Set data[a][0][b] = value for a dotted path with indexes ("agencies.0.name")."""
    keys = path.split(".")
    target: Any = data
    for key in keys[:-1]:
        target = target[int(key)] if key.isdigit() else target[key]
    last = keys[-1]
    if last.isdigit():
        target[int(last)] = value
    else:
        target[last] = value


BROKEN = [
    # (description, change, expected words in the message)
    ("unknown top-level key", lambda d: d.update(sitee={}), "sitee: unknown key"),
    ("typo in a service key", lambda d: d["agencies"][0]["services"][0].update(qouta=5),
     "agencies[0].services[0].qouta: unknown key"),
    ("quota is text", lambda d: _set(d, "agencies.0.services.0.quota", "banyak"),
     "agencies[0].services[0].quota: got 'banyak'"),
    ("negative quota", lambda d: _set(d, "agencies.0.services.0.quota", -3),
     "agencies[0].services[0].quota: got -3"),
    ("negative number of backups", lambda d: d.update(server={"backup_keep": -1}),
     "server.backup_keep: got -1"),
    ("counter names a missing service", lambda d: _set(d, "counters.0.services", ["tidak-ada"]),
     "counters[0].services: 'tidak-ada' is not a service id"),
    ("counter names a missing agency", lambda d: _set(d, "counters.0.agency", "dinas-fiktif"),
     "counters[0].agency: 'dinas-fiktif' is not an agency id"),
    ("duplicate service prefix", lambda d: _set(d, "agencies.1.services.0.prefix",
                                                d["agencies"][0]["services"][0]["prefix"]),
     "agencies[1].services[0].prefix:"),
    ("duplicate counter id", lambda d: _set(d, "counters.1.id", d["counters"][0]["id"]),
     "counters[1].id: 'loket-1' is used twice"),
    ("duplicate agency id", lambda d: _set(d, "agencies.1.id", d["agencies"][0]["id"]),
     "agencies[1].id:"),
    ("kiosk names a missing printer", lambda d: _set(d, "kiosks.0.printer", "printer-hilang"),
     "kiosks[0].printer: 'printer-hilang' is not a printer id"),
    ("bad opening time", lambda d: _set(d, "site.hours.open", "25:00"), "site.hours.open: got '25:00'"),
    ("close before open", lambda d: _set(d, "site.hours.close", "07:00"), "open (07:30) must be before close"),
    ("unknown timezone", lambda d: _set(d, "site.timezone", "Asia/Jember"), "site.timezone: got 'Asia/Jember'"),
    ("bad weekday", lambda d: _set(d, "site.hours.days", ["senin"]), "site.hours.days[0]: got 'senin'"),
    ("lower-case prefix", lambda d: _set(d, "agencies.0.services.0.prefix", "ab"),
     "agencies[0].services[0].prefix: got 'ab'; expected a ticket prefix"),
    ("prefix too long", lambda d: _set(d, "agencies.0.services.0.prefix", "ABCD"),
     "agencies[0].services[0].prefix: got 'ABCD'"),
    ("unknown printer type", lambda d: _set(d, "printers.0.type", "bluetooth"), "printers[0].type: got 'bluetooth'"),
    ("network printer without host", lambda d: _set(d, "printers.0", {"id": "p", "type": "network"}),
     "a network printer needs host"),
    ("bad printer port", lambda d: _set(d, "printers.0", {"id": "p", "type": "network", "host": "10.0.0.9",
                                                           "port": 70000}), "printers[0].port: got 70000"),
    ("display names a missing counter", lambda d: _set(d, "displays.0.counters", ["loket-999"]),
     "displays[0].counters: 'loket-999' is not a counter id"),
    ("public_url is not a URL", lambda d: _set(d, "site.public_url", "mpp jember"),
     "site.public_url: got 'mpp jember'"),
    ("missing site name", lambda d: d["site"].pop("name"), "site.name: required key is missing"),
    ("message queue is not Redis", lambda d: d.update(server={"message_queue": "amqp://10.0.0.5"}),
     "server.message_queue: got 'amqp://10.0.0.5'; expected a Redis address"),
]


@pytest.mark.parametrize(("description", "change", "expected"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_configuration_is_named(bundled_data: dict[str, Any], description: str, change: Any,
                                       expected: str) -> None:
    data = copy.deepcopy(bundled_data)
    change(data)
    with pytest.raises(ConfigError) as caught:
        parse_config(data)
    assert any(expected in problem for problem in caught.value.problems), caught.value.problems


def test_check_config_command_names_the_fault_without_a_traceback(tmp_path: Path,
                                                                   bundled_data: dict[str, Any]) -> None:
    data = copy.deepcopy(bundled_data)
    data["counters"][2]["services"] = ["layanan-hilang"]
    data["kiosks"][0]["printer"] = "printer-hilang"
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = antrean("--config", str(tmp_path / "config.yaml"), "check-config")
    assert result.returncode == 2
    assert "counters[2].services: 'layanan-hilang' is not a service id" in result.stderr
    assert "kiosks[0].printer: 'printer-hilang' is not a printer id" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize(("text", "expected"), [
    ("site: [unclosed", "not valid YAML"),
    ("- just\n- a list\n", "must hold a mapping"),
    ("", "must hold a mapping"),
])
def test_unreadable_files_are_named(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert expected in str(caught.value)


def test_missing_file_is_named(tmp_path: Path) -> None:
    result = antrean("--config", str(tmp_path / "nope.yaml"), "check-config")
    assert result.returncode == 2
    assert "file not found" in result.stderr and "Traceback" not in result.stderr


def test_unquoted_times_are_read_as_times(bundled_data: dict[str, Any]) -> None:
    """YAML 1.1 reads 08:30 as sexagesimal minutes; a site that forgets quotes still works."""
    data = copy.deepcopy(bundled_data)
    text = yaml.safe_dump(data).replace("open: 07:30", "open: 08:30")
    reloaded = yaml.safe_load(text.replace("'07:30'", "08:30"))
    config = parse_config(reloaded)
    assert config.site.hours.open.strftime("%H:%M") == "08:30"
