"""The address a kiosk reached the server at, kept with each ticket it issues.

Without `site.public_url`, a ticket's QR code leads to the scheme and host the issuing
request used (`X-Forwarded-Proto` counts behind `server.proxy_hops` proxies, which pass the
visitor's Host on, as the nginx and Caddy set-ups in docs/security.md do). A kiosk browser on
the server's own machine reaches it at 127.0.0.1, which no phone can: when the server listens
on every address (`--host 0.0.0.0`), that host is replaced by the machine's LAN address,
keeping the port.
"""

from __future__ import annotations

import logging
import re
import socket

from flask import current_app, request

from server.core.addresses import WILDCARD_HOSTS, is_loopback

log = logging.getLogger(__name__)

LISTEN_HOST = "ANTREAN_LISTEN_HOST"  # app.config key: the --host `antrean serve` listens on
# A host as a browser sends it: a name or IPv4 address, or a bracketed IPv6 one, and a port.
_HOST = re.compile(r"(?P<name>[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]{2,45}\])"
                   r"(?::(?P<port>[0-9]{1,5}))?")
# Any address outside the machine: connecting a UDP socket sends nothing, it only picks the route.
_ROUTE_PROBE = ("192.0.2.1", 9)  # TEST-NET-1 (RFC 5737): never a real host


def lan_address() -> str | None:
    """The address this machine's default route leaves from, or None without a network."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(_ROUTE_PROBE)
        address = str(probe.getsockname()[0])
    except OSError:
        return None
    finally:
        probe.close()
    return None if is_loopback(address) or address in WILDCARD_HOSTS else address


def request_origin() -> str | None:
    """`scheme://host[:port]` of the current request as a phone could use it; None if the
    Host is not a plain host (a forged or garbled header never ends up in a QR code)."""
    match = _HOST.fullmatch(request.host or "")
    if match is None or request.scheme not in ("http", "https"):
        return None
    name, port = match.group("name"), match.group("port")
    listen = current_app.config.get(LISTEN_HOST)
    if is_loopback(name) and listen in WILDCARD_HOSTS:
        lan = lan_address()
        if lan is not None:
            name = lan
        else:
            log.warning("A kiosk reached the server at %s and this machine has no LAN address: "
                        "its tickets' QR codes lead phones nowhere", request.host)
    return f"{request.scheme}://{name}" + (f":{port}" if port else "")
