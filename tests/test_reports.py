"""Report figures against a seeded day whose numbers are worked out by hand below.

The small site: ktp (standard 10 min) and kk (standard 20 min) of agency capil at
loket-1 (ktp, kk) and loket-2 (ktp); pbb (no standard) of agency pajak at loket-3.

Tuesday 1 December 2026 (clock times WIB; officer siti at loket-1, budi at loket-2,
rina at loket-3):

    09:00:00 A001 issued       09:05:00 loket-1 calls A001     09:06:00 start A001
    09:01:00 A002 issued       09:06:00 loket-2 calls A002     09:06:30 start A002
    09:02:00 B001 issued       09:10:00 loket-3 calls PBB001   09:11:00 start PBB001
    09:03:00 A003 issued       09:14:00 finish A001, loket-1 calls B001, 09:16:30 start B001
    09:04:00 PBB001 issued     09:18:30 finish A002, loket-2 calls A003, 09:20:30 A003 no-show
    09:05:00 A004 issued       09:21:00 loket-2 calls A004, 09:21:20 start A004
                               09:26:00 finish PBB001; 09:30:20 finish A004; 09:36:30 finish B001
    10:00:00 A005 issued, never called: it expires when the next day starts.

Wait (issue → call), the six called tickets:
    A001 300, A002 300, PBB001 360, B001 720, A003 930, A004 960
    sorted 300 300 360 720 930 960: avg 3570/6 = 595.0; median (360+720)/2 = 540.0;
    p90 nearest rank ceil(0.9×6) = 6th = 960.0
Walk (call → start), the five started tickets:
    A001 60, A002 30, PBB001 60, B001 150, A004 20
    sorted 20 30 60 60 150: avg 320/5 = 64.0; median 60.0; p90 rank ceil(4.5) = 5th = 150.0
Service (start → finish), the five served:
    A001 480, A002 720, PBB001 900, A004 540, B001 1200
    sorted 480 540 720 900 1200: avg 3840/5 = 768.0; median 720.0; p90 5th = 1200.0
Within standard: A001 480 ≤ 600 yes, A002 720 > 600 no, A004 540 ≤ 600 yes,
    B001 1200 ≤ 1200 yes (exactly at the standard counts as met); PBB001 has no
    standard and is not measured → 3 of 4 = 0.75.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from openpyxl import load_workbook

from server.core import reports, tickets
from tests import report_oracle as oracle
from tests.conftest import JAKARTA
from tests.rules import act, issue

DAY = date(2026, 12, 1)


def at(app: Any, clock_time: str, day: date = DAY) -> None:
    hours, minutes, *rest = (int(part) for part in clock_time.split(":"))
    app.clock.set(datetime(day.year, day.month, day.day, hours, minutes, rest[0] if rest else 0, tzinfo=JAKARTA))


def seed_day(app: Any) -> dict[str, str]:
    """The day described in the module docstring; returns ticket ids by number."""
    ids: dict[str, str] = {}
    for clock_time, service_id in [("09:00", "ktp"), ("09:01", "ktp"), ("09:02", "kk"), ("09:03", "ktp"),
                                   ("09:04", "pbb"), ("09:05", "ktp")]:
        at(app, clock_time)
        row = issue(app, service_id)
        ids[row["number"]] = row["id"]
    steps = [
        ("09:05:00", "call_next", "loket-1", "siti"), ("09:06:00", "start", "loket-1", "siti"),
        ("09:06:00", "call_next", "loket-2", "budi"), ("09:06:30", "start", "loket-2", "budi"),
        ("09:10:00", "call_next", "loket-3", "rina"), ("09:11:00", "start", "loket-3", "rina"),
        ("09:14:00", "finish", "loket-1", "siti"), ("09:14:00", "call_next", "loket-1", "siti"),
        ("09:16:30", "start", "loket-1", "siti"),
        ("09:18:30", "finish", "loket-2", "budi"), ("09:18:30", "call_next", "loket-2", "budi"),
        ("09:20:30", "no_show", "loket-2", "budi"),
        ("09:21:00", "call_next", "loket-2", "budi"), ("09:21:20", "start", "loket-2", "budi"),
        ("09:26:00", "finish", "loket-3", "rina"), ("09:30:20", "finish", "loket-2", "budi"),
        ("09:36:30", "finish", "loket-1", "siti"),
    ]
    called = []
    for clock_time, rule, counter_id, officer in steps:
        at(app, clock_time)
        result = act(app, rule, counter_id, actor=officer)
        if rule == "call_next":
            called.append((counter_id, result["number"]))
    # The order of calls is part of the worked example: check it before any figure.
    assert called == [("loket-1", "A001"), ("loket-2", "A002"), ("loket-3", "PBB001"), ("loket-1", "B001"),
                      ("loket-2", "A003"), ("loket-2", "A004")]
    at(app, "10:00")
    ids["A005"] = issue(app, "ktp")["id"]
    return ids


def expire_overnight(app: Any) -> None:
    at(app, "07:00", DAY + timedelta(days=1))
    with app.hall.store.write() as tx:
        assert tickets.expire_stale(tx, app.site, app.clock.now()) == 1


@pytest.fixture
def seeded(small_app: Any) -> Any:
    seed_day(small_app)
    expire_overnight(small_app)
    return small_app


def summary(app: Any, **filters: Any) -> dict[str, Any]:
    with app.hall.store.read() as tx:
        return reports.summary(tx, app.site, reports.Filters(DAY, DAY, **filters))


# --- the statistics, on their own: the oracle's, which the array figures must equal ---------------------------


def test_median_takes_the_middle_or_the_mean_of_the_two_middles() -> None:
    assert oracle.median([7, 1, 3]) == 3
    assert oracle.median([4, 1, 3, 2]) == 2.5
    assert oracle.median([]) is None


@pytest.mark.parametrize(("values", "expected"), [
    (list(range(1, 11)), 9),          # rank ceil(9.0) = 9
    ([15, 20, 35, 40, 50], 50),       # rank ceil(4.5) = 5
    ([300, 300, 360, 720, 930, 960], 960),  # rank ceil(5.4) = 6
    (list(range(1, 21)), 18),         # rank ceil(18.0) = 18
    ([42], 42),
])
def test_p90_is_the_nearest_rank(values: list[int], expected: int) -> None:
    assert oracle.nearest_rank(values, 90) == expected


def test_duration_stats_without_data_are_null() -> None:
    assert oracle.duration_stats([]) == {"avg": None, "median": None, "p90": None}


# --- the seeded day ----------------------------------------------------------------------------


def test_counts_of_the_seeded_day(seeded: Any) -> None:
    data = summary(seeded)
    assert (data["issued"], data["served"], data["no_show"], data["cancelled"], data["expired"]) == (7, 5, 1, 0, 1)
    assert data["days"] == 1


def test_wait_walk_and_service_times(seeded: Any) -> None:
    data = summary(seeded)
    assert data["wait"] == {"avg": 595.0, "median": 540.0, "p90": 960.0}
    assert data["walk"] == {"avg": 64.0, "median": 60.0, "p90": 150.0}
    assert data["service"] == {"avg": 768.0, "median": 720.0, "p90": 1200.0}


def test_within_standard_share(seeded: Any) -> None:
    data = summary(seeded)
    assert data["within_standard"] == 0.75
    assert (data["within_standard_met"], data["within_standard_measured"]) == (3, 4)


def test_by_service(seeded: Any) -> None:
    by_service = {s["service_id"]: s for s in summary(seeded)["by_service"]}
    assert list(by_service) == ["ktp", "kk", "pbb"]
    ktp = by_service["ktp"]
    assert (ktp["issued"], ktp["served"], ktp["no_show"], ktp["expired"]) == (5, 3, 1, 1)
    # waits 300 300 930 960: median (300+930)/2, p90 rank ceil(3.6) = 4th
    assert ktp["wait"] == {"avg": 622.5, "median": 615.0, "p90": 960.0}
    # services 480 720 540 → sorted 480 540 720
    assert ktp["service"] == {"avg": 580.0, "median": 540.0, "p90": 720.0}
    assert ktp["within_standard"] == 0.6667  # 2 of 3
    assert by_service["kk"]["within_standard"] == 1.0
    assert by_service["pbb"]["within_standard"] is None  # no standard configured


def test_by_counter_and_officer(seeded: Any) -> None:
    data = summary(seeded)
    counters = {c["counter_id"]: (c["served"], c["no_show"]) for c in data["by_counter"]}
    assert counters == {"loket-1": (2, 0), "loket-2": (2, 1), "loket-3": (1, 0)}
    officers = {o["officer"]: o["served"] for o in data["by_officer"]}
    assert officers == {"siti": 2, "budi": 2, "rina": 1}


def test_arrivals_by_hour_cover_the_hall_hours(seeded: Any) -> None:
    by_hour = summary(seeded)["by_hour"]
    assert [h["hour"] for h in by_hour] == list(range(7, 15))  # hall 07:30-15:00
    assert {h["hour"]: h["arrivals"] for h in by_hour if h["arrivals"]} == {9: 6, 10: 1}


def test_filters_narrow_the_tickets(seeded: Any) -> None:
    assert summary(seeded, agency_id="pajak")["issued"] == 1
    kk = summary(seeded, service_id="kk")
    assert (kk["issued"], kk["service"]["avg"]) == (1, 1200.0)
    assert summary(seeded, counter_id="loket-2")["no_show"] == 1
    assert summary(seeded, officer="siti")["served"] == 2


def test_queue_length_over_the_day(seeded: Any) -> None:
    with seeded.hall.store.read() as tx:
        data = reports.queue_length(tx, seeded.site, DAY, seeded.clock.now())
    points = {p["at"]: p["waiting"] for p in data["points"]}
    assert data["points"][0]["at"] == "07:30" and data["points"][-1]["at"] == "15:00"
    # 09:05 six issued, A001 called; 09:10 A002 and PBB001 called; 09:15 B001; 09:20 A003; 09:25 A004
    assert [points[t] for t in ("09:00", "09:05", "09:10", "09:15", "09:20", "09:25", "09:55", "10:00", "15:00")] \
        == [1, 5, 3, 2, 1, 0, 0, 1, 1]
    assert data["peak"] == {"waiting": 6, "at": "2026-12-01T09:05:00+07:00"}


def test_served_today_against_the_same_weekday(small_app: Any) -> None:
    # Two earlier Tuesdays: 24 Nov (4 served by 09:30, 6 in all), 17 Nov (2 by 09:30, 2 in all).
    # 10 Nov had no tickets (as if closed): it does not pull the usual down.
    for day, early, late in [(date(2026, 11, 24), 4, 2), (date(2026, 11, 17), 2, 0)]:
        for index in range(early + late):
            at(small_app, "09:00", day)
            issue(small_app, "kk")
            at(small_app, f"{'09:10' if index < early else '10:00'}", day)
            act(small_app, "call_next", "loket-1")
            act(small_app, "finish", "loket-1")
    seed_day(small_app)
    at(small_app, "09:30")
    with small_app.hall.store.read() as tx:
        result = reports.served_vs_usual(tx, small_app.site, small_app.clock.now())
    # today by 09:30: A001 (09:14), A002 (09:18:30), PBB001 (09:26) → 3; usual (4 + 2) / 2
    assert result["served"] == 3
    assert (result["usual"], result["usual_full_day"], result["days_compared"]) == (3.0, 4.0, 2)


# --- through the API, and as files ----------------------------------------------------------------


def test_summary_route_answers_the_same_figures(seeded: Any) -> None:
    headers = seeded.add_user("kepala", "admin")
    answer = seeded.client().get("/api/v1/reports/summary?from=2026-12-01&to=2026-12-01", headers=headers)
    assert answer.status_code == 200
    assert answer.json["wait"] == {"avg": 595.0, "median": 540.0, "p90": 960.0}
    assert answer.json["within_standard"] == 0.75


def test_csv_holds_the_numbers(seeded: Any) -> None:
    headers = seeded.add_user("kepala", "admin")
    answer = seeded.client().get("/api/v1/reports/summary.csv?from=2026-12-01&to=2026-12-01", headers=headers)
    assert answer.status_code == 200
    assert answer.mimetype == "text/csv"
    assert 'filename="laporan-2026-12-01.csv"' in answer.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig"))))
    heading, total = rows[0], rows[-1]
    assert heading[:4] == ["Instansi", "Layanan", "Diterbitkan", "Dilayani"]
    cell = dict(zip(heading, total, strict=True))
    assert cell["Layanan"] == "Semua layanan"
    assert (cell["Diterbitkan"], cell["Dilayani"], cell["Tidak hadir"], cell["Kedaluwarsa"]) == ("7", "5", "1", "1")
    assert (cell["Tunggu rata-rata (detik)"], cell["Tunggu P90 (detik)"]) == ("595.0", "960.0")
    assert cell["Sesuai standar (%)"] == "75.0"
    assert [r[1] for r in rows[1:-1]] == ["Perekaman KTP-el", "Kartu Keluarga", "PBB-P2"]


def test_xlsx_opens_and_holds_the_numbers(seeded: Any) -> None:
    headers = seeded.add_user("kepala", "admin")
    answer = seeded.client().get("/api/v1/reports/summary.xlsx?from=2026-12-01&lang=en", headers=headers)
    assert answer.status_code == 200
    book = load_workbook(io.BytesIO(answer.data))
    assert book.sheetnames[:3] == ["Summary", "By service", "By hour"]
    figures = {row[0]: row[1] for row in book["Summary"].iter_rows(min_row=2, values_only=True)}
    assert figures["Served"] == 5 and figures["Wait median (h:mm:ss)"] == timedelta(seconds=540)
    assert figures["Service P90 (h:mm:ss)"] == timedelta(seconds=1200)
    assert figures["Within standard (%)"] == 75.0
    hours = {row[0]: row[1] for row in book["By hour"].iter_rows(min_row=2, values_only=True)}
    assert hours["09:00"] == 6 and hours["10:00"] == 1
    services = list(book["By service"].iter_rows(min_row=2, values_only=True))
    assert services[0][1] == "Perekaman KTP-el" and services[0][2] == 5


def test_xlsx_names_the_agencies_and_shows_durations_as_times(seeded: Any) -> None:
    """What a head of office reads: agency names, not ids, and 0:09:00, not 540."""
    headers = seeded.add_user("kepala", "admin")
    book = load_workbook(io.BytesIO(seeded.client().get("/api/v1/reports/summary.xlsx?from=2026-12-01",
                                                        headers=headers).data))
    services = list(book["Per layanan"].iter_rows(values_only=True))
    assert [row[0] for row in services[1:-1]] == ["Dinas Kependudukan", "Dinas Kependudukan",
                                                  "Badan Pendapatan Daerah"]
    assert [row[0] for row in book["Per instansi"].iter_rows(min_row=2, values_only=True)] == [
        "Dinas Kependudukan", "Badan Pendapatan Daerah"]
    heading = services[0]
    total = dict(zip(heading, services[-1], strict=True))
    assert total["Tunggu rata-rata (jam:menit:detik)"] == timedelta(seconds=595)
    assert total["Pelayanan median (jam:menit:detik)"] == timedelta(seconds=720)
    column = heading.index("Tunggu median (jam:menit:detik)")
    assert book["Per layanan"].cell(row=len(services), column=column + 1).number_format == "[h]:mm:ss"
    figures = {row[0]: row[1] for row in book["Ringkasan"].iter_rows(min_row=2, values_only=True)}
    assert figures["Menuju loket P90 (jam:menit:detik)"] == timedelta(seconds=150)


def test_csv_is_streamed_row_by_row_with_agency_names(seeded: Any) -> None:
    headers = seeded.add_user("kepala", "admin")
    answer = seeded.client().get("/api/v1/reports/summary.csv?from=2026-12-01", headers=headers)
    assert answer.status_code == 200
    assert "Content-Length" not in answer.headers  # sent as it is written, not made whole first
    rows = list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:-1]] == ["Dinas Kependudukan", "Dinas Kependudukan", "Badan Pendapatan Daerah"]
    # The same bytes as the whole file written at once: a BOM, then csv's own rows (CRLF).
    whole = io.StringIO()
    csv.writer(whole).writerows(rows)
    assert answer.data == ("\ufeff" + whole.getvalue()).encode("utf-8")
    assert answer.data.startswith("\ufeffInstansi,Layanan,Diterbitkan".encode()) and answer.data.endswith(b"\r\n")


@pytest.mark.parametrize(("query", "status", "code", "field"), [
    ("from=2026-13-01", 422, "invalid_request", "from"),
    ("from=2026-12-02&to=2026-12-01", 422, "invalid_request", "to"),
    ("from=2025-01-01&to=2026-12-01", 422, "invalid_request", "to"),
    ("agency_id=nope", 404, "unknown_agency", "agency_id"),
    ("service_id=nope", 404, "unknown_service", "service_id"),
    ("counter_id=nope", 404, "unknown_counter", "counter_id"),
])
def test_bad_report_queries_are_refused_by_name(small_app: Any, query: str, status: int, code: str,
                                                field: str) -> None:
    headers = small_app.add_user("kepala", "admin")
    answer = small_app.client().get(f"/api/v1/reports/summary?{query}", headers=headers)
    assert answer.status_code == status
    assert answer.json["error"]["code"] == code
    assert answer.json["error"]["field"] == field


def test_queue_route_for_a_chart(seeded: Any) -> None:
    headers = seeded.add_user("kepala", "admin")
    answer = seeded.client().get("/api/v1/reports/queue?date=2026-12-01&step=15", headers=headers)
    assert answer.status_code == 200
    points = {p["at"]: p["waiting"] for p in answer.json["points"]}
    assert points["09:15"] == 2 and points["10:00"] == 1
    bad = seeded.client().get("/api/v1/reports/queue?step=0", headers=headers)
    assert bad.status_code == 422 and bad.json["error"]["field"] == "step"
