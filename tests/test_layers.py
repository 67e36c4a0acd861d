"""The folders are the floors: which part of the tree may import which.

- `server/core` (configuration, storage, vocabulary, permissions, queue and print-job rules)
  is plain Python over SQLite: no Flask, no web layer, no screen, no printer driver, no voice.
- `server/web` (API, real time, JSON shapes) imports the core, never a screen.
- `printers/` (drivers: bytes to paper) imports only the core's configuration, vocabulary and print-job rules.
- A screen (`kiosk/`, `counter/`, `display/`, `admin/`) never imports another screen.
- Only the roof (`server/app.py`, `server/cli.py`) wires everything together.

Imports are read from the source (every `import` statement, also inside functions and
`TYPE_CHECKING` blocks), so a lazy import cannot hide an arrow that runs back up.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCREENS = ("kiosk", "counter", "display", "admin")
WEB_FRAMEWORKS = ("flask", "flask_socketio", "werkzeug", "socketio", "engineio", "gevent", "jinja2")


def imports_of(path: Path, package: str | None = None) -> set[str]:
    """Every module a file imports, as dotted names (relative imports resolved)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    if package is None:
        package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            # `from a import b` counts as a.b: b is either a module or a name inside a.
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def modules_under(folder: str) -> list[Path]:
    return sorted(p for p in (ROOT / folder).rglob("*.py") if "static" not in p.parts)


def starts(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def offending(folder: str, forbidden: tuple[str, ...], allowed: tuple[str, ...] = ()) -> list[str]:
    bad = []
    for path in modules_under(folder):
        for name in sorted(imports_of(path)):
            if starts(name, forbidden) and not starts(name, allowed):
                bad.append(f"{path.relative_to(ROOT)} imports {name}")
    return bad


# Library helpers the core may use although their packages also serve the web: werkzeug's
# password hashing (scrypt, with the stored format every account already has), gevent's
# originals of `threading`/`time` and its pools of OS threads, so that slow work gets a
# real OS thread under `antrean serve` (server/core/osthread.py).
CORE_MAY_USE = ("werkzeug.security", "gevent.monkey", "gevent.hub", "gevent.threadpool")


def test_the_core_imports_no_web_framework_no_web_layer_no_screen_no_driver() -> None:
    forbidden = (*WEB_FRAMEWORKS, "server.web", "server.app", "server.cli", *SCREENS, "printers")
    assert offending("server/core", forbidden, CORE_MAY_USE) == []


def test_the_web_layer_imports_no_screen_and_not_the_roof() -> None:
    assert offending("server/web", (*SCREENS, "server.app", "server.cli")) == []


def test_printers_import_only_the_cores_configuration_and_print_job_rules() -> None:
    forbidden = ("server", *SCREENS, *WEB_FRAMEWORKS)
    allowed = ("server.core.config", "server.core.print_queue", "server.core.vocabulary")
    assert offending("printers", forbidden, allowed) == []


@pytest.mark.parametrize("screen", SCREENS)
def test_a_screen_imports_no_other_screen(screen: str) -> None:
    others = tuple(s for s in SCREENS if s != screen)
    assert offending(screen, (*others, "server.app", "server.cli")) == []


def test_the_checker_sees_lazy_and_relative_imports(tmp_path: Path) -> None:
    """The rules above would pass vacuously if `imports_of` missed imports inside functions."""
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from flask import request\n    from . import store\n")
    names = imports_of(probe, package="server.core")
    assert "flask.request" in names and "server.core.store" in names
