"""The fake Bot API behaves like Telegram for a real PTB Bot, in-process and over HTTP."""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import subprocess
import sys
import textwrap
import urllib.error
import urllib.parse
import urllib.request
import warnings
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters
from telegram.request import HTTPXRequest

from bot.offline import BOT_ID, FakeBotApi, UpdateFactory
from bot.offline.local_request import LocalRequest
from bot.telegram_html import HtmlParseError, parse_html
from bot.tg.http import AiohttpRequest
from tests.fake_server import FakeTelegramServer

# PTB capitalises Telegram's error descriptions ("Bad Request: chat not found" -> "Chat not
# found"), so every match below is case-insensitive.
TOKEN = "123:ABC"
USER = 42
GROUP = -4001
ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Env:
    bot: Bot
    api: FakeBotApi
    factory: UpdateFactory


@pytest.fixture(params=["local", "http", "aiohttp"])
async def env(request: pytest.FixtureRequest) -> AsyncIterator[Env]:
    """A started PTB Bot talking to the fake: through LocalRequest, and over HTTP with PTB's
    httpx client and with the bot's own aiohttp client (bot/tg/http.py)."""
    if request.param == "local":
        api = FakeBotApi()
        bot = Bot(TOKEN, request=LocalRequest(api), get_updates_request=LocalRequest(api))
        async with bot:
            yield Env(bot, api, UpdateFactory(api, push=True))
        return
    with FakeTelegramServer(timeout_delay=10) as server:
        client = HTTPXRequest if request.param == "http" else AiohttpRequest
        bot = Bot(TOKEN, base_url=server.base_url, request=client(),
                  get_updates_request=client())
        async with bot:
            yield Env(bot, server.api, server.factory)


@pytest.fixture
def server() -> Iterator[FakeTelegramServer]:
    """A running fake Bot API server."""
    with FakeTelegramServer() as running:
        yield running


def seconds(value: int | dtm.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d, callback_data=d) for d in data]])


# ---------------------------------------------------------------- bot <-> api, both transports


async def test_initialize_calls_get_me(env: Env) -> None:
    """Bot.initialize() gets the fake bot user via getMe."""
    assert env.bot.username == "engagement_assistent_bot"
    assert env.bot.id == BOT_ID
    assert [c.method for c in env.api.calls] == ["getMe"]


async def test_send_message_returns_and_stores_message(env: Env) -> None:
    """sendMessage answers a full Message and the api keeps it per chat."""
    env.factory.message(USER, "/start")
    sent = await env.bot.send_message(USER, "<b>Hallo</b> &amp; willkommen", parse_mode="HTML",
                                      reply_markup=keyboard("m"))
    assert sent.text == "Hallo & willkommen"
    assert sent.text_html == "<b>Hallo</b> &amp; willkommen"
    assert sent.chat.id == USER and sent.from_user is not None and sent.from_user.id == BOT_ID
    assert sent.message_id == 2  # the user's /start was message 1 of this chat
    stored = env.api.last_message(USER)
    assert stored is not None and stored["reply_markup"]["inline_keyboard"][0][0]["text"] == "m"


async def test_reply_to_embeds_user_message(env: Env) -> None:
    """A reply carries the full message it replies to."""
    incoming = env.factory.message(USER, "Frage?")["message"]
    sent = await env.bot.send_message(USER, "Antwort", reply_to_message_id=incoming["message_id"])
    assert sent.reply_to_message is not None and sent.reply_to_message.text == "Frage?"
    with pytest.raises(BadRequest, match=r"(?i)replied not found"):
        await env.bot.send_message(USER, "x", reply_to_message_id=999)


