"""Bookings ahead: book a slot, look it up, cancel, reschedule, check in, expire.

Plain functions over an open write transaction (`Store.write()`, `BEGIN IMMEDIATE`), like the
ticket rules: a slot's count is read and the booking written in the same transaction, so
two requests for the last place cannot both get it, whatever the number of servers.

A booking is a reservation, not a place in line. Its check-in, in the window around its slot
(server/core/slots.py), makes a normal ticket through `tickets.issue_ticket`, which joins
the line at the check-in time, or (`site.booking.placement: slot`) at the slot's start when
checked in early. A walk-in who took a ticket before the check-in is never behind it: its
`queue_at` is at most its issue time, the check-in's at least its own. Check-in is
idempotent: a second one answers the same ticket.

No personal data is needed to book; a site may ask for a phone number or the last four
digits of the NIK (`site.booking.ask_phone`, `ask_nik`), kept `keep_contact_days` after the
booked day (server/core/retention.py erases them), like the requester's address.
"""

from __future__ import annotations

import ipaddress
import re
import secrets
from datetime import date
from typing import Any

from server.core import slots, sms, tickets
from server.core.config_booking import BookingSettings
from server.core.errors import RuleError, conflict, not_found
from server.core.events import (
    BookingCancelled,
    BookingCheckedIn,
    BookingExpired,
    BookingMade,
    BookingRescheduled,
)
from server.core.site import SiteIndex
from server.core.store import Transaction
from server.core.vocabulary import BOOKING_STATUSES

ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"  # no 0/O, 1/I/L, 2/Z, 5/S, 8/B: read off a phone and typed
CODE_LENGTH = 6
BOOKED, CHECKED_IN, CANCELLED, EXPIRED = BOOKING_STATUSES
_PHONE = re.compile(r"0[1-9][0-9]{7,12}")
_NIK_LAST4 = re.compile(r"[0-9]{4}")


def clean_code(raw: str) -> str:
    """A code as typed: any case, spaces and dashes ignored."""
    return re.sub(r"[\s-]", "", raw or "").upper()


def _new_code(tx: Transaction) -> str:
    """A code no booking has: 26^6 (309 million) codes, so a collision is rare and simply drawn again."""
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        if tx.scalar("SELECT 1 FROM bookings WHERE code = ?", (code,)) is None:
            return code


def clean_phone(raw: str) -> str:
    """An Indonesian number as `08...`: spaces, dashes, dots and brackets dropped, +62/62 read as 0."""
    digits = re.sub(r"[\s().-]", "", raw)
    if digits.startswith("+62"):
        digits = "0" + digits[3:]
    elif digits.startswith("62"):
        digits = "0" + digits[2:]
    if not _PHONE.fullmatch(digits):
        raise RuleError("invalid_request", "phone: expected an Indonesian phone number such as 0812 3456 7890 "
                        "or +62 812 3456 7890.", "phone")
    return digits


def _asked(rule: str, value: str | None, field: str, what: str) -> str | None:
    """`value` as the site's rule for it allows: refused when required and missing, or given when off."""
    value = value.strip() if isinstance(value, str) else None
    if not value:
        if rule == "required":
            raise RuleError("invalid_request", f"{field}: this site asks for {what} to book.", field)
        return None
    if rule == "off":
        raise RuleError("invalid_request", f"{field}: this site does not ask for {what}; leave it out.", field)
    return value


def _contacts(settings: BookingSettings, phone: str | None, nik_last4: str | None) -> tuple[str | None, str | None]:
    phone = _asked(settings.ask_phone, phone, "phone", "a phone number")
    nik = _asked(settings.ask_nik, nik_last4, "nik_last4", "the last four digits of the NIK")
    if nik is not None and not _NIK_LAST4.fullmatch(nik):
        raise RuleError("invalid_request", "nik_last4: expected the last four digits of the NIK, e.g. 0421.",
                        "nik_last4")
    return (clean_phone(phone) if phone else None), nik


