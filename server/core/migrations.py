"""Named, ordered schema migrations. Never edit one that has shipped: add a new one.

Each migration and the row recording it commit together, so a crash halfway
leaves the database as it was before that migration.

Why this file is long: it is the schema's history, one migration after another in the order
they run; split, a reader looking for when a column came would have to search several files.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import sqlite_utils

Migration = Callable[[sqlite_utils.Database], None]


def m001_core(db: sqlite_utils.Database) -> None:
    statements = [
        """CREATE TABLE tickets (
            arrival INTEGER PRIMARY KEY,  -- insertion order: breaks ties in the line, stable across VACUUM
            id TEXT NOT NULL UNIQUE,
            service_day TEXT NOT NULL,
            seq INTEGER NOT NULL,
            number TEXT NOT NULL,
            issued_service_id TEXT NOT NULL,
            service_id TEXT NOT NULL,
            agency_id TEXT NOT NULL,
            status TEXT NOT NULL,
            priority TEXT,
            lang TEXT NOT NULL DEFAULT 'id',
            kiosk_id TEXT,
            queue_lane INTEGER NOT NULL,
            queue_at REAL NOT NULL,
            issued_at REAL NOT NULL,
            called_at REAL,
            started_at REAL,
            finished_at REAL,
            counter_id TEXT,
            officer TEXT,
            transferred_from TEXT,
            UNIQUE (service_day, issued_service_id, seq)
        )""",
        "CREATE INDEX tickets_line ON tickets (status, service_id, queue_lane, queue_at)",
        "CREATE INDEX tickets_day ON tickets (service_day, service_id)",
        "CREATE INDEX tickets_counter_finished ON tickets (counter_id, finished_at)",
        """CREATE TABLE sequences (
            service_day TEXT NOT NULL,
            service_id TEXT NOT NULL,
            last_seq INTEGER NOT NULL,
            PRIMARY KEY (service_day, service_id)
        )""",
        """CREATE TABLE ticket_events (
            id INTEGER PRIMARY KEY,
            ticket_id TEXT NOT NULL REFERENCES tickets(id),
            at REAL NOT NULL,
            kind TEXT NOT NULL,
            counter_id TEXT,
            actor TEXT,
            device TEXT,
            detail TEXT
        )""",
        "CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id)",
        """CREATE TABLE calls (
            id INTEGER PRIMARY KEY,
            ticket_id TEXT NOT NULL REFERENCES tickets(id),
            counter_id TEXT NOT NULL,
            service_id TEXT NOT NULL,
            number TEXT NOT NULL,
            at REAL NOT NULL,
            recall INTEGER NOT NULL DEFAULT 0
        )""",
        "CREATE INDEX calls_counter ON calls (counter_id, id)",
        """CREATE TABLE counter_state (
            counter_id TEXT PRIMARY KEY,
            state TEXT NOT NULL DEFAULT 'open',
            current_ticket_id TEXT REFERENCES tickets(id),
            officer TEXT,
            updated_at REAL NOT NULL
        )""",
        """CREATE TABLE users (
            username TEXT PRIMARY KEY,
            password_hash TEXT NOT NULL,
            role TEXT NOT NULL,
            agency_id TEXT,
            counters TEXT NOT NULL DEFAULT '[]',
            display_name TEXT,
            disabled INTEGER NOT NULL DEFAULT 0,
            created_at REAL NOT NULL
        )""",
        """CREATE TABLE api_tokens (
            token_hash TEXT PRIMARY KEY,
            username TEXT NOT NULL REFERENCES users(username),
            created_at REAL NOT NULL,
            expires_at REAL NOT NULL
        )""",
        """CREATE TABLE print_jobs (
            id INTEGER PRIMARY KEY,
            ticket_id TEXT NOT NULL REFERENCES tickets(id),
            printer_id TEXT NOT NULL,
            lang TEXT NOT NULL DEFAULT 'id',
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            error TEXT,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL
        )""",
        "CREATE INDEX print_jobs_pending ON print_jobs (status, printer_id)",
        "CREATE INDEX print_jobs_ticket ON print_jobs (ticket_id)",
        """CREATE TABLE closures (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            target_id TEXT NOT NULL,
            service_day TEXT NOT NULL,
            reason TEXT NOT NULL,
            actor TEXT,
            at REAL NOT NULL,
            reopened_at REAL
        )""",
        "CREATE INDEX closures_day ON closures (service_day, kind, target_id)",
        """CREATE TABLE surveys (
            ticket_id TEXT PRIMARY KEY REFERENCES tickets(id),
            at REAL NOT NULL,
            service_id TEXT NOT NULL,
            agency_id TEXT NOT NULL,
            counter_id TEXT,
            officer TEXT,
            u1 INTEGER NOT NULL, u2 INTEGER NOT NULL, u3 INTEGER NOT NULL,
            u4 INTEGER NOT NULL, u5 INTEGER NOT NULL, u6 INTEGER NOT NULL,
            u7 INTEGER NOT NULL, u8 INTEGER NOT NULL, u9 INTEGER NOT NULL,
            comment TEXT
        )""",
        """CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at REAL NOT NULL,
            actor TEXT,
            action TEXT NOT NULL,
            target TEXT,
            address TEXT,
            detail TEXT
        )""",
        "CREATE INDEX audit_log_at ON audit_log (at)",
    ]
    for statement in statements:
        db.conn.execute(statement)


def m002_waiting_index(db: sqlite_utils.Database) -> None:
    """Waiting tickets by day and service in call order: counting a line (ahead, waiting)
    and call-next then cost as much as the line is long, not as many tickets as the day has."""
    db.conn.execute(
        "CREATE INDEX tickets_waiting ON tickets (service_day, service_id, queue_lane, queue_at) "
        "WHERE status = 'waiting'"
    )


def m003_drop_line_index(db: sqlite_utils.Database) -> None:
    """tickets_waiting (002) answers every question tickets_line did, for the waiting tickets
    it was made for; keeping both cost every issue and call one more index to update."""
    db.conn.execute("DROP INDEX IF EXISTS tickets_line")


def m005_idempotency_keys(db: sqlite_utils.Database) -> None:
    """The Idempotency-Key of each ticket request, written in the ticket's own transaction:
    a kiosk's retry finds the first request's ticket instead of taking a second number."""
    db.conn.execute(
        """CREATE TABLE idempotency_keys (
            service_day TEXT NOT NULL,
            key TEXT NOT NULL,
            fingerprint TEXT NOT NULL,  -- sha256 of the request body: the same key with another body is refused
            ticket_id TEXT NOT NULL REFERENCES tickets(id),
            created_at REAL NOT NULL,
            PRIMARY KEY (service_day, key)
        ) WITHOUT ROWID"""
    )


def m006_printer_lease(db: sqlite_utils.Database) -> None:
    """Several server processes on one database: each printer is driven by one of them at a
    time, the holder of its lease (renewed every second or two, taken over once it expires),
    and a print job is claimed by that holder before it is sent, so none is sent twice. The
    holder also keeps the printer's status here, for the other processes' screens."""
    db.conn.execute("""CREATE TABLE printer_leases (
        printer_id TEXT PRIMARY KEY,
        holder TEXT NOT NULL,            -- host:pid:random of the server process
        expires_at REAL NOT NULL,        -- wall-clock seconds; renewed well before
        taken_at REAL NOT NULL,
        status TEXT NOT NULL DEFAULT 'unknown',
        detail TEXT,
        checked_at REAL
    )""")
    db.conn.execute("ALTER TABLE print_jobs ADD COLUMN claimed_by TEXT")


def m008_site_state(db: sqlite_utils.Database) -> None:
    """What the processes of one site share besides the queue (server/core/site_state.py):
    the version of config.yaml the site runs, the set clock of a training or test run."""
    db.conn.execute("CREATE TABLE site_state (key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at REAL NOT NULL)")


def m004_login_throttle(db: sqlite_utils.Database) -> None:
    """Failed logins (who was tried, from where, when) and account lockouts, in the database so
    that they survive a restart and every server process on the database sees the same ones
    (server/core/login_throttle.py). With them, each account's session epoch: the number its
    cookie sessions must carry, raised when the account logs out, gets a new password or is
    disabled, so every cookie session of it ends at once (server/core/auth.py)."""
    statements = [
        """CREATE TABLE login_failures (
            id INTEGER PRIMARY KEY,
            at REAL NOT NULL,
            username TEXT NOT NULL,  -- as typed: a name that does not exist is throttled like one that does
            address TEXT NOT NULL
        )""",
        "CREATE INDEX login_failures_username ON login_failures (username, at)",
        "CREATE INDEX login_failures_address ON login_failures (address, at)",
        """CREATE TABLE login_lockouts (
            username TEXT PRIMARY KEY,
            locked_at REAL NOT NULL,
            until REAL NOT NULL,
            address TEXT  -- where the failure that locked it came from
        )""",
        "ALTER TABLE users ADD COLUMN session_epoch INTEGER NOT NULL DEFAULT 0",
    ]
    for statement in statements:
        db.conn.execute(statement)


def m007_survey_secret(db: sqlite_utils.Database) -> None:
    """Each ticket's survey secret (its QR code carries it; without it nobody answers its survey)
    and the survey tablets a staff member enrolled at a counter (their device token, hashed).
    Tickets issued before this get no secret: their survey cannot be answered."""
    db.conn.execute("ALTER TABLE tickets ADD COLUMN survey_secret TEXT")
    db.conn.execute(
        """CREATE TABLE survey_tablets (
            token_hash TEXT PRIMARY KEY,
            counter_id TEXT NOT NULL,
            enrolled_by TEXT,
            enrolled_at REAL NOT NULL
        )"""
    )


def m009_rate_limits(db: sqlite_utils.Database) -> None:
    """The allowance left to each kiosk and client address for anonymous ticket requests
    (server/core/limits.py): in the database, so every server process counts the same."""
    db.conn.execute(
        "CREATE TABLE rate_limits (key TEXT PRIMARY KEY, tokens REAL NOT NULL, at REAL NOT NULL)"
    )
    db.conn.execute("CREATE INDEX rate_limits_at ON rate_limits (at)")


def m010_report_days(db: sqlite_utils.Database) -> None:
    """Each closed service day's tickets as compact columns for the reports
    (server/core/report_days.py), and the triggers that drop a day's columns as soon as
    one of its tickets is inserted or changed, so that stored columns always equal the
    tickets. A deleted ticket keeps them: removing old history keeps its reports."""
    statements = [
        """CREATE TABLE report_days (
            service_day TEXT PRIMARY KEY,
            format INTEGER NOT NULL,      -- report_days.FORMAT the columns were written in
            timezone TEXT NOT NULL,       -- the zone the hours of issue were counted in
            tickets INTEGER NOT NULL,
            names TEXT NOT NULL,          -- JSON: per key, the values its codes stand for
            codes BLOB NOT NULL,          -- int16 (6, tickets)
            waits BLOB NOT NULL,          -- float64 (tickets): NaN for a ticket without a wait
            walks BLOB NOT NULL,          -- the same for the walk to the counter
            services BLOB NOT NULL,       -- and for the service time
            built_at REAL NOT NULL
        )""",
        """CREATE TRIGGER report_days_ticket_added AFTER INSERT ON tickets BEGIN
            DELETE FROM report_days WHERE service_day = NEW.service_day;
        END""",
        """CREATE TRIGGER report_days_ticket_changed AFTER UPDATE ON tickets BEGIN
            DELETE FROM report_days WHERE service_day IN (OLD.service_day, NEW.service_day);
        END""",
    ]
    for statement in statements:
        db.conn.execute(statement)


def m011_history_indexes(db: sqlite_utils.Database) -> None:
    """The counter actions in the history by time, for the audit search: its newest page then
    reads the index backwards and stops at the limit instead of scanning every row of every
    year (0.8 s on a year). The issue rows are left out (the search never shows them): a
    kiosk's ticket pays nothing for this index, and the index is a quarter smaller. Queries
    must say "kind <> 'issued'" for SQLite to use it.

    With it, the days whose history was moved to a yearly archive (server/core/retention.py),
    and the statistics SQLite's planner chooses indexes by (ANALYZE: 0.6 s on a year; refreshed
    each night by the housekeeping). Without them it read a counter's whole year for its day's
    figures (tickets_counter_finished) instead of the day's tickets."""
    db.conn.execute("CREATE INDEX ticket_events_at ON ticket_events (at, kind) WHERE kind <> 'issued'")
    db.conn.execute(
        """CREATE TABLE history_moved (
            service_day TEXT PRIMARY KEY,   -- every history row of this day's tickets is in an archive
            moved_at REAL NOT NULL,
            events INTEGER NOT NULL,        -- ticket history rows moved
            audit INTEGER NOT NULL          -- audit log rows moved (those older than the day's end)
        )"""
    )
    db.conn.execute("ANALYZE")  # whole, not sampled: a sample of 1,000 rows misjudged a day's tickets by 4x


