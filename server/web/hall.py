"""The application's state in one object: site configuration, store, clock,
printing and announcements. It hangs on the Flask app as `extensions["antrean"]`;
nothing lives in module globals.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from flask import current_app

from server.core import backup
from server.core.clock import Clock
from server.core.config import SiteConfig
from server.core.config_file import ConfigFile
from server.core.site import SiteIndex
from server.core.store import Store

if TYPE_CHECKING:
    from printers.jobs import PrintService


class Announcer(Protocol):
    """What the web layer asks of the hall's announcer: the `announcement` (language, text,
    sound URLs) of a call's JSON. The display provides it (display/announcer.py); the roof
    builds it for the hall's site, and the Hall hands it each new site on a config change."""

    def announcement(self, number: str, counter_id: str) -> dict[str, Any]: ...

    def refresh(self, site: SiteIndex) -> None: ...


class Hall:
    def __init__(
        self,
        config: SiteConfig,
        *,
        db_path: Path,
        data_dir: Path,
        clock: Clock,
        make_announcer: Callable[[SiteIndex], Announcer],
        config_path: Path | None = None,
        demo: bool = False,
    ) -> None:
        """`make_announcer` builds the announcer for the hall's site (see Announcer)."""
        self.site = SiteIndex(config, always_open=demo)
        self.demo = demo
        self.config_path = config_path
        # The file admin saves write, when the hall was started from one (tests may not be).
        self.config_file = ConfigFile(config_path, data_dir / "config-history") if config_path else None
        self.data_dir = data_dir
        self.clock = clock
        self.store = Store(db_path)
        self.printing: PrintService | None = None
        self.backup_problem: str | None = None  # why the last daily backup failed, for the dashboard
        self._config_listeners: list[Callable[[SiteIndex], None]] = []
        self.announcer = make_announcer(self.site)
        self.on_config_change(self.announcer.refresh)

    def now(self) -> float:
        return self.clock.now()

    @property
    def backup_folder(self) -> Path:
        return backup.backup_folder(self.data_dir, self.site.config.server.backup_dir)

    def replace_config(self, config: SiteConfig) -> None:
        """Swap in a new validated configuration; listeners refresh what they hold."""
        self.site = SiteIndex(config, always_open=self.demo)
        for listener in self._config_listeners:
            listener(self.site)

    def on_config_change(self, listener: Callable[[SiteIndex], None]) -> None:
        self._config_listeners.append(listener)


def current_hall() -> Hall:
    hall: Any = current_app.extensions["antrean"]
    return hall  # type: ignore[no-any-return]
