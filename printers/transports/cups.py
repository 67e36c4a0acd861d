"""A printer behind a CUPS queue, sent raw through the CUPS command-line client.

`lp` takes the ticket and `lpstat` says how the queue is: both come with Debian's
`cups-client`. Talking to CUPS through its commands rather than through pycups keeps a
GPL-2.0 library out of the server process (see the README's licences) and needs no
compiler on the hall's server; every call has a timeout, so a CUPS that hangs never
holds a kiosk's print worker.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading

from printers.messages import say
from printers.transports.base import NO_STATUS, Delivery, PrintError, Sending, Timeouts, Transport

CLIENT_MISSING = say("cups_missing")


class CupsTransport(Transport):
    type = "cups"

    def where(self) -> str:
        return f"CUPS queue {self.cfg.cups_name}"

    def send(self, data: bytes, sending: Sending) -> Delivery:
        name, queue = self.describe(), str(self.cfg.cups_name)
        state, detail = self.status(sending.timeouts, sending.abort)
        if state == "unknown" and detail == CLIENT_MISSING:
            raise PrintError("failed", say("cups_failed", printer=name, detail=CLIENT_MISSING))
        if detail is not None and detail == say("cups_no_queue", queue=repr(queue)):
            raise PrintError("failed", say("cups_unknown_queue", printer=name, detail=detail))
        if state == "offline":
            raise PrintError("offline", say("cups_failed", printer=name, detail=detail))
        done = _run(["lp", "-d", queue, "-o", "raw", "-t", "antrean ticket", "--", "-"], data,
                    sending.timeouts.connect + sending.timeouts.write)
        if done is None or done.returncode != 0:
            said = _said(done) if done is not None else say("cups_late")
            raise PrintError("offline", say("cups_refused", printer=name, said=said))
        return Delivery("unknown", NO_STATUS)

    def status(self, timeouts: Timeouts, abort: threading.Event | None) -> tuple[str, str | None]:
        if shutil.which("lpstat") is None or shutil.which("lp") is None:
            return "unknown", CLIENT_MISSING
        queue = str(self.cfg.cups_name)
        done = _run(["lpstat", "-p", queue], b"", max(timeouts.status, 2.0))
        if done is None:
            return "offline", say("cups_timeout")
        text = _said(done)
        if done.returncode != 0:
            if "invalid destination" in text.lower() or "unknown destination" in text.lower():
                return "offline", say("cups_no_queue", queue=repr(queue))
            return "offline", say("cups_not_answering", said=text)
        if " disabled" in text:  # "printer kiosk disabled since ... -\n\treason"
            reason = text.split("\n", 1)[1].strip() if "\n" in text else ""
            return "offline", reason or say("cups_stopped")
        return "online", None


def _run(command: list[str], data: bytes, timeout: float) -> subprocess.CompletedProcess[bytes] | None:
    """Run a CUPS client command in the C locale (its words are then the ones read above)."""
    try:
        return subprocess.run(command, input=data, capture_output=True, timeout=timeout,
                              env={**os.environ, "LC_ALL": "C"}, check=False)
    except subprocess.TimeoutExpired:
        return None
    except OSError as exc:
        return subprocess.CompletedProcess(command, 127, b"", str(exc).encode())


def _said(done: subprocess.CompletedProcess[bytes]) -> str:
    return (done.stderr or done.stdout or b"").decode("utf-8", "replace").strip() or f"exit {done.returncode}"
