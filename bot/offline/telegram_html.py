"""Telegram's HTML parse mode, as the Bot API server applies it: text -> (plain text, entities).

Follows tdlib's ``parse_html`` closely enough that a message the real server rejects is
rejected here too, with the same kind of error text ("Unsupported start tag ...").
Entity offsets and lengths are in UTF-16 code units, like Telegram's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

SUPPORTED_TAGS = frozenset(
    {"a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins", "tg-spoiler",
     "tg-emoji", "span", "pre", "code", "blockquote"}
)
_ENTITY_TYPE = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "tg-spoiler": "spoiler", "span": "spoiler", "code": "code", "pre": "pre",
    "tg-emoji": "custom_emoji", "a": "text_link", "blockquote": "blockquote",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_HTML_ENTITY = re.compile(r"&(?:#[xX]([0-9a-fA-F]{1,8})|#([0-9]{1,10})|([a-zA-Z]{1,10}));")
_NAME_CHAR = re.compile(r"[A-Za-z0-9-]*")
_UNQUOTED_VALUE = re.compile(r"[A-Za-z0-9.\-/:?=&%#_+~@!$'()*,;\[\]]*")
_TRIM = " \t\r\n\v\f\x00"


_PLAIN_RUN = re.compile(r"[^<&]*")


class HtmlParseError(ValueError):
    """The text is not valid Telegram HTML; the message is the server's explanation."""


@dataclass
class _OpenTag:
    name: str
    offset: int  # UTF-16 offset where the entity starts
    argument: str = ""
    language: str = ""
    attributes: dict[str, str] = field(default_factory=dict)


