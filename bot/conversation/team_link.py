"""The requester's side of the link with the team: a question sent to the team, replies to the
team's messages, and (bot.team.team_link's rule) the question whether a text written soon after
a team message is meant for the team."""

from __future__ import annotations

import logging

from bot import callbacks
from bot.callbacks import Callback
from bot.conversation import qa
from bot.conversation.model import Outgoing, PressIn, TextIn, UserKey
from bot.conversation.users import storage_id
from bot.delivery import queue
from bot.replies import Button
from bot.services import Services
from bot.storage.models import Ticket
from bot.team.notices import user_message_for_team
from bot.team.refs import refs_in
from bot.team.team_link import should_ask, window_start

log = logging.getLogger(__name__)


async def question_to_team(services: Services, user: UserKey, question_id: int) -> Outgoing:
    """The fallback's "Frage an das Team senden": the logged question becomes a ticket (F-…).

    Only the user who asked it can send it; pressing twice sends it once.
    """
    texts = services.texts
    user_id = storage_id(user)
    logged = await services.storage.questions.get(question_id)
    if logged is None or (logged.channel, logged.user_id) != (user.channel, user_id):
        log.info("question %d not sendable by user=%s", question_id, user.id)
        return Outgoing(html=texts.render("stale_button"))
    now = services.clock()
    ticket = await services.storage.tickets.create_question(
        user_id, user_id, logged.text, now, {"chat_id": queue.team_chat(services)},
        question_id=question_id, channel=user.channel,
    )
    if ticket.created_at == now:
        log.info("question %d became ticket %d", question_id, ticket.id)
        services.wake_outbox()
        return Outgoing(html=texts.render("question_sent", ref=ticket.ref))
    return Outgoing(html=texts.render("question_already_sent", ref=ticket.ref))


async def _replied_ticket(services: Services, user: UserKey, event: TextIn) -> Ticket | None:
    """The ticket of the team message the user answers: a linked message in their chat, or the
    one request a message of ours names by its ref (sent before the worker linked it, or never
    linked)."""
    if event.reply_to is None or not event.reply_to.isdigit():
        return None
    storage = services.storage
    ticket_id = await storage.messages.ticket_for_message(
        user.channel, storage_id(user), int(event.reply_to))
    if ticket_id is not None:
        return await storage.tickets.get(ticket_id)
    found = refs_in(event.quoted) if event.quoted is not None else set()
    if len(found) != 1:
        return None
    return await storage.tickets.get_by_ref(found.pop())


async def user_reply(services: Services, user: UserKey, event: TextIn) -> Outgoing | None:
    """A requester answers a "Nachricht vom Team": pass it to the team as a reply to the card.

    None (not handled) when the answered message belongs to no live ticket of theirs.
    """
    user_id = storage_id(user)
    ticket = await _replied_ticket(services, user, event)
    if (ticket is None or ticket.status == "deleted"
            or (ticket.channel, ticket.user_id) != (user.channel, user_id)):
        return None
    text = user_message_for_team(ticket, event.sender_name, event.text, services.texts)
    stored = await services.storage.messages.add(
        ticket.id, "to_team", event.text, user_id, event.sender_name, services.clock(),
        notify=queue.to_team(services, text),
    )
    if stored is None:  # erased meanwhile (/loeschen)
        return None
    services.wake_outbox()
    log.info("user reply to ticket %d queued for the team", ticket.id)
    return Outgoing(html=services.texts.render("team_user_reply_sent", ref=ticket.ref))


async def offer(services: Services, user: UserKey, text: str) -> list[Outgoing] | None:
    """A free text: if the requester's team conversation is recent, keep the text and ask
    whether it is for the team; None when not (then it is a question)."""
    now = services.clock()
    since = window_start(now, services.settings.requests.reply_window_days)
    if since is None:
        return None
    memory = services.team_links
    if user in memory.quiet:
        return None
    recent = await services.storage.messages.latest_to_user(user.channel, storage_id(user), since)
    if recent is None:
        memory.quiet.add(user)
        return None
    if not should_ask(recent, memory.declined.get(user)):
        return None
    if not memory.keep(user, recent, text, now):
        return []  # the buttons are already shown; the text joined the waiting one
    texts = services.texts
    row = (Button(texts.plain("team_link_btn_yes"), callbacks.team_link(recent.ticket_id, "yes")),
           Button(texts.plain("team_link_btn_no"), callbacks.team_link(recent.ticket_id, "no")))
    log.info("asked user=%s whether a text is for ticket %d", user.id, recent.ticket_id)
    return [Outgoing(html=texts.render("team_link_question", ref=recent.ref), buttons=(row,))]


async def on_press(
    services: Services, user: UserKey, press: PressIn, parsed: Callback
) -> list[Outgoing]:
    """"Ja, an das Team": pass the kept text on as a reply to the card; "Nein": answer it as a
    question and do not ask again about the same team message."""
    texts = services.texts
    now = services.clock()
    user_id = storage_id(user)
    kept = services.team_links.take(user, parsed.id, now) if parsed.id is not None else None
    if kept is None:
        return [Outgoing(html="", toast=texts.plain("stale_button"))]
    drop = Outgoing(html="", replace=True)  # the answer counts; the buttons go
    if parsed.op == "no":
        services.team_links.decline(user, kept.message_id)
        return [drop, await qa.answer(services, user, kept.text)]
    storage = services.storage
    ticket = await storage.tickets.get(kept.ticket_id)
    stored = None
    if (ticket is not None and ticket.status != "deleted"
            and (ticket.channel, ticket.user_id) == (user.channel, user_id)):
        text = user_message_for_team(ticket, press.sender_name, kept.text, texts)
        stored = await storage.messages.add(
            ticket.id, "to_team", kept.text, user_id, press.sender_name, now,
            notify=queue.to_team(services, text),
        )
    if stored is None:
        return [drop, Outgoing(html=texts.render("stale_button"))]
    services.wake_outbox()
    log.info("kept text of user=%s queued for the team, ticket %d", user.id, kept.ticket_id)
    return [drop, Outgoing(html=texts.render("team_user_reply_sent", ref=kept.ref))]