def m012_history_text(db: sqlite_utils.Database) -> None:
    """A trigram index of the words the audit search looks for in the counter actions (who,
    what, which counter, which ticket number, from which device), kept by triggers, so that a
    search whose text is rare or found nowhere reads only the rows that hold it instead of
    walking the whole year (4.9 s before; milliseconds with it, server/core/audit_search.py).
    Contentless and without positions (detail=none): only which rows hold which three letters,
    about 150 MB a year instead of 490 MB with positions; the search then checks each row it
    finds with LIKE, as before. The issue rows are left out, as in ticket_events_at: a kiosk's
    ticket pays nothing. Backfilling a year's history takes about 30 s (docs/reports.md)."""
    columns = "actor, kind, counter_id, number, device"
    values = "{row}.id, {row}.actor, {row}.kind, {row}.counter_id, " \
        "(SELECT number FROM tickets WHERE id = {row}.ticket_id), {row}.device"
    statements = [
        f"CREATE VIRTUAL TABLE ticket_events_text USING fts5({columns}, content='', detail=none, tokenize='trigram')",
        f"""CREATE TRIGGER ticket_events_text_added AFTER INSERT ON ticket_events WHEN NEW.kind <> 'issued' BEGIN
            INSERT INTO ticket_events_text (rowid, {columns}) VALUES ({values.format(row="NEW")});
        END""",
        # A contentless index forgets a row when told the words it was indexed with: the same
        # values (a ticket keeps its number; its row in tickets outlives its history).
        f"""CREATE TRIGGER ticket_events_text_removed AFTER DELETE ON ticket_events WHEN OLD.kind <> 'issued' BEGIN
            INSERT INTO ticket_events_text (ticket_events_text, rowid, {columns})
            VALUES ('delete', {values.format(row="OLD")});
        END""",
        f"INSERT INTO ticket_events_text (rowid, {columns}) SELECT e.id, e.actor, e.kind, e.counter_id, t.number, "
        "e.device FROM ticket_events e LEFT JOIN tickets t ON t.id = e.ticket_id WHERE e.kind <> 'issued'",
        "INSERT INTO ticket_events_text (ticket_events_text) VALUES ('optimize')",  # one segment: faster reads
    ]
    for statement in statements:
        db.conn.execute(statement)


