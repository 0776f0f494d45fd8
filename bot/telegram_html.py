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
# tdlib's decode_html_entity: "&#" decimal or "&#x" (lower-case x) hex digits, or letters naming
# one of the four entities above; the closing ';' is optional.
_NUMERIC = re.compile(r"&#(?:x([0-9a-fA-F]*)|([0-9]*))")
_LETTERS = re.compile(r"&([A-Za-z]*)")
_SPACE = " \t\r\n\v\x00"  # tdlib's is_space
_TAG_NAME = re.compile(r"[^ \t\r\n\v\x00>]*")
_ATTRIBUTE_NAME = re.compile(r"[^ \t\r\n\v\x00=>/\"']*")
_NAME_TOKEN = re.compile(r"[A-Za-z0-9.\-]*")  # an unquoted attribute value
_TRIM = " \t\r\n\v\f\x00"
_PLAIN_RUN = re.compile(r"[^<&]*")
_CUSTOM_EMOJI_ID = re.compile(r"[0-9]{1,19}")


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
    out_index: int  # where its text starts in the output pieces (an <a> without href)
    argument: str = ""
    attributes: set[str] = field(default_factory=set)


def utf16_len(text: str) -> int:
    """Length as Telegram counts entity offsets (UTF-16 code units)."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _decode_entity(text: str, pos: int) -> tuple[int, int] | None:
    """The code point an entity at ``pos`` stands for and where it ends, or None (literal)."""
    numeric = _NUMERIC.match(text, pos)
    if numeric is not None:
        hex_digits, dec_digits = numeric.groups()
        digits = hex_digits if hex_digits is not None else dec_digits
        code = int(digits, 16 if hex_digits is not None else 10) if digits else 0
        end = numeric.end()
        if code == 0 or code >= 0x10FFFF or end - pos >= 10:
            return None
    else:
        letters = _LETTERS.match(text, pos)
        assert letters is not None  # text[pos] is '&'
        named = _NAMED_ENTITIES.get(letters.group(1))
        if named is None:
            return None
        code, end = ord(named), letters.end()
    return code, end + 1 if text.startswith(";", end) else end


def _decode_all(value: str) -> str:
    out: list[str] = []
    pos = 0
    while pos < len(value):
        decoded = _decode_entity(value, pos) if value[pos] == "&" else None
        if decoded is None:
            out.append(value[pos])
            pos += 1
        else:
            out.append(chr(decoded[0]))
            pos = decoded[1]
    return "".join(out)


class _Parser:
    """tdlib's parse_html step by step (td/telegram/MessageEntity.cpp), on a Python string."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.out: list[str] = []
        self.offset = 0  # UTF-16 length of ``out``
        self.stack: list[_OpenTag] = []
        self.entities: list[dict[str, Any]] = []
        self.surrogate = False
        # Every opened tag with the names of the tags around it, for the nesting rules.
        self.nesting: list[tuple[str, tuple[str, ...]]] = []
        self.stray_language = False  # <code class="language-x"> outside <pre>: Telegram ignores it

    def byte_offset(self, pos: int) -> int:
        return len(self.text[:pos].encode("utf-8", "surrogatepass"))

    def at(self, pos: int) -> str:
        """The character at ``pos``; the end of the text reads as NUL, as in tdlib's CSlice."""
        return self.text[pos] if pos < len(self.text) else "\x00"

    def append(self, chars: str) -> None:
        self.out.append(chars)
        self.offset += utf16_len(chars)

    def skip_spaces(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in _SPACE:
            self.pos += 1

    def read(self, pattern: re.Pattern[str]) -> str:
        match = pattern.match(self.text, self.pos)
        assert match is not None  # every pattern matches the empty string
        self.pos = match.end()
        return match.group()

    def run(self) -> tuple[str, list[dict[str, Any]]]:
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char == "&":
                decoded = _decode_entity(text, self.pos)
                if decoded is not None:
                    self.surrogate |= 0xD800 <= decoded[0] <= 0xDFFF
                    self.append(chr(decoded[0]))
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
            if self.at(self.pos) == "/":
                self.close_tag(begin)
            else:
                self.open_tag(begin)
        if self.stack:
            name = self.stack[-1].name
            raise HtmlParseError(
                f'Can\'t find end tag corresponding to start tag "{name}"',
                f"<{name}> wird nicht geschlossen (</{name}> fehlt)",
            )
        if self.surrogate:
            raise HtmlParseError(
                "Text contains invalid Unicode characters after decoding HTML entities, "
                "check for unmatched surrogate code units",
                "eine Zeichennummer zwischen &#55296; und &#57343; ist kein Zeichen",
            )
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.out), self.entities

    def open_tag(self, begin: int) -> None:
        name = self.read(_TAG_NAME).lower()
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
        tag = _OpenTag(name=name, offset=self.offset, out_index=len(self.out))
        while self.at(self.pos) != ">":
            self.skip_spaces()
            if self.at(self.pos) == ">":
                break
            attribute = self.read(_ATTRIBUTE_NAME)
            if not attribute:
                raise HtmlParseError(
                    f'Empty attribute name in the tag "{name}" at byte offset '
                    f"{self.byte_offset(begin)}",
                    f"im Tag <{name}> fehlt der Name eines Attributs",
                )
            self.skip_spaces()
            if self.at(self.pos) != "=":
                if self.pos >= len(self.text):
                    raise self.unclosed_start(begin, name)
                tag.attributes.add(attribute)  # an attribute without value, e.g. "expandable"
                continue
            self.pos += 1
            self.skip_spaces()
            if self.pos >= len(self.text):
                raise self.unclosed_start(begin, name)
            value = self.read_value()
            if self.pos >= len(self.text):
                raise self.unclosed_start(begin)
            tag.attributes.add(attribute)
            self.take_argument(tag, attribute, value)
        self.pos += 1  # the '>'
        if tag.name == "span" and tag.argument != "spoiler":
            raise HtmlParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset '
                f"{self.byte_offset(begin)}",
                '<span> geht nur als <span class="tg-spoiler"> (verdeckter Text)',
            )
        self.nesting.append((name, tuple(t.name for t in self.stack)))
        in_pre = bool(self.stack) and self.stack[-1].name == "pre"
        self.stray_language |= name == "code" and bool(tag.argument) and not in_pre
        self.stack.append(tag)

    def unclosed_start(self, begin: int, name: str = "") -> HtmlParseError:
        quoted = f' "{name}"' if name else ""
        return HtmlParseError(
            f"Unclosed start tag{quoted} at byte offset {self.byte_offset(begin)}",
            "ein Tag wird mit '<' begonnen, aber nicht mit '>' beendet",
        )

    def read_value(self) -> str:
        quote = self.text[self.pos]
        if quote not in "\"'":
            start = self.pos
            value = self.read(_NAME_TOKEN).lower()
            if self.at(self.pos) not in _SPACE and self.at(self.pos) != ">":
                # Only letters, digits, '.' and '-' may go without quotes (a URL may not).
                raise HtmlParseError(
                    f"Unexpected end of name token at byte offset {self.byte_offset(start)}",
                    'ein Attributwert mit anderen Zeichen als Buchstaben, Ziffern, "." und "-" '
                    'braucht Anführungszeichen, z. B. href="https://…"',
                )
            return value
        end = self.text.find(quote, self.pos + 1)
        end = len(self.text) if end < 0 else end
        raw = self.text[self.pos + 1 : end]
        self.pos = min(end + 1, len(self.text))
        return _decode_all(raw)

    @staticmethod
    def take_argument(tag: _OpenTag, attribute: str, value: str) -> None:
        if tag.name == "a" and attribute == "href":
            tag.argument = value
        elif tag.name == "code" and attribute == "class" and value.startswith("language-"):
            tag.argument = value.removeprefix("language-")
        elif tag.name == "span" and attribute == "class" and value.startswith("tg-"):
            tag.argument = value.removeprefix("tg-")
        elif tag.name == "tg-emoji" and attribute == "emoji-id":
            tag.argument = value

    def close_tag(self, begin: int) -> None:
        if not self.stack:
            raise HtmlParseError(
                f"Unexpected end tag at byte offset {self.byte_offset(begin)}",
                "ein schließendes Tag </…> steht, wo kein Tag offen ist",
            )
        self.pos += 1  # the '/'
        name = self.read(_TAG_NAME).lower()
        self.skip_spaces()
        if self.at(self.pos) != ">":
            raise HtmlParseError(
                f"Unclosed end tag at byte offset {self.byte_offset(begin)}",
                f"</{name} wird nicht mit '>' beendet",
            )
        self.pos += 1
        expected = self.stack[-1].name
        if name and name != expected:
            raise HtmlParseError(
                f'Unmatched end tag at byte offset {self.byte_offset(begin)}, expected '
                f'"</{expected}>", found "</{name}>"',
                f"</{name}> passt nicht: zuerst muss </{expected}> kommen",
            )
        tag = self.stack[-1]
        if self.offset > tag.offset:
            self.add_entity(tag)
        self.stack.pop()

    def add_entity(self, tag: _OpenTag) -> None:
        length = self.offset - tag.offset
        entity: dict[str, Any] = {"type": _ENTITY_TYPE[tag.name], "offset": tag.offset,
                                  "length": length}
        previous = self.entities[-1] if self.entities else None
        same_span = previous is not None and (previous["offset"], previous["length"]) == (
            tag.offset, length)
        if tag.name == "tg-emoji":
            if not _CUSTOM_EMOJI_ID.fullmatch(tag.argument) or int(tag.argument) == 0:
                raise HtmlParseError(
                    "Invalid custom emoji identifier specified",
                    '<tg-emoji> braucht eine Zahl als emoji-id, z. B. '
                    '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>',
                )
            entity["custom_emoji_id"] = tag.argument
        elif tag.name == "a":
            url = tag.argument or "".join(self.out[tag.out_index :])
            if not url.strip():
                return
            entity["url"] = url
        elif tag.name == "pre" and same_span and previous is not None and previous.get(
                "_language"):
            # <pre><code class="language-x">: one pre entity in that language.
            self.entities[-1] = {**entity, "language": previous["_language"]}
            return
        elif tag.name == "code" and tag.argument:
            entity["_language"] = tag.argument
        elif tag.name == "blockquote" and "expandable" in tag.attributes:
            entity["type"] = "expandable_blockquote"
        self.entities.append(entity)


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and entity dicts of Telegram-HTML ``text``; raise HtmlParseError if invalid."""
    plain, entities = _Parser(text).run()
    for entity in entities:
        entity.pop("_language", None)  # a language outside <pre> is ignored, as by Telegram
    return plain, entities


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
_WRITTEN_ENTITY = re.compile(r"&(#[xX][0-9a-fA-F]+|#[0-9]+|[A-Za-z][A-Za-z0-9]*)(;?)")


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
    for match in re.finditer("&", text):
        _check_entity(text, match.start())
    for name, around in parser.nesting:
        _check_nesting(name, around)
    if parser.stray_language:
        raise HtmlRuleError(
            'class="language-…" wirkt nur in <pre><code class="language-…">, nicht in <code> allein'
        )


def _check_entity(text: str, pos: int) -> None:
    """Every '&' must start an entity Telegram decodes, written in full with its ';'."""
    match = _WRITTEN_ENTITY.match(text, pos)
    if match is None:
        raise HtmlRuleError("ein einzelnes '&' muss als &amp; geschrieben werden")
    body, semicolon = match.groups()
    if not body.startswith("#") and body not in _NAMED_ENTITIES:
        raise HtmlRuleError(
            f"&{body}; kennt Telegram nicht und zeigt es wörtlich an: schreiben Sie das Zeichen "
            "selbst oder als Zahl (z. B. &#160; für ein geschütztes Leerzeichen); ein einzelnes "
            "'&' schreiben Sie als &amp;"
        )
    if not semicolon:
        raise HtmlRuleError(f"&{body} ohne ';' am Ende: schreiben Sie &{body};")
    if body.startswith("#X"):
        raise HtmlRuleError(f"&{body}; zeigt Telegram wörtlich an: schreiben Sie ein kleines x")
    decoded = _decode_entity(text, pos)
    if decoded is None or 0xD800 <= decoded[0] <= 0xDFFF:
        raise HtmlRuleError(f"&{body}; ist keine gültige Zeichennummer")


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
