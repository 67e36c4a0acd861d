"""The application's state in one object: site configuration, store, clock,
printing and announcements. It hangs on the Flask app as `extensions["antrean"]`;
nothing lives in module globals.

A site may run as several processes on one database (server.message_queue); `keep_up`
makes this one take what the others changed: config.yaml (saved from the admin pages
through another process, or edited by hand) and the set clock of a training or test run.
It runs before every request and subscription and every second, and costs one stat of
config.yaml when nothing changed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from flask import current_app

from server.core import backup, site_state
from server.core.clock import Clock, ShiftedClock
from server.core.config import SiteConfig
from server.core.config_file import ConfigFile, OnDisk, Saved, Stamp
from server.core.config_load import ConfigError
from server.core.events import ConfigChanged
from server.core.osthread import off_loop
from server.core.site import SiteIndex
from server.core.store import Store

if TYPE_CHECKING:
    from printers.jobs import PrintService

log = logging.getLogger("antrean.hall")

# An edit by hand is taken once the file has not changed for this long: an editor that
# writes in place may be read half-way, and the half must not go live.
SETTLE_SECONDS = 2.0
CLOCK_CHECK_SECONDS = 0.5


class Announcer(Protocol):
    """What the web layer asks of the hall's announcer: the `announcement` (language, text,
    sound URLs) of a call's JSON. The display provides it (display/announcer.py); the roof
    builds it for the hall's site, and the Hall hands it each new site on a config change."""

    def announcement(self, number: str, counter_id: str) -> dict[str, Any]: ...

    def seconds(self, number: str, counter_id: str) -> float:
        """How long a display takes to say the call (what the backlog rule plans with)."""
        ...

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
        self.sms_problem: str | None = None  # why no SMS can reach gammu-smsd's outbox (server/web/sms_worker.py)
        self._config_listeners: list[Callable[[SiteIndex], None]] = []
        self.announcer = make_announcer(self.site)
        self.on_config_change(self.announcer.refresh)
        # The file this process runs (assumed to be the one `config` came from), one reload at a time.
        self._running: tuple[Stamp | None, str | None] = (None, None)
        self._pending: OnDisk | None = None  # a new file not yet taken (an edit by hand, settling)
        self._refused: Stamp | None = None  # a file that does not validate: logged once, not read again
        self._reload = threading.Lock()
        if self.config_file is not None:
            self._running = (self.config_file.stamp(), self.config_file.version())
        self._clock_checked = 0.0
        if isinstance(clock, ShiftedClock):
            with self.store.write() as tx:
                clock.offset = site_state.join_clock(tx, clock.offset, time.time())

    def now(self) -> float:
        return self.clock.now()

    @property
    def backup_folder(self) -> Path:
        return backup.backup_folder(self.data_dir, self.site.config.server.backup_dir)

    def replace_config(self, config: SiteConfig, saved: Saved | None = None) -> None:
        """Swap in a new validated configuration; listeners refresh what they hold. `saved`:
        this process just wrote it to config.yaml, and records its version for the others."""
        if saved is not None:
            self._running, self._pending = (saved.stamp, saved.version), None
            with self.store.write() as tx:
                site_state.record_config_version(tx, saved.version, time.time())
        self.site = SiteIndex(config, always_open=self.demo)
        for listener in self._config_listeners:
            listener(self.site)

    # --- keeping up with the site's other processes ---------------------------------------------

    def keep_up(self) -> None:
        """Take what another process of the site changed (see the module's docstring); never
        fails the request it runs before."""
        try:
            self._follow_config()
            self._follow_clock()
        except Exception:
            log.exception("could not check for changes made by the site's other processes")

    def _follow_config(self) -> None:
        file = self.config_file
        if file is None or file.stamp() in (self._running[0], self._refused):
            return
        with self._reload:  # requests arriving meanwhile wait here, then find the new file running
            stamp = file.stamp()
            if stamp in (self._running[0], self._refused):
                return
            on_disk = self._pending
            if on_disk is None or on_disk.stamp != stamp:
                try:
                    on_disk = off_loop(file.load)  # reading and validating the site's file takes ~50 ms
                except ConfigError as exc:
                    self._refused = stamp
                    log.error("%s changed but is not valid; still running the previous version: %s",
                              exc.source, "; ".join(exc.problems))
                    return
                if on_disk.version == self._running[1]:  # touched, or written again the same
                    self._running = (on_disk.stamp, on_disk.version)
                    return
                self._pending = on_disk
            self._take_when_ready(on_disk)

    def _take_when_ready(self, on_disk: OnDisk) -> None:
        """A version another process recorded is a complete save: taken at once. Any other
        is an edit by hand, taken once it has settled, and the first process to take it says
        so (the audit log's `config_changed` by nobody, and every screen hears)."""
        with self.store.read() as tx:
            saved_elsewhere = site_state.config_version(tx) == on_disk.version
        if not saved_elsewhere and time.time() - on_disk.modified_at < SETTLE_SECONDS:
            return
        self.replace_config(on_disk.config)
        self._running, self._pending = (on_disk.stamp, on_disk.version), None
        log.info("took version %s of config.yaml%s", on_disk.version,
                 "" if saved_elsewhere else ", edited by hand")
        if saved_elsewhere:
            return
        now = time.time()
        with self.store.write() as tx:
            if site_state.record_config_version(tx, on_disk.version, now):
                tx.raise_event(ConfigChanged(at=self.now(), actor=None, part="config.yaml",
                                             change={"edited_on_disk": True}, version=on_disk.version))

    def _follow_clock(self) -> None:
        """A set clock (training, tests) follows the site's; the system clock reads nothing."""
        clock = self.clock
        if not isinstance(clock, ShiftedClock) or time.monotonic() - self._clock_checked < CLOCK_CHECK_SECONDS:
            return
        self._clock_checked = time.monotonic()
        real_now = time.time()
        with self.store.read() as tx:
            current = site_state.set_clock(tx)
        if current is not None:
            clock.offset = current.offset
        if current is None or real_now - current.seen_at >= site_state.HEARTBEAT_SECONDS:
            with self.store.write() as tx:
                clock.offset = site_state.heartbeat(tx, clock.offset, real_now)

    def on_config_change(self, listener: Callable[[SiteIndex], None]) -> None:
        self._config_listeners.append(listener)


def keep_up_forever(hall: Hall, sleep: Callable[[float], Any]) -> None:
    """`keep_up` every second, for a process that no request reaches for a while."""
    while True:
        sleep(1.0)
        hall.keep_up()


def current_hall() -> Hall:
    hall: Any = current_app.extensions["antrean"]
    return hall  # type: ignore[no-any-return]
