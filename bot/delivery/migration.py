"""The team group became a supergroup (new chat id): follow it everywhere at once."""

from __future__ import annotations

import logging

from bot.services import Services

log = logging.getLogger(__name__)

TEAM_FILTER_KEY = "team_chat_filter"  # bot_data: the filters.Chat of the team handlers


async def follow_migration(services: Services, old_chat_id: int, new_chat_id: int) -> None:
    """Point the services, stored cards, pending outbox rows and the handler filter at the new id.

    Idempotent: a second report of the same migration changes nothing.
    """
    if services.team_chat_id == old_chat_id:
        services.team_chat_id = new_chat_id
    await services.storage.tickets.migrate_chat(old_chat_id, new_chat_id)
    if services.team_filter is not None:
        services.team_filter.add_chat_ids(new_chat_id)
    log.warning("team chat migrated from %s to %s: set team.chat_id to %s in the configuration",
                old_chat_id, new_chat_id, new_chat_id)
