"""A small site whose "near" rule and SMS are set by the test (tests/test_near.py, test_sms*.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import HallApp, make_hall_app

from server.core.config import NearAlert, SiteConfig, SmsSettings
from server.core.events import Event


def near_site(config: SiteConfig, *, places: int | None = 2, minutes: int | None = None,
              sms: SmsSettings | None = None) -> SiteConfig:
    site = config.site.model_copy(update={"near_alert": NearAlert(places=places, minutes=minutes)})
    return config.model_copy(update={"site": site, "sms": sms or config.sms})


def gammu_folders(root: Path) -> SmsSettings:
    """The three folders of gammu-smsd's files backend, made, and SMS on."""
    for name in ("outbox", "sent", "error", "inbox"):
        (root / name).mkdir(parents=True, exist_ok=True)
    return SmsSettings(enabled=True, outbox=str(root / "outbox"), sent=str(root / "sent"),
                       error=str(root / "error"))


def app_with(config: SiteConfig, folder: Path, clock: Any) -> HallApp:
    return make_hall_app(config, folder, clock)


def no_events(_: list[Event]) -> None:
    return None
