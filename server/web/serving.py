"""How `antrean serve` answers on a connection: at once.

gevent's pywsgi sends the status line and headers with one send() and the body with
a second. With Nagle's algorithm on, the body then waits for the client to
acknowledge the headers, and clients delay that acknowledgement by up to 40 ms:
every keep-alive answer took at least 40 ms, so eight kiosks could take at most
about 180 tickets a second (measured with bench/bench_issue.py). TCP_NODELAY sends
each part as soon as it is written.

A request line longer than gevent reads (8 KiB: a 100 KB id in the path or the query) is
refused before the app sees it; it gets the API's error shape here instead of an empty 414.
"""

from __future__ import annotations

import json
import socket
from typing import Any

import gevent
from gevent import pywsgi

_URI_TOO_LONG_BODY = json.dumps({"error": {
    "code": "uri_too_long", "message": "The address (path and query) is too long: at most 8 KiB."}}).encode()
URI_TOO_LONG = (b"HTTP/1.1 414 URI Too Long\r\nConnection: close\r\nContent-Type: application/json\r\n"
                + f"Content-Length: {len(_URI_TOO_LONG_BODY)}\r\n\r\n".encode() + _URI_TOO_LONG_BODY)


class NoDelayHandler(pywsgi.WSGIHandler):
    def __init__(self, sock: Any, address: Any, server: Any, rfile: Any = None) -> None:
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:  # not a TCP socket (a Unix socket has no Nagle to turn off)
            pass
        super().__init__(sock, address, server, rfile)

    def handle_one_response(self) -> None:
        super().handle_one_response()
        # A keep-alive client whose next request is already waiting would be served
        # again without the loop ever switching, starving the other connections (seen
        # as a 200+ ms p99 with eight kiosks): let the others have a turn first.
        gevent.sleep(0)

    def handle_one_request(self) -> Any:
        result = super().handle_one_request()
        if isinstance(result, tuple) and result[0] == "414":  # gevent's answer has no body at all
            return "414", URI_TOO_LONG
        return result