def m013_counter_rules(db: sqlite_utils.Database) -> None:
    """A print job may be a test print of a printer (admin's printer table), which is no
    ticket: `ticket_id` becomes optional (SQLite cannot drop a NOT NULL, so the table is
    copied) and `purpose` says which ("ticket" or "test")."""
    conn = db.conn
    conn.execute(
        """CREATE TABLE print_jobs_new (
            id INTEGER PRIMARY KEY,
            ticket_id TEXT REFERENCES tickets(id),   -- NULL for a test print
            printer_id TEXT NOT NULL,
            lang TEXT NOT NULL DEFAULT 'id',
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            error TEXT,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            claimed_by TEXT,
            purpose TEXT NOT NULL DEFAULT 'ticket'
        )"""
    )
    conn.execute(
        "INSERT INTO print_jobs_new (id, ticket_id, printer_id, lang, status, attempts, error, created_at,"
        " updated_at, claimed_by) SELECT id, ticket_id, printer_id, lang, status, attempts, error, created_at,"
        " updated_at, claimed_by FROM print_jobs"
    )
    conn.execute("DROP TABLE print_jobs")
    conn.execute("ALTER TABLE print_jobs_new RENAME TO print_jobs")
    conn.execute("CREATE INDEX print_jobs_pending ON print_jobs (status, printer_id)")
    conn.execute("CREATE INDEX print_jobs_ticket ON print_jobs (ticket_id)")


