"""The site's `config.yaml` on disk: read with its version, written back safely.

`config.yaml` stays the one source of truth. A save reads the file, applies a change
(`config_changes`), validates it exactly as at start, keeps the previous version in the
data folder's `config-history/`, and writes the new text atomically (a temp file in the
same folder, fsync, `os.replace`); only then does the running hall take it.

Comments are kept: a save rewrites only the values that changed, in place (`yaml_edit`), so
the comments inside and around an edited section, its flow or block style and its line
breaks stay as written. Where the file's layout is beyond that (anchors, duplicate keys), a
save rewrites the top-level sections (`site`, `agencies`, ...) whose data changed and keeps
every other section as written; a rewritten section keeps the comment lines above its key.
The copy of every previous version is kept as well, so nothing written by hand is lost.

Every process of a site watches the file (`stamp`, a stat, before each request) and takes a
new version (`load`): see server/web/hall.py for when, and docs/security.md, "Several processes".
"""

from __future__ import annotations

import copy
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from server.core import yaml_edit
from server.core.config import SiteConfig
from server.core.config_changes import ConfigRefused, validate
from server.core.config_load import ConfigError, config_from_text, media_problems
from server.core.errors import conflict
from server.core.osthread import os_lock

HISTORY_KEPT = 200


# What a stat says of the file: a new inode (an atomic save), size, or change time means new content.
Stamp = tuple[int, int, int, int]


@dataclass(frozen=True)
class Saved:
    config: SiteConfig
    version: str
    backup: Path | None
    data: dict[str, Any]
    stamp: Stamp | None = None  # the saved file's, read right after writing it


@dataclass(frozen=True)
class OnDisk:
    """The file as one read found it: validated, its version, and its stamp from before the read
    (a write during the read then shows as a newer stamp, and is read again)."""

    config: SiteConfig
    version: str
    stamp: Stamp

    @property
    def modified_at(self) -> float:
        return self.stamp[2] / 1e9


# --- reading ------------------------------------------------------------------------------------


def version_of(text: bytes) -> str:
    return hashlib.sha256(text).hexdigest()[:16]


def stamp_of(path: Path) -> Stamp | None:
    """The file's stamp (None if it cannot be seen): one stat, cheap enough for every request."""
    try:
        return _stamp(os.stat(path))
    except OSError:
        return None


def _stamp(stat: os.stat_result) -> Stamp:
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


def load(path: Path) -> OnDisk:
    """Read, validate as at start (a ConfigError says what is wrong), with version and stamp."""
    try:
        with open(path, "rb") as handle:
            stamp = _stamp(os.fstat(handle.fileno()))
            raw = handle.read()
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([f"cannot be read: {exc}"], str(path)) from None
    return OnDisk(config_from_text(text, path), version_of(raw), stamp)


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


# --- writing ------------------------------------------------------------------------------------


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


def _render(value: Any, *, flow: bool) -> str:
    """One value for `yaml_edit`: on one line (flow), or as a block with leaf lists inline."""
    return yaml.dump(value, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=True if flow else None, width=1_000_000)


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


def _reads_as(text: str, data: dict[str, Any]) -> bool:
    try:
        return bool(yaml.load(text, Loader=yaml_edit.FAST_LOADER) == data)
    except yaml.YAMLError:
        return False


def dump_keeping_comments(old_text: str, old: dict[str, Any], new: dict[str, Any], header: str) -> str:
    """`new` as YAML, rewriting only what changed: the changed values in place (`yaml_edit`),
    or, where the file's layout is not followed, every top-level section whose data changed."""
    spliced = yaml_edit.splice(old_text, old, new, _render)
    if spliced is not None and _reads_as(spliced, new):
        return header + _without_old_header(spliced)
    preamble, sections = _split_sections(old_text)
    parts = [header, _without_old_header(preamble)]
    for key, value in new.items():
        comments, body = sections.get(key, ("", ""))
        if key not in old or old[key] != value or not body:
            body = dump({key: value}) + "\n"
        parts.append(comments + body)
    text = "".join(parts)
    return text if _reads_as(text, new) else dump(new, header)  # a layout this cannot follow: written afresh


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


class ConfigFile:
    """One site's config.yaml and its history folder. Saves are one at a time: each reads the
    file, changes it and writes it under this object's lock, so two admins saving at once
    cannot both start from the same version. A save runs in an OS thread (the admin route
    hands it to `off_loop`), hence a lock between OS threads."""

    def __init__(self, path: Path, history: Path) -> None:
        self.path = path
        self.history = history
        self._lock = os_lock()

    def read(self) -> tuple[dict[str, Any], str]:
        """The file's data and its version (a hash of its bytes)."""
        return read(self.path)

    def stamp(self) -> Stamp | None:
        return stamp_of(self.path)

    def version(self) -> str | None:
        """The version of the file as it is now, without validating it (None if it cannot be read)."""
        try:
            return version_of(self.path.read_bytes())
        except OSError:
            return None

    def load(self) -> OnDisk:
        return load(self.path)

    def save(
        self,
        change: Callable[[dict[str, Any]], dict[str, Any]],
        *,
        expected_version: str | None,
        stamp: str,
        header: str,
        check: Callable[[SiteConfig], None] | None = None,
    ) -> Saved:
        """Read the file, apply `change`, validate, `check` (e.g. in use), keep the old file, write the new."""
        with self._lock:
            data, version, text = _read_text(self.path)
            if expected_version is not None and expected_version != version:
                raise conflict("config_changed", "The configuration changed since you opened it (someone else "
                               "saved, or the file was edited); reload and make your change again.")
            new_data = change(copy.deepcopy(data))
            config = validate(new_data, self.path.name)
            outside = media_problems(config, self.path)
            if outside:
                raise ConfigRefused(outside)
            if check is not None:
                check(config)
            new_text = dump_keeping_comments(text, data, new_data, header)
            backup = keep_previous(self.path, self.history, stamp)
            write_atomically(self.path, new_text)
            return Saved(config, version_of(new_text.encode("utf-8")), backup, new_data, self.stamp())
