"""What happened: one frozen dataclass per kind of change the rules make.

A rule raises each happening once, inside its write transaction
(`tx.raise_event(TicketCalled(...))`). Two readers follow, and nobody else:

- `server/core/audit.py` writes the ticket's history row (a `TicketEvent`) or the
  audit-log row (an `AuditEvent`) inside the same transaction;
- after COMMIT, the real-time layer (`server/web/realtime.py`) maps each event type
  to the rooms and messages that need it, so a rule never says which screens to refresh.

A `TicketEvent`'s `kind` is the history row's kind (the names reports and the audit
search read); an `AuditEvent` names its audit action. Every other event only tells screens.

Why this file is long: it is the one list of everything that can happen in the hall, each a
few lines; split by area, a reader looking for what a change raises would search several.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar


@dataclass(frozen=True, kw_only=True)
class Event:
    """Something that happened. Fields are keyword-only: events read as sentences."""


# --- a ticket's history -----------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class TicketEvent(Event):
    """A change in one ticket's life: who (actor), when (at), at which counter, from where (device).

    `device` is left None when the change came through the transaction's own client
    address (`Transaction.device`); the history row takes that one then.
    """

    kind: ClassVar[str]
    ticket_id: str
    at: float
    actor: str | None = None
    counter_id: str | None = None
    device: str | None = None

    def detail(self) -> dict[str, Any] | None:
        return None


@dataclass(frozen=True, kw_only=True)
class TicketIssued(TicketEvent):
    kind: ClassVar[str] = "issued"
    service_id: str
    priority: str | None = None

    def detail(self) -> dict[str, Any] | None:
        return {"priority": self.priority} if self.priority else None


@dataclass(frozen=True, kw_only=True)
class TicketCalled(TicketEvent):
    """A counter called the ticket (in turn or out of turn); `call_id` is its row in `calls`."""

    kind: ClassVar[str] = "called"
    service_id: str
    counter_id: str
    call_id: int


@dataclass(frozen=True, kw_only=True)
class TicketRecalled(TicketEvent):
    """The counter announced its current ticket again."""

    kind: ClassVar[str] = "recalled"
    counter_id: str
    call_id: int


@dataclass(frozen=True, kw_only=True)
class TicketStarted(TicketEvent):
    """The visitor arrived at the counter: called → serving."""

    kind: ClassVar[str] = "started"
    counter_id: str


@dataclass(frozen=True, kw_only=True)
class TicketFinished(TicketEvent):
    kind: ClassVar[str] = "done"
    counter_id: str


@dataclass(frozen=True, kw_only=True)
class TicketNoShow(TicketEvent):
    """The called visitor did not come."""

    kind: ClassVar[str] = "no_show"
    counter_id: str


@dataclass(frozen=True, kw_only=True)
class TicketTransferred(TicketEvent):
    """The counter sent its visitor to another service's line (`from_service` → `to_service`)."""

    kind: ClassVar[str] = "transferred"
    counter_id: str
    from_service: str
    to_service: str

    def detail(self) -> dict[str, Any] | None:
        return {"from": self.from_service, "to": self.to_service}


@dataclass(frozen=True, kw_only=True)
class TicketStepFinished(TicketEvent):
    """The counter finished step `position` of a visit (in `service_id`); the ticket now waits,
    by itself, in the next step's line (`next_service_id`). The last step ends as TicketFinished."""

    kind: ClassVar[str] = "step_finished"
    counter_id: str
    service_id: str
    next_service_id: str
    position: int

    def detail(self) -> dict[str, Any] | None:
        return {"step": self.position, "service": self.service_id, "next": self.next_service_id}


@dataclass(frozen=True, kw_only=True)
class TicketStepAdded(TicketEvent):
    """The counter holding the ticket added a step after the current one (`position`), and with
    `return_to_counter` one more after it, back to this counter."""

    kind: ClassVar[str] = "step_added"
    counter_id: str
    service_id: str
    position: int
    return_to_counter: bool

    def detail(self) -> dict[str, Any] | None:
        return {"step": self.position, "service": self.service_id, "return": self.return_to_counter}