def m014_ticket_place(db: sqlite_utils.Database) -> None:
    """The address the issuing kiosk reached the server at (`scheme://host:port`): without
    `site.public_url`, the ticket's QR code and status_url lead there (server/web/addresses.py)."""
    db.conn.execute("ALTER TABLE tickets ADD COLUMN origin TEXT")


def m016_report_columns_more(db: sqlite_utils.Database) -> None:
    """A closed day's survey sums beside its report columns (server/core/report_ikm.py), the
    triggers that drop a day's columns when one of its tickets gets an answer or an answer
    changes (an answer may come the next morning), and the index of the answers with a
    comment by time (the IKM shows the period's newest 200: read backwards, it stops there).
    Columns stored before (format 1, without the sums) count as missing: the first quiet
    moment, or the first report, makes them again."""
    statements = [
        "ALTER TABLE report_days ADD COLUMN ikm_groups TEXT",  # JSON: the day's (service, agency) of its answers
        "ALTER TABLE report_days ADD COLUMN ikm_sums BLOB",  # float64 (groups, 11): first at, answers, nine sums
        """CREATE TRIGGER report_days_survey_added AFTER INSERT ON surveys BEGIN
            DELETE FROM report_days WHERE service_day = (SELECT service_day FROM tickets WHERE id = NEW.ticket_id);
        END""",
        """CREATE TRIGGER report_days_survey_changed AFTER UPDATE ON surveys BEGIN
            DELETE FROM report_days WHERE service_day IN
                (SELECT service_day FROM tickets WHERE id IN (OLD.ticket_id, NEW.ticket_id));
        END""",
        "CREATE INDEX surveys_comment_at ON surveys (at) WHERE comment IS NOT NULL AND comment != ''",
    ]
    for statement in statements:
        db.conn.execute(statement)


