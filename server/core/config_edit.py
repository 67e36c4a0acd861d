"""Changing the site configuration from the admin pages.

`config.yaml` stays the one source of truth: every change is applied to the
file's data, validated by `parse_config` exactly as at start (so a refusal names
the key, e.g. `agencies[0].services[2].prefix`), written back atomically (a temp
file in the same folder, fsync, `os.replace`) after the previous version is copied
to `<data>/config-history/`, and only then swapped into the running hall.

Comments are kept where the change allows: a save rewrites only the top-level
sections (`site`, `agencies`, `counters`, ...) whose data changed, and keeps every
other section as written, with its comments; a changed section keeps the comment
lines just above its key. The copy of every previous version is kept as well, so
nothing written by hand is lost.
"""

from __future__ import annotations

import copy
import hashlib
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from server.core.config import ConfigError, SiteConfig, parse_config
from server.core.errors import RuleError, conflict
from server.core.events import ConfigChanged
from server.core.store import Transaction
from server.core.vocabulary import ACTIVE

LIST_SECTIONS = ("agencies", "counters", "kiosks", "displays", "printers")
SITE_SECTIONS = {  # section name → the keys of `site` it covers
    "hours": ("hours", "ticket_cutoff_minutes"),
    "running_text": ("running_text", "running_text_en"),
    "holidays": ("holidays",),
    "breaks": ("breaks",),
}
SECTIONS = (*LIST_SECTIONS, "services", *SITE_SECTIONS)
HISTORY_KEPT = 200
CLOCK_KEYS = {"open", "close", "start", "end"}
_write_lock = threading.Lock()  # one read-change-write of the file at a time in this process


class ConfigRefused(RuleError):
    """A change the configuration rules refuse: 422 naming the first key at fault, and all problems."""

    def __init__(self, problems: list[str]) -> None:
        first = problems[0]
        field = first.split(": ", 1)[0] if ": " in first else None
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__("invalid_config", first + more, field)
        self.problems = problems

    def to_json(self) -> dict[str, Any]:
        body = super().to_json()
        body["error"]["problems"] = self.problems
        return body


@dataclass(frozen=True)
class Saved:
    config: SiteConfig
    version: str
    backup: Path | None
    data: dict[str, Any]


# --- reading ------------------------------------------------------------------------------------


def version_of(text: bytes) -> str:
    return hashlib.sha256(text).hexdigest()[:16]


def read(path: Path) -> tuple[dict[str, Any], str]:
    """The file's data and its version (a hash of its bytes)."""
    data, version, _ = _read_text(path)
    return data, version


def _read_text(path: Path) -> tuple[dict[str, Any], str, str]:
    """The file's data, its version and its text, from one read."""
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
        data = yaml.safe_load(text)
    except OSError as exc:
        raise conflict("config_read_only", f"{path} cannot be read ({exc.strerror or exc}); fix the file's "
                                           "place or permissions, then try again.") from None
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigRefused([f"{path.name}: not valid YAML ({exc}); fix the file by hand first"]) from None
    if not isinstance(data, dict):
        raise ConfigRefused([f"{path.name}: the file must hold a mapping with site, agencies, counters, ..."])
    return data, version_of(raw), text


