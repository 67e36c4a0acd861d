"""The benchmarks' synthetic history (bench/history.py) is a past the hall could have had:
every ticket's life in order, its history rows as the rules write them, quotas kept, and
the rules' own reports, IKM and audit search read it and find what the generator says it
wrote. A benchmark on a history that broke these would measure something no hall has."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bench.history import Seeded, seed_history, service_days
from server.core import audit_search, reports, survey
from server.core.config_load import parse_config
from server.core.site import SiteIndex
from server.core.store import read_only

LAST_DAY = date(2026, 8, 28)  # a Friday: the week holds the 17 August holiday and a Friday prayer break
DAYS, PER_DAY = 6, 4000  # the hall's size: the morning lines grow long enough that some give up


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory, bundled_data: dict[str, Any]) -> tuple[Path, Seeded, SiteIndex]:
    path = tmp_path_factory.mktemp("history") / "antrean.db"
    made = seed_history(path, bundled_data, last_day=LAST_DAY, days=DAYS, per_day=PER_DAY)
    return path, made, SiteIndex(parse_config(bundled_data))


def _rows(path: Path, sql: str) -> list[dict[str, Any]]:
    with read_only(path) as tx:
        return tx.all(sql)


def test_the_history_covers_the_open_days_only(week: tuple[Path, Seeded, SiteIndex]) -> None:
    path, made, site = week
    days = sorted(made.by_day)
    assert days == [d.isoformat() for d in service_days(LAST_DAY, DAYS, site)]
    assert "2026-08-17" not in days and "2026-08-15" not in days  # a holiday and a Saturday
    found = {r["service_day"]: r["n"] for r in _rows(path, "SELECT service_day, count(*) AS n FROM tickets GROUP BY 1")}
    assert found == made.by_day
    assert 0.8 * DAYS * PER_DAY < made.tickets < 1.2 * DAYS * PER_DAY


def test_every_ticket_lives_in_order(week: tuple[Path, Seeded, SiteIndex]) -> None:
    path, made, site = week
    rows = _rows(path, "SELECT * FROM tickets")
    assert Counter(r["status"] for r in rows) == Counter(made.by_status)
    for r in rows:
        moments = [r[k] for k in ("issued_at", "called_at", "started_at", "finished_at") if r[k] is not None]
        assert moments == sorted(moments), r
        assert r["queue_at"] >= r["issued_at"]
        status = r["status"]
        assert (r["called_at"] is not None) == (status in ("done", "no_show")), r
        assert (r["started_at"] is not None) == (status == "done"), r
        assert (r["finished_at"] is not None) == (status != "expired"), r  # expire_stale leaves it empty
        assert (r["counter_id"] is not None) == (status in ("done", "no_show")), r
        assert r["survey_secret"] and r["number"].endswith(f"{r['seq']:03d}")
        assert site.local(r["issued_at"]).date().isoformat() == r["service_day"]
    shares = Counter(r["status"] for r in rows)
    assert shares["done"] > 0.75 * len(rows)
    for status in ("no_show", "cancelled", "expired"):
        assert 0 < shares[status] < 0.15 * len(rows), shares
    assert 0.02 < sum(r["priority"] is not None for r in rows) / len(rows) < 0.1


def test_history_rows_are_the_ones_the_rules_write(week: tuple[Path, Seeded, SiteIndex]) -> None:
    path, made, _ = week
    events: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in _rows(path, "SELECT * FROM ticket_events ORDER BY at, id"):
        events[e["ticket_id"]].append(e)
    assert sum(map(len, events.values())) == made.events
    transferred = 0
    for r in _rows(path, "SELECT * FROM tickets"):
        kinds = [e["kind"] for e in events[r["id"]]]
        assert kinds[0] == "issued" and kinds[-1] == r["status"], (r, kinds)
        if r["transferred_from"] is not None:
            transferred += 1
            move = next(e for e in events[r["id"]] if e["kind"] == "transferred")
            assert json.loads(move["detail"]) == {"from": r["transferred_from"], "to": r["service_id"]}
            assert r["queue_lane"] == 0 and r["queue_at"] == move["at"] and r["issued_service_id"] != r["service_id"]
        else:
            assert r["issued_service_id"] == r["service_id"] and "transferred" not in kinds
        if r["status"] == "done":
            assert kinds[-3:] == ["called", "started", "done"] or kinds[-4:-1] == ["called", "recalled", "started"]
    assert transferred > 0
    calls = _rows(path, "SELECT count(*) AS n FROM calls")[0]["n"]
    assert calls == sum(e["kind"] in ("called", "recalled") for es in events.values() for e in es)


def test_quotas_hold_and_the_morning_is_the_peak(week: tuple[Path, Seeded, SiteIndex]) -> None:
    path, _, site = week
    for r in _rows(path, "SELECT service_day, issued_service_id AS s, count(*) AS n, max(seq) AS top FROM tickets "
                   "GROUP BY 1, 2"):
        quota = site.services[r["s"]].quota
        assert r["n"] == r["top"] and (quota is None or r["n"] <= quota), r
    hours = Counter(site.local(r["issued_at"]).strftime("%H:%M") < "09:30"
                    for r in _rows(path, "SELECT issued_at FROM tickets"))
    assert 0.35 < hours[True] / (hours[True] + hours[False]) < 0.7  # two hours of seven hold about half
    prayer = _rows(path, "SELECT count(*) AS n FROM tickets WHERE service_day = '2026-08-28' "
                   "AND time(issued_at, 'unixepoch', '+7 hours') BETWEEN '11:30' AND '12:59'")
    assert prayer[0]["n"] == 0  # no tickets during the Friday prayer break


def test_the_summary_report_counts_what_was_written(week: tuple[Path, Seeded, SiteIndex]) -> None:
    path, made, site = week
    first, last = date.fromisoformat(made.first_day), LAST_DAY
    with read_only(path) as tx:
        report = reports.summary(tx, site, reports.Filters(first, last))
    assert report["issued"] == made.tickets and report["days"] == made.days
    for status, figure in reports.FINISHED_FIGURES.items():
        assert report[figure] == made.by_status.get(status, 0), figure
    assert report["in_progress"] == 0
    assert {d["date"]: d["issued"] for d in report["by_day"]} == made.by_day
    assert {d["date"]: d["served"] for d in report["by_day"]} == \
        {day: statuses.get("done", 0) for day, statuses in made.by_day_status.items()}
    assert 0.9 < report["within_standard"] < 1  # most, not all, within the published standard
    assert report["wait"]["median"] < report["wait"]["p90"]
    assert 600 < report["wait"]["avg"] < 4 * 3600  # a busy hall: a wait of minutes to an hour or two


def test_the_ikm_and_the_audit_search_read_it(week: tuple[Path, Seeded, SiteIndex]) -> None:
    path, made, site = week
    with read_only(path) as tx:
        ikm = survey.ikm_report(tx, site, reports.Filters(date.fromisoformat(made.first_day), LAST_DAY))
        logins = audit_search.search(tx, site, audit_search.Search(LAST_DAY, LAST_DAY, action="login"))
    assert ikm["respondents"] == made.surveys
    assert 0.1 < made.surveys / made.by_status["done"] < 0.18  # about 14 % of served visitors answer
    assert 75 < ikm["ikm"] < 95 and ikm["comments"]
    assert len(logins["entries"]) >= len(site.counters) * 0.9  # every counter's officer logged in
