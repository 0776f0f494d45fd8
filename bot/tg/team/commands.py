"""The team's commands in the team chat: /offen, /anfrage, /export, /statistik, /hilfe."""

from __future__ import annotations

import logging

from telegram import InputFile, Update
from telegram.constants import ParseMode

from bot.localtime import local
from bot.storage import PostRef
from bot.team.export import export_csv, export_filename
from bot.team.refs import parse_ref
from bot.team.reports import open_list, stats_text, ticket_details
from bot.team.teaching import feedback_lines
from bot.tg.services import BotContext
from bot.tg.team.common import say, say_tracked, team_message

log = logging.getLogger(__name__)


async def cmd_open(update: Update, context: BotContext) -> None:
    """/offen: open requests and questions, oldest first, with age, kind, subject, assignee."""
    services = context.services
    message = team_message(update, services)
    if message is None:
        return
    tickets = await services.storage.tickets.list_open()
    failed = await services.storage.outbox.failed_tickets([t.id for t in tickets])
    zone = services.settings.zone
    await say_tracked(message, open_list(tickets, services.clock(), services.texts, zone, failed),
                      services, [PostRef(ticket_id=t.id) for t in tickets])


async def cmd_ticket(update: Update, context: BotContext) -> None:
    """/anfrage NR: one ticket's card and history (NR: A-2026-0007, a-2026-7 or just 7)."""
    services = context.services
    message = team_message(update, services)
    if message is None:
        return
    texts = services.texts
    typed = " ".join(context.args or [])
    zone = services.settings.zone
    ref = parse_ref(typed, local(services.clock(), zone).year) if typed else None
    if ref is None:
        await say(message, texts.render("team_ticket_usage"))
        return
    ticket = await services.storage.tickets.get_by_ref(ref)
    if ticket is None:
        await say(message, texts.render("team_ticket_not_found", ref=ref))
        return
    events = await services.storage.tickets.events(ticket.id)
    messages = await services.storage.messages.for_ticket(ticket.id)
    await say_tracked(message, ticket_details(ticket, events, messages, texts, zone), services,
                      [PostRef(ticket_id=ticket.id)])


async def cmd_export(update: Update, context: BotContext) -> None:
    """/export: every request and question as a CSV file for Excel."""
    services = context.services
    message = team_message(update, services)
    if message is None:
        return
    tickets = await services.storage.tickets.all_for_export()
    if not tickets:
        await say(message, services.texts.render("team_export_empty"))
        return
    content = export_csv(tickets, services.texts, services.settings.zone)
    log.info(
        "export of %d tickets requested by user=%s",
        len(tickets),
        message.from_user.id if message.from_user else None,
    )
    sent = await message.get_bot().send_document(
        message.chat_id,
        InputFile(content, filename=export_filename(services.clock(), services.settings.zone)),
        caption=services.texts.render("team_export_caption", count=len(tickets)),
        parse_mode=ParseMode.HTML,
    )
    # A file cannot be edited into a note: after an erasure it is deleted (see redaction.py).
    await services.storage.team_posts.record(
        sent.chat_id, sent.message_id, [PostRef(ticket_id=t.id) for t in tickets],
        services.clock(), mode="delete")


async def cmd_stats(update: Update, context: BotContext) -> None:
    """/statistik: counts by kind, status and month; 👍/👎 per entry."""
    services = context.services
    message = team_message(update, services)
    if message is not None:
        text = stats_text(await services.storage.tickets.stats(), services.texts)
        votes = feedback_lines(await services.storage.feedback.counts(), services.kb,
                               services.texts)
        await say(message, f"{text}\n\n{votes}" if votes else text)


async def cmd_team_help(update: Update, context: BotContext) -> None:
    """/hilfe in the team chat: the team commands and how cards work."""
    services = context.services
    message = team_message(update, services)
    if message is not None:
        await say(message, services.texts.render("team_help"))
