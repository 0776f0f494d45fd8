"""The services handlers use, built once by the composition root and found via the context."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from telegram.ext import ContextTypes

from bot.answering import Answerer
from bot.config import Settings
from bot.dialogue import DialogueEngine
from bot.knowledge import KnowledgeBase
from bot.localtime import utc_now
from bot.ratelimit import UserRateLimiter
from bot.storage import Storage
from bot.team.team_link import TeamLinkMemory
from bot.texts import TEXTS_DIR, Texts

SERVICES_KEY = "services"


@dataclass
class Services:
    settings: Settings
    kb: KnowledgeBase
    texts: Texts
    answerer: Answerer
    storage: Storage
    dialogue: DialogueEngine
    clock: Callable[[], dt.datetime] = utc_now
    bot_username: str = ""
    team_chat_id: int | None = None
    rate_limiter: UserRateLimiter = field(default_factory=lambda: UserRateLimiter(10, 30))
    wake_outbox: Callable[[], None] = lambda: None  # set by the delivery worker
    extras: dict[str, Any] = field(default_factory=dict)
    # The knowledge files as last loaded, and the phrasings the team taught on top of them
    # (entry id, text): kb is the one built from both (tg.team.reload).
    knowledge_files: KnowledgeBase | None = None
    taught: tuple[tuple[str, str], ...] = ()
    # Texts waiting for "is this for the team?" (bot.team.team_link), in memory only.
    team_links: TeamLinkMemory = field(default_factory=TeamLinkMemory)
    texts_dir: Path = TEXTS_DIR  # where /reload reads the texts again


def get_services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    services = context.bot_data.get(SERVICES_KEY)
    if not isinstance(services, Services):
        raise RuntimeError("services are not initialised (post_init did not run)")
    return services