def limit_key(address: str | None, kiosk_id: str | None, site: SiteIndex) -> str | None:
    """What the per-address limit counts a booking under: the requester's address; a registered
    kiosk asking from the hall's own network counts as itself, unlimited per day (a kiosk books
    for a whole day's visitors). From a public address, a kiosk's id counts for nothing."""
    if kiosk_id is not None and kiosk_id in site.kiosks and address:
        try:
            if not ipaddress.ip_address(address).is_global:
                return f"kiosk:{kiosk_id}"
        except ValueError:
            pass
    return address


def _check_limits(tx: Transaction, site: SiteIndex, settings: BookingSettings, day: str, phone: str | None,
                  address: str | None, made_day: str, ignoring: str | None = None) -> None:
    if phone is not None and settings.per_phone_per_day is not None:
        held = tx.scalar("SELECT count(*) FROM bookings WHERE phone = ? AND day = ? AND status <> 'cancelled' "
                         "AND code IS NOT ?", (phone, day, ignoring))
        if held >= settings.per_phone_per_day:
            raise conflict("booking_limit", f"This phone number already holds {held} booking(s) for {day}, the "
                           "most one number may; cancel one to book another.")
    if address is not None and not address.startswith("kiosk:") and settings.per_address_per_day is not None \
            and ignoring is None:
        made = tx.scalar("SELECT count(*) FROM bookings WHERE address = ? AND made_day = ?", (address, made_day))
        if made >= settings.per_address_per_day:
            raise conflict("booking_limit", f"{made} bookings were made from this network address today, the most "
                           "one address may; try again tomorrow, or book at the hall's kiosk.")


def _refuse_slot(site: SiteIndex, slot: slots.Slot, reason: str) -> RuleError:
    name = site.services[slot.service_id].name
    when = f"{slot.day.isoformat()} {slot.clock:%H:%M}"
    if reason == slots.FULL:
        return conflict("slot_full", f"The {when} slot of {name} is full; choose another slot.")
    words = {
        slots.PAST: "has already begun",
        slots.DAY_FULL: "is on a day whose bookable places are all taken (the rest are for walk-ins)",
        slots.BEYOND_HORIZON: "is further ahead than bookings are taken",
        "holiday": "falls on a holiday", "closed_day": "falls on a day the hall is closed",
        "closed_today": "is on a day the service was closed by its supervisor",
    }
    return conflict("slot_unavailable", f"The {when} slot of {name} {words.get(reason, reason)}; choose another slot.")


def get_row(tx: Transaction, code: str) -> dict[str, Any]:
    row = tx.one("SELECT * FROM bookings WHERE code = ?", (clean_code(code),))
    if row is None:
        raise not_found("booking_not_found", f"There is no booking with code {code!r}; check the code on the "
                        "booking slip or the booking page.")
    return row


def slot_of(site: SiteIndex, row: dict[str, Any]) -> dict[str, Any]:
    """The booking's slot as booked (a later change of the slots does not move it)."""
    clock = site.local(row["slot_start"]).time()
    return {"id": slots.slot_id(row["service_id"], date.fromisoformat(row["day"]), clock), "day": row["day"],
            "start": site.iso(row["slot_start"]), "end": site.iso(row["slot_end"])}


def earlier_booking(tx: Transaction, made_day: str, key: str, digest: str) -> dict[str, Any] | None:
    """The booking a request with this Idempotency-Key made today (a phone retrying after its
    answer was lost), or None; the same key with another request is refused."""
    row = tx.one("SELECT * FROM bookings WHERE made_day = ? AND request_key = ?", (made_day, key))
    if row is not None and row["request_digest"] != digest:
        raise RuleError("idempotency_key_reused", "This Idempotency-Key was already used today for a different "
                        "booking; send a new key for a new booking.", "Idempotency-Key")
    return row


