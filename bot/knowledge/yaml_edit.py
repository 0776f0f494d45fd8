"""Add an example question to an entry in a knowledge file's text, keeping everything else.

PyYAML's composer gives the position of every node in the file, so the new line goes exactly
under the entry's ``questions:`` list (a block list gets one more ``- "…"`` line with the
indentation of its items, a flow list ``[…]`` one more item before the bracket). Comments,
quoting, order and blank lines of the file stay as they were. The caller loads the edited
files again to validate them.
"""

from __future__ import annotations

import json

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode


def _value(mapping: Node, key: str) -> Node | None:
    if not isinstance(mapping, MappingNode):
        return None
    for key_node, value_node in mapping.value:
        if isinstance(key_node, ScalarNode) and key_node.value == key:
            return value_node
    return None


def _questions_node(document: Node | None, entry_id: str) -> SequenceNode | None:
    entries = _value(document, "entries") if document is not None else None
    if not isinstance(entries, SequenceNode):
        return None
    for entry in entries.value:
        ident = _value(entry, "id")
        if isinstance(ident, ScalarNode) and ident.value == entry_id:
            questions = _value(entry, "questions")
            return questions if isinstance(questions, SequenceNode) else None
    return None


def has_entry(text: str, entry_id: str) -> bool:
    """Whether the file's text defines the entry (with a questions list)."""
    try:
        return _questions_node(yaml.compose(text), entry_id) is not None
    except yaml.YAMLError:
        return False


def _quoted(question: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar (umlauts kept readable).
    return json.dumps(question, ensure_ascii=False)


def add_question(text: str, entry_id: str, question: str) -> str | None:
    """The file's text with ``question`` appended to the entry's example questions, or None if
    the entry is not in this file or its list has a shape this editor does not handle."""
    try:
        node = _questions_node(yaml.compose(text), entry_id)
    except yaml.YAMLError:
        return None
    if node is None or not node.value:
        return None
    lines = text.splitlines(keepends=True)
    if node.flow_style:
        # end_mark is just after the closing bracket.
        line_no, column = node.end_mark.line, node.end_mark.column - 1
        line = lines[line_no]
        if line[column : column + 1] != "]":
            return None
        lines[line_no] = f"{line[:column]}, {_quoted(question)}{line[column:]}"
        return "".join(lines)
    first, last = node.value[0], node.value[-1]
    prefix = lines[first.start_mark.line][: first.start_mark.column]
    if prefix.strip() != "-":  # the item does not start its own "- " line
        return None
    # The last item ends on its own line, or (a block scalar) at column 0 of the next one.
    end = last.end_mark.line if last.end_mark.column > 0 else last.end_mark.line - 1
    if end >= len(lines):
        end = len(lines) - 1
    if not lines[end].endswith("\n"):
        lines[end] += "\n"
    lines.insert(end + 1, f"{prefix}{_quoted(question)}\n")
    return "".join(lines)
