"""Helpers for the login and session tests (this module holds no tests): HTTP clients that
come from another loopback address (127.0.0.2, ...), as other machines of the hall would,
and a few ready-made steps."""

from __future__ import annotations

from typing import Any

import requests
from requests.adapters import HTTPAdapter

from tests.conftest import PASSWORD


class _FromAddress(HTTPAdapter):
    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def client_from(address: str = "127.0.0.1") -> requests.Session:
    """A requests session (its own cookie jar: one browser) whose connections leave from
    `address`; Linux routes all of 127.0.0.0/8 to the loopback, so the server sees that address."""
    session = requests.Session()
    session.mount("http://", _FromAddress(address))
    return session


def log_in(client: requests.Session, url: str, username: str, password: str = PASSWORD,
           **extra: Any) -> requests.Response:
    return client.post(url + "/api/v1/session", json={"username": username, "password": password, **extra},
                       timeout=30)


def audit(url: str, admin: dict[str, str], action: str) -> list[dict[str, Any]]:
    """The audit log's entries of one action, newest first."""
    answer = requests.get(url + "/api/v1/admin/audit", params={"action": action, "tickets": "0"}, headers=admin,
                          timeout=10)
    answer.raise_for_status()
    return list(answer.json()["entries"])
