"""The request dialogue in the conversation: the draft is written to SQLite on every step, and a
request is stored with its team card's outbox row in one transaction."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging

from bot.callbacks import Callback
from bot.conversation.model import Outgoing, PressIn, UserKey
from bot.conversation.users import requester, storage_id
from bot.delivery import queue
from bot.dialogue import DialogueState, Outcome
from bot.replies import Reply
from bot.services import Services
from bot.storage.models import Draft
from bot.storage.request_links import new_link_token

log = logging.getLogger(__name__)
# Relative to the web door's chat page; served by bot/web/request_page.py.
REQUEST_PAGE_PATH = "anfrage/"


def _ttl(services: Services) -> dt.timedelta:
    return dt.timedelta(days=services.settings.requests.draft_ttl_days)


def _state(draft: Draft) -> DialogueState:
    return DialogueState.from_data(draft.step, draft.data, draft.return_to_summary)


def _note(html: str) -> Outgoing:
    return Outgoing(html=html)


def _reply(reply: Reply, *, in_place: bool = False) -> Outgoing:
    return Outgoing(html=reply.text, buttons=reply.buttons, replace=in_place,
                    expects_text=reply.expects_text)


# Keep the pressed message's text, lose its buttons (old buttons cannot be pressed again).
DROP_BUTTONS = Outgoing(html="", replace=True)


async def tell_draft_owner(services: Services, draft: Draft, text: str) -> None:
    """Queue a note to the draft's owner through the door the draft was started in."""
    port = services.outbound_for(draft.channel)
    await queue.enqueue(services, port.notification(requester(draft.channel, draft.chat_id), text))
    port.wake()


async def tell_draft_expired(services: Services, draft: Draft) -> None:
    """Queue the note that the draft is gone (its owner may not be looking right now)."""
    text = services.texts.render("req_expired", days=services.settings.requests.draft_ttl_days)
    await tell_draft_owner(services, draft, text)
    log.info("draft %d expired and deleted", draft.id)


async def active_draft(services: Services, user_id: int, channel: str) -> Draft | None:
    """The user's draft, or None; an expired draft is removed on the spot and its owner told
    (the hourly job may not have come by yet; whichever deletes it tells)."""
    draft = await services.storage.drafts.get(user_id, channel)
    if draft is not None and draft.expires_at <= services.clock():
        if await services.storage.drafts.delete(user_id, channel):
            await tell_draft_expired(services, draft)
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


def _prompt(services: Services, draft: Draft, lead_key: str = "req_progress") -> Outgoing:
    return _reply(services.dialogue.prompt(_state(draft), draft.id, lead_key=lead_key))


async def start(
    services: Services, user: UserKey, kind_hint: str | None = None
) -> list[Outgoing]:
    """Starts the request dialogue (with the kind the user already named preselected), or
    resumes the user's draft at the step they left."""
    user_id = storage_id(user)
    draft = await active_draft(services, user_id, user.channel)
    if draft is not None:
        number, total = services.dialogue.position(_state(draft))
        return [
            _note(services.texts.render("req_resume", step=number, total=total)),
            _prompt(services, draft),
        ]
    open_count = await services.storage.tickets.count_open_for_user(
        user_id, "request", user.channel
    )
    if open_count >= services.settings.requests.max_open_per_user:
        return [_note(services.texts.render("req_too_many_open", count=open_count))]
    state = services.dialogue.start(kind_hint)
    draft = await services.storage.drafts.create(
        user_id, user_id, state.step, services.clock(), _ttl(services), user.channel
    )
    if state.answers:  # the preselected kind
        draft = await _save(services, draft, state) or draft
    log.info("dialogue started draft=%d", draft.id)
    ttl_days = services.settings.requests.draft_ttl_days
    return [_note(services.dialogue.intro(ttl_days, state)), _prompt(services, draft)]


async def cancel(services: Services, user: UserKey) -> list[Outgoing]:
    """/abbrechen: deletes the draft (nothing personal is kept)."""
    deleted = await services.storage.drafts.delete(storage_id(user), user.channel)
    return [_note(services.texts.render("req_cancelled" if deleted else "req_nothing_to_cancel"))]


async def on_text(services: Services, user: UserKey, text: str) -> list[Outgoing] | None:
    """A typed answer to the current step; None when the user has no active draft."""
    draft = await active_draft(services, storage_id(user), user.channel)
    if draft is None:
        return None

    def answer_question(question: str, strict: bool) -> Reply | None:
        # Where the text is also a fine answer to the step ("Wie stärken wir das Engagement im
        # Dorf?" as the need on site), only a sure match interrupts the dialogue.
        floor = services.settings.matching.interrupt_threshold if strict else 0.0
        return services.answerer.sure_answer(question, floor)

    outcome = services.dialogue.on_text(_state(draft), text, answer_question)
    return await _apply(services, draft, outcome, pressed=False)


