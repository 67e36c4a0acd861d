"""Report routes (supervisor, admin): summary, IKM and a day's queue length, as JSON,
CSV and XLSX. A supervisor sees only their own agency."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response, request

from server.core import reports, survey
from server.core.auth import User
from server.core.errors import RuleError
from server.web import exports
from server.web.api import schemas
from server.web.api.access import require_role
from server.web.api.base import api
from server.web.hall import Hall, current_hall

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


def parse_day(name: str, default: date) -> date:
    text = request.args.get(name)
    if text is None or text == "":
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise RuleError("invalid_request", f"{name}: expected a date as YYYY-MM-DD, got {text[:20]!r}.",
                        name) from None


def _text_arg(name: str) -> str | None:
    value = request.args.get(name)
    if value is not None and len(value) > 64:
        raise RuleError("invalid_request", f"{name}: too long.", name)
    return value or None


def scope_agency(hall: Hall, user: User, agency_id: str | None, service_id: str | None = None,
                 counter_id: str | None = None) -> str | None:
    """The agency a request may look at: a supervisor's own, or what an admin asked for.

    Unknown ids are 404s; a supervisor naming another agency (or its service or
    counter) gets 403 forbidden.
    """
    site = hall.site
    if agency_id is not None and agency_id not in site.agencies:
        raise RuleError("unknown_agency", f"There is no agency with id {agency_id!r}.", "agency_id")
    if service_id is not None and service_id not in site.services:
        raise RuleError("unknown_service", f"There is no service with id {service_id!r}.", "service_id")
    if counter_id is not None and counter_id not in site.counters:
        raise RuleError("unknown_counter", f"There is no counter with id {counter_id!r}.", "counter_id")
    if user.role == "admin":
        return agency_id
    own = user.agency_id
    named = [agency_id, site.agency_of.get(service_id or ""), site.counters[counter_id].agency if counter_id else None]
    for other in named:
        if other is not None and other != own:
            raise RuleError("forbidden", "A supervisor sees only their own agency.")
    return own


def report_filters(hall: Hall, *, with_counter: bool = False) -> reports.Filters:
    """Period and filters from the query string, checked against the user's scope."""
    user = require_role("supervisor")
    today = hall.site.local(hall.now()).date()
    start = parse_day("from", today)
    end = parse_day("to", start)
    if end < start:
        raise RuleError("invalid_request", "to: must not be before from.", "to")
    if (end - start).days >= MAX_DAYS:
        raise RuleError("invalid_request", f"to: a report covers at most {MAX_DAYS} days.", "to")
    service_id = _text_arg("service_id")
    counter_id = _text_arg("counter_id") if with_counter else None
    agency_id = scope_agency(hall, user, _text_arg("agency_id"), service_id, counter_id)
    officer = _text_arg("officer") if with_counter else None
    return reports.Filters(start, end, agency_id, service_id, counter_id, officer)


def _lang() -> str:
    return "en" if request.args.get("lang") == "en" else "id"


def _file(content: bytes, kind: str, name: str) -> Response:
    mimetype = exports.MIMETYPES[kind]
    return Response(content, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}.{kind}"',
                             "Cache-Control": "no-store"})


def _summary() -> tuple[dict[str, Any], reports.Filters]:
    hall = current_hall()
    filters = report_filters(hall, with_counter=True)
    with hall.store.read() as tx:
        return reports.summary(tx, hall.site, filters), filters


SUMMARY_TEXT = "Tickets issued, served, no-show, cancelled, expired; wait, walk and service times; within standard."


@api.route("/reports/summary", "GET", summary=SUMMARY_TEXT, tag="reports", response=schemas.ReportSummary,
           auth="supervisor", query=SUMMARY_QUERY, errors=REPORT_ERRORS)
def report_summary() -> dict[str, Any]:
    """The summary of a period, with breakdowns by service, agency, counter, officer, day and hour."""
    return _summary()[0]


