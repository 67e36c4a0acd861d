"""Work the clock does: expire yesterday's waiting tickets, and tell kiosks when a
service opens or closes by the hour (opening time, cut-off, a break) even though
nobody changed anything."""

from __future__ import annotations

import logging
from typing import Any

from server import tickets
from server.hall import Hall
from server.store import Event

log = logging.getLogger("antrean.housekeeping")
INTERVAL_SECONDS = 15


class Housekeeper:
    def __init__(self, hall: Hall) -> None:
        self.hall = hall
        self._known: dict[str, tuple[bool, str | None]] = {}

    def run_once(self) -> list[str]:
        """One round; returns the services whose open state changed since the last round."""
        hall = self.hall
        site, now = hall.site, hall.now()
        with hall.store.write() as tx:
            tickets.expire_stale(tx, site, now)
            states = {
                service_id: tickets.service_availability(tx, site, service_id, now) for service_id in site.services
            }
        changed = []
        for service_id, available in states.items():
            state = (available.open, available.reason)
            if self._known.get(service_id, state) != state:
                changed.append(service_id)
            self._known[service_id] = state
        if changed:
            hall.store.notify([Event("queue", service_id) for service_id in changed])
        return changed


def start_housekeeping(socketio: Any, hall: Hall) -> None:
    keeper = Housekeeper(hall)

    def loop() -> None:
        while True:
            try:
                keeper.run_once()
            except Exception:  # keep the loop alive: the next round may succeed
                log.exception("housekeeping round failed")
            socketio.sleep(INTERVAL_SECONDS)

    socketio.start_background_task(loop)
