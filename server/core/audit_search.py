"""Searching the audit log together with the counter actions kept in each ticket's history."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from server.core import retention
from server.core.site import SiteIndex
from server.core.store import Transaction
from server.core.vocabulary import FINISHED

# Ticket history kinds that are someone's action at a counter (issue and expiry are not). A
# ticket that ends is recorded under the status it ends with.
TICKET_ACTIONS = (
    "called", "recalled", "started", "transferred", "reprint", "step_finished", "step_added",
    *(status for status in FINISHED if status != "expired")
)


@dataclass(frozen=True)
class Search:
    start: date
    end: date
    text: str | None = None
    actor: str | None = None
    action: str | None = None
    tickets: bool = True
    limit: int = 200


def _bounds(site: SiteIndex, search: Search) -> tuple[float, float]:
    begin = datetime.combine(search.start, time(0), tzinfo=site.tz).timestamp()
    end = datetime.combine(search.end + timedelta(days=1), time(0), tzinfo=site.tz).timestamp()
    return begin, end


def _detail(text: str | None) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _audit_rows(tx: Transaction, search: Search, begin: float, end: float) -> list[dict[str, Any]]:
    where, params = ["at >= ? AND at < ?"], list[Any]([begin, end])
    if search.actor:
        where.append("actor = ?")
        params.append(search.actor)
    if search.action:
        where.append("action = ?")
        params.append(search.action)
    if search.text:
        where.append("(actor LIKE ? OR action LIKE ? OR target LIKE ? OR address LIKE ? OR detail LIKE ?)")
        params += [f"%{search.text}%"] * 5
    return tx.all(
        f"SELECT id, at, actor, action, target, address, detail FROM audit_log WHERE {' AND '.join(where)} "
        "ORDER BY at DESC, id DESC LIMIT ?",
        (*params, search.limit + 1),
    )


# The newest week of a search's range is read through the index of the history by time; if
# that does not fill the page, the rest of the range too when it is a small part of the history
# (under a quarter of its time), or else straight through the table.
INDEXED_SECONDS = 7 * 86400
INDEXED_SHARE = 0.25


TEXT_INDEX = "ticket_events_text"  # migration 012: the trigram index of the counter actions' words
# Rows are written in time order: ids follow `at` but for the moment between reading the clock
# and taking the write lock. The index is walked by id, bounded this much wider than the range.
ID_SLACK_SECONDS = 60.0


def trigram_query(text: str) -> str | None:
    """The index query for LIKE '%text%': every three letters of the text's literal pieces (LIKE's
    % and _ stand for anything), each quoted. Every row LIKE matches holds them all; the rows
    found are then checked with LIKE itself, so the results are LIKE's. None when the text has
    no three letters in a row: the index cannot help."""
    pieces = re.split(r"[%_]", text)
    grams = {piece[i:i + 3] for piece in pieces for i in range(len(piece) - 2)}
    if not grams:
        return None
    return " AND ".join('"' + gram.replace('"', '""') + '"' for gram in sorted(grams))


def _id_bound(tx: Transaction, at: float, newest: bool) -> int | None:
    order, compare = ("DESC", "<") if newest else ("", ">=")
    found = tx.scalar(f"SELECT id FROM ticket_events WHERE kind <> 'issued' AND at {compare} ? "
                      f"ORDER BY at {order} LIMIT 1", (at,))
    return None if found is None else int(found)


def _ticket_rows(tx: Transaction, search: Search, begin: float, end: float) -> list[dict[str, Any]]:
    """The newest counter actions. For the newest week SQLite walks the index of the history by
    time (ticket_events_at, migration 011) from the newest down and stops at the limit: the first
    page of a search costs milliseconds on any history ("kind <> 'issued'", written out, is what
    lets it use that index). A search that finds less than a page there matches few rows: over
    much of the history, a scan of the table (NOT INDEXED) then costs about half of looking every
    entry of the index up in the table. The range is first cut to the history this database (or
    archive) holds, so a range it does not reach costs nothing. A search with a text goes through
    the trigram index instead, where there is one (see _text_rows)."""
    first = tx.scalar("SELECT at FROM ticket_events WHERE kind <> 'issued' ORDER BY at LIMIT 1")
    last = tx.scalar("SELECT at FROM ticket_events WHERE kind <> 'issued' ORDER BY at DESC LIMIT 1")
    if first is None or begin > last or end <= first:
        return []
    begin, end = max(begin, first), min(end, math.nextafter(last, math.inf))
    kinds = [search.action] if search.action else list(TICKET_ACTIONS)
    where = ["e.kind <> 'issued'", f"e.kind IN ({','.join('?' * len(kinds))})"]
    params: list[Any] = [*kinds]
    if search.actor:
        where.append("e.actor = ?")
        params.append(search.actor)
    if search.text:
        where.append("(e.actor LIKE ? OR e.kind LIKE ? OR e.counter_id LIKE ? OR t.number LIKE ? OR e.device LIKE ?)")
        params += [f"%{search.text}%"] * 5
        query = trigram_query(search.text)
        if query is not None and tx.scalar(f"SELECT 1 FROM main.sqlite_master WHERE name = '{TEXT_INDEX}'"):
            return _text_rows(tx, search, begin, end, query, " AND ".join(where), params)
    sql = ("SELECT e.id, e.at, e.actor, e.kind AS action, e.counter_id, e.device AS address, e.detail, "
           "e.ticket_id, t.number FROM ticket_events e {scan} JOIN tickets t ON t.id = e.ticket_id "
           f"WHERE {' AND '.join(where)} AND e.at >= ? AND e.at < ? ORDER BY e.at DESC, e.id DESC LIMIT ?")
    split = max(begin, end - INDEXED_SECONDS)
    rows = tx.all(sql.format(scan=""), (*params, split, end, search.limit + 1))
    if len(rows) <= search.limit and begin < split:
        scan = "NOT INDEXED" if split - begin > INDEXED_SHARE * (last - first) else ""
        rows += tx.all(sql.format(scan=scan), (*params, begin, split, search.limit + 1 - len(rows)))
    return rows


def _text_rows(
    tx: Transaction, search: Search, begin: float, end: float, query: str, where: str, params: list[Any],
) -> list[dict[str, Any]]:
    """The rows that hold every three letters of the text (the trigram index, migration 012),
    newest first by id within the ids of the range, each checked by the same conditions as the
    walk above: a text found nowhere costs a look in the index, not a year's walk."""
    low = _id_bound(tx, begin - ID_SLACK_SECONDS, newest=False)
    high = _id_bound(tx, end + ID_SLACK_SECONDS, newest=True)
    if low is None or high is None or low > high:
        return []
    rows = tx.all(
        "SELECT e.id, e.at, e.actor, e.kind AS action, e.counter_id, e.device AS address, e.detail, e.ticket_id, "
        f"t.number FROM main.{TEXT_INDEX} f JOIN ticket_events e ON e.id = f.rowid "
        f"JOIN tickets t ON t.id = e.ticket_id WHERE {TEXT_INDEX} MATCH ? AND f.rowid BETWEEN ? AND ? "
        f"AND {where} AND e.at >= ? AND e.at < ? ORDER BY f.rowid DESC LIMIT ?",
        (query, low, high, *params, begin, end, search.limit + 1),
    )
    return sorted(rows, key=lambda r: (r["at"], r["id"]), reverse=True)


