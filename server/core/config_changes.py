"""Changes to the site configuration's data, as the admin pages make them.

Each change takes the data of `config.yaml` (plain YAML data, not the validated models)
and returns the changed data: set a whole section, put or delete one item, put a service
inside its agency. `validate` then reads the result exactly as at start (`parse_config`),
so a refusal names the key at fault (`agencies[0].services[2].prefix`), and
`in_use_problems` refuses to remove what today's queue still uses. Reading and writing
the file itself is `config_file`'s.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from server.core.config import SiteConfig
from server.core.config_load import ConfigError, parse_config
from server.core.errors import RuleError
from server.core.store import Transaction
from server.core.vocabulary import ACTIVE

LIST_SECTIONS = ("agencies", "counters", "kiosks", "displays", "printers")
SITE_SECTIONS = {  # section name → the keys of `site` it covers
    "hours": ("hours", "ticket_cutoff_minutes"),
    "running_text": ("running_text", "running_text_en"),
    "holidays": ("holidays",),
    "breaks": ("breaks",),
    "booking": ("booking",),  # site.booking: how bookings join the line, what is asked, the limits
}
OBJECT_SECTIONS = {"booking"}  # one block, not a list: {} when config.yaml has none
SECTIONS = (*LIST_SECTIONS, "services", *SITE_SECTIONS)
CLOCK_KEYS = {"open", "close", "start", "end"}


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


# --- changing the data ----------------------------------------------------------------------------


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
            result[name] = plain(site.get(keys[0]) or ({} if name in OBJECT_SECTIONS else []))
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
        if section in OBJECT_SECTIONS:
            if not isinstance(value, dict):
                raise RuleError("invalid_request", "value: expected an object.", "value")
            site[keys[0]] = dict(value)  # a null stays: `per_phone_per_day: null` is "no limit", not the default
        elif len(keys) == 1:
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
    # A new agency's first service names the counters that serve it (`counters`, as a service's edit).
    serving = {s["id"]: s.pop("counters") for s in item.get("services") or []
               if section == "agencies" and isinstance(s, dict) and "counters" in s and "id" in s}
    items = data.setdefault(section, [])
    for index, existing in enumerate(items):
        if isinstance(existing, dict) and existing.get("id") == item_id:
            if section == "agencies" and "services" not in item:
                item["services"] = existing.get("services", [])  # an agency's own fields only
            items[index] = item
            break
    else:
        items.append(item)
    for service_id, counter_ids in serving.items():
        _serve_at(data, service_id, counter_ids, f"{_service_path(data, service_id)}.counters")
    return data


def _serve_at(data: dict[str, Any], service_id: str, counter_ids: Any, field: str) -> None:
    """The admin's `counters` of a service (not a key of config.yaml): exactly those counters
    serve it. Refused naming `field` when it names no counter, since nobody could call its tickets."""
    if not isinstance(counter_ids, list) or not all(isinstance(c, str) for c in counter_ids):
        raise RuleError("invalid_request", f"{field}: expected a list of counter ids.", field)
    known = {c.get("id") for c in data.get("counters") or [] if isinstance(c, dict)}
    for counter_id in counter_ids:
        if counter_id not in known:
            raise RuleError("invalid_request", f"{field}: {counter_id!r} is not a counter id.", field)
    if not counter_ids:
        raise RuleError("invalid_config", f"{field}: choose at least one counter that serves {service_id!r}; "
                        "a service no counter serves would take tickets nobody can call.", field)
    for counter in data.get("counters") or []:
        services = counter.setdefault("services", [])
        if counter.get("id") in counter_ids and service_id not in services:
            services.append(service_id)
        elif counter.get("id") not in counter_ids and service_id in services:
            services.remove(service_id)


def _service_path(data: dict[str, Any], service_id: str) -> str:
    for a_i, agency in enumerate(data.get("agencies") or []):
        for s_i, service in enumerate(agency.get("services") or []):
            if service.get("id") == service_id:
                return f"agencies[{a_i}].services[{s_i}]"
    return "services"


def put_service(data: dict[str, Any], service_id: str, value: Any) -> dict[str, Any]:
    """Replace a service in place, move it to `agency_id`, or add it to that agency; with
    `counters`, the counters that serve it (see `_serve_at`)."""
    data = copy.deepcopy(data)
    item = _item(service_id, value)
    counter_ids = item.pop("counters", None)
    data = _put_service(data, service_id, item)
    if counter_ids is not None:
        _serve_at(data, service_id, counter_ids, f"{_service_path(data, service_id)}.counters")
    return data


def _put_service(data: dict[str, Any], service_id: str, item: dict[str, Any]) -> dict[str, Any]:
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
                # A removed service (or agency's services) leaves the counters that served it:
                # every service must have a counter, so the counters could not be changed first.
                gone = {item_id} if section == "services" else {
                    s.get("id") for s in existing.get("services") or [] if section == "agencies"}
                for counter in data.get("counters") or []:
                    if isinstance(counter, dict) and isinstance(counter.get("services"), list):
                        counter["services"] = [s for s in counter["services"] if s not in gone]
                return data
    raise RuleError("unknown_item", f"There is no {section} item with id {item_id!r}.")


# --- validating, checking what is in use ----------------------------------------------------------


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
