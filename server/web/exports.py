"""Reports as files: CSV (UTF-8 with BOM) and XLSX (openpyxl), headings in Indonesian or English.

Text that a spreadsheet could take for a formula (a visitor's comment starting
with "=", say) is written as plain text in both formats. Agencies are named (in the
request's language), not given by id. The workbook's durations are time values shown as
h:mm:ss; the CSV keeps them in seconds, as its headings say (a program reads it).

The CSV goes out as a stream: each row is encoded when the response asks for it
(`csv_stream`); the workbook is written in openpyxl's write-only mode.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from server.core.reports import FINISHED_FIGURES, Filters
from server.core.site import SiteIndex
from server.core.survey import ELEMENT_NAMES, ELEMENTS

if TYPE_CHECKING:  # openpyxl takes 0.3 s to import: only when a workbook is asked for
    from openpyxl import Workbook

MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMULA_START = ("=", "+", "-", "@")
TIME_FORMAT = "[h]:mm:ss"  # hours past 24 keep counting: a time, not a time of day

WORDS = {
    "id": {
        "agency": "Instansi", "service": "Layanan", "counter": "Loket", "officer": "Petugas", "date": "Tanggal",
        "hour": "Jam", "arrivals": "Kedatangan", "issued": "Diterbitkan", "served": "Dilayani",
        "no_show": "Tidak hadir", "cancelled": "Dibatalkan", "expired": "Kedaluwarsa",
        "wait": "Tunggu", "walk": "Menuju loket", "service_time": "Pelayanan", "avg": "rata-rata (detik)",
        "median": "median (detik)", "p90": "P90 (detik)", "within": "Sesuai standar (%)",
        "all_services": "Semua layanan", "period": "Periode", "summary": "Ringkasan", "by_service": "Per layanan",
        "by_hour": "Per jam", "by_counter": "Per loket", "by_officer": "Per petugas", "by_day": "Per hari",
        "by_agency": "Per instansi", "by_month": "Per bulan", "month": "Bulan", "figure": "Ukuran",
        "value": "Nilai", "respondents": "Responden", "element": "Unsur", "mean": "Nilai rata-rata (NRR)",
        "ikm": "IKM", "grade": "Mutu", "label": "Kinerja", "comments": "Saran", "comment": "Saran/komentar",
        "at": "Waktu", "filter": "Filter", "all": "semua", "avg_time": "rata-rata (jam:menit:detik)",
        "median_time": "median (jam:menit:detik)", "p90_time": "P90 (jam:menit:detik)",
    },
    "en": {
        "agency": "Agency", "service": "Service", "counter": "Counter", "officer": "Officer", "date": "Date",
        "hour": "Hour", "arrivals": "Arrivals", "issued": "Issued", "served": "Served", "no_show": "No-show",
        "cancelled": "Cancelled", "expired": "Expired", "wait": "Wait", "walk": "Walk to counter",
        "service_time": "Service", "avg": "average (s)", "median": "median (s)", "p90": "P90 (s)",
        "within": "Within standard (%)", "all_services": "All services", "period": "Period", "summary": "Summary",
        "by_service": "By service", "by_hour": "By hour", "by_counter": "By counter", "by_officer": "By officer",
        "by_day": "By day", "by_agency": "By agency", "by_month": "By month", "month": "Month", "figure": "Figure",
        "value": "Value", "respondents": "Respondents", "element": "Element", "mean": "Mean score",
        "ikm": "IKM", "grade": "Grade", "label": "Rating", "comments": "Comments", "comment": "Comment",
        "at": "Time", "filter": "Filter", "all": "all", "avg_time": "average (h:mm:ss)",
        "median_time": "median (h:mm:ss)", "p90_time": "P90 (h:mm:ss)",
    },
}


def file_name(kind: str, filters: Filters) -> str:
    days = filters.start.isoformat() if filters.start == filters.end else f"{filters.start}_{filters.end}"
    scope = filters.service_id or filters.agency_id
    return f"{kind}-{days}" + (f"-{scope}" if scope else "")


def _safe_text(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _percent(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)


def agency_name(site: SiteIndex, agency_id: str, lang: str) -> str:
    """An agency's name in the language asked for; one removed from the configuration since keeps its id."""
    agency = site.agencies.get(agency_id)
    if agency is None:
        return agency_id
    return (agency.name_en or agency.name) if lang == "en" else agency.name


