"""The `antrean` command: serve, check-config, user add, printer test, migrate, backup, clock set."""

from __future__ import annotations

import gc
import importlib.util
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click

from server.core.config import SiteConfig
from server.core.config_load import ConfigError, load_config, media_path, site_path


class Context:
    def __init__(self, config_path: Path, db: Path | None) -> None:
        self.config_path = config_path
        self.db = db

    def config(self) -> SiteConfig:
        try:
            return load_config(self.config_path)
        except ConfigError as exc:
            click.echo(f"The configuration has {len(exc.problems)} problem(s):", err=True)
            for problem in exc.problems:
                click.echo(f"  {exc.source}: {problem}", err=True)
            sys.exit(2)

    def data_dir(self, config: SiteConfig) -> Path:
        """The data folder: `server.data_dir`, relative to the config file's folder."""
        return site_path(config.server.data_dir, self.config_path)

    def db_path(self, config: SiteConfig, demo: bool = False) -> Path:
        if self.db is not None:
            return self.db
        from server.core.store import database_name

        return self.data_dir(config) / database_name(demo)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", type=click.Path(path_type=Path), envvar="ANTREAN_CONFIG",
              default="config.yaml", show_default=True, help="The site configuration file.")
@click.option("--db", type=click.Path(path_type=Path), envvar="ANTREAN_DB", default=None,
              help="The SQLite database (default: antrean.db in the data folder).")
@click.version_option(package_name="antrean")
@click.pass_context
def cli(ctx: click.Context, config_path: Path, db: Path | None) -> None:
    """Antrean: queue and kiosk management for a public service hall."""
    ctx.obj = Context(config_path, db)


def _warn_addresses(config: SiteConfig, port: int | None, listen_host: str | None = None) -> None:
    """Say plainly when phones could not reach the address in the tickets' QR codes (not an error)."""
    from server.core.addresses import public_url_warnings

    for warning in public_url_warnings(config, port, listen_host):
        click.echo(f"Warning: {warning}", err=True)


@cli.command("check-config")
@click.option("--port", default=None, type=click.IntRange(1, 65535),
              help="The port `serve` will listen on: also check that site.public_url uses it.")
@click.pass_obj
def check_config(obj: Context, port: int | None) -> None:
    """Validate the configuration and say exactly what is wrong and where."""
    config = obj.config()
    _warn_addresses(config, port)
    services = sum(len(a.services) for a in config.agencies)
    click.echo(
        f"{obj.config_path}: OK - {len(config.agencies)} agencies, {services} services, "
        f"{len(config.counters)} counters, {len(config.kiosks)} kiosks, {len(config.displays)} displays, "
        f"{len(config.printers)} printers."
    )


def _moment(name: str, value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{name}={value!r}: expected an ISO time such as 2026-12-01T09:00+07:00") from None
    if moment.tzinfo is None:
        raise click.BadParameter(f"{name}={value!r}: give the offset too, e.g. +07:00")
    return moment


def _start_clock() -> Any:
    """`ANTREAN_START_AT=2026-12-01T09:00+07:00` runs the hall as if started then (tests, training);
    every server of the site started so shares one such clock. Without it: the system clock."""
    from server.core.clock import Clock, ShiftedClock

    value = os.environ.get("ANTREAN_START_AT")
    return ShiftedClock(_moment("ANTREAN_START_AT", value)) if value else Clock()


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0 for the LAN).")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--demo", is_flag=True, help="Every service open, a separate demo database, a simulated morning.")
@click.pass_obj
def serve(obj: Context, host: str, port: int, demo: bool) -> None:
    """Run the server (gevent, with real WebSocket transport)."""
    import logging

    from server.app import create_app
    from server.web.demo import demo_config, start_demo
    from server.web.hall import keep_up_forever
    from server.web.housekeeping import start_housekeeping
    from server.web.serving import NoDelayHandler
    from server.web.sms_worker import start_sms

    config = obj.config()
    if config.server.message_queue and importlib.util.find_spec("redis") is None:
        click.echo("server.message_queue is set, but the redis package is not installed: "
                   "pip install '.[scale]' (or remove the key).", err=True)
        sys.exit(2)
    config_path = obj.config_path.resolve()
    if demo:
        try:
            config_path = demo_config(config_path)
        except OSError as exc:
            click.echo(f"The demo cannot make its copy of {config_path.name} beside it: {exc.strerror or exc}. "
                       "Run the demo from a folder this user may write to.", err=True)
            sys.exit(2)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app, socketio = create_app(
        config,
        data_dir=obj.data_dir(config),
        db_path=obj.db_path(config, demo),
        clock=_start_clock(),
        config_path=config_path,
        demo=demo,
        async_mode="gevent",
    )
    from server.web.addresses import LISTEN_HOST

    app.config[LISTEN_HOST] = host  # a kiosk reaching 127.0.0.1 gets the LAN address only if served there
    _warn_addresses(config, port, host)
    hall = app.extensions["antrean"]
    hall.store.checkpoint_in_background()
    start_housekeeping(socketio, hall)
    start_sms(socketio, hall)
    socketio.start_background_task(keep_up_forever, hall, socketio.sleep)
    if demo:
        start_demo(app, socketio)
    click.echo(f"Antrean serving {config.site.name} on http://{host}:{port}/" + (" (demo)" if demo else ""))
    # What start-up made (modules, the site's configuration, templates) lives as long as the
    # server: moved out of the collector's sight, a full collection no longer walks its 80,000
    # objects and stalls every request for ~60 ms.
    gc.freeze()
    try:
        socketio.run(app, host=host, port=port, log_output=False, handler_class=NoDelayHandler)
    except OSError as exc:
        click.echo(f"Cannot listen on {host}:{port}: {exc.strerror or exc}. Is another server running there?",
                   err=True)
        sys.exit(1)


