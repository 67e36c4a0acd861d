"""The configuration of booking ahead: a service's `booking:` block and the site's `site.booking`.

A service takes bookings when it has a `booking:` block (docs/booking.md). Its slots are cut
from its hours (`slot_minutes` long, `capacity` visitors each); with a daily `quota`, at
most `quota_share` of it can be booked and the rest stays for walk-ins. The site's block says
how a checked-in booking joins the line and what is asked of, and allowed to, one requester.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field


def _off(value: Any) -> Any:
    # YAML 1.1 reads an unquoted `off` as false: take it as the word it was.
    return "off" if value is False else value


Ask = Annotated[Literal["off", "optional", "required"], BeforeValidator(_off)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ServiceBooking(_Strict):
    """`agencies[].services[].booking`."""

    slot_minutes: int = Field(default=30, ge=5, le=480)
    capacity: int = Field(default=4, ge=1, le=1000)
    # With a quota: the share of it that bookings may take (rounded down); walk-ins keep the rest.
    quota_share: float = Field(default=0.5, gt=0, le=1)
    horizon_days: int = Field(default=14, ge=0, le=365)  # 0: today only
    check_in_early_minutes: int = Field(default=30, ge=0, le=240)
    check_in_late_minutes: int = Field(default=15, ge=0, le=240)


class BookingSettings(_Strict):
    """`site.booking`: the same for every service that takes bookings."""

    # check_in: a checked-in booking's place is its check-in time; slot: its slot's start when
    # checked in early (the check-in time when later), so an early arrival does not jump the line.
    placement: Literal["check_in", "slot"] = "slot"
    ask_phone: Ask = "off"
    ask_nik: Ask = "off"  # the last four digits of the NIK, to deter hoarding
    # Bookings (not cancelled) for one day with the same phone; bookings made from one client
    # address in a day (mobile networks put many phones behind one address: keep it generous).
    per_phone_per_day: int | None = Field(default=2, ge=1, le=1000)
    per_address_per_day: int | None = Field(default=20, ge=1, le=100000)
    # The phone, the NIK digits and the address are erased this many days after the booked day.
    keep_contact_days: int = Field(default=30, ge=1, le=3650)
