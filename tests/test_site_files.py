"""What the server shows of the site's files, and what it keeps private.

The screens are shown files only from the site's media folder (`media/` beside config.yaml):
an agency logo or a display's media loop that names anything else (the data folder with the
session key and the database, a path through `..`, a link out, /etc/passwd) is refused when
the file is read, when an admin saves it, and again when it would be served. The session key,
the database (with its -wal and -shm) and the backups are readable by the server's account
alone."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from PIL import Image

from server.app import create_app
from server.core.config_load import ConfigError, load_config, parse_config

OUTSIDE = ["/etc/passwd", "data/secret_key", "media/../data/antrean.db", "../elsewhere/logo.png"]


@pytest.fixture
def site(small_config: Any, tmp_path: Path) -> Path:
    """A site folder: config.yaml, media/capil.png, and a data folder beside them."""
    (tmp_path / "media").mkdir()
    Image.new("RGB", (8, 8), "blue").save(tmp_path / "media" / "capil.png")
    data = small_config.model_dump(mode="json", exclude_none=True)
    data["agencies"][0]["logo"] = "media/capil.png"
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    return tmp_path


def with_logo(site: Path, logo: str) -> Path:
    data = yaml.safe_load((site / "config.yaml").read_text())
    data["agencies"][0]["logo"] = logo
    (site / "config.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    return site / "config.yaml"


@pytest.mark.parametrize("logo", OUTSIDE)
def test_a_logo_outside_the_media_folder_is_refused_when_the_file_is_read(site: Path, logo: str) -> None:
    with pytest.raises(ConfigError) as refused:
        load_config(with_logo(site, logo))
    assert refused.value.problems == [
        f"agencies[0].logo: got {logo!r}; expected a path inside the site's media folder (media/ beside "
        "config.yaml), the only files the screens may show"]


def test_a_link_out_of_the_media_folder_is_refused_too(site: Path) -> None:
    (site / "data").mkdir()
    (site / "data" / "secret_key").write_bytes(b"very secret")
    (site / "media" / "logo.png").symlink_to(site / "data" / "secret_key")
    with pytest.raises(ConfigError):
        load_config(with_logo(site, "media/logo.png"))


def test_an_admin_cannot_save_a_logo_outside_and_the_file_stays_as_it_was(site: Path, clock: Any) -> None:
    config_path = site / "config.yaml"
    app, _ = create_app(load_config(config_path), data_dir=site / "data", clock=clock, start_printing=False,
                        config_path=config_path)
    hall = app.extensions["antrean"]
    from server.core import auth

    with hall.store.write() as tx:
        auth.create_user(tx, hall.site, auth.NewUser("kepala", "rahasia-123", "admin"), hall.now())
        token = auth.issue_token(tx, "kepala", hall.now())
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    answer = client.get("/api/v1/admin/config", headers=headers).json
    agency = next(a for a in answer["sections"]["agencies"] if a["id"] == "capil")
    before = config_path.read_bytes()
    saved = client.put("/api/v1/admin/config/agencies/capil", headers=headers,
                       json={"version": answer["version"], "value": {**agency, "logo": "data/secret_key"}})
    assert saved.status_code == 422
    assert saved.json["error"]["code"] == "invalid_config"
    assert "agencies[0].logo: got 'data/secret_key'" in saved.json["error"]["message"]
    assert config_path.read_bytes() == before
    hall.store.close()


def test_serving_checks_again_whatever_the_configuration_says(small_config: Any, tmp_path: Path, clock: Any) -> None:
    """A configuration built in code (not read from a file) is held to the same rule when served."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "secret_key").write_bytes(b"k" * 32)
    data = small_config.model_dump(mode="json", exclude_none=True)
    data["agencies"][0]["logo"] = "data/secret_key"
    data["displays"][0]["media_folder"] = "data"
    config = parse_config(data)
    app, _ = create_app(config, data_dir=tmp_path / "data", clock=clock, start_printing=False,
                        config_path=tmp_path / "config.yaml")
    client = app.test_client()
    assert client.get("/media/logos/capil").status_code == 404
    display = config.displays[0].id
    assert client.get(f"/display/{display}/boot.json").json["media"] == []
    assert client.get(f"/display/media/{display}/secret_key").status_code == 404
    app.extensions["antrean"].store.close()


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_the_key_the_database_and_backups_are_the_servers_alone(small_config: Any, tmp_path: Path,
                                                                 clock: Any) -> None:
    from conftest import HallApp
    from rules import issue

    from server.core.backup import backup_database

    old = os.umask(0o022)  # a usual umask: left to itself, SQLite would make the files world-readable
    try:
        app, socketio = create_app(small_config, data_dir=tmp_path / "data", clock=clock, start_printing=False)
        hall_app = HallApp(app, socketio, clock, tmp_path / "data")
        issue(hall_app, "ktp")  # the log files exist once something was written
        data = tmp_path / "data"
        files = [data / "secret_key", data / "antrean.db", data / "antrean.db-wal", data / "antrean.db-shm"]
        assert {f.name: mode(f) for f in files} == {f.name: 0o600 for f in files}
        copy = backup_database(data / "antrean.db", tmp_path)
        assert mode(copy.path) == 0o600
        hall_app.hall.store.close()
    finally:
        os.umask(old)
