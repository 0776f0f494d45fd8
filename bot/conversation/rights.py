"""Data rights in the conversation: /datenschutz (notice), /meinedaten (export), /loeschen
(erasure, after a confirmation)."""

from __future__ import annotations

import json
import logging
from typing import Any

from bot import callbacks
from bot.callbacks import Callback
from bot.conversation.model import Attachment, Outgoing, UserKey
from bot.conversation.users import storage_id
from bot.delivery.queue import enqueue_card_update, enqueue_to_team
from bot.privacy_notice import privacy_notice as render_privacy_notice
from bot.replies import Button
from bot.rights.counts import deletion_list
from bot.rights.summary import my_data_summary
from bot.services import Services

log = logging.getLogger(__name__)


def privacy_notice(services: Services) -> str:
    return render_privacy_notice(services.texts, services.settings)


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


async def my_data(services: Services, user: UserKey) -> list[Outgoing]:
    """/meinedaten: everything stored about the user as a JSON file, with purposes and
    retention, then a short summary."""
    user_id = storage_id(user)
    data = await services.storage.privacy.export_user(user_id, user.channel)
    document = {"erstellt": services.clock().isoformat(), **purposes(services), "daten": data}
    payload = json.dumps(document, ensure_ascii=False, indent=2, default=str).encode("utf-8")
    log.info("data export for user %s", user_id)
    return [
        Outgoing(
            html=services.texts.render("my_data_caption"),
            attachment=Attachment("meine-daten.json", payload, "application/json"),
        ),
        Outgoing(html=my_data_summary(data, services.settings, services.texts)),
    ]


async def ask_delete(services: Services, user: UserKey) -> list[Outgoing]:
    """/loeschen: asks for confirmation before deleting everything about the user."""
    texts = services.texts
    counts = await services.storage.privacy.counts(storage_id(user), user.channel)
    if not counts.anything:
        return [Outgoing(html=texts.render("delete_nothing"))]
    text = texts.render("delete_confirm", items=deletion_list(counts, texts))
    if counts.requests or counts.team_questions:
        text += " " + texts.render("delete_confirm_tickets")
    rows = (
        (
            Button(texts.plain("delete_btn_yes"), callbacks.privacy("del")),
            Button(texts.plain("delete_btn_no"), callbacks.privacy("keep")),
        ),
    )
    return [Outgoing(html=text, buttons=rows)]


async def erase_user(services: Services, user: UserKey) -> list[str]:
    """Delete the user's data, redact the team's cards, tell the team; returns affected refs."""
    user_id = storage_id(user)
    tickets = await services.storage.privacy.delete_user(user_id, services.clock(), user.channel)
    services.team_links.forget(user)  # a text waiting for "is this for the team?"
    refs = [t.ref for t in tickets]
    for ticket in tickets:
        tombstone = await services.storage.tickets.get(ticket.id)
        if tombstone is not None and tombstone.card_message_id is not None:
            await enqueue_card_update(services, tombstone)
    if refs:
        await enqueue_to_team(services, services.texts.render("delete_team_notice",
                                                              refs=", ".join(refs)))
    # Deleted rows must not linger in free pages or the write-ahead log.
    await services.storage.db.checkpoint_and_vacuum()
    services.wake_outbox()
    log.info("user %s erased: %d tickets", user_id, len(refs))
    return refs


async def on_press(services: Services, user: UserKey, parsed: Callback) -> list[Outgoing]:
    """The confirmation buttons of /loeschen."""
    texts = services.texts
    drop = Outgoing(html="", replace=True)
    if parsed.op != "del":
        return [drop, Outgoing(html=texts.render("delete_kept"))]
    counts = await services.storage.privacy.counts(storage_id(user), user.channel)
    refs = await erase_user(services, user)
    key = "delete_done_team" if refs else "delete_done" if counts.anything else "delete_nothing"
    return [drop, Outgoing(html=texts.render(key))]
