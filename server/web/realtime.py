"""Socket.IO: rooms per audience, a snapshot on subscribe, events after commit.

Rooms: `display:ID`, `counter:ID`, `ticket:ID`, `service:ID`, `kiosk:ID`, `survey:ID`
(the survey tablet of counter ID), `admin`. The store hands each committed transaction's
events to `Publisher.publish`, which builds the contract's payloads and emits them to
the rooms that need them.

`counter:ID` and `admin` carry officers' names and the current ticket: the permission
door decides who joins them, from the connection's session cookie, its Authorization
header, or the token given in the client's connect call (`auth={"token": ...}`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from flask import request
from flask_socketio import SocketIO, emit, join_room

from server.core import permissions
from server.core.errors import RuleError
from server.core.store import Event, Transaction
from server.web import views
from server.web.api.access import bearer_token, identify
from server.web.hall import Hall

log = logging.getLogger("antrean.realtime")

SUBSCRIPTIONS = {
    "display_id": ("display", "displays", "unknown_display"),
    "counter_id": ("counter", "counters", "unknown_counter"),
    "service_id": ("service", "services", "unknown_service"),
    "kiosk_id": ("kiosk", "kiosks", "unknown_kiosk"),
    "survey_counter_id": ("survey", "counters", "unknown_counter"),
}
TOKEN = "antrean.token"  # where a connection keeps the token of its connect call (in its WSGI environ)


def _unique(events: Iterable[Event]) -> list[Event]:
    seen: set[tuple[str, str]] = set()
    result = []
    for event in events:
        if (event.kind, event.key) not in seen:
            seen.add((event.kind, event.key))
            result.append(event)
    return result


class Publisher:
    """Turns committed events into Socket.IO messages for the right rooms."""

    def __init__(self, hall: Hall, socketio: SocketIO) -> None:
        self.hall = hall
        self.socketio = socketio

    def publish(self, events: list[Event]) -> None:
        try:
            self._publish(_unique(events))
        except Exception:  # a screen must never break the change that was already committed
            log.exception("could not publish %s", events)

    def _listening(self, rooms: list[str]) -> bool:
        """Whether anyone is in these rooms: a payload nobody receives is not built.

        With a message queue, rooms span processes, so the payload is always built then.
        """
        if self.hall.site.config.server.message_queue:
            return True
        members = self.socketio.server.manager.rooms.get("/", {})
        return any(members.get(room) for room in rooms)

    def _emit(self, event: str, payload: Callable[[], Any], rooms: Iterable[str]) -> None:
        """Send to these rooms; the payload is only built when someone is in one of them
        (nobody follows a ticket just issued, so most issues build no Ticket view)."""
        rooms = list(dict.fromkeys(rooms))
        if rooms and self._listening(rooms):
            self.socketio.emit(event, payload(), to=rooms)

    def _publish(self, events: list[Event]) -> None:
        calls = [event for event in events if event.kind == "call"]
        if calls:
            self._handle(calls)
            # Let every screen's connection send the call before the list updates that follow
            # queue up behind it: with 100 displays, the last one then hears its call after
            # 100 sends instead of 300.
            self.socketio.sleep(0)
        self._handle([event for event in events if event.kind != "call"])
        if any(event.kind in ("ticket", "queue", "counter") for event in events):
            self._emit("overview.changed", dict, ["admin"])  # dashboards fetch their (agency's) overview again

    def _handle(self, events: list[Event]) -> None:
        handlers = {
            "ticket": self._ticket,
            "queue": self._queue,
            "counter": self._counter,
            "call": self._call,
            "printer": self._printer,
            "config": self._config,
            "survey": self._survey,
        }
        with self.hall.store.read() as tx:
            for event in events:
                handlers[event.kind](tx, event)

    def _ticket(self, tx: Transaction, event: Event) -> None:
        row = tx.one("SELECT * FROM tickets WHERE id = ?", (event.key,))
        if row is None:
            return
        rooms = [f"ticket:{row['id']}", f"service:{row['service_id']}"]
        if row["counter_id"]:
            rooms.append(f"counter:{row['counter_id']}")
            if row["status"] == "done":  # the counter's survey tablet asks this visitor
                rooms.append(f"survey:{row['counter_id']}")
        self._emit("ticket.updated", lambda: views.ticket_json(tx, self.hall.site, row), rooms)

    def _queue(self, tx: Transaction, event: Event) -> None:
        site = self.hall.site
        if event.key not in site.services:
            return
        rooms = [
            f"service:{event.key}",
            *(f"display:{d}" for d in site.displays),
            *(f"kiosk:{k}" for k in site.kiosks),
            *(f"counter:{c}" for c in site.counters_of_service.get(event.key, [])),
        ]
        self._emit("queue.updated", lambda: views.queue_json(tx, site, event.key, self.hall.now()), rooms)

    def _counter(self, tx: Transaction, event: Event) -> None:
        site = self.hall.site
        if event.key not in site.counters:
            return
        rooms = [f"counter:{event.key}", *(f"display:{d}" for d in site.displays_of_counter.get(event.key, []))]
        self._emit("counter.updated", lambda: views.counter_json(tx, site, event.key), rooms)

    def _call(self, tx: Transaction, event: Event) -> None:
        site = self.hall.site
        call = views.get_call(tx, int(event.key))
        if call is None or call["counter_id"] not in site.counters:
            return
        rooms = [f"display:{d}" for d in site.displays_of_counter.get(call["counter_id"], [])]
        rooms += [f"counter:{call['counter_id']}", f"ticket:{call['ticket_id']}"]
        self._emit("ticket.called", lambda: views.call_json(site, call, self.hall.announcer), rooms)  # type: ignore[arg-type]

    def _printer(self, tx: Transaction, event: Event) -> None:
        using = [f"kiosk:{k.id}" for k in self.hall.site.config.kiosks if k.printer == event.key]
        self._emit("printer.updated", lambda: {"id": event.key, **event.data}, [*using, "admin"])

    def _config(self, tx: Transaction, event: Event) -> None:
        # The admin pages changed config.yaml: every page may read its lists again.
        self.socketio.emit("config.updated", dict(event.data))

    def _survey(self, tx: Transaction, event: Event) -> None:
        counter = event.data.get("counter_id")
        rooms = [f"ticket:{event.key}", *([f"counter:{counter}", f"survey:{counter}"] if counter else [])]
        self._emit("survey.answered", lambda: {"ticket_id": event.key}, rooms)


def _error(code: str, message: str) -> None:
    emit("error", RuleError(code, message).to_json()["error"])


def _admitted(hall: Hall, action: str, target: permissions.Target | None = None) -> bool:
    """Whether this connection's user may join a room for `action`; if not, it hears why
    (`unauthenticated` or `forbidden`). The user is read again at every subscription, so a
    disabled account or a revoked token stops at the next (re)subscribe."""
    try:
        token = request.environ.get(TOKEN) or bearer_token()
        permissions.require(identify(hall, token), action, target)
    except RuleError as exc:
        emit("error", exc.to_json()["error"])
        return False
    return True


def init_realtime(socketio: SocketIO, hall: Hall) -> Publisher:
    publisher = Publisher(hall, socketio)
    hall.store.subscribe(publisher.publish)

    @socketio.on("connect")
    def connect(auth: Any = None) -> None:
        """Anyone may connect (displays, kiosks, phones); a token sent here is kept for `subscribe`."""
        token = auth.get("token") if isinstance(auth, dict) else None
        if isinstance(token, str) and token:
            request.environ[TOKEN] = token

    @socketio.on("subscribe")
    def subscribe(data: Any) -> None:
        """Join the room asked for, if this client may; a display gets its full state at once."""
        if not isinstance(data, dict) or len(data) != 1:
            _error("invalid_request", "subscribe takes one of display_id, counter_id, ticket_id, service_id, "
                                      "kiosk_id, survey_counter_id, admin")
            return
        (key, value), = data.items()
        site = hall.site
        if key == "admin":  # dashboards: overview.changed pings and printer.updated
            if _admitted(hall, "see_overview"):
                join_room("admin")
            return
        if key == "ticket_id":
            with hall.store.read() as tx:
                row = tx.one("SELECT * FROM tickets WHERE id = ?", (str(value),))
                if row is None:
                    _error("unknown_ticket", f"There is no ticket {value!r}.")
                    return
                join_room(f"ticket:{value}")
                emit("ticket.updated", views.ticket_json(tx, site, row))
            return
        if key not in SUBSCRIPTIONS:
            _error("invalid_request", f"Cannot subscribe by {key!r}.")
            return
        room, collection, unknown = SUBSCRIPTIONS[key]
        if not isinstance(value, str) or value not in getattr(site, collection):
            _error(unknown, f"There is no {collection[:-1]} {value!r}.")
            return
        if room == "counter" and not _admitted(hall, "use_counter", permissions.counter(site.counters[value])):
            return
        join_room(f"{room}:{value}")
        with hall.store.read() as tx:
            now = hall.now()
            if room == "display":
                emit("display.state", views.display_state(tx, site, value, now, hall.announcer))  # type: ignore[arg-type]
            elif room == "counter":
                emit("counter.updated", views.counter_json(tx, site, value))
            elif room == "service":
                emit("queue.updated", views.queue_json(tx, site, value, now))
        log.debug("%s subscribed to %s:%s", request.sid, room, value)  # type: ignore[attr-defined]

    return publisher
