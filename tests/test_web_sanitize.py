"""Telegram HTML -> page HTML: an allow-list, everything else escaped, tags balanced."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.conversation.model import Attachment, Outgoing
from bot.replies import Button
from bot.web.render import outgoing_json
from bot.web.sanitize import telegram_html_to_web as web


def test_allowed_formatting_passes() -> None:
    """Telegram's formatting tags pass as they are; line breaks become <br>."""
    assert web("<b>fett</b>\n<i>kursiv</i> <code>x</code>") == (
        "<b>fett</b><br><i>kursiv</i> <code>x</code>"
    )
    assert web("<blockquote>Zitat</blockquote><pre>a</pre>") == (
        "<blockquote>Zitat</blockquote><pre>a</pre>"
    )
    assert web("<tg-spoiler>x</tg-spoiler>") == "<span>x</span>"


def test_scripts_and_unknown_tags_are_shown_as_text() -> None:
    """<script>, <img onerror>, comments: escaped, never markup."""
    assert web("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert web('<img src=x onerror="alert(1)">') == "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"
    assert web("<!-- x -->") == "&lt;!-- x --&gt;"


def test_attributes_are_dropped_and_links_checked() -> None:
    """Only http(s)/mailto/tel links keep their target (with rel=noopener); javascript: links
    lose it; other attributes never pass."""
    assert web('<b onclick="x">a</b>') == "<b>a</b>"
    assert web('<a href="https://example.org/?a=1&amp;b=2">x</a>') == (
        '<a href="https://example.org/?a=1&amp;b=2" rel="noopener noreferrer" '
        'target="_blank">x</a>'
    )
    assert web('<a href="javascript:alert(1)">x</a>') == "x"
    assert web('<a href="mailto:team@example.org">E-Mail</a>').startswith(
        '<a href="mailto:team@example.org"'
    )


def test_tags_are_balanced() -> None:
    """An unclosed tag is closed at the end; a stray closing tag is text."""
    assert web("<b>offen") == "<b>offen</b>"
    assert web("text</b>") == "text&lt;/b&gt;"
    assert web("<i><b>x</i></b>") == "<i><b>x&lt;/i&gt;</b></i>"
    assert web("ende <b") == "ende &lt;b"


def test_entities_stay_escaped() -> None:
    """&lt; from the texts layer is shown as "<", never turned into a tag."""
    assert web("a &lt;b&gt; &amp; c") == "a &lt;b&gt; &amp; c"


@given(st.text(max_size=200))
def test_any_text_gives_no_raw_markup_outside_the_allow_list(text: str) -> None:
    """Whatever comes in, every "<" in the output starts an allowed tag."""
    out = web(text)
    allowed = ("<b>", "</b>", "<i>", "</i>", "<u>", "</u>", "<s>", "</s>", "<em>", "</em>",
               "<strong>", "</strong>", "<ins>", "</ins>", "<del>", "</del>", "<code>",
               "</code>", "<pre>", "</pre>", "<blockquote>", "</blockquote>", "<span>",
               "</span>", "<br>", "<a href=", "</a>")
    index = out.find("<")
    while index != -1:
        assert out.startswith(allowed, index), out
        index = out.find("<", index + 1)


def test_outgoing_json_keeps_labels_plain() -> None:
    """Button labels go out as plain text (the page sets textContent), html sanitized, an
    attachment as base64."""
    message = Outgoing(
        "<b>Hallo</b><script>",
        ((Button("<i>Menü</i>", "m"),),),
        attachment=Attachment("daten.json", b"{}", "application/json"),
        toast="ok",
    )
    data = outgoing_json(message)
    assert data["html"] == "<b>Hallo</b>&lt;script&gt;"
    assert data["buttons"] == [[{"label": "<i>Menü</i>", "data": "m"}]]
    assert data["attachment"] == {"filename": "daten.json", "mime": "application/json",
                                  "base64": "e30="}
    assert data["toast"] == "ok"
