"""The audit search's text goes through a trigram index of the counter actions (migration
012): it finds exactly what the walk over the history found (a substring of the actor, the
action, the counter, the ticket number or the device; case-insensitive; LIKE's % and _), and
a text found nowhere costs a look in the index instead of a walk over every row."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import JAKARTA, make_hall_app
from rules import act, issue

from bench.history import seed_history
from server.core import audit_search, migrations, retention
from server.core.clock import FixedClock
from server.core.config import SiteConfig
from server.core.config_load import load_config
from server.core.site import SiteIndex
from server.core.store import Store, read_only

ROOT = Path(__file__).resolve().parent.parent
FIRST, LAST = date(2025, 12, 1), date(2026, 1, 31)


def _copy(source: Path, target: Path) -> Path:
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
    return target


def _without_index(source: Path, target: Path) -> Path:
    """The same history with no text index: the search walks the history, as before migration 012."""
    _copy(source, target)
    with closing(sqlite3.connect(target)) as db:
        db.execute("DROP TABLE ticket_events_text")
    return target


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Five busy weekdays around the turn of 2025 (about 16,000 history rows), with and without the index."""
    folder = tmp_path_factory.mktemp("text")
    path = folder / "antrean.db"
    seed_history(path, yaml.safe_load((ROOT / "config.yaml").read_text()), last_day=date(2026, 1, 2), days=5,
                 per_day=800)
    return path, _without_index(path, folder / "walk.db")


def _search(db: Path, site: SiteIndex, **fields: Any) -> dict[str, Any]:
    with read_only(db) as tx:
        return audit_search.search(tx, site, audit_search.Search(**{"start": FIRST, "end": LAST, **fields}))


SEARCHES = [
    {"text": "loket-61"},
    {"text": "LOKET-61"},  # case does not matter
    {"text": "Petugas-Cadangan"},
    {"text": "192.168.1.7"},  # part of a device's address
    {"text": "A00"},  # part of a ticket number
    {"text": "transfer"},  # part of an action
    {"text": "lok_t-1%"},  # LIKE's wildcards keep their meaning
    {"text": "lo"},  # under three letters: no trigram, the walk
    {"text": "tidak-ada-di-mana-pun"},
    {"text": "loket-12", "actor": "petugas-loket-12"},
    {"text": "loket", "action": "no_show", "limit": 1000},
    {"text": "petugas", "limit": 5000},
    {"text": "loket-3", "start": date(2025, 12, 30), "end": date(2025, 12, 30)},
    {"text": "loket-3", "start": date(2026, 1, 3), "end": date(2026, 1, 20)},  # no history in the range
]


@pytest.mark.parametrize("fields", SEARCHES, ids=[str(s) for s in SEARCHES])
def test_the_index_finds_what_the_walk_found(seeded: tuple[Path, Path], fields: dict[str, Any]) -> None:
    indexed, walked = seeded
    site = SiteIndex(load_config(ROOT / "config.yaml"))
    found = _search(indexed, site, **fields)
    assert found == _search(walked, site, **fields)
    if fields["text"] not in ("tidak-ada-di-mana-pun",) and "start" not in fields:
        assert found["entries"], "a text that is there is found"


def _steps(db: Path, site: SiteIndex, **fields: Any) -> int:
    """SQLite's virtual machine steps (in thousands) a search takes: its cost, free of the machine's load."""
    count = [0]
    with read_only(db) as tx:
        def tick() -> int:
            count[0] += 1
            return 0
        tx.db.conn.set_progress_handler(tick, 1000)
        audit_search.search(tx, site, audit_search.Search(FIRST, LAST, **fields))
    return count[0]


def test_a_text_found_nowhere_costs_a_look_in_the_index_not_a_walk_over_the_history(
    seeded: tuple[Path, Path],
) -> None:
    indexed, walked = seeded
    site = SiteIndex(load_config(ROOT / "config.yaml"))
    for fields in ({"text": "tidak-ada-di-mana-pun"}, {"text": "zzz", "actor": "petugas-loket-12"}):
        assert _search(indexed, site, **fields)["entries"] == []
        assert _steps(indexed, site, **fields) * 10 < _steps(walked, site, **fields)


