"""Data rights in the chat: /datenschutz (notice), /meinedaten (export), /loeschen (erasure)."""

from __future__ import annotations

import json
import logging
from typing import Any

from telegram import InputFile, Message, Update, User
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot import callbacks
from bot.callbacks import Callback
from bot.delivery.queue import enqueue_to_team
from bot.replies import Button
from bot.rights.counts import deletion_list
from bot.rights.summary import my_data_summary
from bot.tg.render import keyboard
from bot.tg.services import Services, get_services
from bot.tg.team.cards import refresh_card

log = logging.getLogger(__name__)


def privacy_notice(services: Services) -> str:
    settings = services.settings
    return services.texts.render(
        "privacy_full",
        operator_name=settings.operator.name,
        operator_address=settings.operator.address,
        operator_email=settings.operator.email,
        privacy_contact=settings.operator.privacy_contact,
        draft_days=settings.requests.draft_ttl_days,
        closed_days=settings.retention.closed_requests_days,
        question_days=settings.retention.question_log_days,
        outbox_days=settings.retention.delivered_outbox_days,
    )


async def cmd_privacy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/datenschutz: the full privacy notice, with operator data from the configuration."""
    message = update.message
    if message is not None:
        await message.get_bot().send_message(
            message.chat_id, privacy_notice(get_services(context)), parse_mode=ParseMode.HTML
        )


def purposes(services: Services) -> dict[str, Any]:
    """What each kind of stored data is for and how long it is kept (part of the export)."""
    settings = services.settings
    return {
        "verantwortlich": settings.operator.name,
        "zwecke": {
            "drafts": "Fortsetzen einer begonnenen Anfrage",
            "tickets": "Bearbeitung Ihrer Anfragen und Fragen durch das Team",
            "pending_notifications": "Zustellung von Nachrichten zwischen Ihnen und dem Team",
            "questions": "Beantwortung und Verbesserung der Antworten des Assistenten",
            "feedback": "Ihre Rückmeldungen (👍/👎) zur Verbesserung der Antworten",
        },
        "speicherdauer_tage": {
            "drafts": settings.requests.draft_ttl_days,
            "tickets_nach_abschluss": settings.retention.closed_requests_days,
            "questions": settings.retention.question_log_days,
            "feedback": settings.retention.question_log_days,
            "zugestellte_benachrichtigungen": settings.retention.delivered_outbox_days,
        },
        "rechte": "Auskunft (/meinedaten), Löschung (/loeschen), Berichtigung, Einschränkung, "
        "Widerspruch, Beschwerde bei einer Aufsichtsbehörde",
    }


async def cmd_my_data(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/meinedaten: everything stored about the user as a JSON file, with purposes and retention."""
    message = update.message
    if message is None or message.from_user is None:
        return
    services = get_services(context)
    data = await services.storage.privacy.export_user(message.from_user.id)
    document = {"erstellt": services.clock().isoformat(), **purposes(services), "daten": data}
    payload = json.dumps(document, ensure_ascii=False, indent=2, default=str).encode("utf-8")
    log.info("data export for user %s", message.from_user.id)
    bot = message.get_bot()
    await bot.send_document(
        message.chat_id,
        InputFile(payload, filename="meine-daten.json"),
        caption=services.texts.plain("my_data_caption"),
    )
    await bot.send_message(message.chat_id,
                           my_data_summary(data, services.settings, services.texts),
                           parse_mode=ParseMode.HTML)


async def cmd_delete(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/loeschen: asks for confirmation before deleting everything about the user."""
    message = update.message
    if message is None or message.from_user is None:
        return
    services = get_services(context)
    texts = services.texts
    rows = (
        (
            Button(texts.plain("delete_btn_yes"), callbacks.privacy("del")),
            Button(texts.plain("delete_btn_no"), callbacks.privacy("keep")),
        ),
    )
    counts = await services.storage.privacy.counts(message.from_user.id)
    if not counts.anything:
        await message.get_bot().send_message(message.chat_id, texts.render("delete_nothing"))
        return
    text = texts.render("delete_confirm", items=deletion_list(counts, texts))
    if counts.requests or counts.team_questions:
        text += " " + texts.render("delete_confirm_tickets")
    await message.get_bot().send_message(
        message.chat_id, text, parse_mode=ParseMode.HTML, reply_markup=keyboard(rows)
    )


async def erase_user(services: Services, user_id: int) -> list[str]:
    """Delete the user's data, redact the team's cards, tell the team; returns affected refs."""
    tickets = await services.storage.privacy.delete_user(user_id, services.clock())
    services.team_links.forget(user_id)  # a text waiting for "is this for the team?"
    refs = [t.ref for t in tickets]
    for ticket in tickets:
        tombstone = await services.storage.tickets.get(ticket.id)
        if tombstone is not None and tombstone.card_message_id is not None:
            await refresh_card(services, tombstone)
    if refs:
        await enqueue_to_team(services, services.texts.render("delete_team_notice",
                                                              refs=", ".join(refs)))
    # Deleted rows must not linger in free pages or the write-ahead log.
    await services.storage.db.checkpoint_and_vacuum()
    services.wake_outbox()
    log.info("user %s erased: %d tickets", user_id, len(refs))
    return refs


async def on_privacy_button(
    message: Message, user: User, parsed: Callback, services: Services
) -> None:
    """The confirmation buttons of /loeschen."""
    texts = services.texts
    await message.edit_reply_markup(reply_markup=None)
    if parsed.op != "del":
        await message.get_bot().send_message(message.chat_id, texts.render("delete_kept"))
        return
    counts = await services.storage.privacy.counts(user.id)
    refs = await erase_user(services, user.id)
    key = "delete_done_team" if refs else "delete_done" if counts.anything else "delete_nothing"
    await message.get_bot().send_message(message.chat_id, texts.render(key))
