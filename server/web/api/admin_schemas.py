"""Request and response shapes of the reports and admin routes (supervisors and admins):
figures, the IKM, the configuration, accounts, closures, backups, the overview, the audit log.
The public and counter shapes are in `schemas`."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from server.web.api.schemas import Body, Out, UserOut

Role = Literal["officer", "supervisor", "admin"]


class Durations(Out):
    avg: float | None
    median: float | None
    p90: float | None


class Figures(Out):
    issued: int
    served: int
    no_show: int
    cancelled: int
    expired: int
    wait: Durations
    walk: Durations
    service: Durations
    within_standard: float | None


class StepTimes(Out):
    steps: int
    served: int
    wait: Durations
    walk: Durations
    service: Durations


class PositionTimes(StepTimes):
    position: int


class ServiceStepTimes(StepTimes):
    service_id: str
    agency_id: str | None
    service_name: str


class BetweenSteps(Out):
    wait: Durations = Field(description="A step's finish to the call at the next: waiting in the next line.")
    walk: Durations = Field(description="That call to the start at the next counter: walking between agencies.")
    total: Durations = Field(description="A step's finish to the start of the next.")


class VisitsReport(Out):
    from_: str = Field(alias="from")
    to: str
    agency_id: str | None
    visits: int
    completed: int
    no_show: int
    cancelled: int
    expired: int
    active: int
    step: StepTimes
    by_position: list[PositionTimes]
    by_service: list[ServiceStepTimes]
    between: BetweenSteps
    visit: Durations = Field(description="Issue to the last step's finish, completed visits.")


class HourArrivals(Out):
    hour: int
    arrivals: int


class ReportSummary(Figures):
    by_service: list[dict[str, object]]
    by_hour: list[HourArrivals]
    by_agency: list[dict[str, object]] = []
    by_counter: list[dict[str, object]] = []
    by_officer: list[dict[str, object]] = []
    by_day: list[dict[str, object]] = []


class QueuePoint(Out):
    at: str
    waiting: int


class QueueLength(Out):
    date: str
    step_minutes: int
    points: list[QueuePoint]
    peak: dict[str, object] | None


class IkmReport(Out):
    respondents: int
    elements: dict[str, float | None]
    ikm: float | None
    grade: Literal["A", "B", "C", "D"] | None
    label: str | None
    by_service: list[dict[str, object]] = []
    by_agency: list[dict[str, object]] = []
    by_month: list[dict[str, object]] = []


class ConfigEdit(Body):
    value: object = None
    version: str | None = Field(default=None, max_length=64)


class PrinterTypeOut(Out):
    type: str
    label: str
    label_en: str
    needs: list[str]


class ConfigFieldOut(Out):
    """What a setup form needs to know of one configuration field (from the models themselves)."""

    type: str | None = None  # JSON Schema type: string, integer, boolean, array, object
    minimum: int | None = None
    maximum: int | None = None
    enum: list[str | int] | None = None
    optional: bool


class ConfigOut(Out):
    version: str | None
    editable: bool
    path: str | None
    sections: dict[str, object]
    fields: dict[str, dict[str, ConfigFieldOut]]
    printer_types: list[PrinterTypeOut]


class UserCreate(Body):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    role: Role
    agency_id: str | None = Field(default=None, max_length=64)
    counters: list[str] = Field(default_factory=list, max_length=200)
    display_name: str | None = Field(default=None, max_length=100)


class UserUpdate(Body):
    role: Role | None = None
    agency_id: str | None = Field(default=None, max_length=64)
    counters: list[str] | None = Field(default=None, max_length=200)
    display_name: str | None = Field(default=None, max_length=100)
    disabled: bool | None = None


class PasswordReset(Body):
    password: str = Field(min_length=1, max_length=256)


class UserRow(UserOut):
    display_name: str | None
    disabled: bool
    locked_until: str | None = Field(description="When the lockout after too many wrong passwords ends "
                                                  "(ISO 8601); null when the account is not locked.")


class Users(Out):
    users: list[UserRow]


class ClosureCreate(Body):
    kind: Literal["service", "counter"]
    target_id: str = Field(min_length=1, max_length=64)
    reason: str = Field(min_length=1, max_length=200)


class ClosureOut(Out):
    id: int
    kind: Literal["service", "counter"]
    target_id: str
    target_name: str
    agency_id: str | None
    service_day: str
    reason: str
    actor: str | None
    at: str
    reopened_at: str | None
    active: bool


class Closures(Out):
    date: str
    closures: list[ClosureOut]


class BackupFile(Out):
    name: str
    taken_at: str
    size_bytes: int


class Backups(Out):
    keep: int
    folder: str
    backups: list[BackupFile]
    problem: str | None


class Overview(Out):
    at: str
    agency_id: str | None
    waiting: int
    longest_wait: dict[str, object] | None
    services: list[dict[str, object]]
    counters: dict[str, object]
    served_today: dict[str, object]


class AuditEntry(Out):
    source: Literal["audit", "ticket"]
    id: int
    at: str
    actor: str | None
    action: str
    target: str | None
    address: str | None
    detail: object = None


class AuditLog(Out):
    entries: list[AuditEntry]
    more: bool
