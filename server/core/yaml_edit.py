"""Edit a YAML text in place: only the values that changed are rewritten, everything else
(comments, blank lines, flow or block style, line breaks inside a long list) stays as written.

PyYAML's composer gives every node of the old text its exact place (`start_mark`,
`end_mark`). Walking the old data and the new data side by side finds the smallest nodes
that differ; each one's text is replaced by the new value written in the same style
(a one-line flow value where the old one was flow or a scalar, a block where it was a
block). An item added to a list is written after its neighbour in the neighbour's style,
an item removed takes its own lines (or its `, item`) with it.

`splice` answers None for anything it does not follow (anchors, duplicate keys, edits that
would overlap); the caller checks the result reads back as the new data and otherwise
writes the section afresh (server/core/config_file.py).
"""

from __future__ import annotations

import difflib
import json
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

Render = Callable[..., str]
# libyaml's loader where PyYAML has it (ten times faster on a big site; the same nodes and places).
FAST_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # dump(data, *, flow) -> YAML text of one value


@dataclass(frozen=True)
class _Edit:
    start: int
    end: int
    text: str


def _flow(node: Node) -> bool:
    """Written in flow style ([a, b], {k: v}); block collections and scalars are not."""
    return bool(getattr(node, "flow_style", False))


class _CannotFollow(Exception):
    """A layout this editor does not handle; the caller writes the section afresh."""


