"""Admin API, configuration edits: refused with the key named and nothing written, written
atomically with a backup and live at once, stale versions refused, every section validated
like config.yaml, items added and removed, services in use kept, edits in the audit log, a
hand-broken file reported, and the comments of the sections a save did not change kept."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import pytest
from admin_api_support import (  # noqa: F401  (admin_fixture, site_fixture: the module's fixtures)
    CONFIG_URL,
    admin_fixture,
    service_value,
    site_fixture,
)

from server.core import config_changes, config_file
from server.core.config_load import load_config
from tests.conftest import HallApp
from tests.rules import issue

# --- configuration ---------------------------------------------------------------------------------


def test_invalid_edit_is_refused_with_the_key_named_and_nothing_written(site: Any, admin: Any) -> None:
    before = site.path.read_bytes()
    answer = site.client().put(f"{CONFIG_URL}/services/kk", headers=admin,
                               json={"value": service_value(site, "kk", prefix="kk!")})
    assert answer.status_code == 422
    error = answer.json["error"]
    assert error["code"] == "invalid_config"
    assert error["field"] == "agencies[0].services[1].prefix"
    assert error["message"].startswith("agencies[0].services[1].prefix: got 'kk!'; expected a ticket prefix")
    assert site.path.read_bytes() == before
    assert not (site.data_dir / "config-history").exists()
    assert site.site.services["kk"].prefix == "B"


def test_duplicate_prefix_is_refused_by_name(site: Any, admin: Any) -> None:
    answer = site.client().put(f"{CONFIG_URL}/services/kk", headers=admin,
                               json={"value": service_value(site, "kk", prefix="A")})
    assert answer.status_code == 422
    assert answer.json["error"]["field"] == "agencies[0].services[1].prefix"
    assert "used twice" in answer.json["error"]["message"]


def test_edit_is_written_atomically_with_a_backup_and_goes_live(site: Any, admin: Any) -> None:
    before = site.path.read_bytes()
    kiosk = site.socketio.test_client(site.app)
    kiosk.emit("subscribe", {"kiosk_id": "kiosk-1"})
    kiosk.get_received()
    value = service_value(site, "kk", name="Kartu Keluarga Baru", quota=40, standard_minutes=25,
                          hours={"open": "08:00", "close": "11:00"})
    answer = site.client().put(f"{CONFIG_URL}/services/kk", headers=admin, json={"value": value})
    assert answer.status_code == 200, answer.json

    # On disk: the new file parses as config.yaml, and the old one is kept byte for byte.
    on_disk = load_config(site.path)
    kk = {s.id: s for a in on_disk.agencies for s in a.services}["kk"]
    assert (kk.name, kk.quota, kk.standard_minutes, f"{kk.hours.open:%H:%M}") == ("Kartu Keluarga Baru", 40, 25,
                                                                                   "08:00")
    assert 'open: "08:00"' in site.path.read_text()  # clock times stay quoted
    history = list((site.data_dir / "config-history").iterdir())
    assert len(history) == 1 and history[0].read_bytes() == before
    assert [p.name for p in site.path.parent.iterdir() if p.name.startswith(".")] == []  # no temp file left

    # Live, without a restart: the catalog and the kiosk's socket.
    services = {s["id"]: s for s in site.client().get("/api/v1/services").json["services"]}
    assert (services["kk"]["name"], services["kk"]["remaining"]) == ("Kartu Keluarga Baru", 40)
    received = kiosk.get_received()
    updates = [e["args"][0] for e in received if e["name"] == "queue.updated" and e["args"][0]["service_id"] == "kk"]
    assert updates and updates[-1]["remaining"] == 40
    assert any(e["name"] == "config.updated" for e in received)
    assert answer.json["version"] != answer.json["sections"] and answer.json["editable"] is True


def test_stale_version_is_refused(site: Any, admin: Any) -> None:
    version = site.client().get(CONFIG_URL, headers=admin).json["version"]
    first = site.client().put(f"{CONFIG_URL}/running_text", headers=admin,
                              json={"value": {"running_text": "Selamat datang", "running_text_en": "Welcome"},
                                    "version": version})
    assert first.status_code == 200
    assert load_config(site.path).site.running_text == "Selamat datang"
    second = site.client().put(f"{CONFIG_URL}/running_text", headers=admin,
                               json={"value": {"running_text": "Lain"}, "version": version})
    assert second.status_code == 409 and second.json["error"]["code"] == "config_changed"


def test_holiday_added_today_closes_the_services_at_once(site: Any, admin: Any) -> None:
    answer = site.client().put(f"{CONFIG_URL}/holidays", headers=admin,
                               json={"value": [{"date": "2026-12-01", "name": "Libur Daerah"}]})
    assert answer.status_code == 200
    assert answer.json["sections"]["holidays"] == [{"date": "2026-12-01", "name": "Libur Daerah"}]
    assert "- {date: 2026-12-01, name: Libur Daerah}" in site.path.read_text()  # a YAML date, not a string
    services = site.client().get("/api/v1/services").json["services"]
    assert {(s["closed_reason"], s["closed_note"]) for s in services} == {("holiday", "Libur Daerah")}


@pytest.mark.parametrize(("url", "value", "field"), [
    ("breaks", [{"name": "Istirahat", "start": "13:00", "end": "12:00"}], "site.breaks[0]"),
    ("holidays", [{"date": "2026-02-30", "name": "?"}], "site.holidays[0].date"),
    ("hours", {"hours": {"open": "07:30", "close": "25:00"}}, "site.hours.close"),
    ("counters/loket-9", {"name": "Loket 9", "agency": "capil", "services": ["nope"]}, "counters[3].services"),
    ("kiosks/kiosk-9", {"name": "Kios 9", "printer": "nope"}, "kiosks[2].printer"),
    ("printers/p2", {"type": "network"}, "printers[1]"),
    ("displays/hall", {"name": "Aula", "counters": ["loket-99"]}, "displays[0].counters"),
    ("agencies/capil", {"name": "", "short_name": "Dukcapil"}, "agencies[0].name"),
])
def test_every_section_is_validated_like_config_yaml(site: Any, admin: Any, url: str, value: Any,
                                                     field: str) -> None:
    answer = site.client().put(f"{CONFIG_URL}/{url}", headers=admin, json={"value": value})
    assert answer.status_code == 422, answer.json
    assert answer.json["error"]["field"] == field


def test_items_are_added_and_removed(site: Any, admin: Any) -> None:
    added = site.client().put(f"{CONFIG_URL}/counters/loket-4", headers=admin,
                              json={"value": {"name": "Loket 4", "agency": "capil", "services": ["kk"]}})
    assert added.status_code == 200
    assert "loket-4" in site.site.counters
    unserved = site.client().put(f"{CONFIG_URL}/services/akta", headers=admin,
                                 json={"value": {"agency_id": "capil", "name": "Akta Kelahiran", "prefix": "C"}})
    assert unserved.status_code == 422  # no counter serves it: its tickets could never be called
    assert unserved.json["error"]["message"].startswith("agencies[0].services[2].id: 'akta' is served by no counter")
    new_service = site.client().put(f"{CONFIG_URL}/services/akta", headers=admin, json={"value": {
        "agency_id": "capil", "name": "Akta Kelahiran", "prefix": "C", "counters": ["loket-1"]}})
    assert new_service.status_code == 200
    assert "akta" in site.site.counters["loket-1"].services
    assert site.site.agency_of["akta"] == "capil"
    removed = site.client().delete(f"{CONFIG_URL}/counters/loket-4", headers=admin)
    assert removed.status_code == 200 and "loket-4" not in site.site.counters
    assert site.client().delete(f"{CONFIG_URL}/counters/loket-4", headers=admin).status_code == 404
    assert site.client().put(f"{CONFIG_URL}/nope", headers=admin, json={"value": []}).status_code == 404


def test_a_service_with_people_in_line_is_not_removed(site: Any, admin: Any) -> None:
    issue(site, "pbb")
    answer = site.client().delete(f"{CONFIG_URL}/agencies/pajak", headers=admin)
    assert answer.status_code == 422  # loket-3 still names pbb: the configuration rules say so first
    answer = site.client().put(f"{CONFIG_URL}/displays/pajak", headers=admin,
                               json={"value": {"name": "Layar Pajak", "counters": "all"}})
    assert answer.status_code == 200
    # Removing loket-3 alone would leave pbb with no counter: refused. Removing the service
    # takes it off its counters too, and then today's line refuses it.
    answer = site.client().put(f"{CONFIG_URL}/counters", headers=admin, json={"value": [
        {"id": "loket-1", "name": "Loket 1", "agency": "capil", "services": ["ktp", "kk"]},
        {"id": "loket-2", "name": "Loket 2", "agency": "capil", "services": ["ktp"]},
    ]})
    assert answer.status_code == 422 and "'pbb' is served by no counter" in answer.json["error"]["message"]
    answer = site.client().put(f"{CONFIG_URL}/services/bphtb", headers=admin, json={"value": {
        "agency_id": "pajak", "name": "BPHTB", "prefix": "BP", "counters": ["loket-3"]}})
    assert answer.status_code == 200
    answer = site.client().delete(f"{CONFIG_URL}/services/pbb", headers=admin)
    assert answer.status_code == 409 and answer.json["error"]["code"] == "in_use", answer.json
    assert "pbb" in answer.json["error"]["message"]


def test_changes_are_in_the_audit_log(site: Any, admin: Any) -> None:
    site.client().put(f"{CONFIG_URL}/services/kk", headers=admin, json={"value": service_value(site, "kk", quota=9)})
    entries = site.client().get("/api/v1/admin/audit?q=config", headers=admin).json["entries"]
    assert entries[0]["action"] == "config_changed" and entries[0]["actor"] == "kepala"
    assert entries[0]["target"] == "services/kk" and entries[0]["detail"]["value"]["quota"] == 9


def test_a_hand_broken_file_is_reported_not_crashed_on(site: Any, admin: Any) -> None:
    site.path.write_text("site: [unclosed\n", encoding="utf-8")
    answer = site.client().put(f"{CONFIG_URL}/running_text", headers=admin, json={"value": {"running_text": "x"}})
    assert answer.status_code == 422 and answer.json["error"]["code"] == "invalid_config"
    assert "not valid YAML" in answer.json["error"]["message"]
    assert site.path.read_text(encoding="utf-8") == "site: [unclosed\n"  # left for a person to fix


def test_a_save_keeps_the_comments_of_every_section_it_did_not_change(tmp_path: Path, clock: Any) -> None:
    """The bundled config.yaml, with its comments written by hand, edited twice from the admin pages."""
    import shutil

    from server.app import create_app
    from tests.conftest import BUNDLED_CONFIG

    path = tmp_path / "site" / "config.yaml"
    path.parent.mkdir()
    shutil.copy(BUNDLED_CONFIG, path)
    original = path.read_text(encoding="utf-8")
    agencies_part = original[original.index("# 33 agencies"):original.index("# Counters (loket)")]
    app, socketio = create_app(load_config(path), data_dir=path.parent / "data", clock=clock, config_path=path,
                               start_printing=False)
    site = HallApp(app, socketio, clock, path.parent / "data")
    admin = site.add_user("kepala", "admin")
    text = {"running_text": "Selamat datang di MPP Jember", "running_text_en": "Welcome to MPP Jember"}
    assert site.client().put(f"{CONFIG_URL}/running_text", headers=admin, json={"value": text}).status_code == 200
    counter = {"id": "loket-64", "name": "Loket 64 (Pengaduan)", "agency": "kemenkum",  # still serving its services
               "services": ["kekayaan-intelektual", "ahu", "penyuluhan-hukum"], "floor": 2}
    answer = site.client().put(f"{CONFIG_URL}/counters/loket-64", headers=admin, json={"value": counter})
    assert answer.status_code == 200, answer.json

    saved = path.read_text(encoding="utf-8")
    assert agencies_part in saved  # untouched: every service and its comments, byte for byte
    assert saved.count(config_file.HEADER_MARK) == 1 and saved.startswith(config_file.HEADER_MARK)
    assert original.splitlines()[0] in saved  # the file's own opening comment stays under the header
    assert "# Counters (loket). Floor 1 holds the walk-in desks" in saved  # the changed section's own comment
    on_disk = load_config(path)
    assert on_disk.site.running_text == "Selamat datang di MPP Jember"
    assert {c.id: c.name for c in on_disk.counters}["loket-64"] == "Loket 64 (Pengaduan)"
    site.hall.store.close()


def _changed_lines(before: str, after: str) -> list[str]:
    """The lines a save changed, leaving out the header every save writes at the top."""
    body = after.split("\n\n", 1)[1] if after.startswith(config_file.HEADER_MARK) else after
    old_body = before.split("\n\n", 1)[1] if before.startswith(config_file.HEADER_MARK) else before
    return [line for line in difflib.unified_diff(old_body.splitlines(), body.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_a_save_changes_only_the_edited_values_line_inside_its_section(tmp_path: Path, clock: Any) -> None:
    """The bundled config.yaml edited from the admin pages: a counter's name, a service's quota,
    a display's name and its counters. Each save changes the edited value's line and no other,
    so the comments inside the section ("# Lantai 2" among the counters, a service's notes, the
    displays' long lists laid over several lines) stay as the person who wrote them left them."""
    import shutil

    from server.app import create_app
    from tests.conftest import BUNDLED_CONFIG

    path = tmp_path / "site" / "config.yaml"
    path.parent.mkdir()
    shutil.copy(BUNDLED_CONFIG, path)
    app, socketio = create_app(load_config(path), data_dir=path.parent / "data", clock=clock, config_path=path,
                               start_printing=False)
    site = HallApp(app, socketio, clock, path.parent / "data")
    site.path = path  # type: ignore[attr-defined]
    admin = site.add_user("kepala", "admin")

    def save(url: str, value: Any) -> list[str]:
        before = path.read_text(encoding="utf-8")
        answer = site.client().put(f"{CONFIG_URL}/{url}", headers=admin, json={"value": value})
        assert answer.status_code == 200, answer.json
        return _changed_lines(before, path.read_text(encoding="utf-8"))

    counter = {"id": "loket-64", "name": "Loket 64 (Pengaduan)", "agency": "kemenkum", "floor": 2,
               "services": ["kekayaan-intelektual", "ahu", "penyuluhan-hukum"]}
    assert save("counters/loket-64", counter) == [
        "-  - {id: loket-64, name: Loket 64, agency: kemenkum, floor: 2, services: [kekayaan-intelektual, ahu, "
        "penyuluhan-hukum]}",
        "+  - {id: loket-64, name: Loket 64 (Pengaduan), agency: kemenkum, floor: 2, services: "
        "[kekayaan-intelektual, ahu, penyuluhan-hukum]}"]

    service = service_value(site, "ktp-el-perekaman")
    changed = save("services/ktp-el-perekaman", {**service, "quota": service["quota"] + 25})
    assert changed == [f"-        quota: {service['quota']}", f"+        quota: {service['quota'] + 25}"]

    displays = config_changes.sections(config_file.read(path)[0])["displays"]
    displays[1]["name"] = "Layar Lantai Satu"
    displays[2]["counters"].remove("loket-40")
    changed = save("displays", displays)
    assert len(changed) == 4 and "-    name: Layar Lantai 1" in changed and "+    name: Layar Lantai Satu" in changed
    assert [line for line in changed if "loket-40" in line] == [
        "-        loket-33, loket-34, loket-35, loket-36, loket-37, loket-38, loket-39, loket-40, loket-41, loket-42,"]

    saved = path.read_text(encoding="utf-8")
    assert "  # Lantai 2\n  - {id: loket-33" in saved
    on_disk = load_config(path)
    assert {c.id: c.name for c in on_disk.counters}["loket-64"] == "Loket 64 (Pengaduan)"
    assert on_disk.displays[1].name == "Layar Lantai Satu" and "loket-40" not in on_disk.displays[2].counters
    assert site.site.services["ktp-el-perekaman"].quota == service["quota"] + 25  # and live at once
    site.hall.store.close()
