"""What a user hears when the database cannot store what they did (a full disk, a read-only
file), whatever the door: "nothing lost" is promised only where it is true, when their draft
is still stored."""

from __future__ import annotations

import logging

from bot.conversation.model import UserKey
from bot.conversation.users import storage_id
from bot.services import Services

log = logging.getLogger(__name__)


async def fault_text_key(services: Services, user: UserKey) -> str:
    """The text key for a user whose event failed on a database fault."""
    try:
        draft = await services.storage.drafts.get(storage_id(user), user.channel)
    except Exception:  # the database may not even read; then promise nothing
        log.info("fault notice: the draft of user=%s could not be read", user.id[:12])
        return "db_unavailable"
    return "db_unavailable" if draft is None else "db_unavailable_draft"
