"""Socket.IO: rooms per audience, a snapshot on subscribe, events after commit.

Rooms: `display:ID`, `counter:ID`, `ticket:ID`, `service:ID`, `kiosk:ID`, `survey:ID`
(the survey tablet of counter ID), `admin`, and `user:NAME` (every staff connection of an account,
dropped when its sessions end). The public rooms carry ticket ids, never a ticket's survey
secret: a tablet reads that from its authorised route once it hears the news.
The store hands each committed transaction's events (what happened, see
server/core/events.py) to `Publisher.publish`. `SCREENS` maps each event type to the
messages it changes; the publisher builds the contract's payloads and emits them to the
rooms that need them.

`counter:ID` and `admin` carry officers' names and the current ticket: the permission
door decides who joins them, from the connection's session cookie, its Authorization
header, or the token given in the client's connect call (`auth={"token": ...}`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import request
from flask_socketio import SocketIO, emit, join_room, rooms

from server.core import events as ev
from server.core import permissions
from server.core.errors import RuleError
from server.core.site import SiteIndex
from server.core.store import Transaction
from server.web import display_views, views
from server.web.api.access import bearer_token, identify
from server.web.hall import Hall
from server.web.socket_limits import SocketLimit

log = logging.getLogger("antrean.realtime")

SUBSCRIPTIONS = {
    "display_id": ("display", "displays", "unknown_display"),
    "counter_id": ("counter", "counters", "unknown_counter"),
    "service_id": ("service", "services", "unknown_service"),
    "kiosk_id": ("kiosk", "kiosks", "unknown_kiosk"),
    "survey_counter_id": ("survey", "counters", "unknown_counter"),
}
TOKEN = "antrean.token"  # where a connection keeps the token of its connect call (in its WSGI environ)


@dataclass(frozen=True)
class Refresh:
    """One message some screens need: `what` names it, `key` the thing it is about.

    Two events that need the same message (a finish and the next call both change the
    counter's tile) send it once; `data` (not compared) carries what news messages say.
    """

    what: str  # call, ticket, queue, counter, printer, config, survey, sessions, slots
    key: str
    data: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


def _ticket(ticket_id: str) -> Refresh:
    return Refresh("ticket", ticket_id)


def _queue(service_id: str) -> Refresh:
    return Refresh("queue", service_id)


def _counter(counter_id: str) -> Refresh:
    return Refresh("counter", counter_id)


def _counter_and_its_lines(site: SiteIndex, counter_id: str) -> list[Refresh]:
    """A counter that pauses, resumes, closes or reopens changes the estimated waits of every
    service it serves (they depend on how many counters call), so those lines too."""
    counter = site.counters.get(counter_id)
    return [_counter(counter_id), *(_queue(s) for s in (counter.services if counter else ()))]


def _closure(event: ev.ClosureEvent, site: SiteIndex) -> list[Refresh]:
    if event.closure_kind == "service":
        return [_queue(event.target_id)]  # the kiosks' tiles: closed today, with the reason
    return _counter_and_its_lines(site, event.target_id)


def _slots(service_id: str, *slot_ids: str) -> list[Refresh]:
    """A booking taken, given back or moved changes its slots' counts: `slots.updated` with the days."""
    days = sorted({slot_id.rpartition("@")[2][:10] for slot_id in slot_ids})
    return [Refresh("slots", f"{service_id}@{day}", {"service_id": service_id, "day": day}) for day in days]


def _nothing(event: Any, site: SiteIndex) -> list[Refresh]:
    return []


# What each happening changes on the screens, in the order the messages leave (a call goes
# before everything else in any case). Every event type of server/core/events.py is here, the
# ones no screen shows too (tests/test_events.py checks), so a new rule cannot forget a screen.
SCREENS: dict[type[ev.Event], Callable[[Any, SiteIndex], list[Refresh]]] = {
    ev.TicketIssued: lambda e, site: [_ticket(e.ticket_id), _queue(e.service_id)],
    ev.TicketCalled: lambda e, site: [
        _counter(e.counter_id), Refresh("call", str(e.call_id)), _ticket(e.ticket_id), _queue(e.service_id)],
    ev.TicketRecalled: lambda e, site: [Refresh("call", str(e.call_id))],
    ev.TicketStarted: lambda e, site: [_ticket(e.ticket_id), _counter(e.counter_id)],
    ev.TicketFinished: lambda e, site: [_ticket(e.ticket_id), _counter(e.counter_id)],
    ev.TicketNoShow: lambda e, site: [_ticket(e.ticket_id), _counter(e.counter_id)],
    ev.TicketTransferred: lambda e, site: [
        _counter(e.counter_id), _ticket(e.ticket_id), _queue(e.from_service), _queue(e.to_service)],
    # The next step's line gains the visitor: its counters, the displays and kiosks hear queue.updated,
    # the ticket's room (the phone) and the next service's room ticket.updated.
    ev.TicketStepFinished: lambda e, site: [
        _ticket(e.ticket_id), _counter(e.counter_id), _queue(e.service_id), _queue(e.next_service_id)],
    ev.TicketStepAdded: lambda e, site: [_ticket(e.ticket_id), _counter(e.counter_id)],
    ev.VisitPlacesTaken: lambda e, site: [_queue(s) for s in e.service_ids],  # the kiosks' "remaining"
    ev.TicketExpired: lambda e, site: [_queue(e.service_id)],
    ev.TicketCancelled: lambda e, site: [_ticket(e.ticket_id), _queue(e.service_id)],
    ev.TicketReprinted: _nothing,  # the print job's end tells (PrintJobEnded)
    ev.PrinterTested: _nothing,  # the route answers its admin; printer.updated follows a change of state
    ev.PrintJobEnded: lambda e, site: [_ticket(e.ticket_id)],
    ev.CounterPaused: lambda e, site: _counter_and_its_lines(site, e.counter_id),
    ev.CounterResumed: lambda e, site: _counter_and_its_lines(site, e.counter_id),
    ev.ClosureMade: _closure,
    ev.ClosureLifted: _closure,
    ev.ServiceHoursTurned: lambda e, site: [_queue(e.service_id)],
    # Names, lists and counts may all have changed: every page reads its lists again.
    ev.ConfigChanged: lambda e, site: [
        Refresh("config", "site", {"version": e.version}), *(_queue(s) for s in site.services)],
    ev.PrinterStatusChanged: lambda e, site: [
        Refresh("printer", e.printer_id, {"status": e.status, "detail": e.detail, **views.printer_detail(e.detail)})],
    ev.SurveyAnswered: lambda e, site: [Refresh("survey", e.ticket_id, {"counter_id": e.counter_id})],
    ev.SurveyTabletsChanged: _nothing,
    ev.UserCreated: _nothing,
    ev.UserChanged: _nothing,
    ev.PasswordReset: _nothing,
    ev.LoggedIn: _nothing,
    ev.LoginFailed: _nothing,
    ev.LoggedOut: _nothing,
    ev.LoginThrottled: _nothing,
    ev.AccountLocked: _nothing,
    ev.AccountUnlocked: _nothing,
    ev.SessionsEnded: lambda e, site: [Refresh("sessions", e.username)],
    # Bookings: the slots' counts on the booking page and the kiosk's offer (never the code: it is the
    # booking's key). A check-in's ticket and line are told by its TicketIssued.
    ev.BookingMade: lambda e, site: _slots(e.service_id, e.slot_id),
    ev.BookingCancelled: lambda e, site: _slots(e.service_id, e.slot_id),
    ev.BookingRescheduled: lambda e, site: _slots(e.service_id, e.slot_id, e.from_slot_id),
    ev.BookingCheckedIn: _nothing,
    ev.BookingExpired: _nothing,  # an expired booking keeps its place counted: no slot changes
}


class Publisher:
    """Turns committed events into Socket.IO messages for the right rooms."""

    def __init__(self, hall: Hall, socketio: SocketIO) -> None:
        self.hall = hall
        self.socketio = socketio

    def publish(self, events: list[ev.Event]) -> None:
        try:
            site = self.hall.site
            refreshes = [refresh for event in events for refresh in SCREENS[type(event)](event, site)]
            self._publish(list(dict.fromkeys(refreshes)))
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

    def _publish(self, refreshes: list[Refresh]) -> None:
        calls = [refresh for refresh in refreshes if refresh.what == "call"]
        if calls:
            self._handle(calls)
            # Let every screen's connection send the call before the list updates that follow
            # queue up behind it: with 100 displays, the last one then hears its call after
            # 100 sends instead of 300.
            self.socketio.sleep(0)
        self._handle([refresh for refresh in refreshes if refresh.what != "call"])
        if any(refresh.what in ("ticket", "queue", "counter") for refresh in refreshes):
            self._emit("overview.changed", dict, ["admin"])  # dashboards fetch their (agency's) overview again

    def _handle(self, refreshes: list[Refresh]) -> None:
        handlers = {
            "ticket": self._ticket,
            "queue": self._queue,
            "counter": self._counter,
            "call": self._call,
            "printer": self._printer,
            "config": self._config,
            "survey": self._survey,
            "sessions": self._sessions,
            "slots": self._slots,
        }
        with self.hall.store.read() as tx:
            for refresh in refreshes:
                handlers[refresh.what](tx, refresh)

    def _ticket(self, tx: Transaction, refresh: Refresh) -> None:
        row = tx.one("SELECT * FROM tickets WHERE id = ?", (refresh.key,))
        if row is None:
            return
        rooms = [f"ticket:{row['id']}", f"service:{row['service_id']}"]
        if row["counter_id"]:
            rooms.append(f"counter:{row['counter_id']}")
            if row["status"] == "done":  # the counter's survey tablet asks this visitor
                rooms.append(f"survey:{row['counter_id']}")
        self._emit("ticket.updated", lambda: views.ticket_json(tx, self.hall.site, row), rooms)

    def _queue(self, tx: Transaction, refresh: Refresh) -> None:
        site, service_id = self.hall.site, refresh.key
        if service_id not in site.services:
            return
        rooms = [
            f"service:{service_id}",
            *(f"display:{d}" for d in site.displays),
            *(f"kiosk:{k}" for k in site.kiosks),
            *(f"counter:{c}" for c in site.counters_of_service.get(service_id, [])),
        ]
        self._emit("queue.updated", lambda: views.queue_json(tx, site, service_id, self.hall.now()), rooms)

    def _counter(self, tx: Transaction, refresh: Refresh) -> None:
        site, counter_id = self.hall.site, refresh.key
        if counter_id not in site.counters:
            return
        rooms = [f"counter:{counter_id}", *(f"display:{d}" for d in site.displays_of_counter.get(counter_id, []))]
        self._emit("counter.updated", lambda: views.counter_json(tx, site, counter_id, self.hall.now()), rooms)

    def _call(self, tx: Transaction, refresh: Refresh) -> None:
        site = self.hall.site
        call = display_views.get_call(tx, int(refresh.key))
        if call is None or call["counter_id"] not in site.counters:
            return
        rooms = [f"display:{d}" for d in site.displays_of_counter.get(call["counter_id"], [])]
        rooms += [f"counter:{call['counter_id']}", f"ticket:{call['ticket_id']}"]
        self._emit("ticket.called", lambda: display_views.call_json(tx, site, call, self.hall.announcer), rooms)

    def _printer(self, tx: Transaction, refresh: Refresh) -> None:
        using = [f"kiosk:{k.id}" for k in self.hall.site.config.kiosks if k.printer == refresh.key]
        self._emit("printer.updated", lambda: {"id": refresh.key, **refresh.data}, [*using, "admin"])

    def _config(self, tx: Transaction, refresh: Refresh) -> None:
        # The admin pages changed config.yaml: every page may read its lists again.
        self.socketio.emit("config.updated", dict(refresh.data))

    def _survey(self, tx: Transaction, refresh: Refresh) -> None:
        counter = refresh.data.get("counter_id")
        rooms = [f"ticket:{refresh.key}", *([f"counter:{counter}", f"survey:{counter}"] if counter else [])]
        self._emit("survey.answered", lambda: {"ticket_id": refresh.key}, rooms)


    def _slots(self, tx: Transaction, refresh: Refresh) -> None:
        service_id = refresh.data["service_id"]
        rooms = [f"service:{service_id}", *(f"kiosk:{k}" for k in self.hall.site.kiosks)]
        self._emit("slots.updated", lambda: dict(refresh.data), rooms)

    def _sessions(self, tx: Transaction, refresh: Refresh) -> None:
        """An account's sessions ended (logout, new password, disabled): this process's
        connections that joined staff rooms as it are dropped; a reconnect's subscribe is
        then refused. (Another process's connections stop at their next subscribe.)"""
        server = self.socketio.server
        sids = [sid for sid, _ in server.manager.get_participants("/", f"user:{refresh.key}")]
        for sid in sids:
            server.disconnect(sid, namespace="/", ignore_queue=True)


def _error(code: str, message: str) -> None:
    emit("error", RuleError(code, message).to_json()["error"])


def _admitted(hall: Hall, action: str, target: permissions.Target | None = None) -> bool:
    """Whether this connection's user may join a room for `action`; if not, it hears why
    (`unauthenticated` or `forbidden`). The user is read again at every subscription, so a
    disabled account or a revoked token stops at the next (re)subscribe."""
    try:
        token = request.environ.get(TOKEN) or bearer_token()
        user = permissions.require(identify(hall, token), action, target)
    except RuleError as exc:
        emit("error", exc.to_json()["error"])
        return False
    join_room(f"user:{user.username}")  # to be dropped when the account's sessions end
    return True


def _room_allowed(hall: Hall, room: str) -> bool:
    """A connection joins at most `server.subscriptions_per_socket` rooms (a page joins one or two)."""
    joined = set(rooms()) - {request.sid}  # type: ignore[attr-defined]  # every sid is in a room of its own
    most = hall.site.config.server.subscriptions_per_socket
    if room in joined or len(joined) < most:
        return True
    _error("too_many_subscriptions", f"This connection already follows {most} rooms; open another for more.")
    return False


def init_realtime(socketio: SocketIO, hall: Hall) -> Publisher:
    publisher = Publisher(hall, socketio)
    hall.store.subscribe(publisher.publish)
    SocketLimit(hall, socketio)

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
        hall.keep_up()  # a display or counter another process just added is known here too
        site = hall.site
        if key == "admin":  # dashboards: overview.changed pings and printer.updated
            if _room_allowed(hall, "admin") and _admitted(hall, "see_overview"):
                join_room("admin")
            return
        if key == "ticket_id":
            with hall.store.read() as tx:
                row = tx.one("SELECT * FROM tickets WHERE id = ?", (str(value),))
                if row is None:
                    _error("unknown_ticket", f"There is no ticket {value!r}.")
                    return
                if not _room_allowed(hall, f"ticket:{value}"):
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
        if not _room_allowed(hall, f"{room}:{value}"):
            return
        if room == "counter" and not _admitted(hall, "use_counter", permissions.counter(site.counters[value])):
            return
        join_room(f"{room}:{value}")
        with hall.store.read() as tx:
            now = hall.now()
            if room == "display":
                emit("display.state", display_views.display_state(tx, site, value, now, hall.announcer))
            elif room == "counter":
                emit("counter.updated", views.counter_json(tx, site, value, now))
            elif room == "service":
                emit("queue.updated", views.queue_json(tx, site, value, now))
            elif room == "kiosk":
                statuses = hall.printing.statuses() if hall.printing else {}
                emit("kiosk.state", views.kiosk_state(site, value, statuses))
        log.debug("%s subscribed to %s:%s", request.sid, room, value)  # type: ignore[attr-defined]

    return publisher
