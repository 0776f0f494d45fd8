"""Handlers of the request dialogue. The draft is written to SQLite on every step."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import logging

from telegram import CallbackQuery, Message, Update, User
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.callbacks import Callback
from bot.delivery import queue
from bot.dialogue import DialogueState, Outcome
from bot.replies import Reply
from bot.storage.models import Draft
from bot.tg import jobs, outgoing
from bot.tg.render import send_reply
from bot.tg.services import Services, get_services

log = logging.getLogger(__name__)


def _ttl(services: Services) -> dt.timedelta:
    return dt.timedelta(days=services.settings.requests.draft_ttl_days)


async def _send(bot_message: Message, chat_id: int, text: str) -> None:
    await outgoing.send_html(bot_message.get_bot(), chat_id, text)


def _state(draft: Draft) -> DialogueState:
    return DialogueState.from_data(draft.step, draft.data, draft.return_to_summary)


async def active_draft(services: Services, user_id: int) -> Draft | None:
    """The user's draft, or None; an expired draft is removed on the spot and its owner told
    (the hourly job may not have come by yet; whichever deletes it tells)."""
    draft = await services.storage.drafts.get(user_id)
    if draft is not None and draft.expires_at <= services.clock():
        if await services.storage.drafts.delete(user_id):
            await jobs.tell_draft_expired(services, draft)
        return None
    return draft


async def _save(services: Services, draft: Draft, state: DialogueState) -> Draft | None:
    shown = dt.datetime.fromisoformat(state.notice_shown_at) if state.notice_shown_at else None
    updated = dataclasses.replace(
        draft,
        step=state.step,
        data=state.to_data(),
        return_to_summary=state.return_to_summary,
        notice_shown_at=shown,
        notice_version=state.notice_version,
    )
    return await services.storage.drafts.save(updated, services.clock(), ttl=_ttl(services))


async def _show_prompt(
    message: Message, services: Services, draft: Draft, lead_key: str = "req_progress"
) -> None:
    state = _state(draft)
    await send_reply(message, services.dialogue.prompt(state, draft.id, lead_key=lead_key))


async def start(
    message: Message, user: User, services: Services, kind_hint: str | None = None
) -> None:
    """Starts the request dialogue (with the kind the user already named preselected), or
    resumes the user's draft at the step they left."""
    draft = await active_draft(services, user.id)
    if draft is not None:
        number, total = services.dialogue.position(_state(draft))
        await _send(
            message, message.chat_id, services.texts.render("req_resume", step=number, total=total)
        )
        await _show_prompt(message, services, draft)
        return
    open_count = await services.storage.tickets.count_open_for_user(user.id, "request")
    if open_count >= services.settings.requests.max_open_per_user:
        await _send(
            message, message.chat_id, services.texts.render("req_too_many_open", count=open_count)
        )
        return
    state = services.dialogue.start(kind_hint)
    draft = await services.storage.drafts.create(
        user.id, message.chat_id, state.step, services.clock(), _ttl(services)
    )
    if state.answers:  # the preselected kind
        draft = await _save(services, draft, state) or draft
    log.info("dialogue started draft=%d", draft.id)
    ttl_days = services.settings.requests.draft_ttl_days
    await _send(message, message.chat_id, services.dialogue.intro(ttl_days, state))
    await _show_prompt(message, services, draft)


