"""In-place YAML edits (server/core/yaml_edit.py): the text reads back as the new data, the
comments around what changed stay, and a layout it does not follow is left to the caller."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from server.core import config_file, yaml_edit

TEXT = """\
# top comment
site:
  name: Hall   # the name on every screen
  hours:
    open: "07:30"
    # closes early on Fridays
    close: "15:00"
  breaks:
    # prayer
    - name: Salat
      start: "11:30"
    - name: Lunch
      start: "12:00"
list: [a, b,
  c]   # wrapped by hand
items:
  - {id: x, n: 1}
  # between
  - {id: y, n: 2}
"""


def edit(change: Any) -> str:
    old = yaml.safe_load(TEXT)
    new = change(yaml.safe_load(TEXT))
    text = config_file.dump_keeping_comments(TEXT, old, new, "")
    assert yaml.safe_load(text) == new
    return text


@pytest.mark.parametrize(("change", "kept", "written"), [
    (lambda d: d["site"].update(name="Aula") or d, "# the name on every screen", "name: Aula   #"),
    (lambda d: d["site"]["hours"].update(close="14:00") or d, "# closes early on Fridays", 'close: "14:00"'),
    (lambda d: d["site"]["hours"].pop("open") and d, "# closes early on Fridays", '    close: "15:00"'),
    (lambda d: d["site"]["hours"].update(days=["mon"]) or d, "# closes early", '    days: [mon]\n'),
    (lambda d: d["site"]["breaks"].append({"name": "Tea", "start": "15:00"}) or d, "# prayer",
     '    - name: Tea\n      start: "15:00"\n'),
    (lambda d: d["list"].append("e") or d, "# wrapped by hand", "  c, e]"),
    (lambda d: d["list"].remove("b") or d, "# wrapped by hand", "[a,\n  c]"),
    (lambda d: d["items"].insert(1, {"id": "z", "n": 3}) or d, "# between",
     "  - {id: x, n: 1}\n  - {id: z, n: 3}\n  # between"),
    (lambda d: d["items"].pop(0) and d, "# between", "items:\n  # between\n  - {id: y, n: 2}"),
])
def test_an_edit_rewrites_only_what_changed(change: Any, kept: str, written: str) -> None:
    text = edit(change)
    assert kept in text and written in text
    assert text.startswith("# top comment\nsite:\n")


def test_a_layout_it_does_not_follow_is_left_to_the_caller() -> None:
    text = "base: &b {a: 1}\nother: *b\n"
    assert yaml_edit.splice(text, yaml.safe_load(text), {"base": {"a": 2}, "other": {"a": 1}},
                            config_file._render) is None
    edited = config_file.dump_keeping_comments(text, yaml.safe_load(text), {"base": {"a": 2}, "other": {"a": 1}}, "")
    assert yaml.safe_load(edited) == {"base": {"a": 2}, "other": {"a": 1}}
