"""Free text from a requester the team wrote to recently: ask once whether it is for the team.

The rule is bot.team.team_link; this module asks (two buttons), and on the answer passes the
kept text to the team or answers it as a question.
"""

from __future__ import annotations

import datetime as dt
import logging

from telegram import CallbackQuery, Message
from telegram.error import TelegramError

from bot import callbacks
from bot.callbacks import Callback
from bot.delivery import queue
from bot.replies import Button
from bot.team.notices import user_message_for_team
from bot.team.team_link import should_ask, window_start
from bot.tg import outgoing, qa
from bot.tg.services import Services

log = logging.getLogger(__name__)


async def offer(message: Message, services: Services) -> bool:
    """A private free text: if the requester's team conversation is recent, keep the text and
    ask whether it is for the team; True when handled (asked, or joined a waiting question)."""
    sender = message.from_user
    if sender is None or message.text is None or message.chat.type != "private":
        return False
    now = services.clock()
    since = window_start(now, services.settings.requests.reply_window_days)
    if since is None:
        return False
    memory = services.team_links
    if sender.id in memory.quiet:
        return False
    recent = await services.storage.messages.latest_to_user(sender.id, since)
    if recent is None:
        memory.quiet.add(sender.id)
        return False
    if not should_ask(recent, memory.declined.get(sender.id)):
        return False
    if not memory.keep(sender.id, recent, message.text, now):
        return True  # the buttons are already shown; the text joined the waiting one
    texts = services.texts
    row = (Button(texts.plain("team_link_btn_yes"), callbacks.team_link(recent.ticket_id, "yes")),
           Button(texts.plain("team_link_btn_no"), callbacks.team_link(recent.ticket_id, "no")))
    await outgoing.send_html(message.get_bot(), message.chat_id,
                             texts.render("team_link_question", ref=recent.ref), (row,))
    log.info("asked user=%s whether a text is for ticket %d", sender.id, recent.ticket_id)
    return True


def _as_user_message(message: Message, query: CallbackQuery) -> Message:
    """The kept text's message, as the user sent it: the Q&A logs it under the user's id."""
    own = Message(message_id=message.message_id, date=message.date or dt.datetime.now(dt.UTC),
                  chat=message.chat, from_user=query.from_user)
    own.set_bot(message.get_bot())
    return own


async def on_button(query: CallbackQuery, parsed: Callback, services: Services) -> None:
    """"Ja, an das Team": pass the kept text on as a reply to the card; "Nein": answer it as a
    question and do not ask again about the same team message."""
    message = query.message
    user = query.from_user
    now = services.clock()
    kept = (services.team_links.take(user.id, parsed.id, now)
            if parsed.id is not None and isinstance(message, Message) else None)
    if kept is None or not isinstance(message, Message):
        await query.answer(services.texts.plain("stale_button"))
        return
    await query.answer()
    try:
        await message.edit_reply_markup(reply_markup=None)
    except TelegramError as exc:  # the answer still counts; the buttons are cosmetic
        log.info("team link buttons not removed: %s", type(exc).__name__)
    texts = services.texts
    if parsed.op == "no":
        services.team_links.decline(user.id, kept.message_id)
        await qa.answer_question(_as_user_message(message, query), services, kept.text)
        return
    storage = services.storage
    ticket = await storage.tickets.get(kept.ticket_id)
    stored = None
    if ticket is not None and ticket.status != "deleted" and ticket.user_id == user.id:
        text = user_message_for_team(ticket, user.first_name, kept.text, texts)
        stored = await storage.messages.add(
            ticket.id, "to_team", kept.text, user.id, user.first_name, now,
            notify=queue.to_team(services, text),
        )
    if stored is None:
        await outgoing.send_html(message.get_bot(), message.chat_id,
                                 texts.render("stale_button"), ())
        return
    services.wake_outbox()
    log.info("kept text of user=%s queued for the team, ticket %d", user.id, kept.ticket_id)
    await outgoing.send_html(message.get_bot(), message.chat_id,
                             texts.render("team_user_reply_sent", ref=kept.ref), ())