def book(tx: Transaction, site: SiteIndex, now: float, slot_id: str, *, phone: str | None = None,
         nik_last4: str | None = None, lang: str = "id", address: str | None = None,
         kiosk_id: str | None = None, request: tuple[str, str] | None = None) -> dict[str, Any]:
    """Take a place in a slot: refused when it is not bookable, full, or the requester's limits are
    reached. `request`: the Idempotency-Key and the digest of the request; a repeat answers the
    booking the first one made, as it is now, and takes no second place."""
    if request is not None:
        earlier = earlier_booking(tx, site.service_day(now), *request)
        if earlier is not None:
            return earlier
    slot = slots.parse(site, slot_id)
    settings = site.config.site.booking
    phone, nik = _contacts(settings, phone, nik_last4)
    reason, _ = slots.unavailable_reason(tx, site, slot, now)
    if reason is not None:
        raise _refuse_slot(site, slot, reason)
    made_day = site.service_day(now)
    key = limit_key(address, kiosk_id, site)
    _check_limits(tx, site, settings, slot.day.isoformat(), phone, key, made_day)
    booking = site.services[slot.service_id].booking
    assert booking is not None
    opens, closes = slot.window(booking)
    code = _new_code(tx)
    tx.execute(
        "INSERT INTO bookings (code, service_id, day, slot_start, slot_end, check_in_from, check_in_until, status, "
        "lang, phone, nik_last4, address, made_day, created_at, updated_at, request_key, request_digest) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (code, slot.service_id, slot.day.isoformat(), slot.start, slot.end, opens, closes, BOOKED, lang, phone, nik,
         key, made_day, now, now, *(request or (None, None))),
    )
    tx.raise_event(BookingMade(at=now, actor=None, address=address, code=code, service_id=slot.service_id,
                               slot_id=slot.id))
    return get_row(tx, code)


def _refuse_state(row: dict[str, Any], doing: str) -> None:
    """A booking that is no longer `booked` cannot be `doing` (cancelled, moved)."""
    status = row["status"]
    if status == CANCELLED:
        raise conflict("booking_cancelled", f"Booking {row['code']} was cancelled; it cannot be {doing}. "
                       "Make a new booking.")
    if status == CHECKED_IN:
        raise conflict("booking_checked_in", f"Booking {row['code']} is already checked in (its ticket is in "
                       f"line); it cannot be {doing}.")
    if status == EXPIRED:
        raise conflict("booking_expired", f"Booking {row['code']} expired: it was not checked in by the end of "
                       f"its window; it cannot be {doing}. Make a new booking.")


def cancel(tx: Transaction, site: SiteIndex, now: float, code: str, address: str | None = None) -> dict[str, Any]:
    """Give the place back. Cancelling a cancelled booking again answers it unchanged (a retry)."""
    row = get_row(tx, code)
    if row["status"] == CANCELLED:
        return row
    _refuse_state(row, "cancelled")
    tx.execute("UPDATE bookings SET status = ?, updated_at = ? WHERE code = ?", (CANCELLED, now, row["code"]))
    tx.raise_event(BookingCancelled(at=now, actor=None, address=address, code=row["code"],
                                    service_id=row["service_id"], slot_id=slot_of(site, row)["id"]))
    return get_row(tx, row["code"])


def reschedule(tx: Transaction, site: SiteIndex, now: float, code: str, new_slot_id: str,
               address: str | None = None) -> dict[str, Any]:
    """Move a booking to another slot of its service: same code, the new slot's capacity and the
    phone's limit checked again. Moving it to the slot it has already answers it unchanged."""
    row = get_row(tx, code)
    slot = slots.parse(site, new_slot_id)
    if slot.service_id != row["service_id"]:
        raise RuleError("invalid_request", f"slot_id: booking {row['code']} is for {row['service_id']}; choose one "
                        "of its slots, or cancel it and book the other service.", "slot_id")
    old_slot = slot_of(site, row)["id"]
    if row["status"] == BOOKED and old_slot == slot.id:
        return row
    _refuse_state(row, "rescheduled")
    reason, _ = slots.unavailable_reason(tx, site, slot, now, ignoring=row["code"])
    if reason is not None:
        raise _refuse_slot(site, slot, reason)
    settings = site.config.site.booking
    _check_limits(tx, site, settings, slot.day.isoformat(), row["phone"], row["address"], row["made_day"],
                  ignoring=row["code"])
    booking = site.services[slot.service_id].booking
    assert booking is not None
    opens, closes = slot.window(booking)
    tx.execute("UPDATE bookings SET day = ?, slot_start = ?, slot_end = ?, check_in_from = ?, check_in_until = ?, "
               "updated_at = ? WHERE code = ?",
               (slot.day.isoformat(), slot.start, slot.end, opens, closes, now, row["code"]))
    tx.raise_event(BookingRescheduled(at=now, actor=None, address=address, code=row["code"],
                                      service_id=slot.service_id, slot_id=slot.id, from_slot_id=old_slot))
    return get_row(tx, row["code"])


