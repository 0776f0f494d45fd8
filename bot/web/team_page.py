"""``/team`` of the offline web door: the fake team group as the team would see it.

Only ``python -m bot web`` adds it (never ``run``; the routes are in team_routes.py): the page
acts as a team member on the offline fake Telegram through a ``TeamDesk`` the composition root
supplies, so it knows neither Telegram nor the fake. This module renders: every string escaped,
no inline script (static/team.js).
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from bot.texts import Texts

MAX_REPLY_CHARS = 4000  # a Telegram message's limit
MAX_CALLBACK_BYTES = 64


class TeamDesk(Protocol):
    """The team group: its messages, and acting in it as a team member."""

    def messages(self) -> Sequence[Mapping[str, Any]]:
        """Bot API message dicts, oldest first, in their current (edited) state."""
        ...

    async def press(self, message_id: int, data: str) -> str | None:
        """Press a button of a message; returns the notice the bot answered, if any.
        Raises LookupError when the message or the button does not exist."""
        ...

    async def reply(self, message_id: int, text: str) -> None:
        """Reply to a message. Raises LookupError when the message does not exist."""
        ...


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _message_html(message: Mapping[str, Any], texts: Texts) -> str:
    number = int(message.get("message_id", 0))
    sender = message.get("from") or {}
    is_bot = bool(sender.get("is_bot"))
    who = texts.plain("team_page_from_bot") if is_bot else " ".join(
        str(sender.get(k, "")) for k in ("first_name", "last_name") if sender.get(k)
    )
    text = message.get("text") or message.get("caption") or ""
    parts = [
        f'<li class="team-msg{" team-msg-bot" if is_bot else ""}" id="m{number}">',
        f'<article aria-labelledby="m{number}-who">',
        # tabindex -1: focus lands here after a press, when the pressed button may be gone.
        f'<h2 class="team-who" id="m{number}-who" tabindex="-1">{_e(who)}'
        f' <span class="team-num">#{number}</span></h2>',
    ]
    original = message.get("reply_to_message")
    if isinstance(original, Mapping) and original.get("message_id") is not None:
        target = int(original["message_id"])
        parts.append(
            f'<p class="team-replyto"><a href="#m{target}">'
            f'{_e(texts.plain("team_page_reply_to", number=target))}</a></p>'
        )
    parts.append(f'<p class="team-text">{_e(text)}</p>')
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    if rows:
        group = _e(texts.plain("team_page_buttons_label"))
        parts.append(f'<div class="buttons" role="group" aria-label="{group}">')
        for row in rows:
            for button in row:
                label = _e(button.get("text", ""))
                url = str(button.get("url") or "")
                if url.lower().startswith(("https://", "http://", "tg://")):
                    parts.append(f'<a class="button" href="{_e(url)}">{label}</a>')
                elif url:  # never a javascript: or data: link
                    parts.append(f'<span class="button">{label}</span>')
                elif "callback_data" in button:
                    parts.append(
                        f'<button type="button" class="team-press" data-message="{number}"'
                        f' data-data="{_e(button["callback_data"])}">{label}</button>'
                    )
        parts.append("</div>")
    if is_bot:
        field = f"reply-{number}"
        parts.append(
            f'<form class="team-reply" data-message="{number}">'
            f'<label for="{field}">{_e(texts.plain("team_page_reply_label"))}</label>'
            f'<textarea id="{field}" rows="2" maxlength="{MAX_REPLY_CHARS}"></textarea>'
            f'<button type="submit">{_e(texts.plain("team_page_reply_send"))}</button></form>'
        )
    parts.append("</article></li>")
    return "".join(parts)


def messages_html(messages: Sequence[Mapping[str, Any]], texts: Texts) -> str:
    if not messages:
        return f'<li class="team-empty">{_e(texts.plain("team_page_empty"))}</li>'
    return "\n".join(_message_html(m, texts) for m in messages)


def version(fragment: str) -> str:
    return hashlib.sha256(fragment.encode("utf-8")).hexdigest()[:16]


def team_page(texts: Texts, messages: Sequence[Mapping[str, Any]]) -> str:
    fragment = messages_html(messages, texts)
    title = texts.plain("team_page_title")
    return (
        '<!doctype html>\n<html lang="de">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n"
        '<link rel="icon" href="data:,">\n<link rel="stylesheet" href="static/chat.css">\n'
        '<link rel="stylesheet" href="static/team.css">\n'
        '<script src="static/team.js" defer></script>\n</head>\n'
        f'<body data-error="{_e(texts.plain("team_page_error"))}">\n'
        '<div class="page team-page">\n<main>\n'
        f"<h1>{_e(title)}</h1>\n<p>{_e(texts.plain('team_page_intro'))}</p>\n"
        '<p id="team-status" class="status" role="status"></p>\n'
        f'<ol id="team-log" class="team-log" aria-label="{_e(texts.plain("team_page_log_label"))}"'
        f' data-version="{version(fragment)}">\n{fragment}\n</ol>\n'
        f'<p><a href="./">{_e(texts.plain("team_page_back"))}</a></p>\n'
        "</main>\n</div>\n</body>\n</html>\n"
    )
