"""The application factory: `create_app(...)` builds one hall's server."""

from __future__ import annotations

import logging
import os
import resource
import secrets
from collections.abc import Callable, Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask, Request, render_template
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_socketio import SocketIO
from werkzeug.middleware.proxy_fix import ProxyFix

from server.core.clock import Clock
from server.core.config import SiteConfig
from server.core.store import database_name
from server.core.tickets import expire_stale
from server.web.hall import Hall, current_hall

log = logging.getLogger("antrean")


def secret_key(data_dir: Path) -> bytes:
    """The session-signing key, made once per site and kept in its data folder."""
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(32))
    return path.read_bytes()


# Sent with every answer, pages, API, files and Socket.IO alike (SecurityHeaders below). The
# pages load only their own scripts and styles (no inline script, no style= attributes), so the
# policy is `'self'`; no page may be framed (clickjacking a counter or admin page); and the
# phone page's address carries its ticket's id, so no Referer is ever sent.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
)


HSTS = ("Strict-Transport-Security", "max-age=31536000")


class SecurityHeaders:
    """WSGI middleware adding SECURITY_HEADERS to every response, including the Socket.IO
    handshakes and polls that never reach Flask's own hooks; and HSTS, only to answers that
    went out over TLS (a reverse proxy's, see `server.proxy_hops`): a browser told so over
    plain HTTP would refuse the hall's plain-HTTP screens for a year."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        secure = environ.get("wsgi.url_scheme") == "https"

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            headers.extend(SECURITY_HEADERS)
            if secure:
                headers.append(HSTS)
            return start_response(status, headers, exc_info)

        return self.app(environ, start)


def raise_open_file_limit() -> tuple[int, int]:
    """Raise this process's open-file limit (RLIMIT_NOFILE) from its soft value to the hard one.

    Every phone, display, kiosk and counter holds a socket, and the usual soft limit of 1,024
    was used up by about 500 sockets (with the database, logs and printers), after which no
    kiosk could connect. The hard limit is what the system lets the process have without
    privileges; returns (before, after)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        target = hard if hard != resource.RLIM_INFINITY else max(soft, 1_048_576)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError) as exc:
            log.warning("could not raise the open-file limit from %d to %d: %s", soft, target, exc)
    after = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if after < 8192:
        log.warning("open-file limit %d: about %d phones and screens fit; raise the hard limit "
                    "(LimitNOFILE= of the service, or ulimit -Hn) to fit more", after, after // 2)
    return soft, after


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, without building the cookie signer for requests that
    bring no session cookie: kiosks, displays and phones never sign in, and making the
    signer on each of their requests cost about a tenth of a millisecond."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)


def create_app(
    config: SiteConfig,
    *,
    data_dir: Path,
    db_path: Path | None = None,
    clock: Clock | None = None,
    config_path: Path | None = None,
    demo: bool = False,
    async_mode: str = "threading",
    start_printing: bool = True,
    printer_check_seconds: float = 15.0,
) -> tuple[Flask, SocketIO]:
    """Build the Flask app and its Socket.IO server for one site."""
    from display.announcer import Announcer
    from display.audio import AudioLibrary
    from server.web import media
    from server.web.api import load_routes
    from server.web.api.errors import init_error_handlers
    from server.web.realtime import init_realtime

    data_dir = Path(data_dir)
    before, after = raise_open_file_limit()
    if after != before:
        log.info("open-file limit raised from %d to %d", before, after)
    here = Path(__file__).parent / "web"
    app = Flask("antrean", static_folder=str(here / "static"), static_url_path="/static",
                template_folder=str(here / "templates"))
    app.config.update(
        SECRET_KEY=secret_key(data_dir),
        SESSION_COOKIE_NAME="antrean_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
        JSON_SORT_KEYS=False,
        MAX_CONTENT_LENGTH=1024 * 1024,  # room for a whole config section from the admin pages
    )
    app.session_interface = CookieSessions()
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    audio = AudioLibrary(data_dir, config_path)
    hall = Hall(
        config,
        db_path=db_path or data_dir / database_name(demo),
        data_dir=data_dir,
        clock=clock or Clock(),
        make_announcer=lambda site: Announcer(site, audio),  # the display's: words, sound URLs and files
        config_path=config_path,
        demo=demo,
    )
    app.extensions["antrean"] = hall
    app.before_request(hall.keep_up)  # take what the site's other processes changed (one stat)
    queue: dict[str, Any] = {}
    if config.server.message_queue:  # several processes: our Redis queue (server/web/message_queue.py)
        from server.web.message_queue import RedisQueue

        queue["client_manager"] = RedisQueue(config.server.message_queue)
    socketio = SocketIO(
        app,
        async_mode=async_mode,
        cors_allowed_origins=None,
        ping_interval=10,
        ping_timeout=10,
        json=app.json,
        **queue,
    )
    app.extensions["antrean_socketio"] = socketio
    app.wsgi_app = SecurityHeaders(app.wsgi_app)  # type: ignore[method-assign]  # outside Socket.IO's, so it sees all
    hops = config.server.proxy_hops
    if hops:  # behind a TLS proxy: the client's own address (the limits count it) and scheme
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    app.register_blueprint(load_routes().blueprint)
    app.register_blueprint(media.blueprint)
    init_error_handlers(app)
    init_realtime(socketio, hall)
    _register_front_ends(app)
    with hall.store.write() as tx:
        expire_stale(tx, hall.site, hall.now())
    if start_printing:
        _start_printing(hall, printer_check_seconds)
    return app, socketio


def _register_front_ends(app: Flask) -> None:
    """The kiosk, counter, display and admin pages, each its own blueprint."""
    from admin.routes import blueprint as admin_pages
    from counter.routes import blueprint as counter_pages
    from display.routes import blueprint as display_pages
    from kiosk.booking import blueprint as booking_pages
    from kiosk.routes import blueprint as kiosk_pages
    from server.web.pages import blueprint as shared_pages

    for blueprint in (shared_pages, display_pages, kiosk_pages, booking_pages, counter_pages, admin_pages):
        app.register_blueprint(blueprint)

    @app.get("/")
    def index() -> Any:
        """The start page lists the screens of this site."""
        hall = current_hall()
        config = hall.site.config
        return render_template("index.html", site=config.site, kiosks=config.kiosks, displays=config.displays,
                               demo=hall.demo)


def _start_printing(hall: Hall, check_seconds: float) -> None:
    from printers.jobs import PrintService, PrintSettings
    from server.core.print_queue import PrintQueue
    from server.web.printing import build_slip_print, build_ticket_print

    server = hall.site.config.server
    # Several processes (a message queue joins them): a ticket queued through another process
    # wakes nobody here, so the holder of its printer's lease looks for jobs five times a second.
    settings = PrintSettings(hall.data_dir, wait_seconds=server.print_wait_ms / 1000, health_seconds=check_seconds,
                             poll_seconds=0.2 if server.message_queue else 2.0)
    printing = PrintService(PrintQueue(hall.store, hall.clock.now), hall.site.printers,
                            lambda ticket_id, lang: build_ticket_print(hall, ticket_id, lang), settings,
                            lambda code, lang: build_slip_print(hall, code, lang))
    hall.printing = printing
    hall.on_config_change(lambda site: printing.update_printers(site.printers))
    printing.start()