class Duration(float):
    """Seconds that a workbook shows as a time (h:mm:ss); in a CSV, the plain number."""


def _duration(seconds: float | None, as_time: bool) -> Any:
    return Duration(seconds) if as_time and seconds is not None else seconds


def _figure_headings(w: dict[str, str], as_time: bool = False) -> list[str]:
    stats = ("avg_time", "median_time", "p90_time") if as_time else ("avg", "median", "p90")
    durations = [f"{w[kind]} {w[stat]}" for kind in ("wait", "walk", "service_time") for stat in stats]
    return [w["issued"], *(w[figure] for figure in FINISHED_FIGURES.values()), *durations, w["within"]]


def _figure_cells(item: dict[str, Any], as_time: bool = False) -> list[Any]:
    durations = [_duration(item[kind][stat], as_time) for kind in ("wait", "walk", "service")
                 for stat in ("avg", "median", "p90")]
    return [item["issued"], *(item[figure] for figure in FINISHED_FIGURES.values()), *durations,
            _percent(item["within_standard"])]


def summary_table(data: dict[str, Any], lang: str, site: SiteIndex, as_time: bool = False) -> list[list[Any]]:
    """One row per service, then the total: the CSV, and the workbook's service sheet."""
    w = WORDS[lang]
    rows: list[list[Any]] = [[w["agency"], w["service"], *_figure_headings(w, as_time)]]
    for item in data["by_service"]:
        name = item["name_en"] if lang == "en" else item["name"]
        rows.append([agency_name(site, item["agency_id"], lang), name, *_figure_cells(item, as_time)])
    rows.append(["", w["all_services"], *_figure_cells(data, as_time)])
    return rows


class _Line:
    """Where csv.writer puts one row: kept until it is taken."""

    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text

    def take(self) -> str:
        text, self.text = self.text, ""
        return text


