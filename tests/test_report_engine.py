"""The reports computed from stored day columns and SQL equal, to the last digit, the reports
as they were computed before (every row in Python: tests/report_oracle.py), on seeded
histories: several days with fractional timestamps, transfers, every status, a removed
service, an empty day, a single ticket, ties at the percentile ranks, odd and even counts,
a service without a standard, a day still open next to stored closed days, and days that
change after their columns were stored."""

from __future__ import annotations

import random
import sqlite3
import threading
import time as time_module
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np
import pytest

from server.core import report_days, report_figures, reports, survey
from server.web.housekeeping import Housekeeper
from tests import report_oracle as oracle
from tests.conftest import JAKARTA
from tests.rules import act, issue

FIRST = date(2026, 11, 23)  # a Monday; the clock of the tests is Tuesday 1 December 09:00
DAYS = [FIRST + timedelta(days=n) for n in range(8)]  # 23 Nov .. 30 Nov: closed days
EMPTY = date(2026, 11, 26)  # no ticket at all that day
SERVICES = {"ktp": "capil", "kk": "capil", "pbb": "pajak", "gone": "capil"}  # "gone": removed from the config
COUNTERS = {"ktp": ["loket-1", "loket-2"], "kk": ["loket-1"], "pbb": ["loket-3"], "gone": ["loket-9"]}
OFFICERS = {"loket-1": ["siti", "andi"], "loket-2": ["budi"], "loket-3": ["rina"], "loket-9": ["lama"]}
FILTERS: list[dict[str, str]] = [
    {}, {"agency_id": "capil"}, {"agency_id": "pajak"}, {"service_id": "ktp"}, {"service_id": "gone"},
    {"counter_id": "loket-2"}, {"officer": "siti"}, {"agency_id": "capil", "counter_id": "loket-1"},
    {"service_id": "kk", "officer": "andi"}, {"service_id": "nope"},
]


def moment(day: date, hour: int, seconds: float = 0.0) -> float:
    return datetime.combine(day, time(hour), tzinfo=JAKARTA).timestamp() + seconds


def add_ticket(app: Any, day: date, issued: float, status: str, service_id: str = "ktp", *, wait: float | None = None,
               walk: float | None = None, service: float | None = None, issued_as: str | None = None,
               counter_id: str | None = None, officer: str | None = None) -> str:
    """A ticket row as the rules leave it (for the reports only its columns matter)."""
    with app.hall.store.write() as tx:
        seq = (tx.scalar("SELECT count(*) FROM tickets WHERE service_day = ?", (day.isoformat(),)) or 0) + 1
        called = issued + wait if wait is not None else None
        started = called + walk if called is not None and walk is not None else None
        finished = (started if started is not None else (called if called is not None else issued)) + (service or 7.25)
        if status in ("waiting", "called", "serving", "expired"):
            finished = None
        ticket_id = f"t-{day.isoformat()}-{seq}"
        tx.execute(
            "INSERT INTO tickets (id, service_day, seq, number, issued_service_id, service_id, agency_id, status, "
            "queue_lane, queue_at, issued_at, called_at, started_at, finished_at, counter_id, officer) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?)",
            (ticket_id, day.isoformat(), seq, f"X{seq:03d}", issued_as or service_id, service_id,
             SERVICES[service_id], status, issued, issued, called, started, finished, counter_id, officer),
        )
    return ticket_id


def random_day(app: Any, rng: random.Random, day: date, count: int, *, still_open: bool = False) -> None:
    clock = moment(day, 7, 1800 + rng.random())
    for _ in range(count):
        clock += rng.expovariate(1 / 90) + rng.random() / 1000  # fractional, never two at the same instant
        service_id = rng.choices(list(SERVICES), weights=[6, 3, 2, 1])[0]
        issued_as = "ktp" if service_id == "kk" and rng.random() < 0.2 else None  # transferred from ktp to kk
        statuses = ["done"] * 12 + ["no_show", "no_show", "cancelled", "expired"]
        statuses += ["waiting", "called", "serving"] * 2 if still_open else []
        status = rng.choice(statuses)
        counter_id = rng.choice(COUNTERS[service_id])
        officer = rng.choice(OFFICERS[counter_id])
        wait = rng.lognormvariate(6, 0.8)
        walk = rng.uniform(5, 90) if rng.random() < 0.95 else None
        service = rng.lognormvariate(6.3, 0.5)
        if status in ("waiting", "expired") or (status == "cancelled" and rng.random() < 0.7):
            wait = walk = None
            counter_id = officer = None
        elif status in ("called", "no_show"):
            walk = None
        add_ticket(app, day, clock, status, service_id, wait=wait, walk=walk, service=service, issued_as=issued_as,
                   counter_id=counter_id, officer=officer)


