"""SafeBot.get_updates (per-update parsing) and the polling error episodes, in process."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest
from telegram import Update
from telegram.error import Conflict, NetworkError
from telegram.ext import ExtBot

from bot.offline import FakeBotApi, UpdateFactory, user
from bot.offline.local_request import LocalRequest
from bot.tg.polling import PollingErrors, SafeBot

TOKEN = "123:ABC"
ERIKA = user(4242, "Erika", "Muster")
PRIVATE_TEXT = "Meine Adresse ist Geheimweg 7"


@pytest.fixture
async def bots() -> AsyncIterator[tuple[FakeBotApi, SafeBot, ExtBot[None]]]:
    """SafeBot and PTB's own ExtBot on one fake api."""
    api = FakeBotApi()
    safe = SafeBot(TOKEN, request=LocalRequest(api), get_updates_request=LocalRequest(api))
    plain = ExtBot(TOKEN, request=LocalRequest(api), get_updates_request=LocalRequest(api))
    async with safe, plain:
        yield api, safe, plain


def every_kind(api: FakeBotApi) -> None:
    """One update of each kind the bot handles, as Telegram sends them."""
    factory = UpdateFactory(api, push=True)
    first = factory.message(ERIKA, "/start")
    factory.message(ERIKA, "Was kostet ein Workshop?")
    factory.edited_message(first["message"], "/hilfe")
    factory.contact(ERIKA, "+49 431 1234", contact_user_id=4242)
    factory.document(ERIKA, "antrag.pdf", b"%PDF-1.4")
    factory.photo(ERIKA, caption="Foto")
    factory.voice(ERIKA)
    factory.sticker(ERIKA)
    factory.group_message(ERIKA, -100123, "/offen", type="supergroup")
    sent = api.handle("sendMessage", {"chat_id": 4242, "text": "Hallo",
                                      "reply_markup": {"inline_keyboard": [[
                                          {"text": "Menü", "callback_data": "m"}]]}})
    factory.callback(ERIKA, sent, "m")
    factory.my_chat_member({"id": -100999, "type": "group", "title": "Fremd"}, "member", ERIKA)


async def test_well_formed_updates_parse_exactly_as_ptb_parses_them(
    bots: tuple[FakeBotApi, SafeBot, ExtBot[None]], caplog: pytest.LogCaptureFixture
) -> None:
    """For well-formed updates of every kind SafeBot returns what PTB's own get_updates
    returns, and skips nothing (no false alarms from the required-field check)."""
    api, safe, plain = bots
    every_kind(api)
    with caplog.at_level(logging.WARNING):
        mine = await safe.get_updates(timeout=0)
    theirs = await plain.get_updates(timeout=0)
    assert len(mine) == len(theirs) >= 11
    assert [u.to_dict() for u in mine] == [u.to_dict() for u in theirs]
    assert "skipped" not in caplog.text


async def test_malformed_updates_become_bare_ids_and_the_others_survive(
    bots: tuple[FakeBotApi, SafeBot, ExtBot[None]], caplog: pytest.LogCaptureFixture
) -> None:
    """In one batch, a message without date, a message without chat and a callback without
    from become bare updates (id only, so the offset moves past them); the well-formed ones
    around them are returned intact; the log names ids and missing fields, not contents."""
    api, safe, _ = bots
    factory = UpdateFactory(api, push=True)
    good = factory.message(ERIKA, "/start")
    no_date = api.push_update({"message": {"message_id": 5, "text": PRIVATE_TEXT,
                                           "chat": {"id": 4242, "type": "private"}}})
    no_chat = api.push_update({"message": {"message_id": 6, "date": 1, "text": PRIVATE_TEXT}})
    no_from = api.push_update({"callback_query": {"id": "q", "chat_instance": "1",
                                                  "data": PRIVATE_TEXT}})
    last = factory.message(ERIKA, "/hilfe")
    with caplog.at_level(logging.WARNING):
        updates = await safe.get_updates(timeout=0)
    ids = [u.update_id for u in updates]
    assert ids == [good["update_id"], no_date["update_id"], no_chat["update_id"],
                   no_from["update_id"], last["update_id"]]
    assert updates[0].message is not None and updates[0].message.text == "/start"
    assert updates[-1].message is not None and updates[-1].message.text == "/hilfe"
    for bare in updates[1:4]:
        assert bare.to_dict() == {"update_id": bare.update_id}
    assert f"update {no_chat['update_id']} (Message.chat)" in caplog.text
    assert f"update {no_from['update_id']} (CallbackQuery.from_user)" in caplog.text
    assert f"update {no_date['update_id']} (KeyError)" in caplog.text
    assert PRIVATE_TEXT not in caplog.text


def test_polling_errors_warn_once_per_episode(caplog: pytest.LogCaptureFixture) -> None:
    """Repeated 409 Conflicts give one warning; the next successful poll ends the episode (one
    info line), and a new conflict warns again."""
    errors = PollingErrors()
    conflict = Conflict("terminated by other getUpdates request")
    with caplog.at_level(logging.INFO, logger="bot.tg.polling"):
        for _ in range(5):
            errors(conflict)
        errors.succeeded()
        errors.succeeded()
        errors(conflict)
        errors(NetworkError("connection reset"))
    messages = [r.getMessage() for r in caplog.records]
    assert sum("polling conflict (409)" in m for m in messages) == 2
    assert sum("polling works again" in m for m in messages) == 1
    assert sum("polling failed (NetworkError)" in m for m in messages) == 1
    assert all(r.exc_info is None for r in caplog.records)


def test_bare_update_is_matched_by_no_kind() -> None:
    """The placeholder of a skipped update carries no chat, user or message for a handler."""
    bare = Update(update_id=7)
    assert bare.effective_chat is None and bare.effective_user is None
    assert bare.effective_message is None