@dataclass(frozen=True, kw_only=True)
class TicketExpired(TicketEvent):
    """Still waiting when its service day ended."""

    kind: ClassVar[str] = "expired"
    service_id: str
    actor: str | None = "system"


@dataclass(frozen=True, kw_only=True)
class TicketCancelled(TicketEvent):
    """The visitor (or an officer, then `actor`) gave up a waiting ticket."""

    kind: ClassVar[str] = "cancelled"
    service_id: str


@dataclass(frozen=True, kw_only=True)
class TicketReprinted(TicketEvent):
    kind: ClassVar[str] = "reprint"
    printer_id: str

    def detail(self) -> dict[str, Any] | None:
        return {"printer": self.printer_id}


# --- the audit log: who changed the site, and who came in -------------------------------------------


@dataclass(frozen=True, kw_only=True)
class AuditEvent(Event):
    """An administrative act: who (actor), when (at), from which address."""

    at: float
    actor: str | None
    address: str | None = None

    def action(self) -> str:
        raise NotImplementedError

    def target(self) -> str | None:
        return None

    def detail(self) -> dict[str, Any] | None:
        return None


@dataclass(frozen=True, kw_only=True)
class ClosureEvent(AuditEvent):
    """A service or a counter closed for today, or opened again, by a supervisor."""

    closure_kind: str  # "service" or "counter"
    target_id: str
    reason: str

    def target(self) -> str | None:
        return self.target_id

    def detail(self) -> dict[str, Any] | None:
        return {"reason": self.reason}


@dataclass(frozen=True, kw_only=True)
class ClosureMade(ClosureEvent):
    """Closed for the rest of today: the service takes no tickets, the counter does not call."""

    def action(self) -> str:
        return f"{self.closure_kind}_closed"


@dataclass(frozen=True, kw_only=True)
class ClosureLifted(ClosureEvent):
    """The closure was lifted: the service takes tickets again, the counter may call."""

    def action(self) -> str:
        return f"{self.closure_kind}_reopened"


@dataclass(frozen=True, kw_only=True)
class PrinterTested(AuditEvent):
    """An admin asked a printer for a test print (a sample ticket, no queue number)."""

    printer_id: str

    def action(self) -> str:
        return "printer_test"

    def target(self) -> str | None:
        return self.printer_id


@dataclass(frozen=True, kw_only=True)
class ConfigChanged(AuditEvent):
    """config.yaml was saved from the admin pages and is live; `change` says what was asked."""

    part: str  # a section, or section/item
    change: Mapping[str, Any] = field(default_factory=dict)
    version: str
    backup: str | None = None

    def action(self) -> str:
        return "config_changed"

    def target(self) -> str | None:
        return self.part

    def detail(self) -> dict[str, Any] | None:
        return {**self.change, "version": self.version, "backup": self.backup}


@dataclass(frozen=True, kw_only=True)
class UserCreated(AuditEvent):
    username: str
    role: str
    agency_id: str | None
    counters: tuple[str, ...]

    def action(self) -> str:
        return "user_created"

    def target(self) -> str | None:
        return self.username

    def detail(self) -> dict[str, Any] | None:
        return {"role": self.role, "agency_id": self.agency_id, "counters": list(self.counters)}


@dataclass(frozen=True, kw_only=True)
class UserChanged(AuditEvent):
    username: str
    change: Mapping[str, Any]  # the fields the admin sent, as sent

    def action(self) -> str:
        return "user_changed"

    def target(self) -> str | None:
        return self.username

    def detail(self) -> dict[str, Any] | None:
        return dict(self.change)


@dataclass(frozen=True, kw_only=True)
class PasswordReset(AuditEvent):
    username: str

    def action(self) -> str:
        return "password_reset"

    def target(self) -> str | None:
        return self.username


