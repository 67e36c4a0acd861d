"""The reports as they were computed before the per-day summaries: every ticket row loaded
into Python. Kept word for word as the oracle the SQL and array figures must equal
(tests/test_report_engine.py); nothing in the server imports it."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from server.core.reports import FINISHED_FIGURES, Filters
from server.core.site import SiteIndex
from server.core.store import Transaction
from server.core.survey import ELEMENT_NAMES, ELEMENTS, grade
from server.core.vocabulary import ACTIVE, STATUSES

TICKET_COLUMNS = (
    "id, service_day, service_id, agency_id, counter_id, officer, status, issued_at, called_at, started_at, finished_at"
)

# --- statistics ------------------------------------------------------------------------------


def median(values: list[float]) -> float | None:
    """The middle of the sorted values; the mean of the two middle ones for an even count."""
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        return None
    middle = n // 2
    return ordered[middle] if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def nearest_rank(values: list[float], percent: int) -> float | None:
    """The nearest-rank percentile: the value at 1-based rank ceil(percent/100 × n)."""
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        return None
    rank = max(1, (percent * n + 99) // 100)  # integer ceil, no float rounding surprises
    return ordered[rank - 1]


def duration_stats(values: list[float]) -> dict[str, float | None]:
    """`{"avg", "median", "p90"}` of durations in seconds, one decimal."""
    if not values:
        return {"avg": None, "median": None, "p90": None}
    middle, p90 = median(values), nearest_rank(values, 90)
    assert middle is not None and p90 is not None  # None only for no values, handled above
    return {"avg": round(sum(values) / len(values), 1), "median": round(middle, 1), "p90": round(p90, 1)}


def _durations(rows: Iterable[dict[str, Any]], begin: str, end: str, status: str | None = None) -> list[float]:
    return [
        row[end] - row[begin]
        for row in rows
        if row[begin] is not None and row[end] is not None and (status is None or row["status"] == status)
    ]


def within_standard(site: SiteIndex, rows: Iterable[dict[str, Any]]) -> tuple[float | None, int, int]:
    """(share, met, measured) of served tickets against their service's standard."""
    met = measured = 0
    for row in rows:
        service = site.services.get(row["service_id"])
        standard = service.standard_minutes if service else None
        if row["status"] != "done" or row["started_at"] is None or row["finished_at"] is None or not standard:
            continue
        measured += 1
        if row["finished_at"] - row["started_at"] <= standard * 60:
            met += 1
    return (round(met / measured, 4) if measured else None), met, measured


