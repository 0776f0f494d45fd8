"""The team chat itself: checked at start-up, and followed when it becomes a supergroup."""

from __future__ import annotations

import logging

from telegram import Bot, Update
from telegram.constants import ChatMemberStatus
from telegram.error import BadRequest, ChatMigrated, Forbidden

from bot.delivery.migration import follow_migration
from bot.tg.services import BotContext, Services
from bot.tg.team.common import in_team_chat

log = logging.getLogger(__name__)

POSTING_STATUSES = frozenset(
    {ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.MEMBER}
)


class TeamChatError(Exception):
    """The bot cannot post in the configured team chat; the message says what to do."""


def _cannot_post(chat_id: int, reason: str) -> TeamChatError:
    return TeamChatError(
        f"Der Bot kann nicht in den Team-Chat {chat_id} schreiben ({reason}). "
        "Fügen Sie den Bot der Team-Gruppe hinzu und prüfen Sie team.chat_id in der Konfiguration "
        f"(TEAM_CHAT_ID). / The bot cannot post in the team chat {chat_id} ({reason}): add the "
        "bot to the team group and check team.chat_id in the configuration."
    )


async def verify_team_chat(bot: Bot, services: Services) -> None:
    """At start-up: the team chat exists, is a group, and the bot may post there.

    A group that became a supergroup is followed (and logged); without a team chat the bot
    runs, stores requests, and their cards wait in the outbox.
    """
    chat_id = services.team_chat_id
    if chat_id is None:
        log.warning(
            "no team chat configured (team.chat_id): requests are stored and their "
            "cards wait in the outbox until one is set"
        )
        return
    try:
        try:
            chat = await bot.get_chat(chat_id)
        except ChatMigrated as exc:
            await follow_migration(services, chat_id, exc.new_chat_id)
            chat_id = exc.new_chat_id
            chat = await bot.get_chat(chat_id)
        if chat.type not in (chat.GROUP, chat.SUPERGROUP):
            raise _cannot_post(chat_id, f"chat type is {chat.type}, not a group")
        member = await bot.get_chat_member(chat_id, bot.id)
    except (BadRequest, Forbidden) as exc:
        raise _cannot_post(chat_id, str(exc)) from exc
    can_send = getattr(member, "can_send_messages", None)
    if member.status not in POSTING_STATUSES and not (
        member.status == ChatMemberStatus.RESTRICTED and can_send
    ):
        raise _cannot_post(chat_id, f"bot status is {member.status}")
    log.info("team chat %s verified (bot is %s)", chat_id, member.status)


async def on_chat_migrated(update: Update, context: BotContext) -> None:
    """The team group was upgraded to a supergroup: follow it to its new id at once.

    Telegram posts a service message with migrate_to_chat_id in the old group (and one with
    migrate_from_chat_id in the new supergroup); either is enough.
    """
    message = update.effective_message
    if message is None:
        return
    services = context.services
    if message.migrate_to_chat_id and in_team_chat(message.chat_id, services):
        await follow_migration(services, message.chat_id, message.migrate_to_chat_id)
    elif message.migrate_from_chat_id and in_team_chat(message.migrate_from_chat_id, services):
        await follow_migration(services, message.migrate_from_chat_id, message.chat_id)
