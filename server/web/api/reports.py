"""Report routes (supervisor, admin): summary, IKM and a day's queue length, as JSON,
CSV and XLSX. A supervisor sees only their own agency.

Each report is built, file and all, in an OS thread over a read-only connection of its
own (`Store.read_off_loop`), while the loop goes on serving kiosks, counters and displays.
Before a summary or an IKM reads, the closed days of its period that have no stored
columns yet get them (server/core/report_days.py, with the survey's sums of
report_ikm.py), on a connection of that thread. The handler only
parses and answers.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from flask import Response, request

from server.core import report_days, report_visits, reports, survey
from server.core.errors import RuleError
from server.core.site import SiteIndex
from server.core.store import Transaction
from server.web import exports
from server.web.api import admin_schemas
from server.web.api.access import require
from server.web.api.base import api
from server.web.api.params import int_arg, parse_day, scope_agency, text_arg
from server.web.hall import Hall, current_hall

log = logging.getLogger("antrean.reports")
MAX_DAYS = 366
PERIOD_QUERY = (
    ("from", "First service day, YYYY-MM-DD (default: today).", False),
    ("to", "Last service day, YYYY-MM-DD, inclusive (default: from).", False),
    ("agency_id", "Only this agency (a supervisor always gets their own).", False),
    ("service_id", "Only this service.", False),
)
SUMMARY_QUERY = (
    *PERIOD_QUERY,
    ("counter_id", "Only tickets that ended at this counter.", False),
    ("officer", "Only tickets that this officer (username) handled last.", False),
    ("lang", "Column headings of CSV/XLSX: id (default) or en.", False),
)
REPORT_ERRORS = ((404, "unknown_agency"), (404, "unknown_service"), (404, "unknown_counter"),
                 (422, "invalid_request"))


def report_filters(hall: Hall, *, with_counter: bool = False) -> reports.Filters:
    """Period and filters from the query string, checked against the user's scope."""
    user = require("read_reports")
    today = hall.site.local(hall.now()).date()
    start = parse_day("from", today)
    end = parse_day("to", start)
    if end < start:
        raise RuleError("invalid_request", "to: must not be before from.", "to")
    if (end - start).days >= MAX_DAYS:
        raise RuleError("invalid_request", f"to: a report covers at most {MAX_DAYS} days.", "to")
    service_id = text_arg("service_id")
    counter_id = text_arg("counter_id") if with_counter else None
    agency_id = scope_agency(hall, user, "read_reports", text_arg("agency_id"), service_id, counter_id)
    officer = text_arg("officer") if with_counter else None
    return reports.Filters(start, end, agency_id, service_id, counter_id, officer)


def _lang() -> str:
    return "en" if request.args.get("lang") == "en" else "id"


def _file(content: bytes | Iterator[bytes], kind: str, name: str) -> Response:
    mimetype = exports.MIMETYPES[kind]
    return Response(content, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}.{kind}"',
                             "Cache-Control": "no-store"})


Builder = Callable[[Transaction, SiteIndex, reports.Filters], dict[str, Any]]
FileMaker = Callable[[dict[str, Any], str, SiteIndex], bytes]  # built in the worker thread
Streamer = Callable[[dict[str, Any], str, SiteIndex], Iterator[bytes]]  # rows encoded as the answer is sent


def _built(tx: Transaction, site: SiteIndex, filters: reports.Filters, build: Builder,
           make_file: FileMaker | None, lang: str, prepare: Callable[[], Any] | None) -> Any:
    """The report, and its file when one is asked for (in the worker thread); the memory its
    arrays took is given back to the system before the answer goes out."""
    report_days.arrays_to_the_system()
    try:
        if prepare is not None:
            prepare()  # before the report's first read: its snapshot then sees what this stored
        data = build(tx, site, filters)
        return data if make_file is None else make_file(data, lang, site)
    finally:
        report_days.give_back_memory()


def _closed_days(hall: Hall, filters: reports.Filters) -> Callable[[], Any]:
    """Store the columns of the period's closed days that have none yet (report_days.py), so
    the next report of them reads columns; the report is the same either way."""
    today = hall.site.local(hall.now()).date()
    return partial(_store_columns, hall.store.path, hall.site, filters.start,
                   min(filters.end, today - timedelta(days=1)))


def _store_columns(path: Path, site: SiteIndex, start: date, end: date) -> None:
    try:
        report_days.build_missing(path, site, start, end)
    except sqlite3.Error as exc:  # a full disk, say: the report reads those days live all the same
        log.warning("report columns not stored: %s", exc)


def _report(build: Builder, make_file: FileMaker | None = None, *,
            with_counter: bool = False) -> tuple[Any, reports.Filters]:
    """Filters parsed here (they answer 4xx at once); the report, and its file, built off the loop."""
    hall = current_hall()
    filters = report_filters(hall, with_counter=with_counter)
    prepare = _closed_days(hall, filters)  # the summary's columns and the IKM's sums are stored together
    return hall.store.read_off_loop(_built, hall.site, filters, build, make_file, _lang(), prepare), filters


def _report_file(build: Builder, make_file: FileMaker, kind: str, name: str, *, with_counter: bool = False) -> Response:
    content, filters = _report(build, make_file, with_counter=with_counter)
    return _file(content, kind, exports.file_name(name, filters))


