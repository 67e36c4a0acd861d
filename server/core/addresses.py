"""The address phones reach the server at, and what is wrong with a configured one.

A ticket's QR code leads to `{address}/t/{id}`. The address is `site.public_url` when it is
set; otherwise the one the issuing kiosk reached the server at (server/web/addresses.py).
A configured address that is loopback, or on another port than the server listens on,
leads every phone nowhere: `antrean check-config` and `antrean serve` say so.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from server.core.config import SiteConfig

# A ticket issued without any request (the demo's simulated visitors) and no public_url:
# the server's own default address, which only the server's machine reaches.
UNKNOWN_ORIGIN = "http://127.0.0.1:5000"
DEFAULT_PORTS = {"http": 80, "https": 443}
WILDCARD_HOSTS = frozenset({"0.0.0.0", "::", ""})


def is_loopback(host: str | None) -> bool:
    """127.x, ::1 and `localhost` (and its subdomains) reach only the machine itself."""
    if not host:
        return False
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def public_url_warnings(config: SiteConfig, port: int | None = None, listen_host: str | None = None) -> list[str]:
    """One plain line per problem of the configured address; `port`/`listen_host`: what is served.

    Behind a reverse proxy (`server.proxy_hops`) the public port is the proxy's, so only a
    loopback address is then wrong."""
    url = config.site.public_url
    behind_proxy = config.server.proxy_hops > 0
    if url is None:
        if listen_host is not None and is_loopback(listen_host) and not behind_proxy:
            return [
                f"site.public_url is not set and the server listens on {listen_host} only: phones (and "
                "kiosks on other machines) cannot reach it. Serve with --host 0.0.0.0 on the hall's LAN, "
                "or put a reverse proxy in front (server.proxy_hops)."
            ]
        return []
    parts = urlsplit(url)
    if is_loopback(parts.hostname):
        return [
            f"site.public_url is {url}, a loopback address: a phone that scans a ticket's QR code "
            "reaches itself, not this server. Set it to the address the hall's LAN uses for the server "
            "(e.g. http://192.168.1.10:5000), or remove the key so each ticket carries the address "
            "its kiosk reached the server at."
        ]
    try:
        url_port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    except ValueError:  # "http://host:99999": validation lets it through, a phone cannot use it
        url_port = None
    if port is not None and not behind_proxy and url_port != port:
        return [
            f"site.public_url is {url} (port {url_port}), but the server listens on port {port}: "
            "a phone that scans a ticket's QR code reaches nothing. Correct the port in site.public_url, "
            "or remove the key so each ticket carries the address its kiosk reached the server at."
        ]
    return []