def plain(value: Any, key: str | None = None) -> Any:
    """YAML data as JSON: dates as YYYY-MM-DD, clock times as "HH:MM" (YAML may give minutes)."""
    if isinstance(value, dict):
        return {k: plain(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if key in CLOCK_KEYS and isinstance(value, int) and not isinstance(value, bool):
        return f"{value // 60 % 24:02d}:{value % 60:02d}"
    return value


def sections(data: dict[str, Any]) -> dict[str, Any]:
    """Every editable section as JSON."""
    site = data.get("site") or {}
    result: dict[str, Any] = {name: plain(data.get(name) or []) for name in LIST_SECTIONS}
    for name, keys in SITE_SECTIONS.items():
        if len(keys) == 1:
            result[name] = plain(site.get(keys[0]) or [])
        else:
            result[name] = {key: plain(site.get(key), key) for key in keys}
    return result


# --- changing the data ----------------------------------------------------------------------------


def _clean(value: Any) -> Any:
    """Drop nulls (every optional key defaults to null) and turn holiday dates back into dates."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _dates(holidays: Any) -> Any:
    if not isinstance(holidays, list):
        return holidays
    for item in holidays:
        if isinstance(item, dict) and isinstance(item.get("date"), str):
            try:
                item["date"] = date.fromisoformat(item["date"])
            except ValueError:
                pass  # left as text: parse_config names it
    return holidays


def set_section(data: dict[str, Any], section: str, value: Any) -> dict[str, Any]:
    """Replace a whole section."""
    data = copy.deepcopy(data)
    if section in LIST_SECTIONS:
        data[section] = _clean(value)
    elif section in SITE_SECTIONS:
        keys = SITE_SECTIONS[section]
        site = data.setdefault("site", {})
        if len(keys) == 1:
            site[keys[0]] = _clean(value)
        else:
            if not isinstance(value, dict):
                raise RuleError("invalid_request", f"value: expected an object with {', '.join(keys)}.", "value")
            for key in keys:
                if key in value:
                    site[key] = _clean(value[key])
        if "holidays" in site:
            _dates(site["holidays"])
    else:
        raise _unknown_section(section)
    return data


def _unknown_section(section: str) -> RuleError:
    return RuleError("unknown_section", f"There is no configuration section {section!r}; "
                     f"expected one of {', '.join(SECTIONS)}.")


def _item(item_id: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise RuleError("invalid_request", "value: expected an object.", "value")
    if value.get("id", item_id) != item_id:
        raise RuleError("invalid_request", "value.id: an id cannot change; add a new item instead.", "value.id")
    cleaned: dict[str, Any] = _clean({"id": item_id, **value})
    return cleaned


def put_item(data: dict[str, Any], section: str, item_id: str, value: Any) -> dict[str, Any]:
    """Replace the item with this id in a list section, or add it at the end."""
    if section == "services":
        return put_service(data, item_id, value)
    if section not in LIST_SECTIONS:
        raise _unknown_section(section)
    data = copy.deepcopy(data)
    item = _item(item_id, value)
    items = data.setdefault(section, [])
    for index, existing in enumerate(items):
        if isinstance(existing, dict) and existing.get("id") == item_id:
            if section == "agencies" and "services" not in item:
                item["services"] = existing.get("services", [])  # an agency's own fields only
            items[index] = item
            return data
    items.append(item)
    return data


def put_service(data: dict[str, Any], service_id: str, value: Any) -> dict[str, Any]:
    """Replace a service in place, move it to `agency_id`, or add it to that agency."""
    data = copy.deepcopy(data)
    item = _item(service_id, value)
    agency_id = item.pop("agency_id", None)
    agencies = data.get("agencies") or []
    for agency in agencies:
        services = agency.get("services") or []
        for index, existing in enumerate(services):
            if existing.get("id") == service_id:
                if agency_id in (None, agency.get("id")):
                    services[index] = item
                    return data
                del services[index]
                break
    for agency in agencies:
        if agency.get("id") == agency_id:
            agency.setdefault("services", []).append(item)
            return data
    if agency_id is None:
        raise RuleError("invalid_request", "value.agency_id: a new service needs the agency it belongs to.",
                        "value.agency_id")
    raise RuleError("invalid_request", f"value.agency_id: {agency_id!r} is not an agency id.",
                    "value.agency_id")


def delete_item(data: dict[str, Any], section: str, item_id: str) -> dict[str, Any]:
    """Remove an item (a service from its agency) by id; 404 when there is none."""
    data = copy.deepcopy(data)
    if section == "services":
        lists = [agency.get("services") or [] for agency in data.get("agencies") or []]
    elif section in LIST_SECTIONS:
        lists = [data.get(section) or []]
    else:
        raise _unknown_section(section)
    for items in lists:
        for index, existing in enumerate(items):
            if isinstance(existing, dict) and existing.get("id") == item_id:
                del items[index]
                return data
    raise RuleError("unknown_item", f"There is no {section} item with id {item_id!r}.")


# --- validating, checking what is in use, writing ---------------------------------------------------


def validate(data: dict[str, Any], source: str = "config.yaml") -> SiteConfig:
    try:
        return parse_config(data, source)
    except ConfigError as exc:
        raise ConfigRefused(exc.problems) from None


def in_use_problems(tx: Transaction, old: SiteConfig, new: SiteConfig, today: str) -> list[str]:
    """Removing a service or counter that is serving visitors right now would strand them."""
    problems = []
    old_services = {s.id for a in old.agencies for s in a.services}
    new_services = {s.id for a in new.agencies for s in a.services}
    for service_id in sorted(old_services - new_services):
        busy = tx.scalar(
            "SELECT count(*) FROM tickets WHERE service_id = ? AND service_day = ? "
            f"AND status IN ({','.join('?' * len(ACTIVE))})",
            (service_id, today, *ACTIVE),
        )
        if busy:
            problems.append(f"service {service_id!r} still has {busy} ticket(s) in line today")
    removed_counters = {c.id for c in old.counters} - {c.id for c in new.counters}
    for counter_id in sorted(removed_counters):
        if tx.scalar("SELECT current_ticket_id FROM counter_state WHERE counter_id = ?", (counter_id,)):
            problems.append(f"counter {counter_id!r} is serving a visitor now")
    return problems


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    # Quote clock times as config.yaml does: YAML 1.1 would read an unquoted 08:30 as minutes.
    if re.fullmatch(r"\d{1,2}:\d{2}", value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    return dumper.represent_str(value)


_Dumper.add_representer(str, _str)


def dump(data: dict[str, Any], header: str = "") -> str:
    return header + yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                              default_flow_style=None, width=110)


_TOP_KEY = re.compile(r"([A-Za-z_][\w-]*):(\s|$)")
HEADER_MARK = "# Antrean site configuration, saved from the admin pages"


def _split_sections(text: str) -> tuple[str, dict[str, tuple[str, str]]]:
    """The text before the first top-level key, and per key (its comment lines, the rest)."""
    lines = text.splitlines(keepends=True)
    found: list[tuple[str, int, int]] = []  # key, first comment line above it, its own line
    for index, line in enumerate(lines):
        match = _TOP_KEY.match(line)
        if match:
            start = index
            while start > 0 and lines[start - 1].startswith("#"):
                start -= 1
            found.append((match.group(1), start, index))
    if not found:
        return text, {}
    sections = {}
    for number, (key, start, own) in enumerate(found):
        end = found[number + 1][1] if number + 1 < len(found) else len(lines)
        body = "".join(lines[own:end])
        sections[key] = ("".join(lines[start:own]), body if body.endswith("\n") else body + "\n")
    return "".join(lines[: found[0][1]]), sections


def _without_old_header(preamble: str) -> str:
    """The file's own opening comments, without the header an earlier save put above them."""
    if not preamble.startswith(HEADER_MARK):
        return preamble
    _, _, rest = preamble.partition("\n\n")
    return rest


def dump_keeping_comments(old_text: str, old: dict[str, Any], new: dict[str, Any], header: str) -> str:
    """`new` as YAML, reusing the text of every top-level section whose data did not change."""
    preamble, sections = _split_sections(old_text)
    parts = [header, _without_old_header(preamble)]
    for key, value in new.items():
        comments, body = sections.get(key, ("", ""))
        if key not in old or old[key] != value or not body:
            body = dump({key: value}) + "\n"
        parts.append(comments + body)
    text = "".join(parts)
    try:
        kept = yaml.safe_load(text) == new
    except yaml.YAMLError:
        kept = False
    return text if kept else dump(new, header)  # a layout this cannot follow: written afresh


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def keep_previous(path: Path, history: Path, stamp: str) -> Path:
    """Copy the current file to the history folder (the oldest copies beyond 200 go)."""
    history.mkdir(parents=True, exist_ok=True)
    target = history / f"{path.stem}-{stamp}.yaml"
    counter = 1
    while target.exists():
        counter += 1
        target = history / f"{path.stem}-{stamp}-{counter}.yaml"
    shutil.copy2(path, target)
    for old in sorted(history.glob(f"{path.stem}-*.yaml"))[:-HISTORY_KEPT]:
        old.unlink(missing_ok=True)
    return target


def write_atomically(path: Path, text: str) -> None:
    """Write a temp file beside `path`, fsync it, then rename it over `path`."""
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(temp, path.stat().st_mode & 0o777)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    _fsync_folder(path.parent)


def save(
    path: Path,
    history: Path,
    change: Callable[[dict[str, Any]], dict[str, Any]],
    *,
    expected_version: str | None,
    stamp: str,
    header: str,
    check: Callable[[SiteConfig], None] | None = None,
) -> Saved:
    """Read the file, apply `change`, validate, `check` (e.g. in use), keep the old file, write the new."""
    with _write_lock:
        data, version, text = _read_text(path)
        if expected_version is not None and expected_version != version:
            raise conflict("config_changed", "The configuration changed since you opened it (someone else saved, "
                           "or the file was edited); reload and make your change again.")
        new_data = change(copy.deepcopy(data))
        config = validate(new_data, path.name)
        if check is not None:
            check(config)
        new_text = dump_keeping_comments(text, data, new_data, header)
        backup = keep_previous(path, history, stamp)
        write_atomically(path, new_text)
        return Saved(config, version_of(new_text.encode("utf-8")), backup, new_data)


def apply_to_hall(hall: Any, saved: Saved, *, now: float, actor: str, address: str | None, part: str,
                  change: dict[str, Any]) -> None:
    """Swap the new configuration into the running hall and say so (`ConfigChanged`): the
    audit row is written, and every screen hears (Socket.IO `config.updated` to every
    client, and every service's counts)."""
    hall.replace_config(saved.config)
    with hall.store.write() as tx:
        tx.raise_event(ConfigChanged(at=now, actor=actor, address=address, part=part, change=change,
                                     version=saved.version, backup=saved.backup.name if saved.backup else None))