def utf16_len(text: str) -> int:
    """Length as Telegram counts entity offsets (UTF-16 code units)."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def _decode_entity(text: str, pos: int) -> tuple[str, int] | None:
    """The character an HTML entity at ``pos`` stands for and where it ends, or None."""
    match = _HTML_ENTITY.match(text, pos)
    if match is None:
        return None
    hex_code, dec_code, name = match.groups()
    if name is not None:
        char = _NAMED_ENTITIES.get(name)
        return (char, match.end()) if char is not None else None
    code = int(hex_code, 16) if hex_code is not None else int(dec_code)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), match.end()


def _decode_all(value: str) -> str:
    out: list[str] = []
    pos = 0
    while pos < len(value):
        decoded = _decode_entity(value, pos) if value[pos] == "&" else None
        if decoded is None:
            out.append(value[pos])
            pos += 1
        else:
            out.append(decoded[0])
            pos = decoded[1]
    return "".join(out)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.out: list[str] = []
        self.offset = 0  # UTF-16 length of ``out``
        self.stack: list[_OpenTag] = []
        self.entities: list[dict[str, Any]] = []

    def byte_offset(self, pos: int) -> int:
        return len(self.text[:pos].encode("utf-8"))

    def append(self, chars: str) -> None:
        self.out.append(chars)
        self.offset += utf16_len(chars)

    def skip_spaces(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def read_name(self) -> str:
        match = _NAME_CHAR.match(self.text, self.pos)
        assert match is not None  # the pattern matches the empty string
        self.pos = match.end()
        return match.group().lower()

    def run(self) -> tuple[str, list[dict[str, Any]]]:
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char == "&":
                decoded = _decode_entity(text, self.pos)
                if decoded is not None:
                    self.append(decoded[0])
                    self.pos = decoded[1]
                    continue
            if char != "<":
                # Take the whole run of plain text up to the next tag or entity at once.
                end = _PLAIN_RUN.match(text, self.pos + 1).end()  # type: ignore[union-attr]
                self.append(text[self.pos : end])
                self.pos = end
                continue
            begin = self.pos
            self.pos += 1
            if self.pos < len(text) and text[self.pos] == "/":
                self.close_tag(begin)
            else:
                self.open_tag(begin)
        if self.stack:
            raise HtmlParseError(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"'
            )
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.out), self.entities

    def open_tag(self, begin: int) -> None:
        name = self.read_name()
        if name not in SUPPORTED_TAGS:
            raise HtmlParseError(
                f'Unsupported start tag "{name}" at byte offset {self.byte_offset(begin)}'
            )
        tag = _OpenTag(name=name, offset=self.offset)
        while True:
            self.skip_spaces()
            if self.pos >= len(self.text):
                raise HtmlParseError(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
            if self.text[self.pos] == ">":
                self.pos += 1
                break
            attribute = self.read_name()
            if not attribute:
                raise HtmlParseError(
                    f'Empty attribute name in the tag "{name}" at byte offset '
                    f"{self.byte_offset(begin)}"
                )
            self.skip_spaces()
            if name == "blockquote" and attribute == "expandable" and (
                self.pos >= len(self.text) or self.text[self.pos] != "="
            ):
                tag.attributes[attribute] = ""
                continue
            if self.pos >= len(self.text) or self.text[self.pos] != "=":
                raise HtmlParseError(
                    f'Expected equal sign in declaration of an attribute of the tag "{name}" '
                    f"at byte offset {self.byte_offset(begin)}"
                )
            self.pos += 1
            self.skip_spaces()
            tag.attributes[attribute] = self.read_value(begin)
        self.check_attributes(tag, begin)
        self.stack.append(tag)

    def read_value(self, begin: int) -> str:
        if self.pos >= len(self.text):
            raise HtmlParseError(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
        quote = self.text[self.pos]
        if quote in "\"'":
            end = self.text.find(quote, self.pos + 1)
            if end < 0:
                raise HtmlParseError(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
            raw = self.text[self.pos + 1 : end]
            self.pos = end + 1
        else:
            match = _UNQUOTED_VALUE.match(self.text, self.pos)
            assert match is not None
            raw = match.group()
            self.pos = match.end()
        return _decode_all(raw)

    def check_attributes(self, tag: _OpenTag, begin: int) -> None:
        if tag.name == "span" and tag.attributes.get("class") != "tg-spoiler":
            raise HtmlParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset '
                f"{self.byte_offset(begin)}"
            )
        if tag.name == "a":
            tag.argument = tag.attributes.get("href", "")
        elif tag.name == "tg-emoji":
            tag.argument = tag.attributes.get("emoji-id", "")
        elif tag.name == "code":
            css_class = tag.attributes.get("class", "")
            if css_class.startswith("language-"):
                tag.language = css_class.removeprefix("language-")

    def close_tag(self, begin: int) -> None:
        self.pos += 1  # the '/'
        if not self.stack:
            raise HtmlParseError(f"Unexpected end tag at byte offset {self.byte_offset(begin)}")
        name = self.read_name()
        self.skip_spaces()
        if self.pos >= len(self.text) or self.text[self.pos] != ">":
            raise HtmlParseError(f"Unclosed end tag at byte offset {self.byte_offset(begin)}")
        self.pos += 1
        expected = self.stack[-1].name
        if name != expected:
            raise HtmlParseError(
                f'Unmatched end tag at byte offset {self.byte_offset(begin)}, expected '
                f'"</{expected}>", found "</{name}>"'
            )
        self.add_entity(self.stack.pop())

    def add_entity(self, tag: _OpenTag) -> None:
        length = self.offset - tag.offset
        if tag.name == "code" and tag.language and self.stack and self.stack[-1].name == "pre":
            self.stack[-1].language = tag.language  # <pre><code class="language-x"> is one entity
            return
        if length <= 0:
            return
        entity: dict[str, Any] = {"type": _ENTITY_TYPE[tag.name], "offset": tag.offset,
                                  "length": length}
        if tag.name == "a":
            if not tag.argument:
                return
            entity["url"] = tag.argument
        elif tag.name == "tg-emoji":
            entity["custom_emoji_id"] = tag.argument
        elif tag.name == "pre" and tag.language:
            entity["language"] = tag.language
        elif tag.name == "blockquote" and "expandable" in tag.attributes:
            entity["type"] = "expandable_blockquote"
        self.entities.append(entity)


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and entity dicts of Telegram-HTML ``text``; raise HtmlParseError if invalid."""
    return _Parser(text).run()


def trim(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Strip surrounding whitespace as Telegram does, keeping entities aligned with the text."""
    stripped = text.strip(_TRIM)
    if stripped == text:
        return text, entities
    shift = utf16_len(text[: len(text) - len(text.lstrip(_TRIM))])
    end = utf16_len(stripped)
    kept: list[dict[str, Any]] = []
    for entity in entities:
        start = max(0, entity["offset"] - shift)
        stop = min(end, entity["offset"] + entity["length"] - shift)
        if stop > start:
            kept.append({**entity, "offset": start, "length": stop - start})
    return stripped, kept
