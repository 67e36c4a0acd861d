"""The site configuration: declared once as validated data.

`config.yaml` is parsed into `SiteConfig`. Every model forbids unknown keys, so a
typo fails at start with the key, the value and what was expected. Checks that
span several sections (a counter naming a missing service, duplicate prefixes,
...) live in `SiteConfig`'s model validator. `docs/config.md` documents every key
and a test keeps it true to these models.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    field_validator,
    model_validator,
)

from server.core import config_references
from server.core.vocabulary import PREFIX_PATTERN

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"


def _parse_clock(value: Any) -> Any:
    """Accept "HH:MM" strings; YAML may also hand us minutes as an int (08:00 → 480)."""
    if isinstance(value, int) and not isinstance(value, bool):
        # PyYAML 1.1 reads an unquoted 08:30 as sexagesimal minutes.
        return time(value // 60 % 24, value % 60)
    if isinstance(value, str) and re.fullmatch(r"\d{1,2}:\d{2}", value):
        hours, minutes = (int(part) for part in value.split(":"))
        if hours < 24 and minutes < 60:
            return time(hours, minutes)
    if isinstance(value, time):
        return value
    raise ValueError("expected a time of day as \"HH:MM\" (00:00 to 23:59)")


Clock = Annotated[time, BeforeValidator(_parse_clock), PlainSerializer(lambda t: t.strftime("%H:%M"), return_type=str)]
def _check_identifier(value: Any) -> Any:
    if not isinstance(value, str) or not re.fullmatch(ID_PATTERN, value):
        raise ValueError("expected an id of lower-case letters, digits, '-' or '_' (at most 64)")
    return value


def _check_prefix(value: Any) -> Any:
    if not isinstance(value, str) or not re.fullmatch(PREFIX_PATTERN, value):
        raise ValueError("expected a ticket prefix of one to three upper-case letters or digits, ending in a letter")
    return value


Identifier = Annotated[str, BeforeValidator(_check_identifier)]
Prefix = Annotated[str, BeforeValidator(_check_prefix)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DayHours(Strict):
    open: Clock
    close: Clock

    @model_validator(mode="after")
    def _open_before_close(self) -> DayHours:
        if self.open >= self.close:
            raise ValueError(f"open ({self.open:%H:%M}) must be before close ({self.close:%H:%M})")
        return self


class SiteHours(DayHours):
    days: list[Weekday] = Field(default_factory=lambda: list(WEEKDAYS[:5]))
    by_day: dict[Weekday, DayHours] = Field(default_factory=dict)


class Break(Strict):
    name: str = "Istirahat"
    days: list[Weekday] = Field(default_factory=lambda: list(WEEKDAYS))
    start: Clock
    end: Clock

    @model_validator(mode="after")
    def _start_before_end(self) -> Break:
        if self.start >= self.end:
            raise ValueError(f"start ({self.start:%H:%M}) must be before end ({self.end:%H:%M})")
        return self


class Holiday(Strict):
    date: date
    name: str


class Announcement(Strict):
    number_style: Literal["digits", "words"] = "digits"
    include_agency: bool = False
    voice: Literal["espeak", "pack"] = "espeak"
    voice_pack: str | None = None
    style: Literal["full", "short"] = "full"  # short: "A tujuh, Loket 3" after a shorter chime
    include_floor: bool = True  # "..., lantai 2" after the counter, for counters with a floor
    # Calls faster than a display speaks: server/core/announcements.py (docs/display.md).
    backlog: Literal["speak_all", "skip_older_than"] = "skip_older_than"
    backlog_seconds: int = Field(default=45, ge=5, le=3600)
    # The synthesised sentences kept on disk (oldest removed first); a sentence is ~0.2 MB
    # and is only needed while its call is on the screens, so 64 MB holds hours of calls.
    audio_cache_mb: int = Field(default=64, ge=1, le=100_000)


class TicketText(Strict):
    footer: str = "Layanan ini GRATIS. Tolak segala bentuk pungutan liar."
    footer_en: str = "This service is FREE. Refuse any illegal fee."
    logo: str | None = None


class Visits(Strict):
    """Visits of several steps (server/core/visits.py): where a visitor whose step was just
    finished joins the next step's line. `finished`: at the finish time, behind everyone already
    waiting there; `arrival`: at the time they took their ticket, ahead of those who came later."""

    next_step_place: Literal["arrival", "finished"] = "finished"


class Floor(Strict):
    """How visitors are told a floor: `site.floors` by the counters' `floor` number."""

    name: str = Field(min_length=1)
    name_en: str | None = Field(default=None, min_length=1)


