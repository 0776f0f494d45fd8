"""One HTML checker follows Telegram's "HTML style" rules; knowledge, texts and the fake use it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.knowledge import KnowledgeError, load_knowledge
from bot.offline.content import formatted_text
from bot.offline.errors import FakeApiError
from bot.telegram_html import HtmlParseError, HtmlRuleError, check_telegram_html, parse_html
from bot.texts import TextsError, load_texts

ACCEPTED = [
    "<b>fett</b> <strong>fett</strong> <i>kursiv</i> <em>kursiv</em>",
    "<u>unter</u> <ins>unter</ins> <s>durch</s> <strike>durch</strike> <del>durch</del>",
    '<tg-spoiler>geheim</tg-spoiler> <span class="tg-spoiler">geheim</span>',
    '<a href="https://paritaet-sh.org/?a=1&amp;b=2">Link</a>',
    '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>',
    "<code>x = 1</code> <pre>Block</pre>",
    '<pre><code class="language-python">print(1)</code></pre>',
    "<blockquote>Zitat</blockquote> <blockquote expandable>lang</blockquote>",
    "&lt; &gt; &amp; &quot; &#228; &#xE4; &#160;",
    "<b>fett <i>und kursiv <u>und unterstrichen</u></i></b>",
    '<b><a href="https://x.de">fetter Link</a></b>',
]

# (snippet, whether the Bot API server itself rejects it, what the German message names)
REJECTED = [
    ("<span>x</span>", True, "tg-spoiler"),
    ('<span class="rot">x</span>', True, "tg-spoiler"),
    ("<br>", True, "<br>"),
    ("<p>Absatz</p>", True, "<p>"),
    ("a < b", True, "&lt;"),
    ("<b>offen", True, "</b> fehlt"),
    ("<b><i>x</b></i>", True, "</i>"),
    ("x</b>", True, "kein Tag offen"),
    ("<a href=https://x.de>x</a>", True, "Anführungszeichen"),
    ("<tg-emoji>👍</tg-emoji>", True, "emoji-id"),
    ('<tg-emoji emoji-id="abc">👍</tg-emoji>', True, "emoji-id"),
    ("a&nbsp;b", False, "&nbsp;"),
    ("&euro; 5", False, "&euro;"),
    ("Fragen & Antworten", False, "&amp;"),
    ('<code class="language-python">x</code>', False, "<pre><code"),
    ("<blockquote><blockquote>x</blockquote></blockquote>", False, "blockquote"),
    ("<code><b>x</b></code>", False, "<code>"),
    ("&lt ohne Semikolon", False, "&lt;"),
    ("&#X41;", False, "&#X41;"),
    ("&#xD800;", True, "Zeichennummer"),
    ('<a href="https://x.de"><code>x</code></a>', False, "<a>"),
]


@pytest.mark.parametrize("snippet", ACCEPTED)
def test_telegram_accepts(snippet: str) -> None:
    """Everything the Bot API documents for HTML style passes the checker and the server rules."""
    check_telegram_html(snippet)
    parse_html(snippet)


@pytest.mark.parametrize(("snippet", "server_rejects", "named"), REJECTED)
def test_checker_rejects_with_a_german_reason(
    snippet: str, server_rejects: bool, named: str
) -> None:
    """What Telegram rejects, or shows differently than written, is an error explained in German;
    the server-side parse rejects exactly what the real server rejects (the rest it shows
    literally, e.g. "&nbsp;")."""
    with pytest.raises(HtmlRuleError) as caught:
        check_telegram_html(snippet)
    assert named in str(caught.value)
    if server_rejects:
        with pytest.raises(HtmlParseError):
            parse_html(snippet)
    else:
        parse_html(snippet)


def test_unknown_named_entity_is_shown_literally_by_telegram() -> None:
    """Telegram decodes only &lt; &gt; &amp; &quot; and numbers; "&nbsp;" stays as written."""
    assert parse_html("a&nbsp;b &#160;c &amp;")[0] == "a&nbsp;b \xa0c &"


@pytest.mark.parametrize(
    ("snippet", "plain", "entities"),
    [
        ("<i lang>x</i>", "x", [{"type": "italic", "offset": 0, "length": 1}]),
        ("&lt &gt;", "< >", []),
        ("&#X41; &#x41; &#65", "&#X41; A A", []),
        ("&#1114111; &#0;", "&#1114111; &#0;", []),
        ("<b>x</>", "x", [{"type": "bold", "offset": 0, "length": 1}]),
        ("<a>https://x.de</a>", "https://x.de",
         [{"type": "text_link", "offset": 0, "length": 12, "url": "https://x.de"}]),
        ('<pre><code class="language-python">1</code></pre>', "1",
         [{"type": "pre", "offset": 0, "length": 1, "language": "python"}]),
        ('<code class="language-python">1</code>', "1",
         [{"type": "code", "offset": 0, "length": 1}]),
        ("<blockquote expandable>x</blockquote>", "x",
         [{"type": "expandable_blockquote", "offset": 0, "length": 1}]),
    ],
)
def test_server_parse_follows_tdlib(snippet: str, plain: str, entities: list[object]) -> None:
    """The server-side parse decodes and tolerates what tdlib does: attributes without value,
    entities without ';', only a lower-case 'x' in hex, an empty end tag, a link without href."""
    assert parse_html(snippet) == (plain, entities)


@pytest.mark.parametrize(
    ("snippet", "error"),
    [
        ("<i a=1.2,>x</i>", "Unexpected end of name token at byte offset 5"),
        ('<a href="x>y</a>', "Unclosed start tag at byte offset 0"),
        ("<i a=", 'Unclosed start tag "i" at byte offset 0'),
        ("<i>x</i y", "Unclosed end tag at byte offset 4"),
        ("ä<abc>", 'Unsupported start tag "abc" at byte offset 2'),
        ("&#xD800;", "Text contains invalid Unicode characters"),
        ("<span class=tg-x>x</span>", 'Tag "span" must have class "tg-spoiler"'),
    ],
)
def test_server_parse_errors_are_telegrams(snippet: str, error: str) -> None:
    """Errors carry Telegram's wording and byte offsets."""
    with pytest.raises(HtmlParseError) as caught:
        parse_html(snippet)
    assert str(caught.value).startswith(error)