def check_in(tx: Transaction, site: SiteIndex, now: float, code: str, *, kiosk_id: str | None = None,
             device: str | None = None, origin: str | None = None) -> tuple[dict[str, Any], dict[str, Any], bool]:
    """The visitor is here: the booking's ticket, and whether this call made it (False: an
    earlier check-in did, and the same ticket is answered)."""
    row = get_row(tx, code)
    if row["status"] == CHECKED_IN:
        return row, tickets.get_row(tx, row["ticket_id"]), False
    slot_time = site.local(row["slot_start"]).strftime("%H:%M")
    window = f"{site.local(row['check_in_from']):%H:%M}–{site.local(row['check_in_until']):%H:%M}"
    if row["status"] == EXPIRED:
        raise conflict("booking_expired", f"Booking {row['code']} expired: check-in for its {row['day']} "
                       f"{slot_time} slot was open {window}. Take a ticket, or book another slot.")
    _refuse_state(row, "checked in")
    if now < row["check_in_from"]:
        raise conflict("too_early", f"Too early: check-in for your {row['day']} {slot_time} slot opens at "
                       f"{site.local(row['check_in_from']):%H:%M} (window {window}). Please come back then.")
    if now > row["check_in_until"]:
        raise conflict("too_late", f"Too late: check-in for your {slot_time} slot closed at "
                       f"{site.local(row['check_in_until']):%H:%M} (window {window}). Take a ticket, or book "
                       "another slot.")
    queue_at = now
    if site.config.site.booking.placement == "slot":
        queue_at = max(now, row["slot_start"])  # never before a walk-in who took a ticket before now
    ticket = tickets.issue_ticket(tx, site, now, row["service_id"], kiosk_id=kiosk_id, lang=row["lang"],
                                  device=device or kiosk_id, origin=origin, booking_code=row["code"],
                                  queue_at=queue_at)
    tx.execute("UPDATE bookings SET status = ?, ticket_id = ?, checked_in_at = ?, updated_at = ? WHERE code = ?",
               (CHECKED_IN, ticket["id"], now, now, row["code"]))
    if row["phone"] and site.config.sms.enabled:
        _sms_when_near(tx, site, now, ticket["id"], row["phone"])
    tx.raise_event(BookingCheckedIn(at=now, actor=None, address=device, code=row["code"],
                                    service_id=row["service_id"], slot_id=slot_of(site, row)["id"],
                                    ticket_id=ticket["id"]))
    return get_row(tx, row["code"]), ticket, True


def _sms_when_near(tx: Transaction, site: SiteIndex, now: float, ticket_id: str, phone: str) -> None:
    """The booking's phone number gets its ticket's "your turn is near" SMS (server/core/sms.py);
    a number the SMS rules refuse (a landline a booking accepted) just gets none."""
    try:
        sms.set_contact(tx, site, now, ticket_id, phone, source="booking")
    except RuleError:
        pass


def expire_overdue(tx: Transaction, site: SiteIndex, now: float) -> int:
    """Bookings not checked in by the end of their window become `expired` (the housekeeping's round)."""
    due = tx.all("SELECT * FROM bookings WHERE status = 'booked' AND check_in_until < ?", (now,))
    for row in due:
        tx.execute("UPDATE bookings SET status = ?, updated_at = ? WHERE code = ?", (EXPIRED, now, row["code"]))
        tx.raise_event(BookingExpired(at=now, actor=None, code=row["code"], service_id=row["service_id"],
                                      slot_id=slot_of(site, row)["id"]))
    return len(due)
