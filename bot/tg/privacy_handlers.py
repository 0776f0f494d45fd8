"""Privacy commands: /datenschutz (full notice), /meinedaten, /loeschen."""

from __future__ import annotations

from telegram import Message, Update, User
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.callbacks import Callback
from bot.tg.services import Services, get_services


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


async def cmd_my_data(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/meinedaten (built with the data-rights issue)."""


async def cmd_delete(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/loeschen (built with the data-rights issue)."""


async def on_privacy_button(
    message: Message, user: User, parsed: Callback, services: Services
) -> None:
    """Confirmation buttons of /loeschen (built with the data-rights issue)."""
