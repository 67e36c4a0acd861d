"""The satisfaction survey (Survei Kepuasan Masyarakat, PermenPANRB 14/2017) and its index.

A visitor answers the nine elements on a four-point scale, once per finished
ticket, with an optional comment; nothing personal is asked or kept beyond the
ticket's service, counter and officer.

Only the visitor who holds the ticket answers: every ticket gets a random survey secret
at issue, which only its QR code (the phone page's address) and the survey tablet
enrolled at its counter learn. Ticket ids are public (the hall's screens and rooms show
them); an answer without the ticket's secret is refused (`survey_forbidden`).

IKM (Indeks Kepuasan Masyarakat): the mean answer of each element (its NRR),
then 25 × the mean of the nine element means (equal weights of 1/9), rounded to
two decimals. Grades, on that rounded value: A 88.31-100 Sangat Baik,
B 76.61-88.30 Baik, C 65.00-76.60 Kurang Baik, D 25.00-64.99 Tidak Baik.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, time
from typing import Any

from server.core import report_days, report_ikm
from server.core.errors import RuleError, conflict
from server.core.events import SurveyAnswered, SurveyTabletsChanged
from server.core.reports import Filters
from server.core.site import SiteIndex
from server.core.store import Transaction
from server.core.tickets import get_row, holds_secret

ELEMENTS = report_ikm.ELEMENTS  # u1 to u9, the columns of an answer
# The nine elements in the regulation's order: (Bahasa Indonesia, English).
ELEMENT_NAMES = {
    "u1": ("Persyaratan", "Requirements"),
    "u2": ("Sistem, mekanisme dan prosedur", "Procedure"),
    "u3": ("Waktu penyelesaian", "Completion time"),
    "u4": ("Biaya/tarif", "Cost"),
    "u5": ("Produk spesifikasi jenis pelayanan", "Service product"),
    "u6": ("Kompetensi pelaksana", "Officer competence"),
    "u7": ("Perilaku pelaksana", "Officer behaviour"),
    "u8": ("Penanganan pengaduan, saran dan masukan", "Handling of complaints and suggestions"),
    "u9": ("Sarana dan prasarana", "Facilities"),
}
# (lowest IKM of the grade, grade, label, English label), best first.
GRADES = (
    (88.31, "A", "Sangat Baik", "Very good"),
    (76.61, "B", "Baik", "Good"),
    (65.00, "C", "Kurang Baik", "Poor"),
    (25.00, "D", "Tidak Baik", "Very poor"),
)
MAX_COMMENT = 2000


def grade(ikm: float) -> tuple[str, str, str]:
    """(grade, label, English label) of an IKM value."""
    for lowest, letter, label, label_en in GRADES:
        if ikm >= lowest:
            return letter, label, label_en
    return GRADES[-1][1:]  # below 25 cannot happen with answers of 1 to 4


def check_answers(answers: Any) -> dict[str, int]:
    """The nine answers as ints 1..4, or a 422 naming the first one at fault."""
    if not isinstance(answers, dict):
        raise RuleError("invalid_request", "answers: expected an object with u1 to u9.", "answers")
    unknown = sorted(set(answers) - set(ELEMENTS))
    if unknown:
        raise RuleError("invalid_request", f"answers.{unknown[0]}: unknown element; use u1 to u9.",
                        f"answers.{unknown[0]}")
    for element in ELEMENTS:
        value = answers.get(element)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 4:
            raise RuleError("invalid_request", f"answers.{element}: expected a whole number from 1 to 4.",
                            f"answers.{element}")
    return {element: int(answers[element]) for element in ELEMENTS}


def answered(tx: Transaction, ticket_id: str) -> dict[str, Any] | None:
    return tx.one("SELECT * FROM surveys WHERE ticket_id = ?", (ticket_id,))


def check_secret(ticket: dict[str, Any], key: Any) -> None:
    """The 403 of an answer that does not carry the ticket's survey secret."""
    if not holds_secret(ticket, key):
        raise RuleError("survey_forbidden", "key: this survey can be answered only from the QR code printed on "
                        "the ticket or from the survey tablet of its counter.", "key")