def m017_bookings(db: sqlite_utils.Database) -> None:
    """Bookings ahead (server/core/bookings.py): one row a booking, keyed by its code, and the
    ticket its check-in made (`tickets.booking_code`). The window of check-in is stored with the
    booking, so a later change of the service's `booking:` block does not move it."""
    statements = [
        """CREATE TABLE bookings (
            code TEXT PRIMARY KEY,            -- 6 characters without look-alikes, typed at the kiosk
            service_id TEXT NOT NULL,
            day TEXT NOT NULL,                -- the service day booked (site time)
            slot_start REAL NOT NULL,
            slot_end REAL NOT NULL,
            check_in_from REAL NOT NULL,
            check_in_until REAL NOT NULL,
            status TEXT NOT NULL,             -- booked, checked_in, cancelled, expired
            lang TEXT NOT NULL DEFAULT 'id',
            phone TEXT,                       -- erased keep_contact_days after the day, with the two below
            nik_last4 TEXT,
            address TEXT,                     -- the requester's address, for the per-address limit
            made_day TEXT NOT NULL,           -- the service day it was made on
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            ticket_id TEXT REFERENCES tickets(id),
            checked_in_at REAL,
            request_key TEXT,                 -- the Idempotency-Key it was made with: a retry answers it
            request_digest TEXT
        )""",
        "CREATE UNIQUE INDEX bookings_request ON bookings (made_day, request_key) WHERE request_key IS NOT NULL",
        # Slot counts (capacity) and the day's count (the bookable share of the quota).
        "CREATE INDEX bookings_slot ON bookings (service_id, day, slot_start) WHERE status <> 'cancelled'",
        "CREATE INDEX bookings_due ON bookings (check_in_until) WHERE status = 'booked'",  # expiry
        "CREATE INDEX bookings_phone ON bookings (phone, day) WHERE phone IS NOT NULL",
        "CREATE INDEX bookings_address ON bookings (address, made_day) WHERE address IS NOT NULL",
        "CREATE INDEX bookings_day ON bookings (day, service_id)",  # reports
        # The few bookings that still hold a contact, for its erasure (server/core/retention.py).
        "CREATE INDEX bookings_contacts ON bookings (day) "
        "WHERE phone IS NOT NULL OR nik_last4 IS NOT NULL OR address IS NOT NULL",
        "ALTER TABLE tickets ADD COLUMN booking_code TEXT",
    ]
    for statement in statements:
        db.conn.execute(statement)