async def on_contact(services: Services, user: UserKey, phone: str, own: bool) -> list[Outgoing]:
    """A shared contact counts as the phone number, if it is the sender's own."""
    draft = await active_draft(services, storage_id(user), user.channel)
    if draft is None:
        return [_note(services.texts.render("non_text"))]
    outcome = services.dialogue.on_shared_contact(_state(draft), phone, own)
    return await _apply(services, draft, outcome, pressed=False)


async def on_press(
    services: Services, user: UserKey, press: PressIn, parsed: Callback
) -> list[Outgoing]:
    """A dialogue button: only the current revision of the user's own draft counts."""
    stale = Outgoing(html="", toast=services.texts.plain("stale_button"))
    if parsed.id is None or parsed.op is None:
        return [stale]
    user_id = storage_id(user)
    draft = await active_draft(services, user_id, user.channel)
    if draft is None or draft.id != parsed.id:
        ticket = await services.storage.tickets.get_by_draft(parsed.id)
        if ticket is not None and (ticket.channel, ticket.user_id) == (user.channel, user_id):
            toast = services.texts.plain("req_already_sent", ref=ticket.ref)
            return [dataclasses.replace(DROP_BUTTONS, toast=toast)]
        return [dataclasses.replace(DROP_BUTTONS, toast=stale.toast)]
    if _state(draft).turn != parsed.rev:
        return [dataclasses.replace(DROP_BUTTONS, toast=stale.toast), _prompt(services, draft)]
    outcome = services.dialogue.on_op(_state(draft), parsed.op, parsed.arg)
    return await _apply(services, draft, outcome, pressed=True, shown=press.shown)


def _mark_pressed(services: Services, shown: Outgoing | None, chosen: str | None) -> Outgoing:
    """Replace the used buttons by the choice, so old buttons cannot be pressed again."""
    if chosen and shown is not None and shown.html:
        return Outgoing(html=services.dialogue.chosen_note(shown.html, chosen), replace=True)
    return DROP_BUTTONS


async def _apply(
    services: Services, draft: Draft, outcome: Outcome, *, pressed: bool,
    shown: Outgoing | None = None,
) -> list[Outgoing]:
    result: list[Outgoing] = []
    if outcome.cancelled or outcome.state is None:
        await services.storage.drafts.delete(draft.user_id, draft.channel)
        if pressed:
            result.append(DROP_BUTTONS)
        result += [_note(note) for note in outcome.notes]
        log.info("dialogue cancelled draft=%d", draft.id)
        return result
    if outcome.submit:
        if pressed:
            result.append(DROP_BUTTONS)
        result += await submit(services, draft, outcome.state)
        return result
    state = outcome.state.progressed_from(_state(draft))
    notice_needed = services.dialogue.needs_notice(state)
    if notice_needed:
        state = services.dialogue.mark_notice(state, services.clock().isoformat())
    # Nothing to write for a question in between; an error only records its count. Neither
    # advances the turn, so the buttons of the prompt above stay valid.
    saved = await _save(services, draft, state) if state != _state(draft) else draft
    if saved is None:  # a concurrent update won; show what is current now
        current = await active_draft(services, draft.user_id, draft.channel)
        return [_prompt(services, current)] if current is not None else []
    if pressed and outcome.edit_in_place:
        result.append(_reply(services.dialogue.prompt(state, saved.id), in_place=True))
        result += [_note(note) for note in outcome.notes]
        return result
    if pressed:
        result.append(_mark_pressed(services, shown, outcome.chosen))
    result += [_note(note) for note in outcome.notes]
    if notice_needed:
        result.append(_note(services.texts.render(
            "req_privacy_notice", closed_days=services.settings.retention.closed_requests_days)))
    if outcome.show_prompt:
        lead = "req_continue" if outcome.interrupted else "req_progress"
        result.append(_prompt(services, saved, lead_key=lead))
    return result


async def submit(services: Services, draft: Draft, state: DialogueState) -> list[Outgoing]:
    """Stores the request and its team card in one transaction, then confirms with the ref."""
    data = services.dialogue.ticket_data(state)
    # The web requester has no chat to come back to: a private page reaches them later. Its
    # link is stored with the request, in the same transaction.
    token = new_link_token() if draft.channel == "web" else None
    ticket, created = await services.storage.tickets.submit_request(
        draft, data, services.clock(), {"chat_id": queue.team_chat(services)}, link_token=token
    )
    key = "req_receipt" if created else "req_already_sent"
    if created:
        log.info("request submitted ticket=%d", ticket.id)
        services.wake_outbox()
    notes = [_note(services.texts.render(key, ref=ticket.ref))]
    if created and token is not None:
        notes.append(_note(services.texts.render(
            "req_receipt_link", link=f"{REQUEST_PAGE_PATH}{token}", ref=ticket.ref)))
    return notes
