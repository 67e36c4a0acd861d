"""Documentation stays true: every configuration key is described in docs/config.md."""

from __future__ import annotations

import re
import typing
from pathlib import Path

from pydantic import BaseModel

from server.core.config import SiteConfig

DOCS = Path(__file__).resolve().parent.parent / "docs"


def _model_of(annotation: object) -> type[BaseModel] | None:
    """The pydantic model inside an annotation such as `list[Service]` or `DayHours | None`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in typing.get_args(annotation):
        found = _model_of(argument)
        if found is not None:
            return found
    return None


def _keys(model: type[BaseModel], prefix: str) -> list[str]:
    keys = []
    for name, field in model.model_fields.items():
        path = f"{prefix}.{name}" if prefix else name
        origin = typing.get_origin(field.annotation)
        nested = _model_of(field.annotation)
        is_list = origin is list or any(typing.get_origin(a) is list for a in typing.get_args(field.annotation))
        if nested is not None and origin is not dict:
            keys += _keys(nested, f"{path}[]" if is_list else path)
        else:
            keys.append(path)
    return keys


def test_every_config_key_is_documented() -> None:
    text = (DOCS / "config.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`([a-z_\[\]\.]+)`", text))
    missing = [key for key in _keys(SiteConfig, "") if key not in documented]
    assert not missing, f"document these keys in docs/config.md: {missing}"


def test_every_error_code_and_event_is_documented(hall_app: object) -> None:
    from server.web.api.base import api  # filled by create_app (hall_app) importing every route module

    text = (DOCS / "api.md").read_text(encoding="utf-8")
    codes = {code for operation in api.operations for _, code in operation.errors}
    missing = sorted(code for code in codes if f"`{code}`" not in text)
    assert not missing, f"document these error codes in docs/api.md: {missing}"
    source = (Path(__file__).resolve().parent.parent / "server" / "web" / "realtime.py").read_text(encoding="utf-8")
    events = set(re.findall(r'(?:_emit|emit)\("([a-z.]+)"', source))
    assert events >= {"ticket.called", "ticket.updated", "queue.updated", "counter.updated", "display.state"}
    undocumented = sorted(event for event in events if f"`{event}`" not in text)
    assert not undocumented, f"document these events in docs/api.md: {undocumented}"