async def test_edit_message_text(env: Env) -> None:
    """Edits apply to the stored state; identical edits and unknown messages are rejected."""
    env.factory.message(USER, "hi")
    sent = await env.bot.send_message(USER, "alt", reply_markup=keyboard("a"))
    edited = await env.bot.edit_message_text("neu", USER, sent.message_id,
                                             reply_markup=keyboard("b"))
    assert isinstance(edited, type(sent)) and edited.text == "neu"
    assert [m["text"] for m in env.api.sent_to(USER)] == ["neu"]
    with pytest.raises(BadRequest, match=r"(?i)not modified"):
        await env.bot.edit_message_text("neu", USER, sent.message_id, reply_markup=keyboard("b"))
    with pytest.raises(BadRequest, match=r"(?i)to edit not found"):
        await env.bot.edit_message_text("x", USER, 999)
    await env.bot.edit_message_text("ohne Tasten", USER, sent.message_id)
    assert "reply_markup" not in env.api.sent_to(USER)[0]  # omitted markup removes the keyboard


async def test_rate_limit_raises_retry_after(env: Env) -> None:
    """An injected 429 reaches PTB as RetryAfter with its value, and only once."""
    env.factory.message(USER, "hi")
    env.api.inject(429, method="sendMessage", retry_after=7)
    with pytest.raises(RetryAfter) as caught, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        await env.bot.send_message(USER, "x")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert seconds(caught.value.retry_after) == 7
    assert (await env.bot.send_message(USER, "x")).text == "x"


async def test_forbidden_when_blocked_or_kicked(env: Env) -> None:
    """A blocking user and a removed group both answer 403 Forbidden."""
    env.factory.message(USER, "hi")
    env.factory.group_message(USER, GROUP, "hallo Team")
    env.api.block(USER)
    with pytest.raises(Forbidden, match=r"(?i)blocked by the user"):
        await env.bot.send_message(USER, "x")
    env.api.remove_from_chat(GROUP)
    with pytest.raises(Forbidden, match=r"(?i)kicked from the group chat"):
        await env.bot.send_message(GROUP, "x")
    with pytest.raises(Forbidden, match=r"(?i)not a member"):
        await env.bot.get_chat_member(GROUP, BOT_ID)


async def test_migrated_group_raises_chat_migrated(env: Env) -> None:
    """Sending to an upgraded group raises ChatMigrated with the new id; the new id works."""
    env.factory.group_message(USER, GROUP, "hallo")
    env.api.migrate_chat(GROUP, -1001234)
    with pytest.raises(ChatMigrated) as caught:
        await env.bot.send_message(GROUP, "x")
    assert caught.value.new_chat_id == -1001234
    assert (await env.bot.send_message(-1001234, "x")).chat.type == "supergroup"


@pytest.mark.parametrize(
    ("text", "match"),
    [("a <b>fett", "can't parse entities"), ("<br>", "unsupported start tag"),
     ("x" * 4097, "too long"), ("<b> </b>", "text is empty")],
)
async def test_invalid_text_is_bad_request(env: Env, text: str, match: str) -> None:
    """Bad HTML, too long and empty texts answer 400 like Telegram."""
    env.factory.message(USER, "hi")
    with pytest.raises(BadRequest, match=f"(?i){match}"):
        await env.bot.send_message(USER, text, parse_mode="HTML")
    assert env.api.sent_to(USER) == []


async def test_server_error_is_network_error(env: Env) -> None:
    """A 500 is a NetworkError that is not a BadRequest (so it may be retried)."""
    env.factory.message(USER, "hi")
    env.api.inject(500, chat_id=USER)
    with pytest.raises(NetworkError) as caught:
        await env.bot.send_message(USER, "x")
    assert not isinstance(caught.value, BadRequest)


async def test_timeout_with_and_without_effect(env: Env) -> None:
    """Injected timeouts raise TimedOut; with after_effect the message was delivered anyway."""
    env.factory.message(USER, "hi")
    env.api.inject_timeout(method="sendMessage")
    with pytest.raises(TimedOut):  # over HTTP the server stays silent past the read timeout
        await env.bot.send_message(USER, "verloren", read_timeout=0.5)
    env.api.inject_timeout(method="sendMessage", after_effect=True)
    with pytest.raises(TimedOut):
        await env.bot.send_message(USER, "doch angekommen", read_timeout=0.5)
    assert [m["text"] for m in env.api.sent_to(USER)] == ["doch angekommen"]


