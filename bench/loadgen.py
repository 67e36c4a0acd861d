"""Closed-loop HTTP load: N keep-alive connections, each sending its next request as
soon as the last answer arrived, for a fixed time. Answers requests/s and p50/p99.

Two engines: Debian's `wrk` (C, with bench/load.lua) when installed - the bench
installs it with apt-get when it can - else a gevent generator in a subprocess
(raw sockets, pre-built requests), run as `python -m bench.loadgen`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

LUA = Path(__file__).with_name("load.lua")


@dataclass
class LoadResult:
    engine: str
    clients: int
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int  # socket errors and answers with an unexpected status
    cpu_ms: float = float("nan")  # server CPU time per request (user + system), when measured

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def ensure_wrk() -> str | None:
    """The wrk binary, installing Debian's package when missing and allowed."""
    found = shutil.which("wrk")
    if found or os.environ.get("ANTREAN_BENCH_NO_APT"):
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("  (installing wrk with apt-get ...)", flush=True)
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        if subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], **quiet).returncode != 0:  # type: ignore[call-overload]
            subprocess.run(["apt-get", "update", "-q"], **quiet)  # type: ignore[call-overload]
            subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], **quiet)  # type: ignore[call-overload]
    return shutil.which("wrk")


def run_load(port: int, method: str, path: str, bodies: list[str] | None, clients: int, seconds: float,
             expect: int, engine: str = "auto", cpu: Callable[[], float] | None = None) -> LoadResult:
    """Load one route with `clients` connections for `seconds` (after a 1 s warm-up).

    `cpu` reads the server's CPU seconds, to work out CPU time per request: a figure
    that other programs on the machine do not inflate as they do the wall-clock ones.
    """
    cpu = cpu or (lambda: float("nan"))
    wrk = ensure_wrk() if engine in ("auto", "wrk") else None
    if engine == "wrk" and wrk is None:
        raise RuntimeError("wrk is not installed and could not be installed")
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("\n".join([method, path, str(expect), *(bodies or [])]) + "\n")
        spec = handle.name
    try:
        if wrk is not None:
            return _run_wrk(wrk, port, spec, clients, seconds, cpu)
        return _run_gevent(port, spec, clients, seconds, cpu)
    finally:
        os.unlink(spec)


def _run_wrk(wrk: str, port: int, spec: str, clients: int, seconds: float, cpu: Callable[[], float]) -> LoadResult:
    threads = min(clients, 2)

    def command(duration: float) -> list[str]:
        return [wrk, "-t", str(threads), "-c", str(clients), "-d", f"{duration:g}s", "--timeout", "10s",
                "-s", str(LUA), f"http://127.0.0.1:{port}", "--", spec]

    subprocess.run(command(1), capture_output=True, text=True, check=True)  # warm-up
    before = cpu()
    out = subprocess.run(command(seconds), capture_output=True, text=True, check=True).stdout
    used = cpu() - before
    match = re.search(r"^RESULT (\{.*\})$", out, re.MULTILINE)
    if match is None:
        raise RuntimeError(f"wrk printed no result:\n{out}")
    data = json.loads(match.group(1))
    return LoadResult("wrk", clients, data["requests"], data["duration_us"] / 1e6, data["p50_us"] / 1000,
                      data["p99_us"] / 1000, data["errors"] + data["unexpected"], used * 1000 / data["requests"])


def _run_gevent(port: int, spec: str, clients: int, seconds: float, cpu: Callable[[], float]) -> LoadResult:
    command = [sys.executable, "-m", "bench.loadgen", str(port), spec, str(clients), f"{seconds:g}"]
    before = cpu()
    out = subprocess.run(command, capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parent.parent).stdout
    used = cpu() - before
    data = json.loads(out.strip().splitlines()[-1])
    return LoadResult("gevent", clients, data["requests"], data["seconds"], data["p50_ms"], data["p99_ms"],
                      data["errors"], used * 1000 / data["all_requests"])


# --- the gevent engine (runs in its own process) -----------------------------------------------


def _request_bytes(method: str, path: str, bodies: list[str]) -> list[bytes]:
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    if not bodies:
        return [(head + "\r\n").encode()]
    return [
        (head + f"Content-Type: application/json\r\nContent-Length: {len(body.encode())}\r\n\r\n{body}").encode()
        for body in bodies
    ]


def _gevent_main(port: int, spec_path: str, clients: int, seconds: float) -> None:
    from gevent import monkey

    monkey.patch_all()
    import socket
    import time

    import gevent

    from bench.harness import percentile

    method, path, expected, *bodies = [line for line in Path(spec_path).read_text().splitlines() if line]
    requests = _request_bytes(method, path, bodies)
    expect = f" {expected} ".encode()
    latencies: list[float] = []
    errors = 0
    answered = 0
    state = {"measure": False, "stop": False}

    def client(offset: int) -> None:
        nonlocal errors, answered
        sock = socket.create_connection(("127.0.0.1", port))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        buffer = b""
        index = offset
        while not state["stop"]:
            request = requests[index % len(requests)]
            index += len(requests) // max(clients, 1) + 1
            started = time.perf_counter()
            sock.sendall(request)
            while b"\r\n\r\n" not in buffer:
                buffer += sock.recv(65536)
            head, _, buffer = buffer.partition(b"\r\n\r\n")
            length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))  # type: ignore[union-attr]
            while len(buffer) < length:
                buffer += sock.recv(65536)
            buffer = buffer[length:]
            answered += 1
            if state["measure"]:
                latencies.append((time.perf_counter() - started) * 1000)
                if expect not in head.split(b"\r\n", 1)[0]:
                    errors += 1
        sock.close()

    workers = [gevent.spawn(client, i) for i in range(clients)]
    gevent.sleep(1.0)  # warm-up
    state["measure"] = True
    began = time.perf_counter()
    gevent.sleep(seconds)
    state["measure"] = False
    elapsed = time.perf_counter() - began
    state["stop"] = True
    gevent.joinall(workers, timeout=10)
    print(json.dumps({"requests": len(latencies), "all_requests": answered, "seconds": elapsed,
                      "p50_ms": percentile(latencies, 50), "p99_ms": percentile(latencies, 99), "errors": errors}))


if __name__ == "__main__":
    _gevent_main(int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