@api.route("/reports/summary.csv", "GET", summary="The summary report as CSV (one row per service, then a total).",
           tag="reports", auth="supervisor", query=SUMMARY_QUERY, errors=REPORT_ERRORS, produces=("text/csv",))
def report_summary_csv() -> Response:
    """The summary as CSV (UTF-8 with BOM, so spreadsheet programs read the names right)."""
    data, filters = _summary()
    return _file(exports.summary_csv(data, _lang()), "csv", exports.file_name("laporan", filters))


@api.route("/reports/summary.xlsx", "GET", summary="The summary report as an XLSX workbook.", tag="reports",
           auth="supervisor", query=SUMMARY_QUERY, errors=REPORT_ERRORS, produces=(exports.MIMETYPES["xlsx"],))
def report_summary_xlsx() -> Response:
    """The summary as a workbook: totals and services, hours, counters, officers, days."""
    data, filters = _summary()
    return _file(exports.summary_xlsx(data, _lang()), "xlsx", exports.file_name("laporan", filters))


def _ikm() -> tuple[dict[str, Any], reports.Filters]:
    hall = current_hall()
    filters = report_filters(hall)
    with hall.store.read() as tx:
        return survey.ikm_report(tx, hall.site, filters), filters


IKM_QUERY = (*PERIOD_QUERY, ("lang", "Column headings of CSV/XLSX: id (default) or en.", False))


@api.route("/reports/ikm", "GET", summary="The satisfaction index (IKM) per element and in total, with its grade.",
           tag="reports", response=schemas.IkmReport, auth="supervisor", query=IKM_QUERY, errors=REPORT_ERRORS)
def report_ikm() -> dict[str, Any]:
    """IKM = 25 × the mean of the nine element means; by service, agency and month too."""
    return _ikm()[0]


@api.route("/reports/ikm.csv", "GET", summary="The IKM report as CSV.", tag="reports", auth="supervisor",
           query=IKM_QUERY, errors=REPORT_ERRORS, produces=("text/csv",))
def report_ikm_csv() -> Response:
    """The IKM in total and per service as CSV."""
    data, filters = _ikm()
    return _file(exports.ikm_csv(data, _lang()), "csv", exports.file_name("ikm", filters))


@api.route("/reports/ikm.xlsx", "GET", summary="The IKM report as an XLSX workbook.", tag="reports",
           auth="supervisor", query=IKM_QUERY, errors=REPORT_ERRORS, produces=(exports.MIMETYPES["xlsx"],))
def report_ikm_xlsx() -> Response:
    """The IKM as a workbook: total and elements, per service, per agency, per month, comments."""
    data, filters = _ikm()
    return _file(exports.ikm_xlsx(data, _lang()), "xlsx", exports.file_name("ikm", filters))


@api.route("/reports/queue", "GET", summary="How many waited over one day, every few minutes.", tag="reports",
           response=schemas.QueueLength, auth="supervisor", errors=REPORT_ERRORS,
           query=(("date", "The service day, YYYY-MM-DD (default: today).", False),
                  ("agency_id", "Only this agency.", False), ("service_id", "Only this service.", False),
                  ("step", "Minutes between samples, 1 to 60 (default 5).", False)))
def report_queue() -> dict[str, Any]:
    """The queue length over a day for a chart: samples and the peak."""
    hall = current_hall()
    user = require_role("supervisor")
    day = parse_day("date", hall.site.local(hall.now()).date())
    service_id = _text_arg("service_id")
    agency_id = scope_agency(hall, user, _text_arg("agency_id"), service_id)
    step_text = request.args.get("step") or "5"
    if not step_text.isdigit() or not 1 <= int(step_text) <= 60:
        raise RuleError("invalid_request", "step: expected whole minutes from 1 to 60.", "step")
    with hall.store.read() as tx:
        return reports.queue_length(tx, hall.site, day, hall.now(), agency_id=agency_id, service_id=service_id,
                                    step_minutes=int(step_text))