async def test_send_document_multipart(env: Env) -> None:
    """sendDocument uploads name and exact bytes."""
    env.factory.message(USER, "hi")
    content = b"\x00\r\n--boundary\r\nrow;\xff"
    sent = await env.bot.send_document(USER, content, filename="export.csv",
                                       caption="<b>Export</b>", parse_mode="HTML")
    assert sent.document is not None and sent.document.file_name == "export.csv"
    assert sent.caption == "Export"
    assert env.api.file_content(sent.document.file_id) == content


async def test_get_updates_long_poll_returns_pushed_update(env: Env) -> None:
    """A waiting getUpdates returns the update pushed while it waits."""
    poll = asyncio.create_task(env.bot.get_updates(timeout=5))
    assert await env.api.until(lambda: env.api.polls_waiting == 1)  # the poll has started
    assert env.api.calls_of("getUpdates") == []  # still waiting, not answered empty
    assert not poll.done()
    env.factory.message(USER, "Hallo")
    updates = await poll
    assert [u.message.text for u in updates if u.message] == ["Hallo"]


async def test_get_updates_offset_confirms(env: Env) -> None:
    """Updates below the offset are confirmed and never delivered again."""
    first = env.factory.message(USER, "eins")
    env.factory.message(USER, "zwei")
    updates = await env.bot.get_updates(offset=first["update_id"] + 1)
    assert [u.message.text for u in updates if u.message] == ["zwei"]
    assert env.api.pending_updates == 1
    assert await env.bot.get_updates(offset=updates[-1].update_id + 1) == ()


async def test_callback_query_answered_once(env: Env) -> None:
    """A button press can be answered once, with at most 200 characters."""
    env.factory.message(USER, "hi")
    sent = await env.bot.send_message(USER, "Wählen Sie", reply_markup=keyboard("r", "q"))
    press = env.factory.callback(USER, env.api.sent_to(USER)[0], "r")
    assert press["callback_query"]["message"]["message_id"] == sent.message_id
    query_id = press["callback_query"]["id"]
    with pytest.raises(BadRequest, match=r"(?i)MESSAGE_TOO_LONG"):
        await env.bot.answer_callback_query(query_id, "x" * 201)
    assert await env.bot.answer_callback_query(query_id, "Gern")
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await env.bot.answer_callback_query(query_id)


async def test_callback_data_limit(env: Env) -> None:
    """callback_data longer than 64 bytes (umlauts count twice) is rejected."""
    env.factory.message(USER, "hi")
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await env.bot.send_message(USER, "x", reply_markup=keyboard("ä" * 33))


async def test_unknown_chats_are_unreachable(env: Env) -> None:
    """The bot cannot write first to a user or to a group it is not in."""
    with pytest.raises(Forbidden, match=r"(?i)initiate conversation"):
        await env.bot.send_message(USER, "x")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await env.bot.send_message(GROUP, "x")


async def test_bot_admin_status_is_configurable(env: Env) -> None:
    """getChatMember reports the bot's configured status in a group."""
    env.api.add_chat({"id": GROUP, "type": "supergroup", "title": "Team"})
    assert (await env.bot.get_chat_member(GROUP, BOT_ID)).status == "member"
    env.api.set_member(GROUP, BOT_ID, "administrator")
    assert (await env.bot.get_chat_member(GROUP, BOT_ID)).status == "administrator"


