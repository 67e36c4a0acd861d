"""The print-job rules: which printer a ticket prints on, its job queued in the ticket's own
transaction, retries and their end, and the print state of a ticket.

Every statement on the `print_jobs` table is here. The print service (`printers/jobs.py`)
runs the workers and talks to the printers; it reads due jobs and reports what happened
through a `PrintQueue`, and never writes SQL of its own.

A job is "pending" until it is printed or failed; the API calls pending "queued".

Several server processes on one database (the scale-out mode): each printer is driven by
the one process that holds its lease (`printer_leases`: holder, expiry). The holder renews
it every second or two; once it stops (the process died), another process takes it over
after the expiry. A job is claimed (`claimed_by`) in the same transaction that checks the
lease, so a job is sent by one process only; on a takeover the dead holder's claims are
released and those jobs are sent again by the new holder.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, Protocol

from server.core import tickets
from server.core.errors import RuleError, conflict, not_found
from server.core.events import PrinterStatusChanged, PrinterTested, PrintJobEnded, TicketReprinted
from server.core.migrations import TODAYS_CALLS
from server.core.site import SiteIndex
from server.core.store import Store, Transaction
from server.core.vocabulary import FINISHED

API_STATUS = {"pending": "queued", "printed": "printed", "failed": "failed"}
NOT_REQUESTED: dict[str, Any] = {"status": "not_requested", "printer_id": None, "error": None}


@dataclass(frozen=True)
class PrinterHealth:
    """What the print service knows of a printer at the moment a job is queued for it."""

    running: bool  # the service has a worker for it (it is in the configuration it runs)
    problem: str | None = None  # why it is known to be down (offline, out of paper), else None


class Printing(Protocol):
    """The print service as the rules see it."""

    def health(self, printer_id: str) -> PrinterHealth: ...


# --- the print state of a ticket -------------------------------------------------------------


def job_state(job: dict[str, Any]) -> dict[str, Any]:
    """A print job in the contract's `print` shape."""
    return {"status": API_STATUS.get(job["status"], "queued"), "printer_id": job["printer_id"],
            "error": job["error"]}


def print_state(tx: Transaction, ticket_id: str) -> dict[str, Any]:
    """The ticket's latest print job in the contract's `print` shape (`not_requested` if none)."""
    job = tx.one("SELECT * FROM print_jobs WHERE ticket_id = ? ORDER BY id DESC LIMIT 1", (ticket_id,))
    return job_state(job) if job is not None else dict(NOT_REQUESTED)


# --- queueing, inside the caller's transaction ----------------------------------------------


def kiosk_printer(site: SiteIndex, kiosk_id: str | None) -> str | None:
    """The printer of a kiosk, or None (no kiosk, or a kiosk without a printer)."""
    kiosk = site.kiosks.get(kiosk_id or "")
    return kiosk.printer if kiosk is not None else None


def enqueue(tx: Transaction, now: float, ticket_id: str | None, printer_id: str, lang: str,
            health: PrinterHealth, purpose: str = "ticket") -> int:
    """Add a job in the caller's transaction, so it commits (or rolls back) with the ticket
    (`purpose` "test": a printer's test print, no ticket; "booking:CODE": a booking slip)."""
    if health.running:
        # A printer known to be down: the job's error says why it waits from the start.
        status, error = "pending", health.problem
    else:
        status, error = "failed", f"Printer {printer_id!r} is not in the configuration; reprint on another printer"
    cursor = tx.execute(
        "INSERT INTO print_jobs (ticket_id, printer_id, lang, status, attempts, error, created_at, updated_at,"
        " purpose) VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?)",
        (ticket_id, printer_id, lang, status, error, now, now, purpose),
    )
    return int(cursor.lastrowid or 0)