def answer(
    tx: Transaction, site: SiteIndex, now: float, ticket_id: str, answers: Any, comment: str | None,
    key: str | None,
) -> dict[str, Any]:
    """Record the answer of a finished ticket's visitor, who shows its secret `key`: once per ticket."""
    ticket = get_row(tx, ticket_id)
    check_secret(ticket, key)
    values = check_answers(answers)
    if comment is not None and not isinstance(comment, str):
        raise RuleError("invalid_request", "comment: expected text or null.", "comment")
    comment = (comment or "").strip()[:MAX_COMMENT] or None
    if ticket["status"] != "done":
        raise conflict("not_finished", f"Ticket {ticket['number']} is not finished yet (status: {ticket['status']}).")
    if answered(tx, ticket_id) is not None:
        raise conflict("already_answered", f"The survey for ticket {ticket['number']} has already been answered.")
    tx.execute(
        f"INSERT INTO surveys (ticket_id, at, service_id, agency_id, counter_id, officer, {', '.join(ELEMENTS)}, "
        f"comment) VALUES ({', '.join('?' * (7 + len(ELEMENTS)))})",
        (ticket_id, now, ticket["service_id"], ticket["agency_id"], ticket["counter_id"], ticket["officer"],
         *values.values(), comment),
    )
    tx.raise_event(SurveyAnswered(ticket_id=ticket_id, counter_id=ticket["counter_id"]))
    return {"ticket_id": ticket_id, "answers": values, "comment": comment}


def status(tx: Transaction, site: SiteIndex, ticket_id: str) -> dict[str, Any]:
    """Whether this ticket's visitor may answer now, and whether they already did."""
    ticket = get_row(tx, ticket_id)
    done = answered(tx, ticket_id) is not None
    return {
        "ticket_id": ticket_id,
        "number": ticket["number"],
        "status": ticket["status"],
        "answered": done,
        "can_answer": ticket["status"] == "done" and not done,
    }


def latest_finished(tx: Transaction, site: SiteIndex, counter_id: str, now: float, *, with_key: bool = False,
                    within_seconds: int = 900) -> dict[str, Any] | None:
    """The ticket just finished at a counter (in the last 15 minutes) whose visitor has not answered.

    `with_key` (only for the counter's enrolled tablet) adds the ticket's survey secret as `key`."""
    row = tx.one(
        "SELECT t.id, t.number, t.service_id, t.finished_at, t.survey_secret FROM tickets t "
        "LEFT JOIN surveys s ON s.ticket_id = t.id "
        "WHERE t.counter_id = ? AND t.status = 'done' AND t.finished_at >= ? AND s.ticket_id IS NULL "
        "ORDER BY t.finished_at DESC LIMIT 1",
        (counter_id, now - within_seconds),
    )
    if row is None:
        return None
    service = site.services.get(row["service_id"])
    shown = {
        "id": row["id"],
        "number": row["number"],
        "service_id": row["service_id"],
        "service_name": service.name if service else row["service_id"],
        "service_name_en": (service.name_en or service.name) if service else row["service_id"],
        "finished_at": site.iso(row["finished_at"]),
    }
    return {**shown, "key": row["survey_secret"]} if with_key else shown


# --- the survey tablets -------------------------------------------------------------------------
# A tablet beside a counter is a screen the visitors touch, so it holds no staff session: a
# staff member who may use the counter enrols it once, and it keeps a device token (kept here
# hashed) that lets it read the secret of the ticket just finished at that counter only.


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def enrol_tablet(tx: Transaction, counter_id: str, actor: str, now: float, address: str | None = None) -> str:
    """A new device token for a survey tablet of this counter (the caller checked who may)."""
    token = secrets.token_urlsafe(32)
    tx.execute("INSERT INTO survey_tablets (token_hash, counter_id, enrolled_by, enrolled_at) VALUES (?, ?, ?, ?)",
               (_token_hash(token), counter_id, actor, now))
    tx.raise_event(SurveyTabletsChanged(at=now, actor=actor, address=address, counter_id=counter_id, enrolled=True))
    return token


def tablet_counter(tx: Transaction, token: str | None) -> str | None:
    """The counter whose tablet holds this device token, if it is one."""
    if not token:
        return None
    counter_id: str | None = tx.scalar("SELECT counter_id FROM survey_tablets WHERE token_hash = ?",
                                       (_token_hash(token),))
    return counter_id


def revoke_tablets(tx: Transaction, counter_id: str, actor: str, now: float, address: str | None = None) -> int:
    """Every tablet enrolled at this counter stops getting secrets (a lost or replaced tablet)."""
    gone = tx.execute("DELETE FROM survey_tablets WHERE counter_id = ?", (counter_id,)).rowcount
    tx.raise_event(SurveyTabletsChanged(at=now, actor=actor, address=address, counter_id=counter_id,
                                        enrolled=False))
    return int(gone)