async def test_commands_per_scope(env: Env) -> None:
    """setMyCommands stores commands per scope; getMyCommands reads them back."""
    from telegram import BotCommand, BotCommandScopeAllPrivateChats

    scope = BotCommandScopeAllPrivateChats()
    await env.bot.set_my_commands([BotCommand("start", "Start")], scope=scope)
    assert [c.command for c in await env.bot.get_my_commands(scope=scope)] == ["start"]
    assert await env.bot.get_my_commands() == ()
    assert env.api.my_commands({"type": "all_private_chats"})[0]["description"] == "Start"


# ---------------------------------------------------------------- applications


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(f"Echo: {update.effective_message.text}")


async def run_echo_app(app: Application[Any, Any, Any, Any, Any, Any],
                       api: FakeBotApi, factory: UpdateFactory) -> bool:
    app.add_handler(MessageHandler(filters.TEXT, echo))
    async with app:
        await app.updater.start_polling(poll_interval=0, timeout=1)  # type: ignore[union-attr]
        await app.start()
        factory.message(USER, "Hallo")
        answered = await api.until(lambda: api.last_message(USER) is not None)
        await app.updater.stop()  # type: ignore[union-attr]
        await app.stop()
    return answered


async def test_application_polls_fake_server(server: FakeTelegramServer) -> None:
    """A real Application polling the HTTP fake via base_url answers a pushed message."""
    app = ApplicationBuilder().token(TOKEN).base_url(server.base_url).build()
    assert await run_echo_app(app, server.api, server.factory)
    last = server.api.last_message(USER)
    assert last is not None and last["text"] == "Echo: Hallo"


async def test_application_polls_local_request() -> None:
    """A real Application polling through LocalRequest answers a pushed message."""
    api = FakeBotApi()
    app = (ApplicationBuilder().token(TOKEN).request(LocalRequest(api))
           .get_updates_request(LocalRequest(api)).build())
    assert await run_echo_app(app, api, UpdateFactory(api, push=True))
    last = api.last_message(USER)
    assert last is not None and last["text"] == "Echo: Hallo"


async def test_process_update_with_factory_update() -> None:
    """Factory updates feed Application.process_update directly (no polling)."""
    api = FakeBotApi()
    factory = UpdateFactory(api)
    app = ApplicationBuilder().token(TOKEN).request(LocalRequest(api)).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    async with app:
        await app.process_update(Update.de_json(factory.message(USER, "Wie?"), app.bot))
    assert [m["text"] for m in api.sent_to(USER)] == ["Echo: Wie?"]
    assert api.pending_updates == 0  # push=False leaves the getUpdates queue alone


# ---------------------------------------------------------------- server specifics