def print_issued(tx: Transaction, site: SiteIndex, now: float, ticket: dict[str, Any],
                 printing: Printing | None) -> int | None:
    """A ticket issued at a kiosk with a printer gets a print job; the job's id, or None."""
    printer_id = kiosk_printer(site, ticket["kiosk_id"])
    if printing is None or printer_id is None:
        return None
    return enqueue(tx, now, ticket["id"], printer_id, ticket["lang"], printing.health(printer_id))


def reprint(tx: Transaction, site: SiteIndex, now: float, ticket_id: str, printer_id: str | None,
            printing: Printing | None, *, device: str | None = None, actor: str | None = None,
            counter_id: str | None = None) -> int:
    """Print a ticket again: on `printer_id`, or else on the printer of the kiosk that issued it.

    Refused with `no_printer` when neither names one (or printing does not run here), and
    `unknown_printer` for a printer the configuration does not have. The history records it.
    """
    row = tickets.get_row(tx, ticket_id)
    printer_id = printer_id if printer_id is not None else kiosk_printer(site, row["kiosk_id"])
    if printer_id is None:
        raise RuleError("no_printer", "This ticket was not issued at a kiosk with a printer; name a printer_id.")
    if printer_id not in site.printers:
        raise not_found("unknown_printer", f"There is no printer with id {printer_id!r}.")
    if printing is None:
        raise RuleError("no_printer", "Printing is not running on this server.")
    job_id = enqueue(tx, now, ticket_id, printer_id, row["lang"], printing.health(printer_id))
    tx.raise_event(TicketReprinted(ticket_id=ticket_id, at=now, device=device, printer_id=printer_id,
                                   actor=actor, counter_id=counter_id))
    return job_id


def reprint_at_counter(tx: Transaction, site: SiteIndex, now: float, counter_id: str, ticket_id: str,
                       printer_id: str | None, printing: Printing | None, *, actor: str | None = None,
                       device: str | None = None) -> int:
    """An officer reprints a ticket of their counter: one it called today and whose visit is
    not over (the one it holds, or one it sent to another service). On `printer_id`, or the
    printer of the kiosk that printed it; recorded in the ticket's history with the officer."""
    row = tickets.get_row(tx, ticket_id)
    called_here = tx.one(f"SELECT 1 AS yes FROM calls {TODAYS_CALLS} WHERE counter_id = ? AND ticket_id = ? "
                         "AND at >= ? LIMIT 1",
                         (counter_id, ticket_id, site.day_start(now)))
    if called_here is None:
        raise RuleError("forbidden", f"Ticket {row['number']} was not called at this counter today; "
                        "a counter reprints only its own tickets.", "ticket_id")
    if row["status"] in FINISHED:
        raise conflict("not_printable", f"Ticket {row['number']} is {row['status']}: its visit is over, "
                       "so it is not printed again.")
    return reprint(tx, site, now, ticket_id, printer_id, printing, device=device, actor=actor,
                   counter_id=counter_id)


def test_print(tx: Transaction, site: SiteIndex, now: float, printer_id: str, printing: Printing | None, *,
               actor: str | None, address: str | None = None) -> int:
    """Queue a test print (a sample ticket that cannot pass for a queue number) on a printer,
    behind its tickets; the audit log records who asked."""
    if printer_id not in site.printers:
        raise not_found("unknown_printer", f"There is no printer with id {printer_id!r}.")
    if printing is None:
        raise RuleError("no_printer", "Printing is not running on this server.")
    job_id = enqueue(tx, now, None, printer_id, site.config.site.language, printing.health(printer_id),
                     purpose="test")
    tx.raise_event(PrinterTested(at=now, actor=actor, address=address, printer_id=printer_id))
    return job_id


# --- booking slips ------------------------------------------------------------------------------
# A booking slip is no ticket: its job has no ticket_id, and its `purpose` names the booking
# ("booking:K7M3QA"), so the print service knows what to render without another column.

SLIP_PURPOSE = "booking:"


def slip_purpose(code: str) -> str:
    return f"{SLIP_PURPOSE}{code}"


