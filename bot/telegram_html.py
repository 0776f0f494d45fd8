"""Telegram's HTML parse mode, the one checker of the project (pure, no telegram import).

``parse_html`` applies the rules as the Bot API server does (tdlib's ``parse_html``): what the
real server rejects is rejected here, with its error text ("Unsupported start tag ...");
the offline fake uses it. ``check_telegram_html`` adds the documented rules ("HTML style" of
the Bot API) that the server does not enforce but that decide what the reader sees, and
explains every problem in German for whoever edits knowledge and texts.
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
_NAME_CHAR = re.compile(r"[^\s>]*")  # tdlib: a name runs to the next space or '>'
_ATTRIBUTE_NAME = re.compile(r"[^\s=>]*")
_UNQUOTED_VALUE = re.compile(r"[A-Za-z0-9.\-]*")  # tdlib: an HTML "name token"
_TRIM = " \t\r\n\v\f\x00"


_PLAIN_RUN = re.compile(r"[^<&]*")


class HtmlParseError(ValueError):
    """The text is not valid Telegram HTML; the message is the server's explanation.

    ``german`` says the same for editors of knowledge and texts.
    """

    def __init__(self, message: str, german: str) -> None:
        super().__init__(message)
        self.german = german


class HtmlRuleError(ValueError):
    """The text breaks Telegram's HTML rules; the message explains it in German for editors."""


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
        # Every opened tag with the names of the tags around it, for the nesting rules.
        self.nesting: list[tuple[str, tuple[str, ...]]] = []
        self.stray_language = False  # <code class="language-x"> outside <pre>: Telegram ignores it

    def byte_offset(self, pos: int) -> int:
        return len(self.text[:pos].encode("utf-8"))

    def append(self, chars: str) -> None:
        self.out.append(chars)
        self.offset += utf16_len(chars)

    def skip_spaces(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def read_name(self, pattern: re.Pattern[str] = _NAME_CHAR) -> str:
        match = pattern.match(self.text, self.pos)
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
            name = self.stack[-1].name
            raise HtmlParseError(
                f'Can\'t find end tag corresponding to start tag "{name}"',
                f"<{name}> wird nicht geschlossen (</{name}> fehlt)",
            )
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.out), self.entities

    def open_tag(self, begin: int) -> None:
        name = self.read_name()
        if self.pos >= len(self.text):
            raise self.unclosed_start(begin)
        if name not in SUPPORTED_TAGS:
            german = (
                "ein einzelnes '<' muss als &lt; geschrieben werden" if not name
                else f"Telegram kennt das Tag <{name}> nicht"
            )
            raise HtmlParseError(
                f'Unsupported start tag "{name}" at byte offset {self.byte_offset(begin)}', german
            )
        tag = _OpenTag(name=name, offset=self.offset)
        while True:
            self.skip_spaces()
            if self.pos >= len(self.text):
                raise self.unclosed_start(begin)
            if self.text[self.pos] == ">":
                self.pos += 1
                break
            attribute = self.read_name(_ATTRIBUTE_NAME)
            if not attribute:
                raise HtmlParseError(
                    f'Empty attribute name in the tag "{name}" at byte offset '
                    f"{self.byte_offset(begin)}",
                    f"im Tag <{name}> fehlt der Name eines Attributs",
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
                    f"at byte offset {self.byte_offset(begin)}",
                    f"im Tag <{name}> fehlt das '=' nach dem Attribut {attribute}",
                )
            self.pos += 1
            self.skip_spaces()
            tag.attributes[attribute] = self.read_value(begin)
        self.check_attributes(tag, begin)
        self.nesting.append((name, tuple(t.name for t in self.stack)))
        self.stack.append(tag)

    def unclosed_start(self, begin: int) -> HtmlParseError:
        return HtmlParseError(
            f"Unclosed start tag at byte offset {self.byte_offset(begin)}",
            "ein Tag wird mit '<' begonnen, aber nicht mit '>' beendet",
        )

    def read_value(self, begin: int) -> str:
        if self.pos >= len(self.text):
            raise self.unclosed_start(begin)
        quote = self.text[self.pos]
        if quote in "\"'":
            end = self.text.find(quote, self.pos + 1)
            if end < 0:
                raise HtmlParseError(
                    f"Unclosed end of attribute value at byte offset "
                    f"{self.byte_offset(self.pos)}",
                    f"ein Attributwert wird mit {quote} begonnen, aber nicht beendet",
                )
            raw = self.text[self.pos + 1 : end]
            self.pos = end + 1
            return _decode_all(raw)
        start = self.pos
        value = self.read_name(_UNQUOTED_VALUE)
        if self.pos < len(self.text) and not (
            self.text[self.pos].isspace() or self.text[self.pos] == ">"
        ):
            # Only letters, digits, '.' and '-' may go without quotes (e.g. a URL may not).
            raise HtmlParseError(
                f"Unexpected end of name token at byte offset {self.byte_offset(start)}",
                'ein Attributwert mit anderen Zeichen als Buchstaben, Ziffern, "." und "-" '
                'braucht Anführungszeichen, z. B. href="https://…"',
            )
        return value

    def check_attributes(self, tag: _OpenTag, begin: int) -> None:
        if tag.name == "span" and tag.attributes.get("class") != "tg-spoiler":
            raise HtmlParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset '
                f"{self.byte_offset(begin)}",
                '<span> geht nur als <span class="tg-spoiler"> (verdeckter Text)',
            )
        if tag.name == "a":
            tag.argument = tag.attributes.get("href", "")
        elif tag.name == "tg-emoji":
            tag.argument = tag.attributes.get("emoji-id", "")
            if not tag.argument.isdigit() or int(tag.argument) == 0:
                raise HtmlParseError(
                    "Invalid custom emoji identifier specified",
                    '<tg-emoji> braucht eine Zahl als emoji-id, z. B. '
                    '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>',
                )
        elif tag.name == "code":
            css_class = tag.attributes.get("class", "")
            if css_class.startswith("language-"):
                tag.language = css_class.removeprefix("language-")
                self.stray_language |= not self.stack or self.stack[-1].name != "pre"

    def close_tag(self, begin: int) -> None:
        self.pos += 1  # the '/'
        if not self.stack:
            raise HtmlParseError(
                f"Unexpected end tag at byte offset {self.byte_offset(begin)}",
                "ein schließendes Tag </…> steht, wo kein Tag offen ist",
            )
        name = self.read_name()
        self.skip_spaces()
        if self.pos >= len(self.text) or self.text[self.pos] != ">":
            raise HtmlParseError(
                f"Unclosed end tag at byte offset {self.byte_offset(begin)}",
                f"</{name} wird nicht mit '>' beendet",
            )
        self.pos += 1
        expected = self.stack[-1].name
        if name != expected:
            raise HtmlParseError(
                f'Unmatched end tag at byte offset {self.byte_offset(begin)}, expected '
                f'"</{expected}>", found "</{name}>"',
                f"</{name}> passt nicht: zuerst muss </{expected}> kommen",
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


# Entities that may not contain others and may not sit inside one another (Bot API, "Formatting
# options"): Telegram drops such nesting silently, so the reader would lose a link or a format.
_EXCLUSIVE = frozenset({"a", "tg-emoji", "code", "pre"})
_ANY_ENTITY = re.compile(r"&(#[xX][0-9a-fA-F]+;|#[0-9]+;|[a-zA-Z][a-zA-Z0-9]*;)?")


def check_telegram_html(text: str) -> None:
    """Raise HtmlRuleError (German) unless ``text`` follows Telegram's HTML style exactly.

    Beyond what the server rejects (``parse_html``): every '&' starts &lt; &gt; &amp; &quot; or a
    numeric entity (Telegram shows any other, e.g. &nbsp;, literally), a language class only on
    <pre><code>, no nested blockquotes, nothing inside <code>/<pre> and no link, custom emoji or
    code inside one another.
    """
    parser = _Parser(text)
    try:
        parser.run()
    except HtmlParseError as exc:
        raise HtmlRuleError(exc.german) from None
    for match in _ANY_ENTITY.finditer(text):
        entity = match.group(1)
        if entity is None:
            raise HtmlRuleError("ein einzelnes '&' muss als &amp; geschrieben werden")
        if not entity.startswith("#") and entity[:-1] not in _NAMED_ENTITIES:
            raise HtmlRuleError(
                f"&{entity} kennt Telegram nicht und zeigt es wörtlich an: schreiben Sie das "
                "Zeichen selbst oder als Zahl (z. B. &#160; für ein geschütztes Leerzeichen)"
            )
        if _decode_entity(text, match.start()) is None:
            raise HtmlRuleError(f"&{entity} ist keine gültige Zeichennummer")
    for name, around in parser.nesting:
        _check_nesting(name, around)
    if parser.stray_language:
        raise HtmlRuleError(
            'class="language-…" wirkt nur in <pre><code class="language-…">, nicht in <code> allein'
        )


def _check_nesting(name: str, around: tuple[str, ...]) -> None:
    inside = around[-1] if around else ""
    if name == "code" and inside == "pre":
        return
    if name == "blockquote" and "blockquote" in around:
        raise HtmlRuleError("ein <blockquote> darf nicht in einem anderen stehen")
    if name in _EXCLUSIVE and (blocker := next((t for t in around if t in _EXCLUSIVE), None)):
        raise HtmlRuleError(f"<{name}> darf nicht in <{blocker}> stehen")
    if blocker := next((t for t in around if t in ("code", "pre")), None):
        raise HtmlRuleError(f"in <{blocker}> zeigt Telegram keine Formatierung wie <{name}>")