def figures(site: SiteIndex, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts by status, the three durations and the standard-compliance share of these tickets."""
    counts = dict.fromkeys(STATUSES, 0)
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    share, met, measured = within_standard(site, rows)
    return {
        "issued": len(rows),
        **{figure: counts[status] for status, figure in FINISHED_FIGURES.items()},
        "in_progress": sum(counts[status] for status in ACTIVE),
        "wait": duration_stats(_durations(rows, "issued_at", "called_at")),
        "walk": duration_stats(_durations(rows, "called_at", "started_at")),
        "service": duration_stats(_durations(rows, "started_at", "finished_at", "done")),
        "within_standard": share,
        "within_standard_met": met,
        "within_standard_measured": measured,
    }


# --- the summary report ----------------------------------------------------------------------


def ticket_rows(tx: Transaction, filters: Filters) -> list[dict[str, Any]]:
    where, params = filters.where()
    return tx.all(f"SELECT {TICKET_COLUMNS} FROM tickets WHERE {where} ORDER BY issued_at", params)


def _grouped(rows: list[dict[str, Any]], key: Callable[[dict[str, Any]], Any]) -> dict[Any, list[dict[str, Any]]]:
    groups: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        value = key(row)
        if value is not None:
            groups[value].append(row)
    return groups


def _service_name(site: SiteIndex, service_id: str) -> tuple[str, str]:
    service = site.services.get(service_id)
    if service is None:  # removed from the configuration since: keep its id readable
        return service_id, service_id
    return service.name, service.name_en or service.name


def by_hour(site: SiteIndex, rows: list[dict[str, Any]]) -> list[dict[str, int]]:
    """Tickets issued per local hour of the day, over the hall's hours and every hour with arrivals."""
    counts: dict[int, int] = defaultdict(int)
    for row in rows:
        counts[site.local(row["issued_at"]).hour] += 1
    hall = site.config.site.hours
    first, last = hall.open.hour, max(hall.close.hour - (hall.close.minute == 0), hall.open.hour)
    for day_hours in hall.by_day.values():
        first, last = min(first, day_hours.open.hour), max(last, day_hours.close.hour - (day_hours.close.minute == 0))
    if counts:
        first, last = min(first, *counts), max(last, *counts)
    return [{"hour": h, "arrivals": counts.get(h, 0)} for h in range(first, last + 1)]


def summary(tx: Transaction, site: SiteIndex, filters: Filters) -> dict[str, Any]:
    """The summary report of the contract plus breakdowns by agency, counter, officer and day."""
    rows = ticket_rows(tx, filters)
    result: dict[str, Any] = {
        "from": filters.start.isoformat(),
        "to": filters.end.isoformat(),
        "agency_id": filters.agency_id,
        "service_id": filters.service_id,
        "counter_id": filters.counter_id,
        "officer": filters.officer,
        "days": len({row["service_day"] for row in rows}),
        **figures(site, rows),
    }
    by_service = []
    for service_id, group in _grouped(rows, lambda r: r["service_id"]).items():
        name, name_en = _service_name(site, service_id)
        service = site.services.get(service_id)
        by_service.append({
            "service_id": service_id, "name": name, "name_en": name_en, "agency_id": group[0]["agency_id"],
            "standard_minutes": service.standard_minutes if service else None, **figures(site, group),
        })
    order = {service_id: index for index, service_id in enumerate(site.services)}
    result["by_service"] = sorted(by_service, key=lambda s: (order.get(s["service_id"], len(order)), s["service_id"]))
    result["by_agency"] = [
        {"agency_id": agency_id, "name": site.agencies[agency_id].short_name if agency_id in site.agencies
         else agency_id, **figures(site, group)}
        for agency_id, group in sorted(_grouped(rows, lambda r: r["agency_id"]).items())
    ]
    result["by_counter"] = [
        {"counter_id": counter_id, **_counter_names(site, counter_id), **figures(site, group)}
        for counter_id, group in sorted(_grouped(rows, lambda r: r["counter_id"]).items(),
                                        key=lambda item: _natural(item[0]))
    ]
    result["by_officer"] = [
        {"officer": officer, **figures(site, group)}
        for officer, group in sorted(_grouped(rows, lambda r: r["officer"]).items())
    ]
    result["by_day"] = [
        {"date": day, **{k: v for k, v in figures(site, group).items() if k in ("issued", "served", "no_show")}}
        for day, group in sorted(_grouped(rows, lambda r: r["service_day"]).items())
    ]
    result["by_hour"] = by_hour(site, rows)
    return result


def _counter_names(site: SiteIndex, counter_id: str) -> dict[str, str]:
    """A counter's names; one removed from the configuration since keeps its id as name."""
    counter = site.counters.get(counter_id)
    if counter is None:
        return {"name": counter_id, "name_en": counter_id}
    return {"name": counter.name, "name_en": counter.english_name}


def _natural(text: str) -> tuple[Any, ...]:
    """"loket-2" sorts before "loket-10"."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text))



# --- the IKM ------------------------------------------------------------------------------------


def ikm(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Respondents, element means (two decimals), IKM and grade of these answers."""
    count = len(rows)
    if count == 0:
        return {"respondents": 0, "elements": dict.fromkeys(ELEMENTS), "ikm": None, "grade": None,
                "label": None, "label_en": None}
    means = {element: sum(row[element] for row in rows) / count for element in ELEMENTS}
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


def survey_rows(tx: Transaction, site: SiteIndex, filters: Filters) -> list[dict[str, Any]]:
    """Answers of tickets whose service day lies in the period (and the other filters)."""
    where, params = filters.where("t")
    where = where.replace("t.agency_id", "s.agency_id").replace("t.service_id", "s.service_id")
    where = where.replace("t.counter_id", "s.counter_id").replace("t.officer", "s.officer")
    return tx.all(
        f"SELECT s.*, t.service_day FROM surveys s JOIN tickets t ON t.id = s.ticket_id WHERE {where} "
        "ORDER BY s.at",
        params,
    )


def _ikm_service_name(site: SiteIndex, service_id: str) -> str:
    service = site.services.get(service_id)
    return service.name if service else service_id  # removed from the configuration since


def _groups(rows: list[dict[str, Any]], key: Callable[[dict[str, Any]], str]) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    return dict(sorted(groups.items()))


def ikm_report(tx: Transaction, site: SiteIndex, filters: Filters) -> dict[str, Any]:
    """The IKM of the period in total, by service, by agency and by month, with comments."""
    rows = survey_rows(tx, site, filters)
    order = {service_id: index for index, service_id in enumerate(site.services)}
    by_service = [
        {"service_id": service_id, "name": _ikm_service_name(site, service_id), "agency_id": group[0]["agency_id"],
         **ikm(group)}
        for service_id, group in _groups(rows, lambda r: r["service_id"]).items()
    ]
    by_service.sort(key=lambda s: order.get(s["service_id"], len(order)))
    return {
        "from": filters.start.isoformat(),
        "to": filters.end.isoformat(),
        "agency_id": filters.agency_id,
        "service_id": filters.service_id,
        **ikm(rows),
        "element_names": {e: {"id": names[0], "en": names[1]} for e, names in ELEMENT_NAMES.items()},
        "by_service": by_service,
        "by_agency": [
            {"agency_id": agency_id, "name": site.agencies[agency_id].short_name if agency_id in site.agencies
             else agency_id, **ikm(group)}
            for agency_id, group in _groups(rows, lambda r: r["agency_id"]).items()
        ],
        "by_month": [
            {"month": month, **ikm(group)}
            for month, group in _groups(rows, lambda r: r["service_day"][:7]).items()
        ],
        "comments": [
            {"at": site.iso(r["at"]), "service_id": r["service_id"], "comment": r["comment"],
             "service_name": _ikm_service_name(site, r["service_id"])}
            for r in reversed(rows) if r["comment"]
        ][:200],
    }
