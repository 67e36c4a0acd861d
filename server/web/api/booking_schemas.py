"""Request and response shapes of the booking routes (server/web/api/bookings.py), declared once.

Kept apart from `schemas` so that the booking routes, which a site may publish to the
internet alone, are read and reviewed alone too."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from server.core.vocabulary import BookingStatus
from server.web.api.schemas import Body, Out, Ticket

SlotReason = Literal["past", "full", "day_full", "beyond_horizon", "closed_day", "holiday", "closed_today"]


class BookingCreate(Body):
    slot_id: str = Field(min_length=1, max_length=100)
    phone: str | None = Field(default=None, max_length=32, description="Only where the site asks for it "
                              "(site.booking.ask_phone); Indonesian, e.g. 0812 3456 7890 or +62 812 3456 7890.")
    nik_last4: str | None = Field(default=None, max_length=8, description="The last four digits of the NIK, "
                                  "only where the site asks for them (site.booking.ask_nik).")
    lang: Literal["id", "en"] = "id"
    kiosk_id: str | None = Field(default=None, max_length=64, description="A hall kiosk booking for a visitor: "
                                 "from the hall's own network it is not limited per address.")


class BookingReschedule(Body):
    slot_id: str = Field(min_length=1, max_length=100)


class BookingCheckIn(Body):
    kiosk_id: str | None = Field(default=None, max_length=64, description="The kiosk checking in: the ticket "
                                 "prints on its printer, as a ticket it issues.")


class Slot(Out):
    id: str = Field(description="service@YYYY-MM-DDTHHMM, e.g. ktp-el-perekaman@2026-12-03T0900.")
    service_id: str
    day: str
    start: str
    end: str
    capacity: int
    booked: int
    available: bool
    reason: SlotReason | None = Field(default=None, description="Why it cannot be booked; null when it can.")


class SlotList(Out):
    slots: list[Slot]


class BookingSlot(Out):
    id: str
    day: str
    start: str
    end: str


class Booking(Out):
    code: str = Field(description="Six characters of ACDEFGHJKLMNPQRTUVWXY34679 (no look-alikes).")
    service_id: str
    slot: BookingSlot
    status: BookingStatus
    ticket_id: str | None
    qr_url: str = Field(description="The site's address + /booking/{code}: what the booking's QR code carries.")
    service_name: str | None = None
    service_name_en: str | None = None
    agency_id: str | None = None
    check_in_from: str | None = Field(default=None, description="When check-in opens (the window's start).")
    check_in_until: str | None = Field(default=None, description="When check-in closes; not checked in by then, "
                                       "the booking expires.")
    lang: str | None = None
    phone_given: bool = False
    nik_given: bool = False


class CheckInAnswer(Out):
    booking: Booking
    ticket: Ticket


class BookingCount(Out):
    service_id: str
    name: str | None = Field(default=None, description="The service's name (its id once removed from the site).")
    name_en: str | None = None
    booked: int = Field(description="Bookings for a day of the period, in any state.")
    checked_in: int
    cancelled: int
    expired: int
    open: int = Field(description="Still booked, not yet checked in nor expired.")


class BookingReport(Out):
    from_: str = Field(alias="from")
    to: str
    services: list[BookingCount]
    total: BookingCount
