"""Helpers shared by the admin API tests (this module holds no tests).

Test modules import the fixtures `site_fixture` and `admin_fixture`, which pytest then
offers as `site` (the small site started from a real config.yaml file that the admin pages
may rewrite, at `site.path`) and `admin` (the headers of an admin, "kepala").
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from server.core import config_changes, config_file
from server.core.config import SiteConfig
from server.core.config_load import load_config
from tests.conftest import HallApp

CONFIG_URL = "/api/v1/admin/config"


def _clock_strings(value: Any) -> Any:
    """pydantic writes times as HH:MM:SS; config.yaml speaks HH:MM."""
    if isinstance(value, dict):
        return {k: _clock_strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clock_strings(v) for v in value]
    if isinstance(value, str) and re.fullmatch(r"\d\d:\d\d:00", value):
        return value[:5]
    return value


@pytest.fixture(name="site")
def site_fixture(small_config: SiteConfig, tmp_path: Path, clock: Any) -> Any:
    """The small site, started from a real config.yaml file that the admin pages may rewrite."""
    from server.app import create_app

    path = tmp_path / "site" / "config.yaml"
    path.parent.mkdir()
    data = _clock_strings(small_config.model_dump(mode="json", exclude_defaults=True))
    path.write_text("# written by hand\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    app, socketio = create_app(load_config(path), data_dir=path.parent / "data", clock=clock, config_path=path,
                               start_printing=False)
    app.config["TESTING"] = True
    made = HallApp(app, socketio, clock, path.parent / "data")
    made.path = path  # type: ignore[attr-defined]
    yield made
    made.hall.store.close()


@pytest.fixture(name="admin")
def admin_fixture(site: Any) -> dict[str, str]:
    return site.add_user("kepala", "admin")


def service_value(site: Any, service_id: str, **changes: Any) -> dict[str, Any]:
    """The service as GET /admin/config shows it, with some keys changed (a PUT sends it whole)."""
    config = {"sections": config_changes.sections(config_file.read(site.path)[0])}
    for agency in config["sections"]["agencies"]:
        for service in agency["services"]:
            if service["id"] == service_id:
                return {**service, **changes}
    raise AssertionError(service_id)
