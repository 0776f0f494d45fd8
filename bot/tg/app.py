"""The composition root: builds the Application, its services and its handlers, in one place."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from typing import Any

from telegram import BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat, Update
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest, HTTPXRequest

from bot.composition import build_services
from bot.config import RateLimitSettings, Settings
from bot.delivery.migration import TEAM_FILTER_KEY
from bot.knowledge import KnowledgeBase
from bot.localtime import Clock, utc_now
from bot.storage import Storage
from bot.texts import load_texts
from bot.tg import (
    door,
    errors,
    group_handlers,
    guard,
    jobs,
    qa,
    router,
    shutdown,
    teaching_handlers,
)
from bot.tg.concurrency import PerChatUpdateProcessor
from bot.tg.http import AiohttpRequest
from bot.tg.polling import SafeBot
from bot.tg.services import CONTEXT_TYPES, SERVICES_KEY, Services
from bot.tg.team import chat_check, commands, replies
from bot.tg.team.reload import cmd_reload, reload_all

log = logging.getLogger(__name__)

OFFLINE_TOKEN = "123456:OFFLINE"

PRIVATE_COMMANDS = [
    ("start", "Menü und Begrüßung"),
    ("anfrage", "Beratung oder Workshop anfragen"),
    ("hilfe", "Was der Assistent kann"),
    ("abbrechen", "Laufende Anfrage abbrechen"),
    ("datenschutz", "Hinweise zum Datenschutz"),
    ("meinedaten", "Meine gespeicherten Daten"),
    ("loeschen", "Meine Daten löschen"),
]
# The private commands the conversation core answers (with their English aliases).
CORE_COMMANDS = ["start", "hilfe", "help", "anfrage", "abbrechen", "cancel", "datenschutz",
                 "meinedaten", "loeschen"]
TEAM_COMMANDS = [
    ("offen", "Offene Anfragen und Fragen"),
    ("anfrage", "Details zu einer Anfrage: /anfrage A-2026-0001"),
    ("export", "CSV-Export der Anfragen"),
    ("statistik", "Zahlen nach Art, Status und Monat"),
    ("unbeantwortet", "Fragen zum Nachschärfen: dem Bot beibringen"),
    ("reload", "Texte und Wissensbasis neu laden"),
]


def register_handlers(app: Application[Any, Any, Any, Any, Any, Any], settings: Settings) -> None:
    """All handlers in one ordered list. Within group 0 only the first match runs."""
    private = filters.ChatType.PRIVATE
    new_msg = filters.UpdateType.MESSAGE
    team_chat = filters.Chat(chat_id=settings.team.chat_id) if settings.team.chat_id else None

    handlers: list[Any] = [
        ChatMemberHandler(group_handlers.on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER),
        CallbackQueryHandler(router.on_callback),
        # Private commands.
        CommandHandler(CORE_COMMANDS, door.on_command, filters=private & new_msg),
    ]
    if team_chat is not None:
        team = team_chat & new_msg
        handlers += [
            CommandHandler("offen", commands.cmd_open, filters=team),
            CommandHandler("anfrage", commands.cmd_ticket, filters=team),
            CommandHandler("export", commands.cmd_export, filters=team),
            CommandHandler("statistik", commands.cmd_stats, filters=team),
            CommandHandler("unbeantwortet", teaching_handlers.cmd_unanswered, filters=team),
            CommandHandler("reload", cmd_reload, filters=team),
            CommandHandler(["hilfe", "help", "start"], commands.cmd_team_help, filters=team),
            MessageHandler(team & filters.REPLY & ~filters.COMMAND, replies.on_team_reply),
        ]
    handlers += [
        # Private messages: the dialogue's contact button, then text, then the rest.
        MessageHandler(private & new_msg & filters.CONTACT, door.on_contact),
        MessageHandler(private & new_msg & filters.TEXT & ~filters.COMMAND, door.on_private_text),
        MessageHandler(private & new_msg & filters.COMMAND, qa.on_unknown_command),
        MessageHandler(private & filters.UpdateType.EDITED_MESSAGE, qa.on_edited_message),
        MessageHandler(private & new_msg, qa.on_non_text),
        # The team group became a supergroup: follow the new id.
        MessageHandler(filters.StatusUpdate.MIGRATE, chat_check.on_chat_migrated),
        # Groups and channels other than the team chat: the bot leaves them.
        MessageHandler(
            (filters.ChatType.GROUPS | filters.ChatType.CHANNEL) & ~filters.StatusUpdate.ALL,
            group_handlers.on_foreign_chat_message,
        ),
    ]
    if team_chat is not None:
        app.bot_data[TEAM_FILTER_KEY] = team_chat  # extended when the group migrates
    app.add_handler(TypeHandler(Update, guard.rate_guard), group=-1)
    for handler in handlers:
        app.add_handler(handler)
    app.add_error_handler(errors.on_error)


async def set_commands(
    app: Application[Any, Any, Any, Any, Any, Any], team_chat_id: int | None
) -> None:
    await app.bot.set_my_commands(
        [BotCommand(c, d) for c, d in PRIVATE_COMMANDS], scope=BotCommandScopeAllPrivateChats()
    )
    if team_chat_id is not None:
        try:
            await app.bot.set_my_commands(
                [BotCommand(c, d) for c, d in TEAM_COMMANDS],
                scope=BotCommandScopeChat(team_chat_id),
            )
        except TelegramError as exc:  # the start-up check reports team chat problems clearly
            log.warning("could not set team commands: %s", exc)


def install_reload_signal(services: Services) -> None:
    """SIGHUP reloads texts and knowledge files (validated first; errors keep the old ones)."""

    def reload() -> None:
        # Logs success or failure itself; the task reads the taught phrasings first.
        task = asyncio.get_running_loop().create_task(reload_all(services))
        services.tasks.add(task)  # a reference, so the task is not collected
        task.add_done_callback(services.tasks.discard)

    with contextlib.suppress(NotImplementedError, RuntimeError):  # no signals on this platform
        asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, reload)


def rate_limiter(limits: RateLimitSettings) -> AIORateLimiter | None:
    """PTB's AIORateLimiter with the configured caps (0 switches one off); None if both are off.

    It only delays sends; a 429 that still arrives is left to the caller (max_retries=0): the
    outbox worker reschedules, a handler's send fails like any other error.
    """
    if not limits.overall_per_second and not limits.group_per_minute:
        return None
    return AIORateLimiter(
        overall_max_rate=limits.overall_per_second,
        overall_time_period=1,
        group_max_rate=limits.group_per_minute,
        group_time_period=60,
        max_retries=0,
    )


def build_bot(
    settings: Settings,
    request: BaseRequest | None = None,
    updates_request: BaseRequest | None = None,
    rate_limit: bool = True,
) -> SafeBot:
    """The bot object: SafeBot (per-update parsing, see polling.py) on the configured transport."""
    telegram = settings.telegram
    if request is None and telegram.http_client == "aiohttp":
        request = AiohttpRequest(connection_pool_size=telegram.connection_pool_size)
        updates_request = AiohttpRequest(connection_pool_size=1)
    elif request is None:
        request = HTTPXRequest(connection_pool_size=telegram.connection_pool_size)
        updates_request = HTTPXRequest(connection_pool_size=1)
    return SafeBot(
        token=telegram.token or OFFLINE_TOKEN,
        base_url=telegram.base_url,
        request=request,
        get_updates_request=updates_request or request,
        rate_limiter=rate_limiter(telegram.rate_limit) if rate_limit else None,
    )


def build_application(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    updates_request: BaseRequest | None = None,
    clock: Clock = utc_now,
    rate_limit: bool = True,
    check_team_chat: bool = True,
    reload_on_sighup: bool = False,
    knowledge: KnowledgeBase | None = None,
    new_database: bool = False,
) -> Application[Any, Any, Any, Any, Any, Any]:
    """Build the bot. ``request`` replaces the network (offline chat, tests); ``rate_limit=False``
    leaves out the AIORateLimiter whatever the settings say (the offline chat and tests);
    ``knowledge``: already loaded and validated (``run`` does that before opening anything)."""
    texts = load_texts()
    # BotContext: handlers and jobs read the services as context.services.
    builder = ApplicationBuilder().context_types(CONTEXT_TYPES).bot(
        build_bot(settings, request, updates_request, rate_limit)
    )
    builder.concurrent_updates(PerChatUpdateProcessor(settings.telegram.concurrent_updates))

    async def post_init(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        storage = await Storage.open(
            settings.database.path, new_database=new_database, zone=settings.zone
        )
        try:
            await start_services(app, storage)
        except BaseException:
            # Until the services are registered, post_shutdown cannot close the database, and
            # aiosqlite's thread would keep the process alive.
            if SERVICES_KEY not in app.bot_data:
                await shutdown.close_storage(storage)
            raise

    async def start_services(
        app: Application[Any, Any, Any, Any, Any, Any], storage: Storage
    ) -> None:
        taught = [(p.entry_id, p.text) for p in await storage.teaching.active_phrasings()]
        services = build_services(settings, storage, texts, clock, kb=knowledge, taught=taught)
        # The knowledge base and the matcher's index live as long as the process: keep the
        # garbage collector from walking them again on every collection.
        gc.freeze()
        services.bot_username = app.bot.username or ""
        services.team_filter = app.bot_data.get(TEAM_FILTER_KEY)
        app.bot_data[SERVICES_KEY] = services
        if check_team_chat:
            await chat_check.verify_team_chat(app.bot, services)
        await set_commands(app, services.team_chat_id)
        jobs.schedule(app, services)
        if services.reply_mail is not None:
            services.reply_mail.start()  # jobs left pending by the last run are sent now
        if reload_on_sighup:
            install_reload_signal(services)

    async def post_shutdown(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        services = app.bot_data.pop(SERVICES_KEY, None)
        if isinstance(services, Services):
            await shutdown.close_services(services)

    builder.post_init(post_init).post_shutdown(post_shutdown)
    app = builder.build()
    register_handlers(app, settings)
    return app
