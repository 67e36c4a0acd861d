"""The admin setup forms' field descriptions, read from the models that validate config.yaml,
so the forms draw their inputs from the schema instead of a copy of it in JavaScript."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from server.core import config, config_booking

# The item models of the configuration's list sections, as the admin setup forms edit them.
CONFIG_ITEMS: dict[str, type[BaseModel]] = {
    "agencies": config.Agency, "services": config.Service, "counters": config.Counter,
    "kiosks": config.Kiosk, "displays": config.Display, "printers": config.Printer,
    # A service's `booking` block and the site's, each a form of its own keys.
    "service_booking": config_booking.ServiceBooking, "booking": config_booking.BookingSettings,
}


def _field_json(schema: dict[str, Any]) -> dict[str, Any]:
    """One field of a model's JSON Schema, with "or null" folded in: its type and its bounds."""
    choices = [part for part in schema.get("anyOf", [schema]) if part.get("type") != "null"]
    main = choices[0] if len(choices) == 1 else {}
    described = {key: main[key] for key in ("type", "minimum", "maximum", "enum") if key in main}
    described["optional"] = len(choices) < len(schema.get("anyOf", [schema])) or "default" in schema
    if schema.get("default") is not None and not isinstance(schema["default"], (dict, list)):
        described["default"] = schema["default"]  # what an empty input leaves (a form shows it)
    return described


def config_fields_json() -> dict[str, dict[str, dict[str, Any]]]:
    """Per list section, each field's type, bounds and allowed values, read from the models
    that validate config.yaml: the setup forms draw their inputs from this, not a copy."""
    return {
        section: {key: _field_json(field) for key, field in model.model_json_schema()["properties"].items()}
        for section, model in CONFIG_ITEMS.items()
    }