@cli.group()
def user() -> None:
    """Manage accounts."""


@user.command("add")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(["officer", "supervisor", "admin"]))
@click.option("--counter", "counters", multiple=True, help="A counter the officer may use (repeat for several).")
@click.option("--agency", default=None, help="The agency a supervisor supervises.")
@click.option("--name", "display_name", default=None, help="The person's name, shown on screens.")
@click.option("--password-stdin", is_flag=True, required=True, help="Read the password from standard input.")
@click.pass_obj
def user_add(obj: Context, username: str, role: str, counters: tuple[str, ...], agency: str | None,
             display_name: str | None, password_stdin: bool) -> None:
    """Create a user who can log in at once (also while the server runs)."""
    from server.core import auth
    from server.core.errors import RuleError
    from server.core.site import SiteIndex
    from server.core.store import Store

    config = obj.config()
    password = sys.stdin.readline().rstrip("\r\n")
    store = Store(obj.db_path(config))
    new = auth.NewUser(username, password, role, agency, list(counters), display_name)
    try:
        with store.write() as tx:
            auth.create_user(tx, SiteIndex(config), new, datetime.now().timestamp())
    except RuleError as exc:
        click.echo(f"Cannot add user {username!r}: {exc.message}", err=True)
        sys.exit(2)
    click.echo(f"Added {role} {username!r}.")


@cli.group()
def printer() -> None:
    """Printers."""


@printer.command("test")
@click.argument("printer_id")
@click.pass_obj
def printer_test(obj: Context, printer_id: str) -> None:
    """Print a sample ticket and say plainly what happened."""
    from printers.cli import test_printer

    config = obj.config()
    logo = config.site.ticket.logo and media_path(config.site.ticket.logo, obj.config_path)
    ok, message = test_printer(config, printer_id, obj.data_dir(config), logo_path=logo or None)
    click.echo(message, err=not ok)
    sys.exit(0 if ok else 1)


@cli.command()
@click.pass_obj
def migrate(obj: Context) -> None:
    """Create or upgrade the database schema (also done at every start)."""
    from server.core.migrations import migrate as run_migrations
    from server.core.store import Store

    config = obj.config()
    store = Store(obj.db_path(config))
    applied = run_migrations(store.db)
    click.echo(f"{store.path}: schema up to date" + (f" (applied {', '.join(applied)})" if applied else ""))


@cli.command()
@click.option("--to", "target", type=click.Path(path_type=Path), default=None,
              help="A new file, or a folder for a dated file (default: the folder of server.backup_dir).")
@click.pass_obj
def backup(obj: Context, target: Path | None) -> None:
    """Copy the database while the server runs: one consistent moment, checked."""
    from server.core.backup import BackupError, backup_database, backup_folder

    config = obj.config()
    now = datetime.now(ZoneInfo(config.site.timezone))  # the hall's time, as the daily backups are named
    if target is None:
        target = backup_folder(obj.data_dir(config), config.server.backup_dir)
        target.mkdir(parents=True, exist_ok=True)
    try:
        made = backup_database(obj.db_path(config), target, now)
    except BackupError as exc:
        click.echo(f"No backup made: {exc}", err=True)
        sys.exit(2)
    click.echo(f"Backed up {made.tickets} tickets ({made.size_bytes / 1e6:.1f} MB) to {made.path}")
    for archive in made.archives:
        click.echo(f"Copied the archive {archive.name} (it changed since its last copy) to {archive}")


@cli.group()
def clock() -> None:
    """The set clock of a training or test run (servers started with ANTREAN_START_AT)."""


@clock.command("set")
@click.argument("moment")
@click.pass_obj
def clock_set(obj: Context, moment: str) -> None:
    """Move the set clock of every running server of the site to MOMENT (e.g. 2026-12-01T14:00+07:00)."""
    import time

    from server.core import site_state
    from server.core.store import Store

    config = obj.config()
    at = _moment("MOMENT", moment)
    store = Store(obj.db_path(config))
    with store.write() as tx:
        moved = site_state.move_clock(tx, at.timestamp() - time.time(), time.time())
    if not moved:
        click.echo("No server of this site runs on a set clock (ANTREAN_START_AT); a server without it follows "
                   "the system clock, which this command never changes.", err=True)
        sys.exit(2)
    click.echo(f"The site's clock now reads {at.isoformat()}; every server of the site follows within a second.")


def main() -> None:
    # The server runs on gevent; patch the standard library before anything
    # else imports it, so threads, sockets and sleeps cooperate.
    if len(sys.argv) > 1 and "serve" in sys.argv[1:]:
        from gevent import monkey

        monkey.patch_all()
    cli(prog_name="antrean")


if __name__ == "__main__":
    main()
