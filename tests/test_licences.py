"""The README's licences stay true: every package the server runs with is listed with its
licence, every vendored browser file has its licence beside it, and espeak-ng (GPL) is
loaded only by the separate synthesis program."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SYNTH_PROGRAM = {"display/speech/synth.py", "display/speech/espeak.py"}


def licence_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text[text.index("## Licences"):]


def requirement_names() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = {name: deps for name, deps in project["optional-dependencies"].items() if name != "test"}
    listed = [*project["dependencies"], *(dep for deps in extras.values() for dep in deps)]
    return {re.split(r"[\s<>=!~\[;]", dep, maxsplit=1)[0].lower() for dep in listed}


def test_every_runtime_package_is_in_the_readmes_licence_table() -> None:
    section = licence_section().lower()
    missing = sorted(name for name in requirement_names() if name not in section)
    assert missing == [], f"add these to the README's licence table: {missing}"


def test_every_vendored_folder_carries_its_licence() -> None:
    vendor = ROOT / "server" / "web" / "static" / "vendor"
    folders = [path for path in vendor.rglob("*") if path.is_dir() and any(p.is_file() for p in path.iterdir())]
    assert folders, "the vendor folder moved: update this test"
    unlicensed = [str(f.relative_to(ROOT)) for f in folders if not any(p.name.upper().startswith(("LICENSE", "OFL"))
                                                                      for p in f.iterdir())]
    assert unlicensed == []


def test_only_the_synthesis_program_loads_espeak_ng() -> None:
    loaders = set()
    for path in ROOT.rglob("*.py"):
        if {".venv", "tests", "bench", ".git"} & set(path.relative_to(ROOT).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(name.startswith("espeakng_loader") or name.endswith("speech.espeak") for name in names):
                loaders.add(str(path.relative_to(ROOT)))
    assert loaders <= SYNTH_PROGRAM, f"these load espeak-ng into the server process: {loaders - SYNTH_PROGRAM}"
    for name in SYNTH_PROGRAM:
        assert "SPDX-License-Identifier: GPL-3.0-or-later" in (ROOT / name).read_text(encoding="utf-8")
    assert (ROOT / "display" / "speech" / "COPYING").read_text().lstrip().startswith("GNU GENERAL PUBLIC LICENSE")