class _Splicer:
    def __init__(self, text: str, render: Render) -> None:
        self.text = text
        self.render = render
        self.edits: list[_Edit] = []

    # --- places in the text -------------------------------------------------------------------

    def _end(self, node: Node) -> int:
        """Where a node's own text ends: a block collection's end mark runs on over the
        comments and blank lines that follow it, so take its last child's end instead."""
        if isinstance(node, ScalarNode) and node.style in ("|", ">"):
            # A block scalar's end mark is past its last line break: end at its last word.
            return len(self.text[:node.end_mark.index].rstrip())
        if isinstance(node, ScalarNode) or _flow(node):
            return int(node.end_mark.index)
        if isinstance(node, MappingNode):
            return self._end(node.value[-1][1])
        return self._end(node.value[-1])

    def _line_start(self, index: int) -> int:
        return self.text.rfind("\n", 0, index) + 1

    def _line_end(self, index: int) -> int:
        found = self.text.find("\n", index)
        return len(self.text) if found < 0 else found

    def _column(self, index: int) -> int:
        return index - self._line_start(index)

    # --- writing values -------------------------------------------------------------------------

    def _inline(self, value: Any) -> str:
        """A value on one line, as it would sit inside a flow list."""
        text = self.render([value], flow=True).strip()
        return text[1:-1].strip()

    def _block(self, value: Any, column: int) -> str:
        """A block value whose first line starts at `column` (the rest indented to match)."""
        if not isinstance(value, dict | list) or not value:
            return self._inline(value)
        lines = self.render(value, flow=False).rstrip("\n").split("\n")
        return "\n".join([lines[0]] + [" " * column + line for line in lines[1:]])

    def _folded(self, node: ScalarNode, value: Any) -> str | None:
        """A one-paragraph text as a folded block (`>-`) like the one it replaces, wrapped at
        the old text's width; None when folding would change it (line breaks, double spaces)."""
        if not isinstance(value, str) or not value or value != " ".join(value.split()):
            return None
        first = self.text.find("\n", int(node.start_mark.index)) + 1
        body = self.text[first:self._end(node)]
        indent = len(body) - len(body.lstrip(" "))
        width = max((len(line) for line in body.split("\n")), default=90)
        lines = textwrap.wrap(value, width=max(width - indent, 40), break_long_words=False,
                              break_on_hyphens=False)
        return ">-" + "".join("\n" + " " * indent + line for line in lines)

    def _replace(self, node: Node, value: Any) -> None:
        start = int(node.start_mark.index)
        if isinstance(node, ScalarNode) and node.style in ("|", ">"):
            folded = self._folded(node, value)
            if folded is not None:
                self.edits.append(_Edit(start, self._end(node), folded))
                return
        flow = isinstance(node, ScalarNode) or _flow(node)
        text = self._inline(value) if flow else self._block(value, self._column(start))
        self.edits.append(_Edit(start, self._end(node), text))

    # --- walking old and new together -----------------------------------------------------------

    def walk(self, node: Node, old: Any, new: Any) -> None:
        if type(old) is type(new) and old == new:
            return
        if isinstance(node, MappingNode) and isinstance(old, dict) and isinstance(new, dict):
            self._mapping(node, old, new)
        elif isinstance(node, SequenceNode) and isinstance(old, list) and isinstance(new, list):
            self._sequence(node, old, new)
        else:
            self._replace(node, new)

    def _mapping(self, node: MappingNode, old: dict[Any, Any], new: dict[Any, Any]) -> None:
        if len(node.value) != len(old):
            raise _CannotFollow("duplicate or merged keys")
        pairs = dict(zip(old, node.value, strict=True))
        removed = [key for key in old if key not in new]
        added = [key for key in new if key not in old]
        if (removed or added) and (_flow(node) or (removed and added) or len(removed) == len(old)):
            self._replace(node, new)
            return
        for key, (_, value_node) in pairs.items():
            if key in new:
                self.walk(value_node, old[key], new[key])
        for key in removed:
            key_node, value_node = pairs[key]
            start = self._line_start(int(key_node.start_mark.index))
            end = self._line_end(self._end(value_node))
            self.edits.append(_Edit(start, min(end + 1, len(self.text)), ""))
        if added:
            last_key, last_value = node.value[-1]
            column = self._column(int(last_key.start_mark.index))
            at = self._line_end(self._end(last_value))
            text = "".join("\n" + " " * column + self._block({key: new[key]}, column) for key in added)
            self.edits.append(_Edit(at, at, text))

    def _sequence(self, node: SequenceNode, old: list[Any], new: list[Any]) -> None:
        if not old or not new:
            self._replace(node, new)
            return
        items = node.value
        matcher = difflib.SequenceMatcher(None, [_key(v) for v in old], [_key(v) for v in new], autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            paired = min(i2 - i1, j2 - j1)
            for offset in range(paired):
                self.walk(items[i1 + offset], old[i1 + offset], new[j1 + offset])
            for index in range(i1 + paired, i2):
                self._remove_item(node, index)
            if j1 + paired < j2:
                self._insert_items(node, i1 + paired, new[j1 + paired:j2])

    def _remove_item(self, node: SequenceNode, index: int) -> None:
        item = node.value[index]
        if _flow(node):
            if index == 0:
                raise _CannotFollow("first item of a flow list removed")
            self.edits.append(_Edit(self._end(node.value[index - 1]), self._end(item), ""))
            return
        start = self._line_start(int(item.start_mark.index))
        end = self._line_end(self._end(item))
        self.edits.append(_Edit(start, min(end + 1, len(self.text)), ""))

    def _insert_items(self, node: SequenceNode, before: int, values: list[Any]) -> None:
        """New items before old item `before` (after the last one when it is past the end)."""
        if _flow(node):
            if before == 0:
                at = int(node.value[0].start_mark.index)
                self.edits.append(_Edit(at, at, "".join(self._inline(v) + ", " for v in values)))
            else:
                at = self._end(node.value[before - 1])
                self.edits.append(_Edit(at, at, "".join(", " + self._inline(v) for v in values)))
            return
        neighbour = node.value[min(before, len(node.value) - 1)]
        item_start = int(neighbour.start_mark.index)
        line = self.text[self._line_start(item_start):item_start]
        dash = line.rfind("-")
        if dash < 0 or line[:dash].strip():
            raise _CannotFollow("a list item that does not start its line")
        written = []
        for value in values:
            if isinstance(neighbour, ScalarNode) or _flow(neighbour):
                body = self._inline(value)
            else:
                body = self._block(value, dash + 2)
            written.append(" " * dash + "- " + body)
        if before == 0:
            at = self._line_start(item_start)
            self.edits.append(_Edit(at, at, "".join(w + "\n" for w in written)))
        else:  # right after the item before, so comments above the next item stay with it
            at = self._line_end(self._end(node.value[before - 1]))
            self.edits.append(_Edit(at, at, "".join("\n" + w for w in written)))

    # --- the result -----------------------------------------------------------------------------

    def result(self) -> str:
        edits = sorted(self.edits, key=lambda e: (e.start, e.end))
        for first, second in zip(edits, edits[1:], strict=False):
            if first.end > second.start:
                raise _CannotFollow("edits overlap")
        text = self.text
        for edit in reversed(edits):
            text = text[:edit.start] + edit.text + text[edit.end:]
        return text


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def splice(text: str, old: Any, new: Any, render: Render) -> str | None:
    """`text` (which reads as `old`) edited to read as `new`, or None when its layout is not followed."""
    try:
        root = yaml.compose(text, Loader=FAST_LOADER)
    except yaml.YAMLError:
        return None
    if root is None or _has_alias(root, set()):
        return None
    splicer = _Splicer(text, render)
    try:
        splicer.walk(root, old, new)
        return splicer.result()
    except _CannotFollow:
        return None


def _has_alias(node: Node, seen: set[int]) -> bool:
    """An anchor used twice makes one node stand for two places: not followed."""
    if id(node) in seen:
        return True
    seen.add(id(node))
    if isinstance(node, MappingNode):
        return any(_has_alias(k, seen) or _has_alias(v, seen) for k, v in node.value)
    if isinstance(node, SequenceNode):
        return any(_has_alias(item, seen) for item in node.value)
    return False