def test_fake_rejects_with_telegrams_error_text() -> None:
    """The offline fake answers HTML that Telegram rejects with "can't parse entities"."""
    with pytest.raises(FakeApiError) as caught:
        formatted_text({"text": "<span>x</span>", "parse_mode": "HTML"}, "text", caption=False)
    assert caught.value.description.startswith(
        "Bad Request: can't parse entities: Tag \"span\" must have class \"tg-spoiler\""
    )
    text, entities = formatted_text(
        {"text": '<span class="tg-spoiler">x</span>', "parse_mode": "HTML"}, "text", caption=False
    )
    assert (text, entities[0]["type"]) == ("x", "spoiler")


def test_knowledge_loader_uses_the_checker(tmp_path: Path) -> None:
    """An answer with <span> or &nbsp; is rejected by the loader (and so by `bot check`)."""
    entry = (
        "entries:\n  - id: kosten\n    title: Kosten\n    answer: '{answer}'\n"
        "    questions: ['Was kostet das?']\n"
    )
    for answer, named in (("<span>frei</span>", "tg-spoiler"), ("a&nbsp;b", "&nbsp;")):
        (tmp_path / "a.yaml").write_text(entry.format(answer=answer), encoding="utf-8")
        with pytest.raises(KnowledgeError, match=named):
            load_knowledge(tmp_path)
    (tmp_path / "a.yaml").write_text(
        entry.format(answer='<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji> frei'),
        encoding="utf-8",
    )
    assert "kosten" in load_knowledge(tmp_path).entries


def test_texts_loader_uses_the_checker(tmp_path: Path) -> None:
    """A text with <span> is rejected by the texts loader, naming file and key."""
    (tmp_path / "qa.yaml").write_text("hallo: '<span>Hallo</span>'\n", encoding="utf-8")
    with pytest.raises(TextsError, match=r"qa\.yaml: 'hallo': .*tg-spoiler"):
        load_texts(tmp_path)