@pytest.fixture
def history(small_app: Any) -> Any:
    rng = random.Random(13)
    for day in DAYS:
        if day != EMPTY:
            random_day(small_app, rng, day, rng.randint(60, 160))
    return small_app


def same(app: Any, start: date, end: date, **filters: str) -> dict[str, Any]:
    chosen = reports.Filters(start, end, **filters)
    with app.hall.store.read() as tx:
        ours, theirs = reports.summary(tx, app.site, chosen), oracle.summary(tx, app.site, chosen)
    assert ours == theirs, filters
    return ours


def store_columns(app: Any, start: date, end: date) -> int:
    return report_days.build_missing(app.hall.store.path, app.site, start, end)


def stored_days(app: Any) -> list[str]:
    with app.hall.store.read() as tx:
        return [row["service_day"] for row in tx.all("SELECT service_day FROM report_days ORDER BY 1")]


@pytest.fixture(params=["whole numbers", "doubles"])
def sorted_as(request: Any, monkeypatch: Any) -> str:
    """Both ways the figures sort durations: as whole numbers of 2^-22 s (every timestamp of
    this era), and as doubles (the way taken when one is off that grid)."""
    if request.param == "doubles":
        monkeypatch.setattr(report_figures, "on_grid", lambda values: None)
    return str(request.param)


def test_durations_of_this_era_are_whole_numbers_of_the_grid() -> None:
    start = moment(DAYS[0], 9, 0.123456)
    durations = np.array([moment(DAYS[0], 9, 0.9) - start, moment(DAYS[0], 16, 59.999) - start, 0.0])
    assert report_figures.on_grid(durations) is not None
    assert (report_figures.on_grid(durations).astype(np.float64) / report_figures.GRID == durations).all()
    for off in ([0.1], [-2.0], [2.0 ** 27]):  # not a multiple of 2^-22; negative; too long for 48 bits
        assert report_figures.on_grid(np.array(off)) is None


@pytest.mark.parametrize("filters", FILTERS)
def test_live_and_stored_figures_equal_the_row_by_row_ones(history: Any, filters: dict[str, str],
                                                           sorted_as: str) -> None:
    live = same(history, DAYS[0], DAYS[-1], **filters)
    assert store_columns(history, DAYS[0], DAYS[-1]) == len(DAYS) - 1  # the empty day has nothing to store
    assert stored_days(history) == [d.isoformat() for d in DAYS if d != EMPTY]
    assert same(history, DAYS[0], DAYS[-1], **filters) == live
    assert same(history, DAYS[2], DAYS[5], **filters)["days"] == (3 if not filters.get("service_id") == "nope"
                                                                  else 0)


def test_every_figure_is_there_and_the_history_is_not_trivial(history: Any) -> None:
    data = same(history, DAYS[0], DAYS[-1])
    assert data["days"] == 7 and data["issued"] > 500
    assert min(data["served"], data["no_show"], data["cancelled"], data["expired"]) > 0
    assert data["wait"]["median"] != round(data["wait"]["median"])  # fractional: really the floats
    assert {s["service_id"] for s in data["by_service"]} == set(SERVICES)
    assert next(s for s in data["by_service"] if s["service_id"] == "pbb")["within_standard"] is None
    assert [d["date"] for d in data["by_day"]] == [d.isoformat() for d in DAYS if d != EMPTY]


def test_a_period_half_stored_half_live(history: Any) -> None:
    store_columns(history, DAYS[0], DAYS[3])
    assert stored_days(history) == [d.isoformat() for d in DAYS[:4] if d != EMPTY]
    for filters in FILTERS[:5]:
        same(history, DAYS[0], DAYS[-1], **filters)


def test_today_still_open_is_read_live_beside_stored_closed_days(history: Any) -> None:
    today = date(2026, 12, 1)
    random_day(history, random.Random(5), today, 80, still_open=True)
    headers = history.add_user("kepala", "admin")
    answer = history.client().get(f"/api/v1/reports/summary?from={DAYS[0]}&to={today}", headers=headers)
    assert answer.status_code == 200
    assert stored_days(history) == [d.isoformat() for d in DAYS if d != EMPTY]  # the report stored them; not today
    assert answer.json["in_progress"] > 0
    assert answer.json == same(history, DAYS[0], today)