def test_the_index_follows_the_history_as_the_hall_writes_and_moves_it(
    small_config: SiteConfig, tmp_path: Path,
) -> None:
    config = small_config.model_copy(update={"server": small_config.server.model_copy(update={"history_years": 5})})
    app = make_hall_app(config, tmp_path / "data", FixedClock(datetime(2020, 3, 2, 9, 0, tzinfo=JAKARTA)))
    db = app.hall.store.path
    issue(app, "ktp")
    act(app, "call_next", "loket-1", actor="Siti.Rahmawati")
    act(app, "finish", "loket-1", actor="Siti.Rahmawati")
    app.clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=JAKARTA))
    issue(app, "kk")
    act(app, "call_next", "loket-1", actor="budi")
    admin = app.add_user("kepala", "admin")
    years = "/api/v1/admin/audit?from=2020-01-01&to=2026-12-01&q="

    def found(text: str) -> list[tuple[str, str, str]]:
        entries = app.client().get(years + text, headers=admin).json["entries"]
        return [(e["action"], e["actor"], e["target"]) for e in entries if e["source"] == "ticket"]

    assert found("RAHMAWATI") == [("done", "Siti.Rahmawati", "A001 @ loket-1"), ("called", "Siti.Rahmawati",
                                                                               "A001 @ loket-1")]
    assert found("b001") == [("called", "budi", "B001 @ loket-1")]
    assert found("tidak-ada") == []
    retention.move_old_history(db, app.site.tz, date(2026, 12, 1), 5, pause=0)  # 2020's rows to their archive
    with closing(sqlite3.connect(db)) as conn:  # the index forgot the moved rows, kept the others
        assert conn.execute("SELECT count(*) FROM ticket_events_text WHERE ticket_events_text MATCH '\"hma\"'"
                            ).fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM ticket_events_text WHERE ticket_events_text MATCH '\"udi\"'"
                            ).fetchone() == (1,)
    assert found("RAHMAWATI") == [("done", "Siti.Rahmawati", "A001 @ loket-1"), ("called", "Siti.Rahmawati",
                                                                               "A001 @ loket-1")]  # the archive's
    app.hall.store.close()


def test_the_migration_indexes_the_history_a_database_already_has(tmp_path: Path) -> None:
    db = tmp_path / "antrean.db"
    first = [name for name, _ in migrations.MIGRATIONS].index("012_history_text")
    saved = migrations.MIGRATIONS[:]
    migrations.MIGRATIONS[:] = saved[:first]  # a database of the version before
    try:
        seed_history(db, yaml.safe_load((ROOT / "config.yaml").read_text()), last_day=date(2026, 1, 2), days=2,
                     per_day=300)
    finally:
        migrations.MIGRATIONS[:] = saved
    site = SiteIndex(load_config(ROOT / "config.yaml"))
    walked = _search(db, site, text="loket-2")
    assert walked["entries"]
    store = Store(db)  # the server starting on it: migration 012 indexes what is there
    store.close()
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("SELECT 1 FROM _migrations WHERE name = '012_history_text'").fetchone() == (1,)
    assert _search(db, site, text="loket-2") == walked
    assert _steps(db, site, text="tidak-ada") * 10 < _steps(_without_index(db, tmp_path / "walk.db"), site,
                                                             text="tidak-ada")


def test_the_archives_have_the_index_too_and_an_archive_made_before_it_gets_it_at_night(
    seeded: tuple[Path, Path], tmp_path: Path,
) -> None:
    db = _copy(seeded[0], tmp_path / "antrean.db")
    site = SiteIndex(load_config(ROOT / "config.yaml"))
    texts = [{"text": "loket-61"}, {"text": "PETUGAS-CADANGAN"}, {"text": "tidak-ada"}, {"text": "lok_t-1%"}]
    before = [_search(db, site, **fields) for fields in texts]
    walked = _steps(seeded[1], site, text="tidak-ada")
    retention.move_old_history(db, site.tz, date(2027, 6, 1), 1, pause=0)  # all of it, to 2025's and 2026's
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("SELECT count(*) FROM ticket_events").fetchone() == (0,)
    assert [_search(db, site, **fields) for fields in texts] == before
    assert _steps(db, site, text="tidak-ada") * 10 < walked  # each archive read through its index

    old = retention.archive_path(db, 2025)
    with closing(sqlite3.connect(old)) as conn:  # as an archive made before the index
        conn.execute("DROP TABLE ticket_events_text")
    assert [_search(db, site, **fields) for fields in texts] == before  # walked, as before
    assert retention.night_care(db, site.tz, date(2027, 6, 1), 1).moved.finished
    with closing(sqlite3.connect(old)) as conn:
        assert conn.execute("SELECT count(*) FROM ticket_events_text WHERE ticket_events_text MATCH '\"ket\"'"
                            ).fetchone()[0] > 1000
    assert [_search(db, site, **fields) for fields in texts] == before
    assert _steps(db, site, text="tidak-ada") * 10 < walked