def post(url: str, body: bytes, content_type: str) -> dict[str, Any]:
    request = urllib.request.Request(url, body, {"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            result: dict[str, Any] = json.load(response)
    except urllib.error.HTTPError as error:
        result = json.load(error)
    return result


def test_server_accepts_json_and_form_bodies(server: FakeTelegramServer) -> None:
    """JSON and form-encoded requests mean the same (reply_markup as a JSON string in forms)."""
    server.factory.message(USER, "hi")
    url = f"{server.base_url}{TOKEN}/sendMessage"
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    as_json = post(url, json.dumps({"chat_id": USER, "text": "j", "reply_markup": markup})
                   .encode(), "application/json")
    as_form = post(url, urllib.parse.urlencode(
        {"chat_id": str(USER), "text": "f", "reply_markup": json.dumps(markup)}).encode(),
        "application/x-www-form-urlencoded")
    assert as_json["result"]["reply_markup"] == as_form["result"]["reply_markup"] == markup
    bad = post(f"{server.base_url}{TOKEN}/sendMessage", b"{}", "application/json")
    assert bad == {"ok": False, "error_code": 400, "description": "Bad Request: chat_id is empty"}
    assert post(f"{server.base_url}{TOKEN}/noSuchMethod", b"", "application/json")[
        "error_code"] == 404


def test_server_serves_a_bot_in_another_process(server: FakeTelegramServer) -> None:
    """A bot running in a separate process reaches the server and its sends are recorded."""
    server.factory.message(USER, "hi")
    script = textwrap.dedent(f"""
        import asyncio
        from telegram import Bot
        async def main():
            async with Bot("{TOKEN}", base_url="{server.base_url}") as bot:
                await bot.send_message({USER}, "aus dem Prozess")
        asyncio.run(main())
    """)
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60, cwd=ROOT)
    last = server.api.last_message(USER)
    assert last is not None and last["text"] == "aus dem Prozess"


# ---------------------------------------------------------------- factory and parser details


def test_command_entities() -> None:
    """Commands, also addressed to the bot, carry bot_command entities of the right length."""
    api = FakeBotApi()
    update = UpdateFactory(api).message(USER, "/frage@engagement_assistent_bot Modul II")
    assert update["message"]["entities"] == [
        {"type": "bot_command", "offset": 0, "length": len("/frage@engagement_assistent_bot")}
    ]
    assert "entities" not in UpdateFactory(api).message(USER, "und/oder")["message"]


def test_callback_requires_existing_button() -> None:
    """The factory refuses to press a button the message does not have (unless forging)."""
    api = FakeBotApi()
    factory = UpdateFactory(api)
    factory.message(USER, "hi")
    sent = api.handle("sendMessage", {"chat_id": USER, "text": "x",
                                      "reply_markup": keyboard("a").to_dict()})
    with pytest.raises(ValueError, match="no button"):
        factory.callback(USER, sent, "b")
    assert factory.callback(USER, sent, "b", strict=False)["callback_query"]["data"] == "b"


def test_html_entities_use_utf16_offsets() -> None:
    """Entity offsets count UTF-16 units (emoji take two) and numeric entities decode."""
    text, entities = parse_html("😀 <i>&#228;</i> <a href='https://x.de/?a=1&amp;b=2'>L</a>")
    assert text == "😀 ä L"
    assert entities == [{"type": "italic", "offset": 3, "length": 1},
                        {"type": "text_link", "offset": 5, "length": 1,
                         "url": "https://x.de/?a=1&b=2"}]
    with pytest.raises(HtmlParseError, match="Unmatched end tag"):
        parse_html("<b><i>x</b></i>")


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda f: f.sticker(USER), "sticker"),
        (lambda f: f.photo(USER, caption="Flyer"), "photo"),
        (lambda f: f.voice(USER), "voice"),
        (lambda f: f.document(USER, "antrag.pdf"), "document"),
        (lambda f: f.contact(USER, "+49 431 000000", USER), "contact"),
        (lambda f: f.edited_message(f.message(USER, "alt")["message"], "neu"), "text"),
        (lambda f: f.group_message(USER, GROUP, "/status@engagement_assistent_bot"), "text"),
    ],
)
async def test_factory_updates_parse_in_ptb(build: Any, field: str) -> None:
    """Every factory update is a valid PTB Update carrying the expected content."""
    api = FakeBotApi()
    async with Bot(TOKEN, request=LocalRequest(api)) as bot:
        update = Update.de_json(build(UpdateFactory(api)), bot)
    assert update.effective_message is not None
    assert getattr(update.effective_message, field)


async def test_my_chat_member_removal_blocks_sends() -> None:
    """After a my_chat_member 'left' update the bot can no longer write to the group."""
    api = FakeBotApi()
    factory = UpdateFactory(api)
    added = factory.my_chat_member({"id": GROUP, "type": "group", "title": "Team"}, "member", USER)
    assert added["my_chat_member"]["old_chat_member"]["status"] == "left"
    async with Bot(TOKEN, request=LocalRequest(api)) as bot:
        assert Update.de_json(added, bot).my_chat_member is not None
        await bot.send_message(GROUP, "Hallo Team")
        factory.my_chat_member({"id": GROUP, "type": "group", "title": "Team"}, "left", USER)
        with pytest.raises(Forbidden):
            await bot.send_message(GROUP, "noch da?")