# --- the index ----------------------------------------------------------------------------------


def ikm(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Respondents, element means (two decimals), IKM and grade of these answers."""
    return _index(len(rows), {element: sum(row[element] for row in rows) for element in ELEMENTS})


def _index(count: int, sums: dict[str, int]) -> dict[str, Any]:
    """The IKM of `count` answers whose elements add up to `sums` (whole numbers: their
    means are the same in any order of adding)."""
    if count == 0:
        return {"respondents": 0, "elements": dict.fromkeys(ELEMENTS), "ikm": None, "grade": None,
                "label": None, "label_en": None}
    means = {element: sums[element] / count for element in ELEMENTS}
    value = round(25 * sum(means.values()) / len(ELEMENTS), 2)
    letter, label, label_en = grade(value)
    return {
        "respondents": count,
        "elements": {element: round(mean, 2) for element, mean in means.items()},
        "ikm": value,
        "grade": letter,
        "label": label,
        "label_en": label_en,
    }


def _service_name(site: SiteIndex, service_id: str) -> str:
    service = site.services.get(service_id)
    return service.name if service else service_id  # removed from the configuration since


def _add(into: dict[Any, list[Any]], key: Any, count: int, sums: list[int]) -> None:
    totals = into.setdefault(key, [0, [0] * len(ELEMENTS)])
    totals[0] += count
    totals[1] = [a + b for a, b in zip(totals[1], sums, strict=True)]


def _indexed(groups: dict[Any, list[Any]]) -> dict[Any, dict[str, Any]]:
    return {key: _index(count, dict(zip(ELEMENTS, sums, strict=True))) for key, (count, sums) in sorted(
        groups.items())}


def ikm_report(tx: Transaction, site: SiteIndex, filters: Filters) -> dict[str, Any]:
    """The IKM of the period in total, by service, by agency and by month, with comments.

    Each group of service, agency and month has its number of answers and the sum of each
    element (from the days' stored sums, or one GROUP BY over the answers); the totals of a
    service, an agency, a month and the whole period are sums of those whole numbers, so
    they are exact."""
    groups = report_days.ikm_groups(tx, site, filters)  # stored per day where it can (report_ikm.py)
    total: dict[Any, list[Any]] = {}
    services: dict[Any, list[Any]] = {}
    agencies: dict[Any, list[Any]] = {}
    months: dict[Any, list[Any]] = {}
    first: dict[str, tuple[float, str]] = {}  # each service's earliest answer: (at, its agency)
    for service_id, agency_id, month, first_at, count, *element_sums in groups:
        for into, key in ((total, None), (services, service_id), (agencies, agency_id), (months, month)):
            _add(into, key, count, element_sums)
        if service_id not in first or first_at < first[service_id][0]:
            first[service_id] = (first_at, agency_id)
    order = {service_id: index for index, service_id in enumerate(site.services)}
    by_service = [
        {"service_id": service_id, "name": _service_name(site, service_id), "agency_id": first[service_id][1],
         **figures}
        for service_id, figures in _indexed(services).items()
    ]
    by_service.sort(key=lambda s: order.get(s["service_id"], len(order)))
    # No answer is older than its ticket; a day earlier still, whatever zone the day was counted in.
    earliest = datetime.combine(filters.start, time(0), tzinfo=site.tz).timestamp() - 86400
    comments = report_ikm.comments(tx, filters, earliest)
    return {
        "from": filters.start.isoformat(),
        "to": filters.end.isoformat(),
        "agency_id": filters.agency_id,
        "service_id": filters.service_id,
        **(_indexed(total).get(None) or _index(0, {})),
        "element_names": {e: {"id": names[0], "en": names[1]} for e, names in ELEMENT_NAMES.items()},
        "by_service": by_service,
        "by_agency": [
            {"agency_id": agency_id, "name": site.agencies[agency_id].short_name if agency_id in site.agencies
             else agency_id, **figures}
            for agency_id, figures in _indexed(agencies).items()
        ],
        "by_month": [{"month": month, **figures} for month, figures in _indexed(months).items()],
        "comments": [
            {"at": site.iso(r["at"]), "service_id": r["service_id"], "comment": r["comment"],
             "service_name": _service_name(site, r["service_id"])}
            for r in comments
        ],
    }
