"""Request and response shapes of API v1, declared once.

Request models validate what clients send (unknown fields are refused, so a typo
is an error rather than silently ignored); response models document what we
answer. Both feed the OpenAPI document, and tests check real answers against
the response models.

The shapes of the reports and the admin routes are in `admin_schemas`.

Why this file is long: it holds every public shape (tickets, counters, displays, the
session, the survey), declared once each; they refer to one another (a Counter holds a
Ticket), so they are read together.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from server.core.vocabulary import Priority, Status, StepStatus

Answer = Field(ge=1, le=4)


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Out(BaseModel):
    model_config = ConfigDict(extra="allow")


# --- requests -----------------------------------------------------------------


ServiceId = Annotated[str, Field(min_length=1, max_length=64)]


class TicketCreate(Body):
    service_id: str | None = Field(default=None, min_length=1, max_length=64,
                                   description="The service of a one-step ticket; give this or service_ids.")
    service_ids: list[ServiceId] | None = Field(
        default=None, min_length=2, max_length=5,
        description="A visit of several steps: 2 to 5 different services, in the order the visitor goes to "
        "them; one ticket numbered from the first's prefix. Each must be open now with quota left, and each "
        "takes one place of its quota. Give this or service_id.")
    priority: Priority | None = None
    kiosk_id: str | None = Field(default=None, max_length=64)
    lang: Literal["id", "en"] = "id"


class Reprint(Body):
    printer_id: str | None = Field(default=None, max_length=64)
    kiosk_id: str | None = Field(default=None, max_length=64)  # a kiosk reprinting its own ticket


class Login(Body):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    token: bool = Field(default=True, description="false: no bearer token is made (a browser page, which lives on "
                                                  "the session cookie alone); the answer's token is then null.")


class CallTicket(Body):
    ticket_id: str | None = Field(default=None, min_length=1, max_length=64)
    number: str | None = Field(default=None, min_length=1, max_length=16)  # read by vocabulary.parse_number


class CounterReprint(Body):
    ticket_id: str = Field(min_length=1, max_length=64)
    printer_id: str | None = Field(default=None, max_length=64)  # else the printer of the kiosk that issued it


class Transfer(Body):
    service_id: str = Field(min_length=1, max_length=64)


class AddStep(Body):
    service_id: str = Field(min_length=1, max_length=64)
    return_to_counter: bool = Field(default=False, description="Also a step after it back to this counter's "
                                    "service, which only this counter calls (\"go to Dinsos, then come back\").")


class SurveyAnswers(Body):
    u1: int = Answer
    u2: int = Answer
    u3: int = Answer
    u4: int = Answer
    u5: int = Answer
    u6: int = Answer
    u7: int = Answer
    u8: int = Answer
    u9: int = Answer


class SurveyCreate(Body):
    answers: SurveyAnswers
    comment: str | None = Field(default=None, max_length=2000)
    # The ticket's survey secret: the `k` of the QR code's address, or the enrolled tablet's.
    # Optional here so that a missing one is the clear 403 survey_forbidden, not a 422.
    key: str | None = Field(default=None, max_length=64)


class TicketCancel(Body):
    # The ticket's secret (the `k` of its QR code's address); staff cancelling for a visitor
    # send none. Optional so that a missing one is the clear 403 cancel_forbidden.
    key: str | None = Field(default=None, max_length=64)


class TicketSms(Body):
    # The ticket's secret (the `k` of its QR code's address): only its visitor gives a number.
    key: str | None = Field(default=None, max_length=64)
    phone: str | None = Field(default=None, max_length=32, description="An Indonesian mobile number, 08... or "
                              "+62 8...; null forgets the number given before.")


class TicketSmsAnswer(Out):
    ticket_id: str
    phone: str | None = Field(description="The number kept, masked (+62812*****890); null: none, no SMS.")
    sms: bool = Field(description="Whether an SMS will be sent when the ticket's turn is near.")


class Closure(Body):
    reason: str = Field(min_length=1, max_length=200)


# --- responses ----------------------------------------------------------------


class ErrorDetail(Out):
    code: str
    message: str
    field: str | None = None


class Error(Out):
    error: ErrorDetail


class Health(Out):
    status: Literal["ok"]
    version: str


class PrintInfo(Out):
    status: Literal["printed", "queued", "failed", "not_requested"]
    printer_id: str | None
    error: str | None




class TicketStep(Out):
    """One step of a visit (server/core/visits.py); a plain ticket has one."""

    service_id: str
    status: StepStatus
    counter_id: str | None = Field(description="The counter that called it (the last one, after a recall).")
    position: int = Field(description="1..n, the order of the visit.")
    service_name: str
    service_name_en: str | None = None
    agency_id: str
    agency_short_name: str | None = None
    current: bool = Field(default=False, description="The ticket's current step: its service_id and status.")
    counter_name: str | None = None
    return_counter_id: str | None = Field(default=None, description="A return step: only this counter calls it.")
    added: bool = Field(default=False, description="Added by an officer, not chosen at issue.")
    ahead: int | None = Field(default=None, description="People called before this one: only while it waits.")
    queued_at: str | None = Field(default=None, description="When it joined its line (issue, the previous "
                                  "step's finish, a transfer).")
    called_at: str | None = None
    started_at: str | None = None
    finished_at: str | None = None
    place: str | None = None
    place_en: str | None = None


class Ticket(Out):
    id: str
    number: str
    service_id: str
    agency_id: str
    status: Status
    priority: Priority | None
    issued_at: str
    called_at: str | None
    finished_at: str | None
    counter_id: str | None
    ahead: int
    estimated_wait_seconds: int | None
    estimated_wait_minutes: int | None = None  # the figure every screen and the paper show (0: under a minute)
    wait_status: Literal["estimated", "no_counter_open", "unknown"] | None = None  # None: not waiting
    status_url: str
    qr_url: str | None = Field(default=None, description="Only in the answer of POST /tickets: the address "
                               "the ticket's QR code carries, status_url with the survey secret (?k=).")
    print: PrintInfo
    started_at: str | None = None
    lang: str | None = None
    service_day: str | None = None
    service_name: str | None = None
    service_name_en: str | None = None
    agency_name: str | None = None
    agency_name_en: str | None = None
    agency_short_name: str | None = None
    counter_name: str | None = None
    counter_name_en: str | None = None
    counter_names: list[str] = []
    counter_names_en: list[str] = []
    counter_floor: int | None = Field(default=None, description="The floor of the ticket's counter "
                                      "(null until a counter calls it, or when that counter has no floor).")
    floors: list[int] = Field(default=[], description="The floors the visitor goes to: its counter's once "
                              "called, before that those of the counters serving its service.")
    place: str | None = Field(default=None, description="Where to go, in Bahasa Indonesia: the counter(s) "
                              "and floor, e.g. 'Loket 1–4, Lantai 1'; once called 'Loket 3, Lantai 1'.")
    place_en: str | None = Field(default=None, description="The same in English, e.g. 'Counters 1–4, Floor 1'.")
    near: bool = Field(default=False, description="Waiting, and its turn is near (site.near_alert: at most "
                       "`places` ahead, or an estimated wait of at most `minutes`): the phone page alerts once.")
    near_reason: Literal["places", "minutes"] | None = Field(default=None, description="Which test made it near.")
    near_step: int = Field(default=0, description="The step of the visit the alert is about (0: the first); the "
                           "phone page alerts once per ticket and step.")
    booking_code: str | None = Field(default=None, description="The booking whose check-in made this ticket; "
                                     "null for a walk-in.")
    steps: list[TicketStep] = Field(default=[], description="The visit's steps in order (one for a plain "
                                    "ticket); service_id and status above are the current step's.")


class Service(Out):
    id: str
    agency_id: str
    name: str
    prefix: str
    open: bool
    waiting: int
    quota: int | None
    remaining: int | None
    name_en: str | None = None
    closed_reason: str | None = None
    closed_note: str | None = None
    opens_at: str | None = None
    standard_minutes: int | None = None
    estimated_wait_seconds: int | None = None
    estimated_wait_minutes: int | None = None
    wait_status: Literal["estimated", "no_counter_open", "unknown"] | None = None
    keywords: list[str] = []
    popular: bool = False
    counter_ids: list[str] = []


class Agency(Out):
    id: str
    name: str
    short_name: str
    services: list[Service]
    name_en: str | None = None
    logo_url: str | None = None


class HallState(Out):
    open: bool  # at least one service takes tickets now
    reason: str | None  # closed: the services' closed_reason when they all share it
    opens_at: str | None  # closed: the earliest next opening of any service


class Agencies(Out):
    agencies: list[Agency]
    hall: HallState


class Services(Out):
    services: list[Service]


class SearchResult(Out):
    service_id: str
    agency_id: str
    score: float = Field(description="Higher is better; about 1 when every word matched exactly.")
    words_matched: int = Field(description="How many of the query's words this service matches.")


class ServiceSearchResults(Out):
    query: str
    words: list[str] = Field(description="The words searched for: spelled the official way, ordinary words dropped.")
    results: list[SearchResult]


class CounterActions(Out):
    """Whether the server accepts each action now (server/core/counters.py ACTIONS, in that order)."""

    model_config = ConfigDict(extra="forbid")

    call_next: bool = Field(alias="call-next")
    call: bool
    recall: bool
    start: bool
    finish: bool
    no_show: bool = Field(alias="no-show")
    transfer: bool
    add_step: bool = Field(alias="add-step")
    pause: bool
    resume: bool


class LastCalled(Out):
    ticket_id: str
    number: str
    status: str
    called_at: str


class Counter(Out):
    id: str
    name: str
    name_en: str
    agency_id: str
    service_ids: list[str]
    state: Literal["open", "paused"]
    current: Ticket | None
    officer: str | None
    actions: CounterActions
    floor: int | None = None
    last_called: LastCalled | None = None  # the counter's latest call today, for its page once it holds none
    closed: bool = False  # closed for today by a supervisor (a closure), and their words:
    closed_note: str | None = None


class Counters(Out):
    counters: list[Counter]


class PublicCounter(Out):
    id: str
    name: str
    name_en: str
    agency_id: str
    service_ids: list[str]
    state: Literal["open", "paused"]
    current_number: str | None = None
    floor: int | None = None


class PublicCounters(Out):
    counters: list[PublicCounter]


class QueueService(Out):
    service_id: str
    name: str
    name_en: str
    standard_minutes: int | None
    waiting: int
    priority_waiting: int
    oldest_wait_seconds: int | None


class QueueTicket(Out):
    id: str
    number: str
    service_id: str
    priority: Priority | None
    transferred: bool
    issued_at: str
    waiting_seconds: int


class CounterQueue(Out):
    services: list[QueueService]
    tickets: list[QueueTicket]  # in call order


class DayFigures(Out):
    served: int
    no_show: int
    average_service_seconds: int | None


class CounterFigures(Out):
    counter: DayFigures
    officer: DayFigures
    standard_seconds: int | None


class RecentTicket(Out):
    ticket_id: str
    number: str
    status: str
    service_id: str
    called_at: str
    kiosk_printer_id: str | None  # the printer of the kiosk that issued it, where a reprint goes by default
    printable: bool  # its visit is not over, so the counter may reprint it


class RecentTickets(Out):
    tickets: list[RecentTicket]


class PrinterTest(Out):
    printer_id: str
    print: PrintInfo


class CounterAction(Out):
    ticket: Ticket | None
    counter: Counter


class Kiosk(Out):
    id: str
    name: str
    printer_id: str | None = None


class Kiosks(Out):
    kiosks: list[Kiosk]


class Display(Out):
    id: str
    name: str
    counters: list[str]
    sound: str


class Displays(Out):
    displays: list[Display]


class Printer(Out):
    id: str
    name: str
    type: str
    width_mm: int
    status: Literal["online", "offline", "paper_out", "unknown"]
    detail: str | None = None
    detail_code: str | None = None  # the message's code (printers/messages.py); null for a system's own words
    detail_id: str | None = None  # `detail` in Bahasa Indonesia


class Printers(Out):
    printers: list[Printer]


class Announcement(Out):
    lang: str
    text: str
    audio: list[str]
    speak: list[str] = Field(default_factory=list, description="ids of the displays that speak this call (its zone)")
    unspoken: list[str] = Field(
        default_factory=list,
        description="ids of the displays of its zone that will not speak it (backlog) and mark it not announced",
    )


class Call(Out):
    ticket_id: str
    number: str
    counter_id: str
    counter_name: str
    counter_name_en: str
    service_id: str
    called_at: str
    recall: bool
    announcement: Announcement
    call_id: int | None = None
    agency_id: str | None = None


class DisplayCounter(Out):
    id: str
    name: str
    name_en: str
    current_number: str | None
    closed: bool = False
    closed_note: str | None = None


class DisplayState(Out):
    calling: list[Call]
    recent: list[Call]
    counters: list[DisplayCounter]
    waiting: dict[str, int]


class UserOut(Out):
    username: str
    role: Literal["officer", "supervisor", "admin"]
    agency_id: str | None
    counters: list[str]


class SessionOut(Out):
    user: UserOut
    token: str | None = Field(default=None, description="A bearer token for API clients (7 days, ended by logout "
                                                         "and a new password); null for a page's login.")
    csrf_token: str | None = None
    counter_ids: list[str] = Field(description="The counters this user may open, in configuration order "
                                               "(an officer's own, a supervisor's agency's, every one for an admin).")


class Ok(Out):
    ok: bool


class SurveyOut(Out):
    ticket_id: str
    answers: dict[str, int]
    comment: str | None


# --- the survey ----------------------------------------------------------------------------------

class SurveyStatus(Out):
    ticket_id: str
    number: str
    status: Status
    answered: bool
    can_answer: bool


class SurveyTicket(Out):
    id: str
    number: str
    service_id: str
    service_name: str
    service_name_en: str
    finished_at: str | None
    key: str | None = Field(default=None, description="The ticket's survey secret: only for the counter's "
                            "enrolled tablet, absent otherwise.")


class SurveyTablet(Out):
    counter_id: str
    counter_name: str
    counter_name_en: str
    enrolled: bool
    ticket: SurveyTicket | None


class TabletEnrolled(Out):
    counter_id: str
    enrolled: bool


class TabletsRevoked(Out):
    counter_id: str
    revoked: int