def slip_code(job: dict[str, Any]) -> str | None:
    """The booking code a job prints the slip of, or None (a ticket or a test print)."""
    purpose = str(job.get("purpose") or "")
    return purpose[len(SLIP_PURPOSE):] if purpose.startswith(SLIP_PURPOSE) else None


def slip_state(tx: Transaction, code: str) -> dict[str, Any]:
    """The booking's latest slip job in the contract's `print` shape (`not_requested` if none)."""
    job = tx.one("SELECT * FROM print_jobs WHERE purpose = ? ORDER BY id DESC LIMIT 1", (slip_purpose(code),))
    return job_state(job) if job is not None else dict(NOT_REQUESTED)


def print_slip(tx: Transaction, site: SiteIndex, now: float, code: str, kiosk_id: str, lang: str,
               printing: Printing | None) -> int:
    """Queue the slip of a booking made at a kiosk on that kiosk's printer; the job's id.

    Once per booking and printer: a repeat (a retried request, a second touch) answers the job
    already there and prints nothing more, unless that one failed. The caller checks that the
    booking exists and is still booked."""
    if kiosk_id not in site.kiosks:
        raise RuleError("unknown_kiosk", f"There is no kiosk with id {kiosk_id!r}.", "kiosk_id")
    printer_id = kiosk_printer(site, kiosk_id)
    if printer_id is None or printing is None:
        raise RuleError("no_printer", f"Kiosk {kiosk_id!r} has no printer running; the visitor keeps the code on "
                        "the screen.")
    earlier = tx.one("SELECT id FROM print_jobs WHERE purpose = ? AND printer_id = ? AND status != 'failed'"
                     " ORDER BY id DESC LIMIT 1", (slip_purpose(code), printer_id))
    if earlier is not None:
        return int(earlier["id"])
    return enqueue(tx, now, None, printer_id, lang, printing.health(printer_id), purpose=slip_purpose(code))


def drop_pending(tx: Transaction, now: float, ticket_id: str, reason: str) -> int:
    """Fail the ticket's jobs still waiting for a printer (a cancelled ticket); how many.

    A job already claimed is being sent right now and is left to end as it ends."""
    cursor = tx.execute("UPDATE print_jobs SET status = 'failed', error = ?, updated_at = ?"
                        " WHERE ticket_id = ? AND status = 'pending' AND claimed_by IS NULL", (reason, now, ticket_id))
    return int(cursor.rowcount)


# --- the print service's side ---------------------------------------------------------------


