"""Questions and answers: /start, /hilfe, the menu, free-text questions, browsing entries."""

from __future__ import annotations

import logging
from dataclasses import replace

from bot import callbacks
from bot.conversation.feedback import with_feedback_buttons
from bot.conversation.model import Outgoing, UserKey
from bot.conversation.navigation import entry_view, menu_view
from bot.conversation.users import storage_id
from bot.replies import Button, Reply
from bot.services import Services

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 1000


def out(reply: Reply, *, replace_shown: bool = False) -> Outgoing:
    return Outgoing(html=reply.text, buttons=reply.buttons, replace=replace_shown)


def start(services: Services, user: UserKey) -> Outgoing:
    """Greets briefly and shows the menu (modules, ask a question, make a request); a new
    start forgets the topic of the user's conversation (no follow-up reads into it)."""
    services.answerer.forget_conversation(user)
    return Outgoing(html=services.texts.render("start"), buttons=services.answerer.menu().buttons)


def help_text(services: Services) -> Outgoing:
    return Outgoing(html=services.texts.render("help"), buttons=services.answerer.menu_buttons())


def menu(services: Services) -> Outgoing:
    """"Menü": the menu in place of the message whose button was pressed."""
    return out(menu_view(services), replace_shown=True)


def show_entry(services: Services, entry_id: str, back: str | None) -> Outgoing:
    """An entry: browsing (a way back given) replaces the view the button was on; a button
    under an answer opens a new message. An unknown entry shows the menu."""
    reply = entry_view(services, entry_id, back)
    if reply is None:
        return menu(services)
    return out(with_feedback_buttons(reply, services), replace_shown=back is not None)


def prompt_question(services: Services) -> Outgoing:
    menu_row = (Button(services.texts.plain("btn_menu"), callbacks.menu()),)
    return Outgoing(html=services.texts.render("ask_prompt"), buttons=(menu_row,))


def _with_team_button(services: Services, reply: Reply, question_id: int) -> Reply:
    team_row = (Button(services.texts.plain("btn_send_to_team"), callbacks.to_team(question_id)),)
    return replace(reply, buttons=(team_row, *reply.buttons))


async def answer(services: Services, user: UserKey, text: str) -> Outgoing:
    """Answers a free-text question and logs it (for /unbeantwortet)."""
    if len(text) > MAX_QUESTION_CHARS:
        return Outgoing(html=services.texts.render("too_long", limit=MAX_QUESTION_CHARS))
    # The follow-up context lives in the answering layer, keyed by the user of either door.
    reply, result = services.answerer.answer_from(user, text)
    user_id = storage_id(user)
    top = result.candidates[0].entry_id if result.candidates else None
    normalized = " ".join(text.casefold().split())
    entry_id = top if result.band == "answer" else None
    questions = services.storage.questions
    if reply.kind == "fallback" or reply.offer_team:
        # The "an das Team" button carries the logged question's id: write it now.
        question_id = await questions.record(
            user_id, text, normalized, result.band, entry_id, services.clock(), user.channel
        )
        reply = _with_team_button(services, reply, question_id)
        log.info("question offered to the team band=%s kind=%s question_id=%s",
                 result.band, reply.kind, question_id)
    else:
        questions.record_later(
            user_id, text, normalized, result.band, entry_id, services.clock(), user.channel
        )
        log.info("question answered band=%s entry=%s", result.band, top)
        reply = with_feedback_buttons(reply, services)
    return out(reply)