def csv_stream(rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    """The CSV (UTF-8 with a BOM, so spreadsheet programs read the names right), one encoded
    row at a time: nothing but the row being written is ever held as text."""
    line = _Line()
    writer = csv.writer(line)
    yield "\ufeff".encode()
    for row in rows:
        writer.writerow(["" if cell is None else _safe_text(cell) for cell in row])
        yield line.take().encode("utf-8")


def summary_csv(data: dict[str, Any], lang: str, site: SiteIndex) -> Iterator[bytes]:
    return csv_stream(summary_table(data, lang, site))


def _new_book() -> Workbook:
    """A workbook in openpyxl's write-only mode: each row goes out to the file as it is
    appended instead of being kept as cell objects (a cell costs about half a kilobyte)."""
    from openpyxl import Workbook

    return Workbook(write_only=True)


def _sheet(book: Workbook, title: str, rows: list[list[Any]]) -> None:
    """A sheet of `rows`, the first one bold and frozen, columns as wide as their text."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet: Any = book.create_sheet(title=title[:31])
    # Widths and the frozen heading go before the first row: a write-only sheet is written in order.
    widths: dict[int, int] = {}
    for row in rows:
        for index, cell in enumerate(row):
            widths[index] = max(widths.get(index, 0), len(str("" if cell is None else cell)))
    for index, width in widths.items():
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(max(width + 2, 8), 60)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    for number, row in enumerate(rows):
        cells = []
        for value in row:
            # Control characters (a pasted comment, say) are not allowed in XLSX text: drop them.
            if isinstance(value, Duration):
                cell = WriteOnlyCell(sheet, value=timedelta(seconds=float(value)))
                cell.number_format = TIME_FORMAT
            else:
                cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str)
                                     else value)
            if isinstance(cell.value, str) and cell.data_type == "f":
                cell.data_type = "s"  # text, never a formula
            if number == 0:
                cell.font = bold
            cells.append(cell)
        sheet.append(cells)


def _bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _period(data: dict[str, Any], w: dict[str, str], site: SiteIndex, lang: str) -> list[list[Any]]:
    service = site.services.get(data.get("service_id") or "")
    if service is not None:
        scope = (service.name_en or service.name) if lang == "en" else service.name
    elif data.get("service_id"):
        scope = data["service_id"]
    else:
        scope = agency_name(site, data["agency_id"], lang) if data.get("agency_id") else w["all"]
    return [[w["period"], f"{data['from']} – {data['to']}"], [w["filter"], scope]]


def summary_xlsx(data: dict[str, Any], lang: str, site: SiteIndex) -> bytes:
    w = WORDS[lang]
    book = _new_book()
    figures = list(zip(_figure_headings(w, True), _figure_cells(data, True), strict=True))
    _sheet(book, w["summary"], [[w["figure"], w["value"]], *_period(data, w, site, lang), *map(list, figures)])
    _sheet(book, w["by_service"], summary_table(data, lang, site, as_time=True))
    _sheet(book, w["by_hour"], [[w["hour"], w["arrivals"]]]
           + [[f"{h['hour']:02d}:00", h["arrivals"]] for h in data["by_hour"]])
    names: dict[str, Any] = {
        "by_counter": lambda item: item["name_en"] if lang == "en" else item["name"],
        "by_officer": lambda item: item["officer"],
        "by_agency": lambda item: agency_name(site, item["agency_id"], lang),
    }
    for key, label in (("by_counter", "counter"), ("by_officer", "officer"), ("by_agency", "agency")):
        rows = [[w[label], *_figure_headings(w, True)]]
        rows += [[names[key](item), *_figure_cells(item, True)] for item in data[key]]
        _sheet(book, w[key], rows)
    _sheet(book, w["by_day"], [[w["date"], w["issued"], w["served"], w["no_show"]]]
           + [[d["date"], d["issued"], d["served"], d["no_show"]] for d in data["by_day"]])
    return _bytes(book)


# --- IKM ---------------------------------------------------------------------------------------------


def _ikm_headings(w: dict[str, str]) -> list[str]:
    return [w["respondents"], *(e.upper() for e in ELEMENTS), w["ikm"], w["grade"], w["label"]]


def _ikm_cells(item: dict[str, Any], lang: str) -> list[Any]:
    label = item.get("label_en") if lang == "en" else item.get("label")
    return [item["respondents"], *(item["elements"][e] for e in ELEMENTS), item["ikm"], item["grade"], label]


def ikm_table(data: dict[str, Any], lang: str, site: SiteIndex) -> list[list[Any]]:
    w = WORDS[lang]
    rows: list[list[Any]] = [[w["agency"], w["service"], *_ikm_headings(w)]]
    for item in data["by_service"]:
        rows.append([agency_name(site, item["agency_id"], lang), item["name"], *_ikm_cells(item, lang)])
    rows.append(["", w["all_services"], *_ikm_cells(data, lang)])
    return rows


def ikm_csv(data: dict[str, Any], lang: str, site: SiteIndex) -> Iterator[bytes]:
    return csv_stream(ikm_table(data, lang, site))


def ikm_xlsx(data: dict[str, Any], lang: str, site: SiteIndex) -> bytes:
    w = WORDS[lang]
    book = _new_book()
    index = 1 if lang == "en" else 0
    total = [[w["element"], w["mean"]], *_period(data, w, site, lang), [w["respondents"], data["respondents"]]]
    total += [[f"{e.upper()} {ELEMENT_NAMES[e][index]}", data["elements"][e]] for e in ELEMENTS]
    label = data.get("label_en") if lang == "en" else data.get("label")
    total += [[w["ikm"], data["ikm"]], [w["grade"], data["grade"]], [w["label"], label]]
    _sheet(book, w["ikm"], total)
    _sheet(book, w["by_service"], ikm_table(data, lang, site))
    _sheet(book, w["by_agency"], [[w["agency"], *_ikm_headings(w)]]
           + [[agency_name(site, a["agency_id"], lang), *_ikm_cells(a, lang)] for a in data["by_agency"]])
    _sheet(book, w["by_month"], [[w["month"], *_ikm_headings(w)]]
           + [[m["month"], *_ikm_cells(m, lang)] for m in data["by_month"]])
    _sheet(book, w["comments"], [[w["at"], w["service"], w["comment"]]]
           + [[c["at"], c["service_name"], c["comment"]] for c in data["comments"]])
    return _bytes(book)