def m018_visit_steps(db: sqlite_utils.Database) -> None:
    """Visits of several steps (server/core/visits.py): one row per step of a ticket that has
    more than one, in order (`position` 1..n), each with its own status, counter and times.
    The ticket's row keeps its current step's service and status, so every line, counter,
    display and report query reads tickets as before; `tickets.step` names the current step
    (NULL: a plain ticket, which has no rows here) and `tickets.only_counter` the counter that
    alone may call it (a return to the counter that sent the visitor on). `sequences.visit_steps`
    counts the later steps of visits issued for each service and day: they take from its
    quota as a ticket does, without taking a number."""
    statements = [
        """CREATE TABLE ticket_steps (
            ticket_id TEXT NOT NULL REFERENCES tickets(id),
            position INTEGER NOT NULL,       -- 1..n, the order the visitor goes through them
            service_id TEXT NOT NULL,
            agency_id TEXT NOT NULL,
            status TEXT NOT NULL,            -- pending, waiting, called, serving, done, no_show, skipped
            counter_id TEXT,                 -- the counter that called it (last)
            officer TEXT,                    -- who called it (last)
            only_counter_id TEXT,            -- a return step: only this counter calls it
            added_by TEXT,                   -- NULL: chosen at issue; else the officer who added it
            added_at REAL,
            queued_at REAL,                  -- joined its line (issue, previous step's finish, transfer)
            called_at REAL,
            started_at REAL,
            finished_at REAL,
            PRIMARY KEY (ticket_id, position)
        ) WITHOUT ROWID""",
        "ALTER TABLE tickets ADD COLUMN step INTEGER",
        "ALTER TABLE tickets ADD COLUMN only_counter TEXT",
        "ALTER TABLE sequences ADD COLUMN visit_steps INTEGER NOT NULL DEFAULT 0",
        # The visits report reads a period's stepped tickets by day.
        "CREATE INDEX tickets_stepped ON tickets (service_day) WHERE step IS NOT NULL",
    ]
    for statement in statements:
        db.conn.execute(statement)