async def cmd_request(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/anfrage in a private chat: start or resume the request dialogue."""
    message = update.message
    if message is not None and message.from_user is not None:
        await start(message, message.from_user, get_services(context))


async def cmd_cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/abbrechen: deletes the draft (nothing personal is kept)."""
    message = update.message
    if message is None or message.from_user is None:
        return
    services = get_services(context)
    deleted = await services.storage.drafts.delete(message.from_user.id)
    key = "req_cancelled" if deleted else "req_nothing_to_cancel"
    await _send(message, message.chat_id, services.texts.render(key))


async def handle_text(message: Message, services: Services) -> bool:
    """A typed answer to the current step; False when the user has no active draft."""
    if message.from_user is None or message.text is None:
        return False
    draft = await active_draft(services, message.from_user.id)
    if draft is None:
        return False

    def answer_question(text: str, strict: bool) -> Reply | None:
        # Where the text is also a fine answer to the step ("Wie stärken wir das Engagement im
        # Dorf?" as the need on site), only a sure match interrupts the dialogue.
        floor = services.settings.matching.interrupt_threshold if strict else 0.0
        return services.answerer.sure_answer(text, floor)

    outcome = services.dialogue.on_text(_state(draft), message.text, answer_question)
    await _apply(message, services, draft, outcome, pressed=None)
    return True


async def on_contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A shared Telegram contact counts as the phone number, if it is the sender's own."""
    message = update.message
    if message is None or message.contact is None or message.from_user is None:
        return
    services = get_services(context)
    draft = await active_draft(services, message.from_user.id)
    if draft is None:
        await _send(message, message.chat_id, services.texts.render("non_text"))
        return
    own = message.contact.user_id == message.from_user.id
    outcome = services.dialogue.on_shared_contact(_state(draft), message.contact.phone_number, own)
    await _apply(message, services, draft, outcome, pressed=None)


async def on_button(query: CallbackQuery, parsed: Callback, services: Services) -> None:
    """A dialogue button: only the current revision of the user's own draft counts."""
    message = query.message
    if not isinstance(message, Message) or parsed.id is None or parsed.op is None:
        await query.answer(services.texts.plain("stale_button"))
        return
    draft = await active_draft(services, query.from_user.id)
    if draft is None or draft.id != parsed.id:
        ticket = await services.storage.tickets.get_by_draft(parsed.id)
        if ticket is not None and ticket.user_id == query.from_user.id:
            await query.answer(services.texts.plain("req_already_sent", ref=ticket.ref))
        else:
            await query.answer(services.texts.plain("stale_button"))
        await _drop_keyboard(message)
        return
    if _state(draft).turn != parsed.rev:
        await query.answer(services.texts.plain("stale_button"))
        await _drop_keyboard(message)
        await _show_prompt(message, services, draft, lead_key="req_progress")
        return
    await query.answer()
    outcome = services.dialogue.on_op(_state(draft), parsed.op, parsed.arg)
    await _apply(message, services, draft, outcome, pressed=message)


async def _drop_keyboard(message: Message) -> None:
    # Already without buttons, or too old to edit: nothing to do.
    with contextlib.suppress(BadRequest):
        await outgoing.drop_buttons(message.get_bot(), message.chat_id, message.message_id)


async def _mark_pressed(message: Message, services: Services, chosen: str | None) -> None:
    """Replace the used buttons by the choice, so old buttons cannot be pressed again."""
    try:
        bot = message.get_bot()
        if chosen and message.text_html:
            note = services.dialogue.chosen_note(message.text_html, chosen)
            await outgoing.edit_html(bot, message.chat_id, message.message_id, note)
        else:
            await outgoing.drop_buttons(bot, message.chat_id, message.message_id)
    except BadRequest:
        pass


async def _apply(
    message: Message, services: Services, draft: Draft, outcome: Outcome, pressed: Message | None
) -> None:
    chat_id = message.chat_id
    if outcome.cancelled or outcome.state is None:
        await services.storage.drafts.delete(draft.user_id)
        if pressed is not None:
            await _drop_keyboard(pressed)
        for note in outcome.notes:
            await _send(message, chat_id, note)
        log.info("dialogue cancelled draft=%d", draft.id)
        return
    if outcome.submit:
        if pressed is not None:
            await _drop_keyboard(pressed)
        await submit(message, services, draft, outcome.state)
        return
    state = outcome.state.progressed_from(_state(draft))
    notice_needed = services.dialogue.needs_notice(state)
    if notice_needed:
        state = services.dialogue.mark_notice(state, services.clock().isoformat())
    # Nothing to write for a question in between; an error only records its count. Neither
    # advances the turn, so the buttons of the prompt above stay valid.
    saved = await _save(services, draft, state) if state != _state(draft) else draft
    if saved is None:  # a concurrent update won; show what is current now
        current = await active_draft(services, draft.user_id)
        if current is not None:
            await _show_prompt(message, services, current)
        return
    if pressed is not None and outcome.edit_in_place:
        reply = services.dialogue.prompt(state, saved.id)
        try:
            await outgoing.edit_html(
                pressed.get_bot(), pressed.chat_id, pressed.message_id, reply.text, reply.buttons
            )
        except BadRequest:
            await send_reply(message, reply)
        for note in outcome.notes:
            await _send(message, chat_id, note)
        return
    if pressed is not None:
        await _mark_pressed(pressed, services, outcome.chosen)
    for note in outcome.notes:
        await _send(message, chat_id, note)
    if notice_needed:
        await _send(message, chat_id, services.texts.render(
            "req_privacy_notice", closed_days=services.settings.retention.closed_requests_days))
    if outcome.show_prompt:
        lead = "req_continue" if outcome.interrupted else "req_progress"
        await _show_prompt(message, services, saved, lead_key=lead)


async def submit(message: Message, services: Services, draft: Draft, state: DialogueState) -> None:
    """Stores the request and its team card in one transaction, then confirms with the ref."""
    data = services.dialogue.ticket_data(state)
    ticket, created = await services.storage.tickets.submit_request(
        draft, data, services.clock(), {"chat_id": queue.team_chat(services)}
    )
    key = "req_receipt" if created else "req_already_sent"
    await _send(message, message.chat_id, services.texts.render(key, ref=ticket.ref))
    if created:
        log.info("request submitted ticket=%d", ticket.id)
        services.wake_outbox()