def _entries(tx: Transaction, search: Search, begin: float, end: float) -> list[dict[str, Any]]:
    entries = [
        {"source": "audit", "id": r["id"], "at_epoch": r["at"], "actor": r["actor"], "action": r["action"],
         "target": r["target"], "address": r["address"], "detail": _detail(r["detail"])}
        for r in _audit_rows(tx, search, begin, end)
    ]
    if search.tickets and (search.action is None or search.action in TICKET_ACTIONS):
        for r in _ticket_rows(tx, search, begin, end):
            detail = _detail(r["detail"])
            entries.append({
                "source": "ticket", "id": r["id"], "at_epoch": r["at"], "actor": r["actor"], "action": r["action"],
                "target": f"{r['number']}" + (f" @ {r['counter_id']}" if r["counter_id"] else ""),
                "address": r["address"],
                "detail": {"ticket_id": r["ticket_id"], **(detail if isinstance(detail, dict) else {})},
            })
    return entries


def search(tx: Transaction, site: SiteIndex, search: Search) -> dict[str, Any]:
    """Newest first; `more` says the limit cut the list (narrow the search to see the rest).
    Years moved to an archive (server/core/retention.py) are searched there too."""
    begin, end = _bounds(site, search)
    found = {(e["source"], e["id"]): e for e in _entries(tx, search, begin, end)}
    if len(found) > search.limit:  # a full page already: older rows than its last cannot be on it
        begin = max(begin, sorted(e["at_epoch"] for e in found.values())[-search.limit - 1])
    for archive in retention.archives_between(tx, site.tz, begin, end):
        for entry in _entries(archive, search, begin, end):
            found.setdefault((entry["source"], entry["id"]), entry)  # a move killed halfway: in both, once
    entries = sorted(found.values(), key=lambda e: (e["at_epoch"], e["id"]), reverse=True)
    more = len(entries) > search.limit
    entries = entries[: search.limit]
    for entry in entries:
        entry["at"] = site.iso(entry.pop("at_epoch"))
    return {"entries": entries, "more": more}