def m019_sms(db: sqlite_utils.Database) -> None:
    """"Your turn is near" by SMS (server/core/sms.py): a visitor's phone number beside their
    ticket (erased by the night care, server/core/retention.py), and every message Antrean
    wrote to gammu-smsd's outbox, once per ticket and step, with what gammu-smsd made of it."""
    statements = [
        """CREATE TABLE ticket_contacts (
            ticket_id TEXT PRIMARY KEY REFERENCES tickets(id),
            phone TEXT NOT NULL,  -- +62..., as sms.normalize_phone gives it
            service_day TEXT NOT NULL,  -- the ticket's: the night care erases by day
            set_at REAL NOT NULL,
            source TEXT NOT NULL DEFAULT 'phone_page'  -- or 'booking'
        )""",
        "CREATE INDEX ticket_contacts_day ON ticket_contacts (service_day)",
        """CREATE TABLE sms_messages (
            id INTEGER PRIMARY KEY,
            ticket_id TEXT NOT NULL REFERENCES tickets(id),
            step INTEGER NOT NULL,
            file_name TEXT NOT NULL,  -- in the outbox, then sent/ or error/; the number masked once erased
            text TEXT NOT NULL,
            status TEXT NOT NULL,  -- pending, written, sent, error, skipped
            detail TEXT,
            created_at REAL NOT NULL,
            written_at REAL,
            reported_at REAL,
            UNIQUE (ticket_id, step)
        )""",
        "CREATE INDEX sms_messages_open ON sms_messages (status) WHERE status IN ('pending', 'written')",
    ]
    for statement in statements:
        db.conn.execute(statement)


# Today's calls at some counters: the displays' recent calls, which of them a zone speaks, a
# counter's last and recent tickets. Queries name this index: after ANALYZE, SQLite would
# rather walk every call of the year backwards by id (to skip sorting) until it has found
# enough of today's, 1-1.5 s a call on a year of history while today has only a few.
TODAYS_CALLS = "INDEXED BY calls_counter_at"


def m020_calls_today(db: sqlite_utils.Database) -> None:
    """An index of calls by counter and moment, so that "today's calls at these counters"
    reads today's rows only (see TODAYS_CALLS); about 4 s on a year of 1.1 million calls."""
    db.conn.execute("CREATE INDEX calls_counter_at ON calls (counter_id, at)")


MIGRATIONS: list[tuple[str, Migration]] = [
    ("001_core", m001_core),
    ("002_waiting_index", m002_waiting_index),
    ("003_drop_line_index", m003_drop_line_index),
    ("004_login_throttle", m004_login_throttle),
    ("005_idempotency_keys", m005_idempotency_keys),
    ("006_printer_lease", m006_printer_lease),
    ("007_survey_secret", m007_survey_secret),
    ("008_site_state", m008_site_state),
    ("009_rate_limits", m009_rate_limits),
    ("010_report_days", m010_report_days),
    ("011_history_indexes", m011_history_indexes),
    ("012_history_text", m012_history_text),
    ("013_counter_rules", m013_counter_rules),
    ("014_ticket_place", m014_ticket_place),
    ("016_report_columns_more", m016_report_columns_more),
    ("017_bookings", m017_bookings),
    ("018_visit_steps", m018_visit_steps),
    ("019_sms", m019_sms),
    ("020_calls_today", m020_calls_today),
]


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply every migration not yet recorded; returns the names applied."""
    conn = db.conn
    conn.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at REAL NOT NULL)")
    applied: list[str] = []
    for name, migration in MIGRATIONS:
        conn.execute("BEGIN IMMEDIATE")
        try:
            done = conn.execute("SELECT 1 FROM _migrations WHERE name = ?", (name,)).fetchone()
            if not done:
                migration(db)
                conn.execute("INSERT INTO _migrations (name, applied_at) VALUES (?, ?)", (name, time.time()))
                applied.append(name)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return applied
