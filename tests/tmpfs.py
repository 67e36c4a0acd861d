"""A real small disk for the tests that fill one: a tmpfs mounted on a folder (root only)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def small_tmpfs(folder: Path, size: str, mode: str | None = None) -> Iterator[Path]:
    """`folder` (made if missing) as a tmpfs of `size` (e.g. "256k", "48m"), unmounted after."""
    folder.mkdir(parents=True, exist_ok=True)
    options = f"size={size}" + (f",mode={mode}" if mode else "")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:  # not skipped: a green run must have made the fault for real
        pytest.fail(f"this test needs root, to mount a small tmpfs on {folder}: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)
