"""A real `antrean serve` in a subprocess on a temporary copy of the bundled site,
plus a small keep-alive HTTP client and the figures the benchmarks print."""

from __future__ import annotations

import copy
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
BUNDLED_CONFIG = ROOT / "config.yaml"
START_AT = "2026-12-01T09:00:00+07:00"  # a Tuesday morning: every service open
PASSWORD = "bench-password-1"
PYCACHE = Path(tempfile.gettempdir()) / "antrean-bench-pycache"
SERVE_VENV = Path.home() / ".cache" / "antrean" / "bench-serve-venv"
_serve_python: str | None = None


def serve_python() -> str:
    """The Python of an environment set up as `scripts/serve` sets one up: Antrean and its
    runtime dependencies, none of the test tools.

    The servers are measured there because python-socketio imports its client at start,
    and the client imports `requests` and `redis` when they are installed, as they are in
    the test environment: ~0.3 s of start-up and ~10 MB that a hall's server does not carry.
    Made on first use (and brought up to date once per run) under ~/.cache/antrean.
    """
    global _serve_python
    if _serve_python is None:
        python = SERVE_VENV / "bin" / "python"
        if not python.exists():
            print(f"   (setting up a serve-only environment in {SERVE_VENV} once)", flush=True)
            subprocess.run([sys.executable, "-m", "venv", str(SERVE_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", str(ROOT)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _serve_python = str(python)
    return _serve_python


def bundled_data() -> dict[str, Any]:
    return yaml.safe_load(BUNDLED_CONFIG.read_text(encoding="utf-8"))


def without_quotas(data: dict[str, Any]) -> dict[str, Any]:
    """The bundled site with no daily quotas, so a long run never hits one."""
    data = copy.deepcopy(data)
    for agency in data["agencies"]:
        for service in agency["services"]:
            service.pop("quota", None)
    return data


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: list[float], pct: float) -> float:
    """The nearest-rank percentile (values in any order); NaN when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, int(round(pct / 100 * len(ordered) + 0.5)) - 1))
    return ordered[rank]


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def peak_rss_mb(pid: int) -> float:
    """The most resident memory a process has held (VmHWM) in MB, since it started or since
    `reset_peak_rss`."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def reset_peak_rss(pid: int) -> bool:
    """Start VmHWM again from the present RSS (Linux: "5" into clear_refs); False if refused."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (it does not grow while others run)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Http:
    """One keep-alive HTTP/1.1 connection speaking JSON (cheaper than requests)."""

    def __init__(self, port: int, token: str | None = None) -> None:
        self.port = port
        self.headers = {"Content-Type": "application/json"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=data, headers=self.headers)
                response = self.conn.getresponse()
                raw = response.read()
                return response.status, json.loads(raw) if raw else None
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                if attempt == 2:
                    raise
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.conn.close()


class BenchServer:
    """`antrean serve` (gevent) on a copy of a site in a temporary folder."""

    def __init__(self, data: dict[str, Any] | None = None, *, start_at: str = START_AT,
                 folder: Path | None = None, python: str | None = None) -> None:
        self.python = python or serve_python()
        self.own_folder = folder is None
        self.folder = folder or Path(tempfile.mkdtemp(prefix="antrean-bench-"))
        self.port = free_port()
        self.start_at = start_at
        site = copy.deepcopy(data or bundled_data())
        site["site"]["public_url"] = f"http://127.0.0.1:{self.port}"
        # The load generators are a few clients on one address taking thousands of tickets a
        # minute: far past the limits a hall has by default (server/core/limits.py).
        site["server"] = {"rate_limit_per_minute": None, "kiosk_rate_limit_per_minute": None,
                          **site.get("server", {}), "data_dir": "data"}
        self.site = site
        self.config_path.write_text(yaml.safe_dump(site, allow_unicode=True, sort_keys=False), encoding="utf-8")
        self.process: subprocess.Popen[bytes] | None = None
        self.startup_seconds = float("nan")
        self.startup_cpu_seconds = float("nan")  # CPU the server used until ready: what others do not inflate

    @property
    def config_path(self) -> Path:
        return self.folder / "config.yaml"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _command(self, *args: str) -> list[str]:
        return [self.python, "-m", "server.cli", "--config", str(self.config_path), *args]

    def start(self) -> float:
        """Start and wait for the first good /api/v1/health; answer the seconds it took."""
        env = {**os.environ, "ANTREAN_START_AT": self.start_at, "PYTHONPYCACHEPREFIX": str(PYCACHE)}
        env.pop("ANTREAN_DB", None)
        # Like an installed server, keep compiled bytecode (here outside the source tree),
        # even where the shell sets PYTHONDONTWRITEBYTECODE.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        log = open(self.folder / "server.log", "ab")  # noqa: SIM115  (kept open for the process)
        started = time.perf_counter()
        self.process = subprocess.Popen(self._command("serve", "--port", str(self.port)), cwd=ROOT, env=env,
                                        stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = started + 30
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("server exited:\n" + (self.folder / "server.log").read_text()[-3000:])
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
                conn.request("GET", "/api/v1/health")
                if conn.getresponse().status == 200:
                    self.startup_seconds = time.perf_counter() - started
                    self.startup_cpu_seconds = cpu_seconds(self.process.pid)
                    conn.close()
                    return self.startup_seconds
            except OSError:
                time.sleep(0.005)
        raise RuntimeError("server did not answer /api/v1/health within 30 s")

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def rss_mb(self) -> float:
        return rss_mb(self.pid)

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.pid)

    def add_user(self, username: str, role: str, counters: list[str] = (), agency: str | None = None) -> None:
        args = self._command("user", "add", username, "--role", role, "--password-stdin")
        for counter in counters:
            args += ["--counter", counter]
        if agency:
            args += ["--agency", agency]
        subprocess.run(args, input=PASSWORD + "\n", text=True, check=True, cwd=ROOT, capture_output=True)

    def login(self, username: str) -> str:
        status, answer = Http(self.port).call("POST", "/api/v1/session",
                                              {"username": username, "password": PASSWORD})
        assert status == 200, answer
        return str(answer["token"])

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def cleanup(self) -> None:
        self.stop()
        if self.own_folder:
            shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> BenchServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.cleanup()


def service_weights(data: dict[str, Any], popular: float = 8.0) -> dict[str, float]:
    """How often visitors pick each service: popular ones far more, more counters more."""
    counters_of: dict[str, int] = {}
    for counter in data["counters"]:
        for service_id in counter["services"]:
            counters_of[service_id] = counters_of.get(service_id, 0) + 1
    return {
        service["id"]: (popular if service.get("popular") else 1.0) * max(1, counters_of.get(service["id"], 0))
        for agency in data["agencies"]
        for service in agency["services"]
    }


def timed(label: str, action: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    result = action()
    print(f"  ({label}: {time.perf_counter() - started:.1f} s)", flush=True)
    return result


def machine_note() -> str:
    load = os.getloadavg()[0]
    return (f"{os.cpu_count()} CPU cores, load average {load:.1f} at start; the load generator and the "
            "socket.io clients run on the same cores as the server, so they compete with it.")
