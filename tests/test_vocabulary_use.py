"""Every Python module takes the ticket's vocabulary from server/core/vocabulary.py.

Words keyed by a status or a priority (ticket labels, report headings) must cover all of
them in both languages, and no module keeps its own list of statuses or priorities.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from printers import wording
from server.core.reports import FINISHED_FIGURES
from server.core.vocabulary import FINISHED, PRIORITIES, STATUSES
from server.web.exports import WORDS

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("id", "en")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_priority_has_its_words_on_the_ticket(lang: str) -> None:
    assert set(wording.PRIORITY_NAMES[lang]) == set(PRIORITIES)
    for priority in PRIORITIES:
        line = wording.priority_line(priority, lang)
        assert line and wording.PRIORITY_NAMES[lang][priority] in line


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_finished_status_has_a_report_heading(lang: str) -> None:
    assert set(FINISHED_FIGURES) == set(FINISHED)
    for figure in FINISHED_FIGURES.values():
        assert WORDS[lang][figure], figure


def _copies(path: Path) -> list[str]:
    """Literal tuples, lists or sets naming two or more statuses or priorities, and SQL `IN (...)` lists."""
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            words = {e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)}
            if len(words & set(STATUSES)) >= 2 or len(words & set(PRIORITIES)) >= 2:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            for listed in re.findall(r"IN\s*\(([^)?]*)\)", node.value, flags=re.IGNORECASE):
                if len(set(re.findall(r"'(\w+)'", listed)) & set(STATUSES)) >= 2:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_no_module_keeps_its_own_list_of_statuses_or_priorities() -> None:
    modules = [p for folder in ("server", "printers") for p in (ROOT / folder).rglob("*.py")]
    copies = [copy for path in modules if path.name != "vocabulary.py" for copy in _copies(path)]
    assert copies == []
