"""A team member replies in the team chat: the text goes to the requester of that ticket."""

from __future__ import annotations

import logging

from telegram import Message, Update

from bot.conversation.users import requester
from bot.storage.models import Ticket
from bot.team.notices import team_message_for_user
from bot.tg.services import BotContext, Services
from bot.tg.team.common import card_ticket_ids, is_bot_message, say, team_message, ticket_by_mention

log = logging.getLogger(__name__)


async def _replied_ticket(message: Message, services: Services) -> Ticket | None:
    """The ticket a team reply is about: a linked message, a (duplicate) card by its buttons, or
    a bot message naming exactly one ticket."""
    original = message.reply_to_message
    if original is None:
        return None
    ticket_id = await services.storage.messages.ticket_for_message(
        "telegram", message.chat_id, original.message_id
    )
    if ticket_id is None and is_bot_message(original):
        found = card_ticket_ids(original)
        ticket_id = found.pop() if len(found) == 1 else None
    if ticket_id is None:
        return await ticket_by_mention(original, services)
    return await services.storage.tickets.get(ticket_id)


async def on_team_reply(update: Update, context: BotContext) -> None:
    """A team member replies to a card (or a forwarded answer): the text goes to the requester."""
    services = context.services
    message = team_message(update, services)
    if message is None or message.from_user is None:
        return
    ticket = await _replied_ticket(message, services)
    if ticket is None:
        # A reply to a bot message that names no single ticket (/offen, the digest, a notice)
        # would otherwise vanish in silence; replies among team members are not for the bot.
        original = message.reply_to_message
        if original is not None and is_bot_message(original):
            await say(message, services.texts.render("team_reply_unroutable"))
        return
    texts = services.texts
    if ticket.status == "deleted" or ticket.chat_id is None:
        await say(message, texts.render("team_reply_deleted", ref=ticket.ref))
        return
    if message.text is None:
        await say(message, texts.render("team_reply_text_only"))
        return
    author = message.from_user
    text = team_message_for_user(ticket, author.first_name, message.text, texts)
    # The requester's door delivers it (bot.conversation.ports): Telegram or the website.
    port = services.outbound_for(ticket.channel)
    to = requester(ticket.channel, ticket.chat_id)
    stored = await services.storage.messages.add(
        ticket.id, "to_user", message.text, author.id, author.first_name, services.clock(),
        notify=port.notification(to, text, link=True, ack_message_id=message.message_id),
    )
    if stored is None:  # the requester erased their data meanwhile (/loeschen)
        await say(message, texts.render("team_reply_deleted", ref=ticket.ref))
        return
    port.wake()
    services.wake_outbox()
    services.team_links.team_wrote(to)
    log.info("team reply to ticket %d queued for the requester", ticket.id)
