"""The ticket's vocabulary, in one place: statuses, priorities, lanes and the number's format.

Every Python module takes these names from here, and every page receives what it needs
from the server (boot data or the API), so that no copy can drift from another.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal, get_args

Status = Literal["waiting", "called", "serving", "done", "no_show", "cancelled", "expired"]
STATUSES: Final[tuple[Status, ...]] = get_args(Status)
ACTIVE: Final[tuple[Status, ...]] = ("waiting", "called", "serving")  # still in the hall's hands
AT_COUNTER: Final[tuple[Status, ...]] = ("called", "serving")  # the ticket a counter holds
FINISHED: Final[tuple[Status, ...]] = ("done", "no_show", "cancelled", "expired")

# A step of a visit through several services (server/core/visits.py): pending until the visitor
# gets to it, then as a ticket is; skipped when the visit ended before it (a no-show, a cancel).
StepStatus = Literal["pending", "waiting", "called", "serving", "done", "no_show", "skipped"]
STEP_STATUSES: Final[tuple[StepStatus, ...]] = get_args(StepStatus)
STEP_ENDED: Final[tuple[StepStatus, ...]] = ("done", "no_show", "skipped")

# A booking ahead (server/core/bookings.py): booked until checked in, cancelled, or expired
# (not checked in by the end of its window).
BookingStatus = Literal["booked", "checked_in", "cancelled", "expired"]
BOOKING_STATUSES: Final[tuple[BookingStatus, ...]] = get_args(BookingStatus)

Priority = Literal["elderly", "disabled", "pregnant"]
PRIORITIES: Final[tuple[Priority, ...]] = get_args(Priority)

# The order a line is called in: transferred visitors first (they already waited once),
# then priority visitors, then everyone else; within a lane, the earliest first.
LANE_TRANSFERRED: Final = 0
LANE_PRIORITY: Final = 1
LANE_NORMAL: Final = 2

# A ticket number is the service's prefix and the day's sequence, at least three digits:
# A001 … A999, A1000 …. A prefix is one to three upper-case letters or digits ending in a
# letter, so the number reads back without knowing the site's prefixes ("A1000" is A, 1000).
# At most nine digits: no service issues a billion tickets a day, and a bound keeps a typed
# or requested "number" of thousands of digits from ever reaching int(). The digits are
# ASCII only ("A٣٣٣" and "A²²²" are not numbers), as `[0-9]` is in Python and JavaScript.
PREFIX_PATTERN: Final = r"[A-Z0-9]{0,2}[A-Z]"
NUMBER_DIGITS: Final = 3
MAX_NUMBER_DIGITS: Final = 9
NUMBER_PATTERN: Final = rf"({PREFIX_PATTERN})([0-9]{{{NUMBER_DIGITS},{MAX_NUMBER_DIGITS}}})"
_NUMBER = re.compile(NUMBER_PATTERN)


def format_number(prefix: str, seq: int) -> str:
    """The printed and announced number of the `seq`-th ticket of a service today."""
    return f"{prefix}{seq:0{NUMBER_DIGITS}d}"


@dataclass(frozen=True)
class Number:
    prefix: str
    digits: str  # as printed, leading zeros kept ("007")

    @property
    def seq(self) -> int:
        return int(self.digits)

    def __str__(self) -> str:
        return self.prefix + self.digits


def parse_number(text: str) -> Number | None:
    """A typed or scanned number, tolerant of case and spaces ("a 1000" is A1000); None if it is not one."""
    if len(text or "") > 64:  # no number is this long, however it is spaced
        return None
    cleaned = re.sub(r"[\s-]+", "", text or "").upper()
    match = _NUMBER.fullmatch(cleaned)
    return Number(match.group(1), match.group(2)) if match else None


def vocabulary_json() -> dict[str, object]:
    """What the pages need to know of the vocabulary (they never keep their own copy)."""
    return {
        "statuses": list(STATUSES),
        "active": list(ACTIVE),
        "finished": list(FINISHED),
        "priorities": list(PRIORITIES),
        "number_pattern": NUMBER_PATTERN,
    }


# What a wait estimate is: a figure, no figure because no counter of the service is open now
# (so none is promised), or no figure because nothing is known of its service time yet.
WAIT_ESTIMATED: Final = "estimated"
WAIT_NO_COUNTER: Final = "no_counter_open"
WAIT_UNKNOWN: Final = "unknown"


@dataclass(frozen=True)
class WaitEstimate:
    """A ticket's (or a service's next ticket's) wait, as every screen and the paper say it."""

    status: str  # WAIT_ESTIMATED, WAIT_NO_COUNTER or WAIT_UNKNOWN
    seconds: int | None = None
    # The figure shown: 0 reads "less than a minute", else whole minutes. Rounded here once,
    # so the kiosk screen, the paper and the phone page cannot round it differently.
    minutes: int | None = None

    @classmethod
    def of_seconds(cls, seconds: int) -> WaitEstimate:
        """A figure: the one rounding of seconds into the minutes people are told."""
        return cls(WAIT_ESTIMATED, seconds, 0 if seconds < 60 else round(seconds / 60))