@dataclass(frozen=True, kw_only=True)
class LoggedIn(AuditEvent):
    """`actor` logged in (a page's session and a bearer token)."""

    def action(self) -> str:
        return "login"


@dataclass(frozen=True, kw_only=True)
class LoginFailed(AuditEvent):
    """Someone tried `actor` (the name typed) with a wrong password or a disabled account."""

    def action(self) -> str:
        return "login_failed"


@dataclass(frozen=True, kw_only=True)
class LoggedOut(AuditEvent):
    """`actor` logged out: every cookie session and bearer token of the account ended."""

    def action(self) -> str:
        return "logout"


@dataclass(frozen=True, kw_only=True)
class LoginThrottled(AuditEvent):
    """A wrong password left `address` waiting `retry_after` seconds before its next try
    (`actor` is the name typed; `failures` how many that address has had lately)."""

    retry_after: int
    failures: int

    def action(self) -> str:
        return "login_throttled"

    def target(self) -> str | None:
        return self.address

    def detail(self) -> dict[str, Any] | None:
        return {"retry_after": self.retry_after, "failures": self.failures}


@dataclass(frozen=True, kw_only=True)
class AccountLocked(AuditEvent):
    """Too many wrong passwords for `username` (from any address): no login until `until`
    or until an admin lifts it. `actor` is None: nobody chose it."""

    username: str
    until: float
    failures: int

    def action(self) -> str:
        return "account_locked"

    def target(self) -> str | None:
        return self.username

    def detail(self) -> dict[str, Any] | None:
        return {"until": self.until, "failures": self.failures}


@dataclass(frozen=True, kw_only=True)
class AccountUnlocked(AuditEvent):
    """An admin (`actor`) lifted the lockout of `username` and forgot its failed logins."""

    username: str

    def action(self) -> str:
        return "account_unlocked"

    def target(self) -> str | None:
        return self.username


@dataclass(frozen=True, kw_only=True)
class SessionsEnded(Event):
    """Every session and token of `username` ended (logout, new password, disabled): its
    live connections leave the staff rooms they joined. News for screens only."""

    username: str


@dataclass(frozen=True, kw_only=True)
class SurveyTabletsChanged(AuditEvent):
    """`actor` enrolled a survey tablet at a counter, or revoked every tablet of it."""

    counter_id: str
    enrolled: bool

    def action(self) -> str:
        return "survey_tablet_enrolled" if self.enrolled else "survey_tablets_revoked"

    def target(self) -> str | None:
        return self.counter_id


# --- news for screens only --------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class CounterPaused(Event):
    counter_id: str
    actor: str | None = None


@dataclass(frozen=True, kw_only=True)
class CounterResumed(Event):
    counter_id: str
    actor: str | None = None


@dataclass(frozen=True, kw_only=True)
class VisitPlacesTaken(Event):
    """A visit of several steps took a place of each later step's service's quota at issue
    (`service_ids`): their remaining places changed, though no ticket joined their lines yet."""

    ticket_id: str
    service_ids: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class SurveyAnswered(Event):
    ticket_id: str
    counter_id: str | None


@dataclass(frozen=True, kw_only=True)
class ServiceHoursTurned(Event):
    """Nobody acted, but the clock opened or closed a service (opening time, cut-off, a break)."""

    service_id: str


@dataclass(frozen=True, kw_only=True)
class PrinterStatusChanged(Event):
    printer_id: str
    status: str
    detail: str | None = None


@dataclass(frozen=True, kw_only=True)
class PrintJobEnded(Event):
    """A ticket's print job was printed or given up: its print state changed."""

    ticket_id: str


def event_types() -> list[type[Event]]:
    """Every kind of happening a rule can raise (the concrete classes, not the families)."""
    found: list[type[Event]] = []
    families = (Event, TicketEvent, AuditEvent, ClosureEvent)
    pending: list[type[Event]] = [Event]
    while pending:
        cls = pending.pop(0)
        for sub in cls.__subclasses__():
            pending.append(sub)
            if sub not in families and sub not in found:
                found.append(sub)
    return found