def _report_stream(build: Builder, stream: Streamer, name: str, *, with_counter: bool = False) -> Response:
    """The report's figures built off the loop; its CSV rows then encoded one by one as the
    answer goes out (a few hundred rows: microseconds each on the loop)."""
    data, filters = _report(build, with_counter=with_counter)
    return _file(stream(data, _lang(), current_hall().site), "csv", exports.file_name(name, filters))


SUMMARY_TEXT = "Tickets issued, served, no-show, cancelled, expired; wait, walk and service times; within standard."


@api.route("/reports/summary", "GET", summary=SUMMARY_TEXT, tag="reports", response=admin_schemas.ReportSummary,
           auth="read_reports", query=SUMMARY_QUERY, errors=REPORT_ERRORS)
def report_summary() -> dict[str, Any]:
    """The summary of a period, with breakdowns by service, agency, counter, officer, day and hour."""
    result: dict[str, Any] = _report(reports.summary, with_counter=True)[0]
    return result


@api.route("/reports/summary.csv", "GET", summary="The summary report as CSV (one row per service, then a total).",
           tag="reports", auth="read_reports", query=SUMMARY_QUERY, errors=REPORT_ERRORS, produces=("text/csv",))
def report_summary_csv() -> Response:
    """The summary as CSV (UTF-8 with BOM, so spreadsheet programs read the names right)."""
    return _report_stream(reports.summary, exports.summary_csv, "laporan", with_counter=True)


@api.route("/reports/summary.xlsx", "GET", summary="The summary report as an XLSX workbook.", tag="reports",
           auth="read_reports", query=SUMMARY_QUERY, errors=REPORT_ERRORS, produces=(exports.MIMETYPES["xlsx"],))
def report_summary_xlsx() -> Response:
    """The summary as a workbook: totals and services, hours, counters, officers, days."""
    return _report_file(reports.summary, exports.summary_xlsx, "xlsx", "laporan", with_counter=True)


IKM_QUERY = (*PERIOD_QUERY, ("lang", "Column headings of CSV/XLSX: id (default) or en.", False))


@api.route("/reports/ikm", "GET", summary="The satisfaction index (IKM) per element and in total, with its grade.",
           tag="reports", response=admin_schemas.IkmReport, auth="read_reports", query=IKM_QUERY, errors=REPORT_ERRORS)
def report_ikm() -> dict[str, Any]:
    """IKM = 25 × the mean of the nine element means; by service, agency and month too."""
    result: dict[str, Any] = _report(survey.ikm_report)[0]
    return result


@api.route("/reports/ikm.csv", "GET", summary="The IKM report as CSV.", tag="reports", auth="read_reports",
           query=IKM_QUERY, errors=REPORT_ERRORS, produces=("text/csv",))
def report_ikm_csv() -> Response:
    """The IKM in total and per service as CSV."""
    return _report_stream(survey.ikm_report, exports.ikm_csv, "ikm")


@api.route("/reports/ikm.xlsx", "GET", summary="The IKM report as an XLSX workbook.", tag="reports",
           auth="read_reports", query=IKM_QUERY, errors=REPORT_ERRORS, produces=(exports.MIMETYPES["xlsx"],))
def report_ikm_xlsx() -> Response:
    """The IKM as a workbook: total and elements, per service, per agency, per month, comments."""
    return _report_file(survey.ikm_report, exports.ikm_xlsx, "xlsx", "ikm")


@api.route("/reports/queue", "GET", summary="How many waited over one day, every few minutes.", tag="reports",
           response=admin_schemas.QueueLength, auth="read_reports", errors=REPORT_ERRORS,
           query=(("date", "The service day, YYYY-MM-DD (default: today).", False),
                  ("agency_id", "Only this agency.", False), ("service_id", "Only this service.", False),
                  ("step", "Minutes between samples, 1 to 60 (default 5).", False)))
def report_queue() -> dict[str, Any]:
    """The queue length over a day for a chart: samples and the peak."""
    hall = current_hall()
    user = require("read_reports")
    day = parse_day("date", hall.site.local(hall.now()).date())
    service_id = text_arg("service_id")
    agency_id = scope_agency(hall, user, "read_reports", text_arg("agency_id"), service_id)
    step = int_arg("step", 5, 1, 60)
    site, now = hall.site, hall.now()
    result: dict[str, Any] = hall.store.read_off_loop(
        lambda tx: reports.queue_length(tx, site, day, now, agency_id=agency_id, service_id=service_id,
                                        step_minutes=step))
    return result


@api.route("/reports/visits", "GET", summary="Per-step and whole-visit times of the visits of several steps.",
           tag="reports", response=admin_schemas.VisitsReport, auth="read_reports", query=PERIOD_QUERY,
           errors=REPORT_ERRORS)
def report_visits_times() -> dict[str, Any]:
    """Waiting, walking and service per step, between agencies, and issue to last finish
    (definitions: server/core/report_visits.py, docs/visits.md)."""
    hall = current_hall()
    filters = report_filters(hall)
    result: dict[str, Any] = hall.store.read_off_loop(report_visits.visits_report, hall.site, filters)
    return result
