"""The full privacy notice with its values from the settings: one text for every door."""

from __future__ import annotations

from bot.config import Settings
from bot.texts import Texts


def privacy_notice(texts: Texts, settings: Settings) -> str:
    return texts.render(
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