def test_empty_period_and_single_ticket(small_app: Any) -> None:
    empty = same(small_app, DAYS[0], DAYS[-1])
    assert empty["issued"] == 0 and empty["days"] == 0 and empty["by_service"] == []
    add_ticket(small_app, DAYS[1], moment(DAYS[1], 9, 0.125), "done", "kk", wait=300.5, walk=20.25, service=610.75,
               counter_id="loket-1", officer="siti")
    assert store_columns(small_app, DAYS[0], DAYS[-1]) == 1
    one = same(small_app, DAYS[0], DAYS[-1])
    assert one["service"] == {"avg": 610.8, "median": 610.8, "p90": 610.8} and one["within_standard"] == 1.0


@pytest.mark.parametrize("count", [9, 10, 11, 20, 21])
def test_ties_at_the_median_and_p90_ranks(small_app: Any, count: int, sorted_as: str) -> None:
    # Waits of whole minutes with many equal values: the median's two middles and the P90's
    # rank fall inside runs of equal values and on the edges between them, odd and even counts.
    waits = [60.0 * (1 + n // 3) for n in range(count)]
    random.Random(count).shuffle(waits)
    for index, wait in enumerate(waits):
        add_ticket(small_app, DAYS[0], moment(DAYS[0], 8, 37.5 * index), "done", "ktp", wait=wait, walk=30.0,
                   service=600.0 if index % 2 else 600.5, counter_id="loket-1", officer="siti")
    store_columns(small_app, DAYS[0], DAYS[0])
    data = same(small_app, DAYS[0], DAYS[0])
    ordered = sorted(waits)
    middle = ordered[count // 2] if count % 2 else (ordered[count // 2 - 1] + ordered[count // 2]) / 2
    assert data["wait"]["median"] == middle and data["wait"]["p90"] == ordered[-(-9 * count // 10) - 1]
    assert data["within_standard_met"] == count // 2  # exactly 600 s meets a 10-minute standard, 600.5 does not


def test_a_late_change_to_a_stored_day_is_never_missed(history: Any) -> None:
    store_columns(history, DAYS[0], DAYS[-1])
    day = DAYS[2].isoformat()
    with history.hall.store.write() as tx:  # a visitor served past midnight, finished the next morning
        waiting = tx.one("SELECT id, issued_at FROM tickets WHERE service_day = ? AND status = 'expired' LIMIT 1",
                         (day,))
        assert waiting is not None
        tx.execute("UPDATE tickets SET status = 'done', counter_id = 'loket-1', officer = 'siti', called_at = ?, "
                   "started_at = ?, finished_at = ? WHERE id = ?",
                   (waiting["issued_at"] + 100.5, waiting["issued_at"] + 120.25, moment(DAYS[3], 0, 600.0),
                    waiting["id"]))
    assert day not in stored_days(history)  # its columns went with the change
    changed = same(history, DAYS[0], DAYS[-1])
    assert store_columns(history, DAYS[0], DAYS[-1]) == 1
    assert same(history, DAYS[0], DAYS[-1]) == changed
    add_ticket(history, DAYS[4], moment(DAYS[4], 14, 0.5), "cancelled", "pbb")  # a row added to a closed day
    assert DAYS[4].isoformat() not in stored_days(history)
    same(history, DAYS[0], DAYS[-1], agency_id="pajak")


def test_a_write_between_reading_a_day_and_storing_it_is_not_lost(history: Any, monkeypatch: Any) -> None:
    """The hall commits a change to the very day being stored after the builder read it:
    the builder's write is refused and it reads the day again, so the stored columns hold
    the change."""
    day = DAYS[1].isoformat()
    real_day_of = report_days.day_of
    reads = []

    def day_of_then_a_write(site: Any, rows: Any) -> Any:
        reads.append(1)
        if len(reads) == 1:
            other = sqlite3.connect(history.hall.store.path, isolation_level=None, timeout=15)
            other.execute("UPDATE tickets SET status = 'cancelled' WHERE service_day = ? AND status = 'done' "
                          "AND seq = (SELECT min(seq) FROM tickets WHERE service_day = ? AND status = 'done')",
                          (day, day))
            other.close()
        return real_day_of(site, rows)

    monkeypatch.setattr(report_days, "day_of", day_of_then_a_write)
    assert store_columns(history, DAYS[1], DAYS[1]) == 1
    assert len(reads) == 2 and stored_days(history) == [day]
    same(history, DAYS[1], DAYS[1])


def test_the_hall_writing_at_the_moment_a_day_is_stored_does_not_fail_the_build(history: Any,
                                                                                 monkeypatch: Any) -> None:
    """The hall holds the write lock (a kiosk's ticket being committed) just when the builder,
    having read a day, asks for it: SQLite refuses at once, without waiting, a read
    transaction that wants to write while another writes. The builder tries again and
    stores every day; nothing raises."""
    real_day_of = report_days.day_of
    held: list[threading.Thread] = []

    def day_of_while_the_hall_writes(site: Any, rows: Any) -> Any:
        if not held:
            other = sqlite3.connect(history.hall.store.path, isolation_level=None, timeout=15,
                                    check_same_thread=False)
            other.execute("BEGIN IMMEDIATE")
            other.execute("UPDATE counter_state SET state = state")

            def commit_later() -> None:
                time_module.sleep(0.3)
                other.execute("COMMIT")
                other.close()

            held.append(threading.Thread(target=commit_later))
            held[0].start()
        return real_day_of(site, rows)

    monkeypatch.setattr(report_days, "day_of", day_of_while_the_hall_writes)
    assert store_columns(history, DAYS[0], DAYS[-1]) == len(DAYS) - 1
    held[0].join()
    assert stored_days(history) == [d.isoformat() for d in DAYS if d != EMPTY]
    same(history, DAYS[0], DAYS[-1])


def test_columns_of_another_time_zone_are_not_used(history: Any) -> None:
    store_columns(history, DAYS[0], DAYS[-1])
    with history.hall.store.write() as tx:  # as if stored while the site ran in another zone
        tx.execute("UPDATE report_days SET timezone = 'Asia/Makassar', codes = zeroblob(length(codes))")
    same(history, DAYS[0], DAYS[-1])
    assert store_columns(history, DAYS[0], DAYS[-1]) == len(DAYS) - 1


# --- the IKM ------------------------------------------------------------------------------------


def add_answers(app: Any, rng: random.Random) -> int:
    with app.hall.store.write() as tx:
        done = tx.all("SELECT id, service_id, agency_id, counter_id, officer, finished_at FROM tickets "
                      "WHERE status = 'done' ORDER BY arrival")
        answered = [row for row in done if rng.random() < 0.4]
        for row in answered:
            values = [rng.choice([1, 2, 3, 3, 4, 4, 4]) for _ in survey.ELEMENTS]
            comment = rng.choice([None, None, None, "", "Bagus", "=lambat", "antre lama"])
            tx.execute(
                "INSERT INTO surveys (ticket_id, at, service_id, agency_id, counter_id, officer, u1, u2, u3, u4, u5, "
                "u6, u7, u8, u9, comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (row["id"], row["finished_at"] + rng.uniform(5, 7200), row["service_id"], row["agency_id"],
                 row["counter_id"], row["officer"], *values, comment))
    return len(answered)


@pytest.mark.parametrize("filters", [{}, {"agency_id": "capil"}, {"service_id": "pbb"}, {"service_id": "nope"}])
@pytest.mark.parametrize("start", [DAYS[0], DAYS[0] - timedelta(days=40), DAYS[3]])  # long periods join the other way
def test_ikm_in_sql_equals_the_row_by_row_ikm(history: Any, filters: dict[str, str], start: date) -> None:
    assert add_answers(history, random.Random(7)) > 100
    chosen = reports.Filters(start, DAYS[-1], **filters)
    with history.hall.store.read() as tx:
        ours, theirs = survey.ikm_report(tx, history.site, chosen), oracle.ikm_report(tx, history.site, chosen)
    assert ours == theirs
    if not filters:
        assert ours["respondents"] > 100 and ours["comments"] and len(ours["by_service"]) == 4


def ikm_same(app: Any, start: date, end: date, **filters: str) -> dict[str, Any]:
    chosen = reports.Filters(start, end, **filters)
    with app.hall.store.read() as tx:
        ours, theirs = survey.ikm_report(tx, app.site, chosen), oracle.ikm_report(tx, app.site, chosen)
    assert ours == theirs, filters
    return ours


@pytest.mark.parametrize("filters", [{}, {"agency_id": "capil"}, {"service_id": "kk"}, {"counter_id": "loket-1"},
                                     {"officer": "siti"}, {"service_id": "nope"}])
def test_ikm_from_stored_day_sums_equals_the_row_by_row_ikm(history: Any, filters: dict[str, str]) -> None:
    add_answers(history, random.Random(11))
    live = ikm_same(history, DAYS[0], DAYS[-1], **filters)
    store_columns(history, DAYS[0], DAYS[4])  # half stored, half read from the answers
    assert stored_days(history) == [d.isoformat() for d in DAYS[:5] if d != EMPTY]
    assert ikm_same(history, DAYS[0], DAYS[-1], **filters) == live
    store_columns(history, DAYS[0], DAYS[-1])
    assert ikm_same(history, DAYS[0], DAYS[-1], **filters) == live
    longer = ikm_same(history, DAYS[0] - timedelta(days=40), DAYS[-1], **filters)  # the answers lead the join
    assert {**longer, "from": live["from"]} == live


def test_an_answer_given_after_its_day_was_stored_is_counted(history: Any) -> None:
    add_answers(history, random.Random(5))
    store_columns(history, DAYS[0], DAYS[-1])
    before = ikm_same(history, DAYS[0], DAYS[-1])
    with history.hall.store.write() as tx:
        ticket = tx.one("SELECT t.id, t.service_id, t.agency_id, t.finished_at FROM tickets t LEFT JOIN surveys s "
                        "ON s.ticket_id = t.id WHERE t.status = 'done' AND t.service_day = ? AND s.ticket_id IS NULL "
                        "LIMIT 1", (DAYS[2].isoformat(),))
        assert ticket is not None
        tx.execute("INSERT INTO surveys (ticket_id, at, service_id, agency_id, u1, u2, u3, u4, u5, u6, u7, u8, u9, "
                   "comment) VALUES (?, ?, ?, ?, 1, 1, 1, 1, 1, 1, 1, 1, 1, 'besok paginya')",
                   (ticket["id"], ticket["finished_at"] + 86400 * 3, ticket["service_id"], ticket["agency_id"]))
    assert DAYS[2].isoformat() not in stored_days(history)  # the answer dropped its day's columns
    after = ikm_same(history, DAYS[0], DAYS[-1])
    assert after["respondents"] == before["respondents"] + 1
    assert "besok paginya" in [c["comment"] for c in after["comments"]]
    store_columns(history, DAYS[0], DAYS[-1])
    assert ikm_same(history, DAYS[0], DAYS[-1]) == after


def test_the_ikm_shows_the_newest_200_comments_of_its_period(history: Any) -> None:
    add_answers(history, random.Random(3))
    with history.hall.store.write() as tx:
        tx.execute("UPDATE surveys SET comment = 'saran ' || rowid")
        commented = tx.scalar("SELECT count(*) FROM surveys")
    assert commented > 200
    store_columns(history, DAYS[0], DAYS[-1])
    data = ikm_same(history, DAYS[0], DAYS[-1])
    assert len(data["comments"]) == 200


def test_ikm_of_a_period_without_answers(history: Any) -> None:
    chosen = reports.Filters(DAYS[0], DAYS[-1])
    with history.hall.store.read() as tx:
        ours = survey.ikm_report(tx, history.site, chosen)
        assert ours == oracle.ikm_report(tx, history.site, chosen)
    assert ours["respondents"] == 0 and ours["ikm"] is None


# --- housekeeping ---------------------------------------------------------------------------------


def test_the_first_quiet_moment_after_a_day_stores_its_columns_after_the_expiry(small_app: Any) -> None:
    keeper = Housekeeper(small_app.hall)
    for service_id in ("ktp", "kk", "ktp"):
        issue(small_app, service_id)
    for rule in ("call_next", "start", "finish"):
        act(small_app, rule, "loket-1", actor="siti")
    keeper.run_once()  # Tuesday 09:00: the hall is open, nothing is stored yet
    assert stored_days(small_app) == []
    small_app.clock.set(datetime(2026, 12, 2, 0, 0, 15, tzinfo=JAKARTA))  # just after midnight
    keeper.run_once()  # expires Tuesday's two waiting tickets, then stores Tuesday
    deadline = datetime.now() + timedelta(seconds=10)
    while stored_days(small_app) != ["2026-12-01"] and datetime.now() < deadline:
        time_module.sleep(0.02)
    assert stored_days(small_app) == ["2026-12-01"]
    day = same(small_app, date(2026, 12, 1), date(2026, 12, 1))
    assert (day["issued"], day["served"], day["expired"]) == (3, 1, 2)
