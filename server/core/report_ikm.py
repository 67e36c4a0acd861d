"""The survey's sums per service day, kept beside the day's report columns (report_days.py),
so that the IKM of a year adds up a few thousand stored numbers instead of joining 140,000
answers to their tickets (0.6 s on a year; 85 ms a month).

A day keeps, per (service, agency) of its answers, the number of answers, the sum of each
element and the moment of the first answer: whole numbers (and one timestamp), so the
IKM's totals over any period are exactly those of the one GROUP BY over the answers that
survey.ikm_report did. The groups' names are JSON (`ikm_groups`), their numbers one
float64 BLOB (`ikm_sums`): a year's 30,000 day groups are added up as arrays.

An answer given after its day's columns were stored (a visitor
answering from the phone the next morning) drops them (a trigger of migration
016_report_columns_more) like a changed ticket does; the next report reads that day live.
The day of an answer is its ticket's service day, as the IKM always counted it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from server.core.store import Transaction

if TYPE_CHECKING:  # reports imports report_days, which builds a day's sums here
    from server.core.reports import Filters

ELEMENTS = ("u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9")  # the answers' columns, in the regulation's order
SUMS = ", ".join(f"sum(s.{element})" for element in ELEMENTS)
DAY_SQL = (
    f"SELECT s.service_id, s.agency_id, min(s.at), count(*), {SUMS} "
    "FROM surveys s JOIN tickets t ON t.id = s.ticket_id WHERE t.service_day = ? GROUP BY 1, 2"
)
# Over this many days the answers lead the join (each finds its ticket by id); over fewer,
# the tickets of the days do (by service day). Measured on a year of history: a year led
# by the tickets reads a million of them for 140,000 answers, 1.3 s instead of 0.3 s.
ANSWERS_LEAD_DAYS = 31
COMMENTS = 200  # the newest comments of the period shown with its IKM
NUMBERS = 2 + len(ELEMENTS)  # a stored group's first answer's moment, its answers, its sums
Floats = npt.NDArray[np.float64]
Group = tuple[Any, ...]  # (service_id, agency_id, month, first answer's at, answers, *element sums)


def day_sums(conn: sqlite3.Connection, service_day: str) -> tuple[str, bytes]:
    """What a day stores: its groups' (service, agency) as JSON, and per group the first
    answer's moment, the answers and the nine sums as float64 (n, 11): whole numbers far
    below 2**53, so exact."""
    rows = conn.execute(DAY_SQL, (service_day,)).fetchall()
    numbers = np.array([row[2:] for row in rows], dtype=np.float64).reshape(len(rows), NUMBERS)
    return json.dumps([row[:2] for row in rows]), numbers.tobytes()


def _narrowing(filters: Filters) -> tuple[str, list[Any]]:
    """The filters on the answer's own service, agency, counter and officer."""
    clauses, params = [], []
    for column in ("agency_id", "service_id", "counter_id", "officer"):
        value = getattr(filters, column)
        if value is not None:
            clauses.append(f" AND s.{column} = ?")
            params.append(value)
    return "".join(clauses), params


def _source(days: int) -> str:
    return f"surveys s {'CROSS JOIN' if days >= ANSWERS_LEAD_DAYS else 'JOIN'} tickets t ON t.id = s.ticket_id"


def live_groups(tx: Transaction, filters: Filters, days: Sequence[str] | None) -> list[Group]:
    """The groups counted from the answers themselves, over `days` (None: the whole period)."""
    narrow, narrow_params = _narrowing(filters)
    if days is None:
        where, params = "t.service_day BETWEEN ? AND ?", [filters.start.isoformat(), filters.end.isoformat()]
        count = (filters.end - filters.start).days + 1
    elif not days:
        return []
    else:
        where, params, count = f"t.service_day IN ({', '.join('?' * len(days))})", list(days), len(days)
    rows = tx.execute(
        f"SELECT s.service_id, s.agency_id, substr(t.service_day, 1, 7), min(s.at), count(*), {SUMS} "
        f"FROM {_source(count)} WHERE {where}{narrow} GROUP BY 1, 2, 3", (*params, *narrow_params)).fetchall()
    return [tuple(row) for row in rows]


def merged(stored: Iterable[tuple[str, str, bytes]], live: list[Group], filters: Filters) -> list[Group]:
    """Stored days' sums (day, groups JSON, numbers BLOB) and live groups added up per
    (service, agency, month), in the order the GROUP BY gave them (the report takes each
    service's first agency by it). Arrays: a year is 30,000 day groups."""
    known: dict[tuple[str, str, str], int] = {}
    codes: list[npt.NDArray[np.intp]] = []
    numbers: list[Floats] = []
    for service_day, group_names, blob in stored:
        month = service_day[:7]
        names = json.loads(group_names)
        codes.append(np.array([known.setdefault((service, agency, month), len(known)) for service, agency in names],
                              dtype=np.intp))
        numbers.append(np.frombuffer(blob, dtype=np.float64).reshape(len(names), NUMBERS))
    if live:
        codes.append(np.array([known.setdefault((row[0], row[1], row[2]), len(known)) for row in live], dtype=np.intp))
        numbers.append(np.array([row[3:] for row in live], dtype=np.float64).reshape(len(live), NUMBERS))
    if not known:
        return []
    code, values = np.concatenate(codes), np.concatenate(numbers)
    keys = list(known)
    kept = np.array([filters.agency_id in (None, agency) and filters.service_id in (None, service)
                     for service, agency, _ in keys], dtype=bool)
    hit = kept[code]
    code, values = code[hit], values[hit]
    if not len(code):
        return []
    order = np.argsort(code, kind="stable")
    code, values = code[order], values[order]
    starts = np.flatnonzero(np.diff(code, prepend=-1))
    first = np.minimum.reduceat(values[:, 0], starts).tolist()
    sums = np.add.reduceat(values[:, 1:], starts, axis=0).astype(np.int64).tolist()
    groups = [(*keys[group], at, *added) for group, at, added in zip(code[starts].tolist(), first, sums, strict=True)]
    return sorted(groups, key=lambda group: group[:3])


def comments(tx: Transaction, filters: Filters, earliest: float) -> list[dict[str, Any]]:
    """The period's newest comments, newest first: read backwards through the index of the
    answers with a comment (migration 016), from `earliest` (the period's first moment: no
    answer is older than its ticket) on, stopping at the 200th."""
    narrow, narrow_params = _narrowing(filters)
    cursor = tx.execute(
        "SELECT s.at, s.service_id, s.comment FROM surveys s INDEXED BY surveys_comment_at "
        "JOIN tickets t ON t.id = s.ticket_id WHERE s.comment IS NOT NULL AND s.comment != '' AND s.at >= ? "
        f"AND t.service_day BETWEEN ? AND ?{narrow} ORDER BY s.at DESC, s.rowid DESC LIMIT {COMMENTS}",
        (earliest, filters.start.isoformat(), filters.end.isoformat(), *narrow_params))
    return [{"at": at, "service_id": service_id, "comment": comment} for at, service_id, comment in cursor]