class PrintQueue:
    """The jobs as the print service works them: each call is one transaction of its own.

    A job that ends (printed, failed, expired) tells the ticket's watchers, after commit,
    that the ticket changed (its print state is part of it).
    """

    def __init__(self, store: Store, clock: Callable[[], float], wall: Callable[[], float] = time.time) -> None:
        """`clock`: the site's time (fixed in tests); `wall`: real seconds for the leases'
        expiry, the same in every process."""
        self.store = store
        self.now = clock
        self.wall = wall

    def state(self, ticket_id: str) -> dict[str, Any]:
        """The ticket's print state, as `print_state` reads it."""
        with self.store.read() as tx:
            return print_state(tx, ticket_id)

    def job(self, job_id: int) -> dict[str, Any] | None:
        with self.store.read() as tx:
            return tx.one("SELECT * FROM print_jobs WHERE id = ?", (job_id,))

    def next_job(self, printer_id: str, skip: Collection[int] = ()) -> dict[str, Any] | None:
        """The printer's oldest pending job nobody claimed, leaving out `skip` (printed, not yet recorded)."""
        marks = ",".join("?" * len(skip)) or "-1"  # never NULL: x NOT IN (NULL) is never true
        with self.store.read() as tx:
            return tx.one(f"SELECT * FROM print_jobs WHERE printer_id = ? AND status = 'pending'"
                          f" AND claimed_by IS NULL AND id NOT IN ({marks}) ORDER BY id LIMIT 1",
                          [printer_id, *sorted(skip)])

    def claim(self, printer_id: str, holder: str, skip: Collection[int] = ()) -> dict[str, Any] | None:
        """The printer's next job, claimed by `holder` if it holds the printer's lease; else None.

        The lease check and the claim are one transaction: a holder whose lease ran out (and
        was taken over) can claim nothing more, and two processes never claim one job.
        """
        if self.next_job(printer_id, skip) is None:
            return None  # the usual case, answered by a read: no write lock taken
        with self.store.write() as tx:
            if not tx.one("SELECT 1 AS held FROM printer_leases WHERE printer_id = ? AND holder = ?"
                          " AND expires_at > ?", (printer_id, holder, self.wall())):
                return None
            marks = ",".join("?" * len(skip)) or "-1"
            job = tx.one(f"SELECT * FROM print_jobs WHERE printer_id = ? AND status = 'pending'"
                         f" AND claimed_by IS NULL AND id NOT IN ({marks}) ORDER BY id LIMIT 1",
                         [printer_id, *sorted(skip)])
            if job is not None:
                tx.execute("UPDATE print_jobs SET claimed_by = ? WHERE id = ?", (holder, job["id"]))
                job["claimed_by"] = holder
            return job

    def retry_later(self, job_id: int, error: str, holder: str | None = None) -> None:
        """An attempt failed in a way worth retrying: count it and keep why; the job stays
        pending and unclaimed (`holder`: only if that holder still has the claim)."""
        with self.store.write() as tx:
            tx.execute("UPDATE print_jobs SET attempts = attempts + 1, error = ?, updated_at = ?, claimed_by = NULL"
                       " WHERE id = ? AND (? IS NULL OR claimed_by = ?)",
                       (error, self.now(), job_id, holder, holder))

    def unclaim(self, job_id: int, holder: str) -> None:
        """Give a claimed job back untouched (its sending was interrupted, not failed)."""
        with self.store.write() as tx:
            tx.execute("UPDATE print_jobs SET claimed_by = NULL WHERE id = ? AND claimed_by = ?", (job_id, holder))

    def finish(self, job: dict[str, Any], status: str, error: str | None) -> None:
        """Record the end of an attempt: "printed", or "failed" with the reason (a pending job only,
        and if the job was claimed, only by its claimant)."""
        assert status in ("printed", "failed"), status
        holder = job.get("claimed_by")
        with self.store.write() as tx:
            done = tx.execute(
                "UPDATE print_jobs SET status = ?, error = ?, attempts = attempts + 1, updated_at = ?"
                " WHERE id = ? AND status = 'pending' AND (? IS NULL OR claimed_by = ?)",
                (status, error, self.now(), job["id"], holder, holder))
            if done.rowcount and job["ticket_id"] is not None:  # a test print is no ticket
                tx.raise_event(PrintJobEnded(ticket_id=job["ticket_id"]))

    # -- the leases of the printers (several processes, one database) ---------------------

    def hold(self, holder: str, seconds: float, statuses: dict[str, dict[str, Any]],
             printer_ids: Collection[str]) -> set[str]:
        """Take or renew `holder`'s lease on each printer for `seconds`; the ones it now holds.

        A printer whose lease another holder let expire is taken over, and the jobs that
        holder had claimed (and may have been sending when it died) are released to be
        sent again. `statuses`: what the holder knows of the printers it held, kept in the
        row for the other processes.
        """
        now = self.wall()
        held: set[str] = set()
        with self.store.write() as tx:
            for printer_id in sorted(printer_ids):
                lease = tx.one("SELECT holder, expires_at FROM printer_leases WHERE printer_id = ?", (printer_id,))
                if lease is not None and lease["holder"] != holder and lease["expires_at"] > now:
                    continue  # another process drives this printer
                known = statuses.get(printer_id, {})
                if lease is None:
                    tx.execute("INSERT INTO printer_leases (printer_id, holder, expires_at, taken_at)"
                               " VALUES (?, ?, ?, ?)", (printer_id, holder, now + seconds, now))
                elif lease["holder"] == holder:
                    tx.execute("UPDATE printer_leases SET expires_at = ?, status = ?, detail = ?, checked_at = ?"
                               " WHERE printer_id = ?",
                               (now + seconds, known.get("status", "unknown"), known.get("detail"),
                                known.get("checked_at"), printer_id))
                else:
                    tx.execute("UPDATE printer_leases SET holder = ?, expires_at = ?, taken_at = ?"
                               " WHERE printer_id = ?", (holder, now + seconds, now, printer_id))
                    tx.execute("UPDATE print_jobs SET claimed_by = NULL WHERE printer_id = ? AND status = 'pending'"
                               " AND claimed_by IS NOT NULL", (printer_id,))
                held.add(printer_id)
        return held

    def release(self, holder: str) -> None:
        """A holder stopping: its leases end now (another process takes over at once) and its
        claims are released."""
        with self.store.write() as tx:
            tx.execute("DELETE FROM printer_leases WHERE holder = ?", (holder,))
            tx.execute("UPDATE print_jobs SET claimed_by = NULL WHERE claimed_by = ? AND status = 'pending'", (holder,))

    def leases(self) -> dict[str, dict[str, Any]]:
        """Every printer's lease: {"holder", "expires_at", "status", "detail", "checked_at"} by printer id."""
        with self.store.read() as tx:
            rows = tx.all("SELECT printer_id, holder, expires_at, status, detail, checked_at FROM printer_leases")
        return {row.pop("printer_id"): row for row in rows}

    def expire(self, printer_id: str, printer_name: str, window_seconds: float) -> list[dict[str, Any]]:
        """Fail the printer's jobs that waited longer than the retry window; those jobs."""
        cutoff = self.now() - window_seconds
        query = ("SELECT id, ticket_id, error FROM print_jobs WHERE printer_id = ? AND status = 'pending'"
                 " AND claimed_by IS NULL AND created_at < ?")
        with self.store.read() as tx:  # read first: most of the time nothing expired
            if not tx.all(query, (printer_id, cutoff)):
                return []
        with self.store.write() as tx:
            expired = tx.all(query, (printer_id, cutoff))
            for job in expired:
                reason = f" (last problem: {job['error']})" if job["error"] else ""
                tx.execute(
                    "UPDATE print_jobs SET status = 'failed', error = ?, updated_at = ? WHERE id = ?",
                    (f"Printer {printer_name} could not print this ticket within {window_seconds / 60:g} minutes"
                     f"{reason}; reprint it once the printer works", self.now(), job["id"]))
                if job["ticket_id"] is not None:
                    tx.raise_event(PrintJobEnded(ticket_id=job["ticket_id"]))
        return expired

    def fail_orphans(self, printer_ids: Collection[str]) -> list[dict[str, Any]]:
        """Fail the pending jobs whose printer is not among `printer_ids` (it left the configuration)."""
        ids = sorted(printer_ids)
        marks = ",".join("?" * len(ids)) or "''"  # (x NOT IN (NULL) is never true in SQL)
        with self.store.write() as tx:
            orphans = tx.all(f"SELECT id, ticket_id, printer_id FROM print_jobs WHERE status = 'pending'"
                             f" AND printer_id NOT IN ({marks})", ids)
            for job in orphans:
                tx.execute("UPDATE print_jobs SET status = 'failed', error = ?, updated_at = ? WHERE id = ?",
                           (f"Printer {job['printer_id']!r} was removed from the configuration; "
                            "reprint the ticket on another printer", self.now(), job["id"]))
                if job["ticket_id"] is not None:
                    tx.raise_event(PrintJobEnded(ticket_id=job["ticket_id"]))
        return orphans

    def printer_changed(self, printer_id: str, status: str, detail: str | None) -> None:
        """A printer's health changed: news kept outside the database, for the screens that show it."""
        self.store.notify([PrinterStatusChanged(printer_id=printer_id, status=status, detail=detail)])
