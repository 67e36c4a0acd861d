"""Reading the site configuration: `config.yaml` parsed and validated, every fault named.

A fault says where it is (`agencies[0].services[2].prefix`), what was found and what
was expected, so the person fixing the file needs no traceback; `antrean check-config`
prints them all. The models themselves are in `config`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from server.core.config import SiteConfig


class ConfigError(Exception):
    """A configuration that cannot be used; `problems` lists each fault in words."""

    def __init__(self, problems: list[str], source: str = "config.yaml") -> None:
        self.problems = problems
        self.source = source
        super().__init__("\n".join(f"{source}: {p}" for p in problems))


def _location(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part in ("function-after", "function-before") or "[" in str(part):
            continue
        else:
            text += f".{part}" if text else str(part)
    return text


def _describe(error: dict[str, Any]) -> str:
    where = _location(error["loc"])
    kind = error["type"]
    value = error.get("input")
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind == "extra_forbidden":
        return f"{where}: unknown key (value {value!r}); check its spelling against docs/config.md"
    if kind == "missing":
        return f"{where}: required key is missing"
    shown = repr(value) if not isinstance(value, (dict, list)) else type(value).__name__
    return f"{where}: got {shown}; {message[0].lower() + message[1:]}"


def parse_config(data: Any, source: str = "config.yaml") -> SiteConfig:
    """Validate already-parsed YAML data; raises ConfigError naming each fault."""
    if not isinstance(data, dict):
        raise ConfigError(["the file must hold a mapping with site, agencies, counters, ..."], source)
    try:
        config = SiteConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError([_describe(dict(error)) for error in exc.errors()], source) from None
    problems = config.reference_problems()
    if problems:
        raise ConfigError(problems, source)
    return config


def site_path(value: str | Path, config_path: Path | None) -> Path:
    """A file or folder named in config.yaml: relative names are relative to the config
    file's own folder (so a site folder can be moved whole), or to the working folder
    when the configuration did not come from a file (tests)."""
    path = Path(value)
    if path.is_absolute():
        return path
    return (config_path.resolve().parent if config_path else Path.cwd()) / path


MEDIA_FOLDER = "media"  # beside config.yaml: the one folder whose files the screens are shown


def media_path(value: str | Path, config_path: Path | None) -> Path | None:
    """A file or folder that config.yaml names for the screens (an agency's logo, a display's
    media loop), or None when it lies outside the site's media folder once `..` and links are
    followed: nothing else of the site (its data folder holds the secret key, the database and
    the backups) or of the server may ever be served."""
    root = site_path(MEDIA_FOLDER, config_path).resolve()
    path = site_path(value, config_path).resolve()
    return path if path.is_relative_to(root) else None


def media_problems(config: SiteConfig, config_path: Path | None) -> list[str]:
    """Each screen file of the configuration that lies outside the media folder, in words."""
    named = [("site.ticket.logo", config.site.ticket.logo)]
    named += [(f"agencies[{i}].logo", agency.logo) for i, agency in enumerate(config.agencies)]
    named += [(f"displays[{i}].media_folder", display.media_folder) for i, display in enumerate(config.displays)]
    return [f"{key}: got {value!r}; expected a path inside the site's media folder ({MEDIA_FOLDER}/ beside "
            "config.yaml), the only files the screens may show" for key, value in named
            if value and media_path(value, config_path) is None]


def load_config(path: str | Path) -> SiteConfig:
    """Read and validate a config file; every failure is a ConfigError."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([f"file not found ({path.resolve()})"], str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([f"cannot be read: {exc}"], str(path)) from None
    return config_from_text(text, path)


def config_from_text(text: str, path: Path) -> SiteConfig:
    """Validate the text of the config file at `path`, as at start; every failure is a ConfigError."""
    try:
        # libyaml's loader when present: 22 ms instead of 236 ms for the bundled site, at every start.
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError([f"{where}not valid YAML ({problem})"], str(path)) from None
    config = parse_config(data, str(path))
    problems = media_problems(config, path)
    if problems:
        raise ConfigError(problems, str(path))
    return config
