"""The HTML pages of the web door. No inline script or style (the CSP forbids both): behaviour
comes from static/chat.js, looks from static/chat.css. Texts come from bot/texts/web.yaml."""

from __future__ import annotations

import html

from bot.config import Settings
from bot.privacy_notice import privacy_notice
from bot.texts import Texts
from bot.web.sanitize import telegram_html_to_web


def _attr(value: object) -> str:
    return html.escape(str(value), quote=True)


def _layout(texts: Texts, title: str, body: str, *, body_attrs: str = "", script: bool) -> str:
    script_tag = '<script src="static/chat.js" defer></script>' if script else ""
    return (
        '<!doctype html>\n<html lang="de">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n"
        '<link rel="icon" href="data:,">\n<link rel="stylesheet" href="static/chat.css">\n'
        f"{script_tag}\n</head>\n<body{body_attrs}>\n{body}\n</body>\n</html>\n"
    )


def _footer(texts: Texts, *, new_tab: bool = False) -> str:
    # In the widget the notices open in a new tab, so the conversation in the frame stays.
    target = ' target="_blank" rel="noopener"' if new_tab else ""
    return (
        f'<footer class="footer"><nav aria-label="{_attr(texts.plain("web_footer_label"))}">'
        f'<a href="datenschutz"{target}>{html.escape(texts.plain("web_link_privacy"))}</a> '
        f'<a href="barrierefreiheit"{target}>{html.escape(texts.plain("web_link_a11y"))}</a>'
        "</nav></footer>"
    )


def chat_page(texts: Texts, settings: Settings, *, embedded: bool) -> str:
    """The chat: a log (polite live region), the message field and the send button."""
    limit = settings.web.limits.max_text_chars
    labels = (
        f' class="chat-page{" embedded" if embedded else ""}"'
        f' data-you="{_attr(texts.plain("web_you"))}"'
        f' data-bot="{_attr(texts.plain("web_bot"))}"'
        f' data-error="{_attr(texts.plain("web_error"))}"'
        f' data-working="{_attr(texts.plain("web_working"))}"'
        f' data-too-long="{_attr(texts.plain("web_too_long", max=limit))}"'
        f' data-max="{limit}"'
    )
    noscript = texts.render("web_noscript", email=settings.operator.email)
    body = (
        '<div class="chat">\n'
        '<header class="chat-header">'
        f'<h1>{html.escape(texts.plain("web_title"))}</h1>'
        f'<p class="subtitle">{html.escape(texts.plain("web_subtitle"))}</p></header>\n'
        '<main class="chat-main">\n'
        f'<noscript><p class="notice">{telegram_html_to_web(noscript)}</p></noscript>\n'
        f'<div id="log" class="log" role="log" aria-live="polite" tabindex="0"'
        f' aria-label="{_attr(texts.plain("web_log_label"))}"></div>\n'
        '<p id="status" class="status" role="status"></p>\n'
        '<form id="composer" class="composer">\n'
        f'<label for="message" class="field-label">{html.escape(texts.plain("web_field_label"))}'
        "</label>\n"
        f'<div class="composer-row"><textarea id="message" name="message" rows="2"'
        f' maxlength="{limit}" autocomplete="off"></textarea>\n'
        f'<button type="submit" id="send">{html.escape(texts.plain("web_send"))}</button>'
        "</div>\n</form>\n</main>\n"
        f"{_footer(texts, new_tab=embedded)}\n</div>"
    )
    return _layout(texts, texts.plain("web_title"), body, body_attrs=labels, script=True)


def _text_page(texts: Texts, title: str, content_html: str, extra: str = "") -> str:
    body = (
        '<div class="page">\n<main>\n'
        f"<h1>{html.escape(title)}</h1>\n{content_html}\n{extra}\n"
        f'<p><a href="./">{html.escape(texts.plain("web_back_to_chat"))}</a></p>\n'
        f"</main>\n{_footer(texts)}\n</div>"
    )
    return _layout(texts, title, body, script=bool(extra))


def _paragraphs(telegram_html: str) -> str:
    """A text with blank lines as paragraphs (each still allow-listed)."""
    parts = [p for p in telegram_html.split("\n\n") if p.strip()]
    return "\n".join(f"<p>{telegram_html_to_web(p.strip())}</p>" for p in parts)


def privacy_page(texts: Texts, settings: Settings) -> str:
    """The web door's part (session identifier, no cookies, no third parties), then the notice."""
    intro = texts.render("web_privacy_intro")
    content = _paragraphs(intro) + "\n" + _paragraphs(privacy_notice(texts, settings))
    return _text_page(texts, texts.plain("web_privacy_title"), content)


def accessibility_page(texts: Texts, settings: Settings) -> str:
    """The accessibility statement with a form that reports a barrier to the team."""
    statement = texts.render("web_a11y_statement", email=settings.operator.email)
    limit = settings.web.limits.max_text_chars
    form = (
        f'<h2 id="report-heading">{html.escape(texts.plain("web_barrier_heading"))}</h2>\n'
        '<form id="barrier-form" class="barrier-form" aria-labelledby="report-heading"'
        f' data-empty="{_attr(texts.plain("web_barrier_empty"))}"'
        f' data-error="{_attr(texts.plain("web_error"))}">\n'
        f'<label for="barrier-text">{html.escape(texts.plain("web_barrier_label"))}</label>\n'
        f'<textarea id="barrier-text" name="text" rows="5" maxlength="{limit}"></textarea>\n'
        f'<button type="submit">{html.escape(texts.plain("web_barrier_send"))}</button>\n'
        '<p id="barrier-status" class="status" role="status"></p>\n</form>'
    )
    content = _paragraphs(statement)
    return _text_page(texts, texts.plain("web_a11y_title"), content, form)
