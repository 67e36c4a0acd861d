"""The virtual printer: each ticket becomes files in the data folder (for trials and demos)."""

from __future__ import annotations

import re
import threading
from datetime import datetime
from pathlib import Path

from printers.decode import decode_escpos
from printers.messages import say
from printers.preview import render_preview
from printers.render import PAPERS
from printers.transports.base import Delivery, PrintError, Sending, Timeouts, Transport


class VirtualTransport(Transport):
    type = "virtual"

    def where(self) -> str:
        return "virtual"

    def send(self, data: bytes, sending: Sending) -> Delivery:
        return Delivery("online", None, self._write(data, sending))

    def status(self, timeouts: Timeouts, abort: threading.Event | None) -> tuple[str, str | None]:
        return "online", None

    def _write(self, data: bytes, sending: Sending) -> tuple[Path, ...]:
        """The .bin as sent, a .txt a person can read and a .png of the paper."""
        when = sending.when or datetime.now().astimezone()
        folder = Path(sending.data_dir) / "printouts" / f"{when:%Y-%m-%d}"
        job = sending.job_id if sending.job_id is not None else "test"
        stem = folder / f"{when:%H%M%S}-{_safe(sending.label)}-{job}"
        paper = PAPERS[self.cfg.width_mm]
        decoded = decode_escpos(data)
        files = (stem.with_suffix(".bin"), stem.with_suffix(".txt"), stem.with_suffix(".png"))
        try:
            folder.mkdir(parents=True, exist_ok=True)
            files[0].write_bytes(data)
            files[1].write_text(decoded.text(paper.columns), encoding="utf-8")
            render_preview(decoded, paper.dots).save(files[2], optimize=True)
        except OSError as exc:
            raise PrintError("failed", say("virtual_unwritable", printer=self.describe(), folder=folder,
                                           error=exc.strerror or exc)) from None
        return files


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "_", text)[:40] or "ticket"
