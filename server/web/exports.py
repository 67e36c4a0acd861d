"""Reports as files: CSV (UTF-8 with BOM) and XLSX (openpyxl), headings in Indonesian or English.

Text that a spreadsheet could take for a formula (a visitor's comment starting
with "=", say) is written as plain text in both formats.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from server.core.reports import FINISHED_FIGURES, Filters
from server.core.survey import ELEMENT_NAMES, ELEMENTS

if TYPE_CHECKING:  # openpyxl takes 0.3 s to import: only when a workbook is asked for
    from openpyxl import Workbook

MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMULA_START = ("=", "+", "-", "@")

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
        "at": "Waktu", "filter": "Filter", "all": "semua",
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
        "at": "Time", "filter": "Filter", "all": "all",
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


def _figure_headings(w: dict[str, str]) -> list[str]:
    stats = ("avg", "median", "p90")
    durations = [f"{w[kind]} {w[stat]}" for kind in ("wait", "walk", "service_time") for stat in stats]
    return [w["issued"], *(w[figure] for figure in FINISHED_FIGURES.values()), *durations, w["within"]]


def _figure_cells(item: dict[str, Any]) -> list[Any]:
    durations = [item[kind][stat] for kind in ("wait", "walk", "service") for stat in ("avg", "median", "p90")]
    return [item["issued"], *(item[figure] for figure in FINISHED_FIGURES.values()), *durations,
            _percent(item["within_standard"])]


def summary_table(data: dict[str, Any], lang: str) -> list[list[Any]]:
    """One row per service, then the total: the CSV, and the workbook's service sheet."""
    w = WORDS[lang]
    rows: list[list[Any]] = [[w["agency"], w["service"], *_figure_headings(w)]]
    for item in data["by_service"]:
        name = item["name_en"] if lang == "en" else item["name"]
        rows.append([item["agency_id"], name, *_figure_cells(item)])
    rows.append(["", w["all_services"], *_figure_cells(data)])
    return rows


def _csv(rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(["" if cell is None else _safe_text(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def summary_csv(data: dict[str, Any], lang: str = "id") -> bytes:
    return _csv(summary_table(data, lang))


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


def _period(data: dict[str, Any], w: dict[str, str]) -> list[list[Any]]:
    scope = data.get("service_id") or data.get("agency_id") or w["all"]
    return [[w["period"], f"{data['from']} – {data['to']}"], [w["filter"], scope]]


def summary_xlsx(data: dict[str, Any], lang: str = "id") -> bytes:
    w = WORDS[lang]
    book = _new_book()
    figures = list(zip(_figure_headings(w), _figure_cells(data), strict=True))
    _sheet(book, w["summary"], [[w["figure"], w["value"]], *_period(data, w), *map(list, figures)])
    _sheet(book, w["by_service"], summary_table(data, lang))
    _sheet(book, w["by_hour"], [[w["hour"], w["arrivals"]]]
           + [[f"{h['hour']:02d}:00", h["arrivals"]] for h in data["by_hour"]])
    for key, label, id_key in (("by_counter", "counter", "name"), ("by_officer", "officer", "officer"),
                               ("by_agency", "agency", "name")):
        rows = [[w[label], *_figure_headings(w)]] + [[item[id_key], *_figure_cells(item)] for item in data[key]]
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


def ikm_table(data: dict[str, Any], lang: str) -> list[list[Any]]:
    w = WORDS[lang]
    rows: list[list[Any]] = [[w["agency"], w["service"], *_ikm_headings(w)]]
    for item in data["by_service"]:
        rows.append([item["agency_id"], item["name"], *_ikm_cells(item, lang)])
    rows.append(["", w["all_services"], *_ikm_cells(data, lang)])
    return rows


def ikm_csv(data: dict[str, Any], lang: str = "id") -> bytes:
    return _csv(ikm_table(data, lang))


def ikm_xlsx(data: dict[str, Any], lang: str = "id") -> bytes:
    w = WORDS[lang]
    book = _new_book()
    index = 1 if lang == "en" else 0
    total = [[w["element"], w["mean"]], *_period(data, w), [w["respondents"], data["respondents"]]]
    total += [[f"{e.upper()} {ELEMENT_NAMES[e][index]}", data["elements"][e]] for e in ELEMENTS]
    label = data.get("label_en") if lang == "en" else data.get("label")
    total += [[w["ikm"], data["ikm"]], [w["grade"], data["grade"]], [w["label"], label]]
    _sheet(book, w["ikm"], total)
    _sheet(book, w["by_service"], ikm_table(data, lang))
    _sheet(book, w["by_agency"], [[w["agency"], *_ikm_headings(w)]]
           + [[a["name"], *_ikm_cells(a, lang)] for a in data["by_agency"]])
    _sheet(book, w["by_month"], [[w["month"], *_ikm_headings(w)]]
           + [[m["month"], *_ikm_cells(m, lang)] for m in data["by_month"]])
    _sheet(book, w["comments"], [[w["at"], w["service"], w["comment"]]]
           + [[c["at"], c["service_name"], c["comment"]] for c in data["comments"]])
    return _bytes(book)
