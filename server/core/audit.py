"""The audit log: who did what, when and from where."""

from __future__ import annotations

import json
from typing import Any

from server.core.store import Transaction


def audit(
    tx: Transaction,
    now: float,
    actor: str | None,
    action: str,
    *,
    target: str | None = None,
    address: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    tx.execute(
        "INSERT INTO audit_log (at, actor, action, target, address, detail) VALUES (?,?,?,?,?,?)",
        (now, actor, action, target, address, json.dumps(detail, ensure_ascii=False) if detail else None),
    )
