"""The composition root: the services every door shares (Telegram, the web, the offline chat),
the conversation core, and the web door's wiring (bot/web/composition.py).

The services are built once per process, in the Telegram application's post_init
(bot/tg/app.py builds the application around them); the web door is built on them there too
(bot/cli/webserve.py only starts and stops it).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from bot.answering_factory import build_answerer
from bot.config import Settings
from bot.conversation.core import ConversationCore
from bot.delivery.mail_worker import MailWorker
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

if TYPE_CHECKING:
    from aiohttp import web


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
    # Web requesters' rows go through the same worker, into the web door's mailboxes; with
    # mail on, a team reply also queues its e-mail (started with the application).
    mail = build_reply_mail(settings, storage, texts, clock)
    services.reply_mail = mail
    services.outbound["web"] = WebRowOutbound(lambda: services.wake_outbox(),
                                              mail.wake if mail is not None else None)
    return services


def build_reply_mail(settings: Settings, storage: Storage, texts: Texts, clock: Clock,
                     env: Mapping[str, str] | None = None) -> MailWorker | None:
    """The reply e-mail's worker, when mail is enabled (config validation ensures
    web.public_url)."""
    if not settings.mail.enabled or not settings.web.public_url:
        return None
    # The password only from the environment: config files get copied, shown and committed.
    password = (os.environ if env is None else env).get("MAIL_PASSWORD") or None
    mailer = ReplyMailer(settings.mail, settings.web.public_url, storage.request_links, texts,
                         clock, password=password)
    return MailWorker(mailer, storage.mail_jobs, storage.tickets, clock)


def build_conversation(services: Services) -> ConversationCore:
    """The conversation core every door hands its users' events to."""
    return ConversationCore(services)


def build_web_app(services: Services) -> web.Application:
    """The web door around the one core (as for Telegram), wired to the shared services."""
    # Imported here: the core and the other doors load without aiohttp (the web door's edge).
    from bot.web.composition import compose_web_app

    return compose_web_app(services, build_conversation(services))
