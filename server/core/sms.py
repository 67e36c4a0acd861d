""""Your turn is near" by SMS, through gammu-smsd's files backend (docs/sms.md).

Where the hall has a GSM modem, gammu-smsd (Debian's package) sends SMS without internet.
Antrean never talks to the modem: it writes each message into gammu-smsd's outbox folder, in
the format gammu-smsd reads there (gammu-smsd-files(7)), and learns what became of it from
where gammu-smsd moves the file afterwards: `sent` or `error`. The files backend rather than
gammu-smsd's SQL schema: it needs no database server beside the hall's SQLite, and a file
renamed into the outbox is there whole or not at all.

- File name: `OUT<priority><YYYYMMDD>_<HHMMSS>_<serial>_<number>_<anything>.txt`. gammu-smsd
  takes the number from between the third and fourth `_`, sends the outbox in name order (so
  the priority letter first), and skips names that start with a dot: a message is written as
  `.<name>` first and renamed, so gammu-smsd never reads half a file.
- Content: UTF-16 big-endian after the byte order mark FE FF, as gammu-smsd-inject writes with
  `OutboxFormat = unicode`; without a mark gammu-smsd would decode by its locale, which an init
  script does not set. (`TransmitFormat = auto` then sends 7-bit when the text allows.)

Never twice for one ticket and step: the row (UNIQUE ticket_id, step) and its file name are
committed before the file is written, and a file already in one of the three folders counts as
written. Everything that touches the folders runs off the event loop (server/web/sms_worker.py).
No modem or no gammu-smsd: the messages wait in the outbox, nothing else changes, and
`status()` tells the admin why none go out.

Why this file is long: the rule of who gets a message, its text, the file format and the
reading back are one chain; split, each part would have to know the others' names.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from server.core import near, places, tickets
from server.core.config import SmsSettings
from server.core.errors import RuleError, conflict
from server.core.site import SiteIndex
from server.core.store import Transaction
from server.core.vocabulary import ACTIVE

PENDING, WRITTEN, SENT, ERROR, SKIPPED = "pending", "written", "sent", "error", "skipped"
BOM = b"\xfe\xff"
MAX_TEXT = 160  # one SMS in the GSM alphabet: the message is worded to fit
# An Indonesian mobile number: 08 then 8 to 11 digits (0812 3456 7890), or the same as +62 8...
_MOBILE = re.compile(r"8\d{7,11}")
_SEPARATORS = re.compile(r"[\s.\-()]")


def _bad_phone(message: str) -> RuleError:
    return RuleError("invalid_request", f"phone: {message}", "phone")


def normalize_phone(text: Any) -> str:
    """An Indonesian mobile number as +628...; spaces, dots, dashes and brackets are ignored.

    Accepts 08..., +628..., 628... and 00628...; a landline (021...) cannot take an SMS."""
    if not isinstance(text, str) or not text.strip():
        raise _bad_phone("expected a mobile number such as 0812 3456 7890 or +62 812 3456 7890.")
    digits = _SEPARATORS.sub("", text.strip())
    if digits.startswith("+"):
        digits = digits[1:]
    elif digits.startswith("00"):
        digits = digits[2:]
    if not digits.isdigit():
        raise _bad_phone(f"{text!r} has characters other than digits; expected e.g. 0812 3456 7890.")
    if digits.startswith("62"):
        national = digits[2:]
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        raise _bad_phone(f"{text!r} is not an Indonesian number: write it as 08... or +62 8....")
    if not national.startswith("8"):
        raise _bad_phone(f"{text!r} is not a mobile number (an SMS needs one starting 08 or +62 8).")
    if not _MOBILE.fullmatch(national):
        raise _bad_phone(f"{text!r} has {len(national) + 1} digits after the 0; a mobile number has 10 to 13 "
                         "in all, e.g. 0812 3456 7890.")
    return "+62" + national


def masked(phone: str) -> str:
    """+6281234567890 -> +62812*****890: enough for the visitor to recognise it, no more."""
    return phone[:6] + "*" * max(len(phone) - 9, 0) + phone[-3:]


# --- the visitor's number --------------------------------------------------------------------


def set_contact(tx: Transaction, site: SiteIndex, now: float, ticket_id: str, phone: str | None,
                source: str = "phone_page") -> str | None:
    """Keep (or with None, forget) the number that gets this ticket's "near" SMS; the number as
    kept (+62...). For any caller that has the number already checked its right to set it: the
    phone page (with the ticket's secret) and a booking's check-in (its booking's number)."""
    row = tickets.get_row(tx, ticket_id)
    if phone is None:
        tx.execute("DELETE FROM ticket_contacts WHERE ticket_id = ?", (ticket_id,))
        return None
    number = normalize_phone(phone)
    if row["status"] not in ACTIVE:
        raise conflict("not_waiting", f"Ticket {row['number']} is {row['status']}: no SMS will be sent for it.")
    tx.execute(
        "INSERT INTO ticket_contacts (ticket_id, phone, service_day, set_at, source) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (ticket_id) DO UPDATE SET phone = excluded.phone, set_at = excluded.set_at, "
        "source = excluded.source",
        (ticket_id, number, row["service_day"], now, source),
    )
    return number


def visitor_sets_contact(tx: Transaction, site: SiteIndex, now: float, ticket_id: str, phone: str | None,
                         key: str | None) -> dict[str, Any]:
    """The phone page's "Kirim SMS saat giliran saya dekat": only the visitor holding the ticket
    (its secret), only where the site sends SMS."""
    row = tickets.get_row(tx, ticket_id)
    if not tickets.holds_secret(row, key):
        raise RuleError("sms_forbidden", "key: only the visitor holding the ticket (the link in its QR code) can "
                        "ask for an SMS.", "key")
    if not site.config.sms.enabled:
        raise conflict("sms_off", "This hall sends no SMS (sms.enabled is off).")
    number = set_contact(tx, site, now, ticket_id, phone)
    return {"ticket_id": ticket_id, "phone": masked(number) if number else None, "sms": number is not None}


# --- which messages are due ------------------------------------------------------------------


def message_text(site: SiteIndex, row: dict[str, Any], ahead: int, minutes: int | None, lang: str) -> str:
    """The SMS, in the ticket's language, within one message: number, how near, where to go."""
    where = places.ticket_place(site, row)
    place = (where["place_en"] if lang == "en" else where["place"]) or ""
    place = place.replace(places.RANGE_DASH, "-")  # the GSM alphabet has no en dash: 7-bit, 160 characters
    name = site.config.site.name
    if lang == "en":
        wait = f", about {minutes} min" if minutes else ""
        text = f"{name}: your number {row['number']} is near ({ahead} ahead{wait}). Please go to {place}."
    else:
        wait = f", sekitar {minutes} menit" if minutes else ""
        text = f"{name}: nomor {row['number']} hampir dipanggil ({ahead} orang lagi{wait}). Silakan ke {place}."
    if len(text) > MAX_TEXT:  # a long site name goes first: the number and the place matter
        text = text[len(name) + 2:]
    return text[:MAX_TEXT]


def file_name(settings: SmsSettings, at: datetime, serial: int, phone: str, ticket_id: str, step: int) -> str:
    """`OUT<priority><date>_<time>_<serial>_<number>_<anything>.txt` (gammu-smsd-files(7));
    <anything> names the ticket and step, with no `_` (gammu-smsd splits the name at them)."""
    return (f"OUT{settings.priority}{at:%Y%m%d}_{at:%H%M%S}_{serial % 100:02d}_{phone}_"
            f"antrean-{ticket_id}-{step}.txt")


def queue_due(tx: Transaction, site: SiteIndex, now: float) -> list[dict[str, Any]]:
    """Record a message for every ticket with a number whose turn is near and that has none for
    its current step; drop those still unwritten whose ticket no longer waits. Returns every
    message still to write (id, file_name, text)."""
    settings = site.config.sms
    if not settings.enabled:
        return []
    today = site.service_day(now)
    tx.execute(
        f"UPDATE sms_messages SET status = '{SKIPPED}', detail = 'the ticket no longer waits' "
        f"WHERE status = '{PENDING}' AND (SELECT status FROM tickets WHERE id = sms_messages.ticket_id) <> 'waiting'"
    )
    candidates = tx.all(
        "SELECT t.*, c.phone FROM ticket_contacts c JOIN tickets t ON t.id = c.ticket_id "
        "WHERE c.service_day = ? AND t.status = 'waiting'",
        (today,),
    )
    for row in candidates:
        step = near.current_step(tx, row)
        if tx.scalar("SELECT 1 FROM sms_messages WHERE ticket_id = ? AND step = ?", (row["id"], step)):
            continue
        ahead = tickets.ahead_of(tx, site, row)
        estimate = tickets.wait_estimate(tx, site, row["service_id"], ahead, row["service_day"])
        decided = near.decide(row["status"], ahead, estimate, site.config.site.near_alert, step)
        if not decided.near:
            continue
        text = message_text(site, row, ahead, estimate.minutes, row["lang"])
        serial = int(tx.scalar("SELECT coalesce(max(id), 0) + 1 FROM sms_messages"))
        name = file_name(settings, site.local(now), serial, row["phone"], row["id"], step)
        tx.execute(
            "INSERT INTO sms_messages (ticket_id, step, file_name, text, status, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (row["id"], step, name, text, PENDING, now),
        )
    return tx.all(f"SELECT id, file_name, text FROM sms_messages WHERE status = '{PENDING}' ORDER BY id")


# --- the folders (run these in an OS thread) -------------------------------------------------


@dataclass(frozen=True)
class Written:
    message_id: int
    ok: bool
    detail: str | None = None


def encode(text: str) -> bytes:
    """The file's bytes: FE FF, then UTF-16 big-endian (what gammu-smsd-inject writes as "unicode")."""
    return BOM + text.encode("utf-16-be")


def folders(settings: SmsSettings) -> tuple[Path, Path, Path]:
    return Path(settings.outbox), Path(settings.sent), Path(settings.error)


def write_messages(settings: SmsSettings, pending: Sequence[dict[str, Any]]) -> list[Written]:
    """Put each message into the outbox whole: written as a dot file (gammu-smsd skips those),
    synced, renamed. A file already in the outbox, sent or error folder was written before a
    crash: it counts, and is not written again."""
    outbox, sent, error = folders(settings)
    results = []
    for message in pending:
        name = message["file_name"]
        if any((folder / name).exists() for folder in (outbox, sent, error)):
            results.append(Written(message["id"], True))
            continue
        temporary = outbox / f".{name}.{os.getpid()}"
        try:
            with open(temporary, "wb") as out:
                out.write(encode(message["text"]))
                out.flush()
                os.fsync(out.fileno())
            # A link, not a rename: it fails where the name exists, so a second server process
            # writing the same message at the same moment cannot put it there twice.
            os.link(temporary, outbox / name)
        except FileExistsError:
            pass
        except OSError as exc:
            results.append(Written(message["id"], False, f"cannot write to the outbox {outbox}: {exc.strerror}"))
            continue
        finally:
            temporary.unlink(missing_ok=True)
        results.append(Written(message["id"], True))
    return results


def read_reports(settings: SmsSettings, written: Sequence[dict[str, Any]]) -> list[tuple[int, str]]:
    """Which written messages gammu-smsd has moved: (id, SENT or ERROR) for each."""
    _, sent, error = folders(settings)
    reports = []
    for message in written:
        if (sent / message["file_name"]).exists():
            reports.append((message["id"], SENT))
        elif (error / message["file_name"]).exists():
            reports.append((message["id"], ERROR))
    return reports


def folder_problem(settings: SmsSettings) -> str | None:
    """Why Antrean cannot hand messages to gammu-smsd, in words, or None."""
    for label, folder in zip(("outbox", "sent", "error"), folders(settings), strict=True):
        if not folder.is_dir():
            return (f"sms.{label}: the folder {folder} does not exist (is gammu-smsd installed and set up "
                    "with the files backend?)")
    outbox = folders(settings)[0]
    if not os.access(outbox, os.W_OK | os.X_OK):
        return f"sms.outbox: this server may not write into {outbox} (add its account to the gammu group)"
    return None


# --- what the transactions record ------------------------------------------------------------


def mark_written(tx: Transaction, now: float, results: Sequence[Written]) -> None:
    for result in results:
        if result.ok:
            tx.execute(f"UPDATE sms_messages SET status = '{WRITTEN}', written_at = ?, detail = NULL "
                       f"WHERE id = ? AND status = '{PENDING}'", (now, result.message_id))
        else:
            tx.execute("UPDATE sms_messages SET detail = ? WHERE id = ?", (result.detail, result.message_id))


def written_messages(tx: Transaction) -> list[dict[str, Any]]:
    return tx.all(f"SELECT id, file_name FROM sms_messages WHERE status = '{WRITTEN}' ORDER BY id")


def mark_reported(tx: Transaction, now: float, reports: Sequence[tuple[int, str]]) -> None:
    for message_id, status in reports:
        detail = "gammu-smsd could not send it (see its log)" if status == ERROR else None
        tx.execute(f"UPDATE sms_messages SET status = ?, reported_at = ?, detail = ? WHERE id = ? "
                   f"AND status = '{WRITTEN}'", (status, now, detail, message_id))


def status(tx: Transaction, site: SiteIndex, now: float, problem: str | None, gammu_found: bool) -> dict[str, Any]:
    """What the admin sees: whether SMS go out and, when not, why; today's counts; the latest."""
    settings = site.config.sms
    counts = {
        r["status"]: r["n"] for r in tx.all(
            "SELECT m.status, count(*) AS n FROM sms_messages m JOIN tickets t ON t.id = m.ticket_id "
            "WHERE t.service_day = ? GROUP BY m.status", (site.service_day(now),))
    }
    stalled = tx.scalar(f"SELECT count(*) FROM sms_messages WHERE status = '{WRITTEN}' AND written_at < ?",
                        (now - settings.stalled_minutes * 60,))
    if not settings.enabled:
        state, why = "off", "SMS are off (sms.enabled in config.yaml)."
    elif problem:
        state, why = "no_outbox", problem
    elif stalled:
        state, why = "stalled", (f"{stalled} messages have waited in the outbox over {settings.stalled_minutes} "
                                 "minutes: gammu-smsd is not taking them (not running, no modem, or no signal). "
                                 "They go out once it does.")
    else:
        state, why = "ok", None
    # The number masked (null once the night care erased it): enough to answer "did mine go?".
    recent = tx.all(
        "SELECT m.ticket_id, t.number, m.step, m.status, m.detail, m.created_at, m.written_at, m.reported_at, "
        "c.phone FROM sms_messages m JOIN tickets t ON t.id = m.ticket_id "
        "LEFT JOIN ticket_contacts c ON c.ticket_id = m.ticket_id ORDER BY m.id DESC LIMIT 20")
    return {
        "enabled": settings.enabled,
        "state": state,
        "detail": why,
        "gammu_installed": gammu_found,
        "outbox": settings.outbox,
        "today": {key: counts.get(key, 0) for key in (PENDING, WRITTEN, SENT, ERROR, SKIPPED)},
        "recent": [{**r, "phone": masked(r["phone"]) if r["phone"] else None,
                    "created_at": site.iso(r["created_at"]), "written_at": site.iso(r["written_at"]),
                    "reported_at": site.iso(r["reported_at"])} for r in recent],
    }