class Site(Strict):
    name: str = Field(min_length=1)
    timezone: str = "Asia/Jakarta"
    language: Literal["id", "en"] = "id"
    # None: each ticket's address is the one its kiosk reached the server at (server/web/addresses.py).
    public_url: str | None = None
    floors: dict[int, Floor] = Field(default_factory=dict)
    hours: SiteHours
    ticket_cutoff_minutes: int = Field(default=30, ge=0, le=600)
    breaks: list[Break] = Field(default_factory=list)
    holidays: list[Holiday] = Field(default_factory=list)
    running_text: str = ""
    running_text_en: str = ""
    announcement: Announcement = Field(default_factory=Announcement)
    ticket: TicketText = Field(default_factory=TicketText)
    visits: Visits = Field(default_factory=Visits)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("expected an IANA timezone such as Asia/Jakarta") from None
        return value

    @field_validator("public_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not re.fullmatch(r"https?://[^\s/]+(/[^\s]*)?", value):
            raise ValueError("expected an http:// or https:// address")
        return value.rstrip("/")


class Service(Strict):
    id: Identifier
    name: str = Field(min_length=1)
    name_en: str | None = None
    prefix: Prefix
    quota: int | None = Field(default=None, ge=1)
    standard_minutes: int | None = Field(default=None, ge=1)
    hours: DayHours | None = None
    keywords: list[str] = Field(default_factory=list)
    popular: bool = False


class Agency(Strict):
    id: Identifier
    name: str = Field(min_length=1)
    short_name: str = Field(min_length=1)
    name_en: str | None = None
    logo: str | None = None
    services: list[Service] = Field(min_length=1)


# The words of a counter's Indonesian name that English says otherwise. A counter is named as
# the hall calls it ("Loket 3"); unless `name_en` says otherwise, English says "Counter 3".
_COUNTER_WORDS_EN = {"loket": "counter"}
_COUNTER_WORD = re.compile(r"\b(" + "|".join(_COUNTER_WORDS_EN) + r")\b", re.IGNORECASE)


def english_counter_name(name: str) -> str:
    """"Loket 3" -> "Counter 3": each whole word "loket", in any case, keeping that case."""

    def translate(match: re.Match[str]) -> str:
        word = match.group(0)
        english = _COUNTER_WORDS_EN[word.lower()]
        if word.isupper():
            return english.upper()
        return english.capitalize() if word[0].isupper() else english

    return _COUNTER_WORD.sub(translate, name.strip())


class Counter(Strict):
    id: Identifier
    name: str = Field(min_length=1)
    name_en: str | None = Field(default=None, min_length=1)
    agency: str
    services: list[str] = Field(min_length=1)
    floor: int | None = None

    @property
    def english_name(self) -> str:
        """`name_en`, or the name with the rule above applied."""
        return self.name_en or english_counter_name(self.name)


@dataclass(frozen=True)
class PrinterKind:
    """A printer type: the keys its connection needs, and its name on the setup page."""

    needs: tuple[str, ...]
    label: str  # Bahasa Indonesia
    label_en: str


# The one table of printer types. Each transport in printers/transports/ declares its type
# and is looked up here (a test checks that the two agree); the setup page's form gets this
# table from GET /api/v1/admin/config.
PRINTER_TYPES: dict[str, PrinterKind] = {
    "network": PrinterKind(("host",), "Jaringan", "Network"),
    "usb": PrinterKind(("vendor_id", "product_id"), "USB", "USB"),
    "serial": PrinterKind(("device",), "Serial", "Serial"),
    "file": PrinterKind(("device",), "Berkas/perangkat", "File/device"),
    "cups": PrinterKind(("cups_name",), "CUPS", "CUPS"),
    "virtual": PrinterKind((), "Virtual (berkas di folder data)", "Virtual (files in the data folder)"),
}


def _check_printer_type(value: Any) -> Any:
    if not isinstance(value, str) or value not in PRINTER_TYPES:
        raise ValueError(f"expected a printer type: {', '.join(PRINTER_TYPES)}")
    return value


PrinterType = Annotated[str, BeforeValidator(_check_printer_type)]


class Printer(Strict):
    id: Identifier
    type: PrinterType
    name: str | None = None
    width_mm: Literal[58, 80] = 80
    profile: str | None = None
    host: str | None = None
    port: int = Field(default=9100, ge=1, le=65535)
    vendor_id: int | None = None
    product_id: int | None = None
    device: str | None = None
    baudrate: int = Field(default=9600, ge=300)
    cups_name: str | None = None

    @model_validator(mode="after")
    def _connection_complete(self) -> Printer:
        missing = [key for key in PRINTER_TYPES[self.type].needs if getattr(self, key) is None]
        if missing:
            raise ValueError(f"a {self.type} printer needs {', '.join(missing)}")
        return self


class Kiosk(Strict):
    id: Identifier
    name: str = Field(min_length=1)
    printer: str | None = None


class Display(Strict):
    id: Identifier
    name: str = Field(min_length=1)
    counters: Literal["all"] | list[str] = "all"
    sound: Literal["voice", "chime", "silent"] = "voice"
    speaks: str | list[str] = "all"  # its zone (server/core/config_zones.py)
    media_folder: str | None = None


class ServerSettings(Strict):
    data_dir: str = "data"
    print_wait_ms: int = Field(default=800, ge=0, le=10000)
    # Anonymous ticket requests (and cancels) without a registered kiosk, per client address,
    # and ticket requests (and reprints) per registered kiosk: at most this many at once, then
    # this many a minute. None turns the limit off. Staff sessions are not limited.
    rate_limit_per_minute: int | None = Field(default=5, ge=1)
    kiosk_rate_limit_per_minute: int | None = Field(default=20, ge=1)
    # Socket.IO: open connections per client address (one server process), and rooms per connection.
    sockets_per_address: int = Field(default=1000, ge=1)
    subscriptions_per_socket: int = Field(default=32, ge=1)
    # Reverse proxies (TLS) in front that set X-Forwarded-For and -Proto: 0 when clients connect directly.
    proxy_hops: int = Field(default=0, ge=0, le=5)
    message_queue: str | None = None
    backup_keep: int = Field(default=14, ge=0, le=3650)
    backup_dir: str = "backups"
    # Ticket history and audit log rows older than this many years move to yearly archive files
    # beside the database (server/core/retention.py); 0 keeps them all in the database.
    history_years: int = Field(default=5, ge=0, le=100)

    @field_validator("message_queue")
    @classmethod
    def _redis_url(cls, value: str | None) -> str | None:
        # Only what server/web/message_queue.py speaks: anything else would fail at start.
        if value is not None and not re.fullmatch(r"(redis|rediss)://[^\s/]*(/\d*)?|unix://\S+", value):
            raise ValueError("expected a Redis address such as redis://127.0.0.1:6379/0 (or rediss://, unix://)")
        return value


class LoginSettings(Strict):
    """Login throttling (server/core/login_throttle.py): a growing delay per client address,
    then a lockout per account. The defaults keep one address from locking an account alone."""

    window_minutes: int = Field(default=15, ge=1, le=1440)
    free_failures: int = Field(default=5, ge=1, le=1000)
    first_delay_seconds: int = Field(default=1, ge=1, le=3600)
    max_delay_seconds: int = Field(default=300, ge=1, le=86400)
    lockout_failures: int = Field(default=20, ge=1, le=100000)
    lockout_minutes: int = Field(default=15, ge=1, le=1440)


class SiteConfig(Strict):
    site: Site
    agencies: list[Agency] = Field(min_length=1)
    counters: list[Counter] = Field(default_factory=list)
    printers: list[Printer] = Field(default_factory=list)
    kiosks: list[Kiosk] = Field(default_factory=list)
    displays: list[Display] = Field(default_factory=list)
    server: ServerSettings = Field(default_factory=ServerSettings)
    login: LoginSettings = Field(default_factory=LoginSettings)

    def reference_problems(self) -> list[str]:
        """Faults between the parts (server/core/config_references.py), each with its field."""
        return config_references.reference_problems(self)
