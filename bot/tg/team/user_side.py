"""The requester's side of the team workflow in a private chat: a question sent to the team,
and an answer to a "Nachricht vom Team" passed on to the team."""

from __future__ import annotations

import logging

from telegram import Message, User

from bot.delivery import queue
from bot.team.notices import user_message_for_team
from bot.tg.services import Services
from bot.tg.team.common import say, ticket_by_mention

log = logging.getLogger(__name__)


async def question_to_team(
    message: Message, user: User, question_id: int, services: Services
) -> None:
    """The fallback's "Frage an das Team senden": the logged question becomes a ticket (F-…).

    Only the user who asked it can send it; pressing twice sends it once.
    """
    texts = services.texts
    logged = await services.storage.questions.get(question_id)
    if logged is None or logged.user_id != user.id:
        log.info("question %d not sendable by user=%s", question_id, user.id)
        await say(message, texts.render("stale_button"))
        return
    now = services.clock()
    ticket = await services.storage.tickets.create_question(
        user.id,
        message.chat_id,
        logged.text,
        now,
        {"chat_id": queue.team_chat(services)},
        question_id=question_id,
    )
    if ticket.created_at == now:
        log.info("question %d became ticket %d", question_id, ticket.id)
        services.wake_outbox()
        await say(message, texts.render("question_sent", ref=ticket.ref))
    else:
        await say(message, texts.render("question_already_sent", ref=ticket.ref))


async def user_reply(message: Message, services: Services) -> bool:
    """A requester answers a "Nachricht vom Team": pass it to the team as a reply to the card.

    Returns False (not handled) when the replied-to message belongs to no live ticket of theirs.
    """
    original = message.reply_to_message
    sender = message.from_user
    if original is None or sender is None or message.text is None or message.chat.type != "private":
        return False
    storage = services.storage
    ticket_id = await storage.messages.ticket_for_message(message.chat_id, original.message_id)
    ticket = (
        await storage.tickets.get(ticket_id)
        if ticket_id is not None
        else await ticket_by_mention(original, services)
    )
    if ticket is None or ticket.status == "deleted" or ticket.user_id != sender.id:
        return False
    text = user_message_for_team(ticket, sender.first_name, message.text, services.texts)
    stored = await storage.messages.add(
        ticket.id, "to_team", message.text, sender.id, sender.first_name, services.clock(),
        notify=queue.to_team(services, text),
    )
    if stored is None:  # erased meanwhile (/loeschen)
        return False
    services.wake_outbox()
    log.info("user reply to ticket %d queued for the team", ticket.id)
    await say(message, services.texts.render("team_user_reply_sent", ref=ticket.ref))
    return True
