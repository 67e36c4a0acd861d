"""Modules stay small enough to read in one sitting: over 400 lines, a file says why at its top.

The reason goes in the first lines of the file (its docstring or header comment) after the
words "Why this file is long:", so a reader learns it before they start scrolling.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 400
MARK = "Why this file is long:"


def tracked_modules() -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "*.py", "*.js"], cwd=ROOT, capture_output=True, text=True,
                            check=True).stdout.split()
    return [ROOT / name for name in listed if "/vendor/" not in name and "node_modules/" not in name]


def test_every_module_over_400_lines_says_why_at_its_top() -> None:
    unexplained = []
    for path in tracked_modules():
        if not path.exists():  # deleted in the work tree, not yet in git
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        if len(lines) > LIMIT and not any(MARK in line for line in lines[:25]):
            unexplained.append(f"{path.relative_to(ROOT)} ({len(lines)} lines)")
    assert unexplained == [], f"split these, or say at their top why they are long ({MARK!r}): {unexplained}"
