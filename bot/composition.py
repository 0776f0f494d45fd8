"""The wiring of the services every door shares (Telegram, the web, the offline chat).

Built once per process by the door's composition root (bot/tg/app.py builds the Telegram
application around them); nothing here knows a door.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

from bot.answering_factory import build_answerer
from bot.config import Settings
from bot.conversation.core import ConversationCore
from bot.delivery.outbound import TelegramOutbound
from bot.delivery.reply_mail import ReplyMailer
from bot.delivery.web_outbound import WebRowOutbound
from bot.dialogue import DialogueEngine
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.localtime import Clock, utc_now
from bot.ratelimit import UserRateLimiter
from bot.services import Services
from bot.storage import Storage
from bot.texts import Texts


def build_services(
    settings: Settings,
    storage: Storage,
    texts: Texts,
    clock: Clock = utc_now,
    kb: KnowledgeBase | None = None,
    taught: Sequence[tuple[str, str]] = (),
) -> Services:
    files = kb or load_knowledge(settings.knowledge.path)
    answerer = build_answerer(settings, texts=texts, clock=clock, files=files, taught=taught)
    kb = answerer.kb
    dialogue = DialogueEngine(texts, notice_version=texts.raw("privacy_version"))
    services = Services(
        settings=settings,
        kb=kb,
        texts=texts,
        answerer=answerer,
        storage=storage,
        dialogue=dialogue,
        clock=clock,
        team_chat_id=settings.team.chat_id,
        rate_limiter=UserRateLimiter(settings.limits.burst, settings.limits.per_minute),
        knowledge_files=files,
        taught=tuple(taught),
    )
    # Telegram's deliverer is the outbox worker; it sets services.wake_outbox when it starts.
    services.outbound["telegram"] = TelegramOutbound(lambda: services.wake_outbox())
    # Web requesters' rows go through the same worker, into the web door's mailboxes.
    web = WebRowOutbound(lambda: services.wake_outbox())
    services.outbound["web"] = web
    web.mailer = build_reply_mailer(settings, storage, texts, clock)
    return services


def build_reply_mailer(settings: Settings, storage: Storage, texts: Texts, clock: Clock,
                       env: Mapping[str, str] | None = None) -> ReplyMailer | None:
    """The reply e-mail, when mail is enabled (config validation ensures web.public_url)."""
    if not settings.mail.enabled or not settings.web.public_url:
        return None
    # The password only from the environment: config files get copied, shown and committed.
    password = (os.environ if env is None else env).get("MAIL_PASSWORD") or None
    return ReplyMailer(settings.mail, settings.web.public_url, storage.request_links, texts,
                       clock, password=password)


def build_conversation(services: Services) -> ConversationCore:
    """The conversation core every door hands its users' events to."""
    return ConversationCore(services)
