"""The buttons under a team card: the status changes, guarded against races and forged data."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, MaybeInaccessibleMessage, Message
from telegram.error import TelegramError

from bot.callbacks import Callback
from bot.conversation.users import requester
from bot.delivery import queue
from bot.storage.models import Ticket
from bot.team.cards import CARD_OPS
from bot.team.notices import status_notice
from bot.texts import Texts
from bot.tg.services import Services
from bot.tg.team.common import card_ticket_ids, in_team_chat, is_bot_message, is_team_member

log = logging.getLogger(__name__)


async def _refused_answer(query: CallbackQuery, ticket: Ticket, services: Services) -> None:
    """The status did not allow the change: say why, and make the card show the truth."""
    texts = services.texts
    current = await services.storage.tickets.get(ticket.id) or ticket
    name = current.assignee_name or "?"
    if current.status == "deleted":
        answer = texts.plain("card_answer_deleted")
    elif current.status == "taken" and current.assignee_id == query.from_user.id:
        answer = texts.plain("card_answer_already_taken_self")
    elif current.status == "taken":
        answer = texts.plain("card_answer_already_taken", name=name)
    elif current.status == "done":
        answer = texts.plain("card_answer_already_done", name=name)
    else:
        answer = texts.plain("card_answer_already_open")
    await query.answer(answer[:200])
    if current.card_message_id is not None:
        await queue.enqueue_card_update(services, current)
        services.wake_outbox()


async def _remove_duplicate(message: Message) -> None:
    """Delete a duplicate card (a send that timed out but arrived); else strip its buttons."""
    try:
        await message.delete()
    except TelegramError:
        try:
            await message.edit_reply_markup(reply_markup=None)
        except TelegramError as exc:
            log.info("duplicate card %s not removed: %s", message.message_id, type(exc).__name__)


def _not_yours(op: str, ticket: Ticket, user_id: int, texts: Texts) -> str | None:
    """Who may press what on a taken card: only the assignee hands it back, only a colleague
    takes it over. The answer for anyone else, or None."""
    if ticket.status != "taken":
        return None  # change_status refuses and _refused_answer says why
    name = ticket.assignee_name or "?"
    if op == "release" and ticket.assignee_id != user_id:
        return texts.plain("card_answer_release_not_yours", name=name)
    if op == "over" and ticket.assignee_id == user_id:
        return texts.plain("card_answer_already_taken_self")
    return None


def _success(op: str, new: str, before: Ticket, texts: Texts) -> str:
    if op == "release":
        return texts.plain("card_answer_released")
    if op == "over":
        return texts.plain("card_answer_over", name=before.assignee_name or "?")
    return texts.plain(f"card_answer_{new}")


async def on_card_button(query: CallbackQuery, parsed: Callback, services: Services) -> None:
    """Übernehmen / Abgeben / Erledigt / Wieder öffnen on a card: team chat and team members only.

    The change is conditional on the current status (two presses at once: one wins, the other
    is told). On success the card is re-rendered and the requester notified, via the outbox.
    """
    texts = services.texts
    message: MaybeInaccessibleMessage | None = query.message
    user = query.from_user
    if (
        not isinstance(message, Message)
        or not in_team_chat(message.chat.id, services)
        or not is_team_member(user, services)
        or parsed.id is None
        or parsed.op not in CARD_OPS
    ):
        log.info("card button refused: user=%s", user.id)
        await query.answer(texts.plain("team_not_allowed"))
        return
    tickets = services.storage.tickets
    ticket = await tickets.get(parsed.id)
    if ticket is None:
        await query.answer(texts.plain("card_answer_unknown"))
        return
    is_card = (ticket.card_chat_id, ticket.card_message_id) == (message.chat.id, message.message_id)
    carries_buttons = is_bot_message(message) and parsed.id in card_ticket_ids(message)
    if not is_card and not carries_buttons:
        log.info("card button with foreign data refused: user=%s ticket=%d", user.id, ticket.id)
        await query.answer(texts.plain("team_not_allowed"))
        return
    duplicate = False
    if not is_card and ticket.card_message_id is None:
        # The card's send timed out but arrived: adopt it, so the worker edits it, not reposts.
        await tickets.set_card(ticket.id, message.chat.id, message.message_id)
    elif not is_card:
        duplicate = True
    refusal = _not_yours(parsed.op, ticket, user.id, texts)
    if refusal is not None:
        await query.answer(refusal[:200])
        return
    expected, new = CARD_OPS[parsed.op]
    changed = await tickets.change_status(
        ticket.id, expected, new, user.id, user.full_name, services.clock()
    )
    if changed is None:
        await _refused_answer(query, ticket, services)
    else:
        await query.answer(
            texts.plain("card_answer_duplicate") if duplicate else _success(parsed.op, new, ticket,
                                                                             texts)
        )
        await queue.enqueue_card_update(services, changed)
        notice = status_notice(changed, user.first_name, texts)
        if notice is not None and changed.chat_id is not None:
            port = services.outbound_for(changed.channel)
            note = port.notification(requester(changed.channel, changed.chat_id), notice)
            await queue.enqueue(services, note, ticket_id=changed.id)
            port.wake()
        services.wake_outbox()
    if duplicate:
        await _remove_duplicate(message)
