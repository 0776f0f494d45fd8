"""Telegram's HTML subset -> HTML that is safe to put into a web page.

The texts are already Telegram HTML, but a knowledge file, a team reply or a bug could still carry
markup. An allow-list decides: the formatting tags Telegram knows pass without attributes (links
keep an http(s), mailto or tel target), everything else is shown as text, escaped. Tags are
balanced on the way out, so a stray tag can never swallow the rest of the page.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

# Telegram tag -> the tag written to the page.
_TAGS = {
    "b": "b",
    "strong": "strong",
    "i": "i",
    "em": "em",
    "u": "u",
    "ins": "ins",
    "s": "s",
    "strike": "s",
    "del": "del",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-spoiler": "span",
    "span": "span",
    "a": "a",
}
_SAFE_HREF = re.compile(
    # ``anfrage/<token>``: the requester's private page on this door (bot/web/request_page.py).
    r"(?:https?://|mailto:|tel:)[^\s\"'<>`]+|anfrage/[A-Za-z0-9_-]{43}", re.IGNORECASE
)


class _Sanitizer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        target = _TAGS.get(tag)
        if target is None:
            self.out.append(html.escape(self.get_starttag_text() or ""))
            return
        if target == "a":
            href = dict(attrs).get("href") or ""
            if not _SAFE_HREF.fullmatch(href):
                # A link we cannot vouch for keeps its text but loses its target.
                self.stack.append("")
                return
            self.out.append(
                f'<a href="{html.escape(href)}" rel="noopener noreferrer" target="_blank">'
            )
        else:
            self.out.append(f"<{target}>")
        self.stack.append(target)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.out.append("<br>")
        else:
            self.out.append(html.escape(self.get_starttag_text() or ""))

    def handle_endtag(self, tag: str) -> None:
        target = _TAGS.get(tag)
        if target is None or not self.stack:
            self.out.append(html.escape(f"</{tag}>"))
            return
        expected = self.stack[-1]
        if expected != target and not (expected == "" and target == "a"):
            self.out.append(html.escape(f"</{tag}>"))
            return
        self.stack.pop()
        if expected:
            self.out.append(f"</{expected}>")

    def handle_data(self, data: str) -> None:
        self.out.append(html.escape(data, quote=False).replace("\n", "<br>"))

    def handle_comment(self, data: str) -> None:
        self.out.append(html.escape(f"<!--{data}-->"))

    def handle_decl(self, decl: str) -> None:
        self.out.append(html.escape(f"<!{decl}>"))

    def handle_pi(self, data: str) -> None:
        self.out.append(html.escape(f"<?{data}>"))

    def unknown_decl(self, data: str) -> None:
        self.out.append(html.escape(f"<![{data}]>"))

    def result(self) -> str:
        self.close()
        rawdata = getattr(self, "rawdata", "")
        if rawdata:  # an unfinished tag at the end ("<b") is text
            self.out.append(html.escape(rawdata))
        for tag in reversed(self.stack):
            if tag:
                self.out.append(f"</{tag}>")
        return "".join(self.out)


def telegram_html_to_web(text: str) -> str:
    """Safe HTML for a message bubble; line breaks become <br>."""
    sanitizer = _Sanitizer()
    sanitizer.feed(text)
    return sanitizer.result()
