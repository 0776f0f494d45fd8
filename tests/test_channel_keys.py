"""Users are identified by channel and id (issue 11): a Telegram user and a web user with the
same number are two people, in every table and store, and the migration keeps what was stored."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.composition import build_conversation, build_services
from bot.config import Settings
from bot.conversation.core import ConversationCore
from bot.conversation.model import CommandIn, Outgoing, PressIn, TextIn, UserKey
from bot.delivery import queue
from bot.storage import Storage
from bot.storage.migrations import _V_CHANNEL_KEYS, MIGRATIONS, SCHEMA_VERSION_TABLE
from bot.texts import load_texts
from bot.tg import jobs
from bot.web.sessions import user_key
from tests.test_team_harness import MEMBER, TEAM, Harness, request_data, running_bot
from tests.test_team_redaction import QUESTION, team_chat_text
from tests.web_support import Chat, bot_with_web_chat

SAME = 42
TG = UserKey("telegram", str(SAME))
WEB = UserKey("web", str(SAME))  # the same number in the other door: another person


@pytest.fixture
async def core(tmp_path: Path) -> AsyncIterator[ConversationCore]:
    settings = Settings.model_validate({"team": {"chat_id": TEAM},
                                        "database": {"path": str(tmp_path / "bot.sqlite")}})
    storage = await Storage.open(settings.database.path)
    try:
        yield build_conversation(build_services(settings, storage, load_texts()))
    finally:
        await storage.close()


def _button(outs: list[Outgoing], label: str) -> tuple[str, Outgoing]:
    for out in reversed(outs):
        for row in out.buttons:
            for b in row:
                if label in b.label:
                    return b.data, out
    raise AssertionError(f"no button {label!r}")


async def _press(core: ConversationCore, user: UserKey, outs: list[Outgoing], label: str,
                 message: str = "1") -> list[Outgoing]:
    data, shown = _button(outs, label)
    return await core.handle(user, PressIn(data, message=message, shown=shown))


async def _request(core: ConversationCore, user: UserKey, organisation: str) -> list[Outgoing]:
    """The whole request dialogue, up to the receipt."""
    outs = await core.handle(user, CommandIn("anfrage"))
    for label in ("Beratung für Kommunen", "Engagementkonzept", "per Video"):
        outs = await _press(core, user, outs, label)
    for text in (organisation, "Erika Muster, Bürgermeisterin", "erika@musterdorf.de"):
        outs = await core.handle(user, TextIn(text))
    outs = await _press(core, user, outs, "Weiter zur Zusammenfassung")
    return await _press(core, user, outs, "Absenden")


async def _export(core: ConversationCore, user: UserKey) -> dict[str, Any]:
    outs = await core.handle(user, CommandIn("meinedaten"))
    attachment = next(o.attachment for o in outs if o.attachment is not None)
    assert attachment is not None
    data: dict[str, Any] = json.loads(attachment.content)["daten"]
    return data


async def test_the_same_number_in_two_doors_is_two_people(core: ConversationCore) -> None:
    """A Telegram user and a web user with the same number keep separate drafts, requests,
    votes on the same message id, "Meine Daten" and team conversations; the web user's
    "Löschen" leaves the Telegram user's data, including a team message on its way to them."""
    services = core.services
    storage = services.storage
    await core.handle(TG, CommandIn("anfrage"))
    await core.handle(WEB, CommandIn("anfrage"))
    tg_draft, web_draft = await storage.drafts.get(SAME, "telegram"), await storage.drafts.get(
        SAME, "web")
    assert tg_draft is not None and web_draft is not None and tg_draft.id != web_draft.id
    await _request(core, TG, "Gemeinde Nordheide")
    web_receipt = await _request(core, WEB, "Amt Südufer")
    assert "anfrage/" in web_receipt[-1].html  # the web requester's private page
    [tg_ticket] = await storage.tickets.list_for_user("telegram", SAME)
    [web_ticket] = await storage.tickets.list_for_user("web", SAME)
    assert (tg_ticket.data["organisation"], web_ticket.data["organisation"]) == (
        "Gemeinde Nordheide", "Amt Südufer")

    # Both vote on "their" message 5: two votes, neither is a repetition of the other's.
    for user in (TG, WEB):
        [answer] = await core.handle(user, TextIn("Was kostet die Beratung?"))
        [thanks] = await _press(core, user, [answer], "👍", message="5")
        assert thanks.toast == services.texts.plain("feedback_answer_up")
    assert [(c.up, c.down) for c in await storage.feedback.counts()] == [(2, 0)]

    # The team writes to the Telegram user (a message on its way, not yet delivered).
    port = services.outbound_for("telegram")
    await storage.messages.add(tg_ticket.id, "to_user", "Wir melden uns.", MEMBER, "Tom",
                               services.clock(), notify=port.notification(TG, "Wir melden uns."))
    # The web user's next text is a question, not "is this for the team about A-…?".
    [web_answer] = await core.handle(WEB, TextIn("Was kostet die Beratung?"))
    assert tg_ticket.ref not in web_answer.html and "kostenfrei" in web_answer.html

    tg_export, web_export = await _export(core, TG), await _export(core, WEB)
    assert [t["ref"] for t in tg_export["tickets"]] == [tg_ticket.ref]
    assert [t["ref"] for t in web_export["tickets"]] == [web_ticket.ref]
    # Pending rows: each request's card, and the team's message to the Telegram user only.
    assert [n["kind"] for n in tg_export["pending_notifications"]] == ["card", "to_user"]
    assert [n["kind"] for n in web_export["pending_notifications"]] == ["card"]
    assert len(tg_export["feedback"]) == len(web_export["feedback"]) == 1

    [confirm] = await core.handle(WEB, CommandIn("loeschen"))
    await _press(core, WEB, [confirm], "Ja")
    assert not (await storage.privacy.counts(SAME, "web")).anything
    assert (await storage.privacy.counts(SAME, "telegram")).requests == 1
    kept = await _export(core, TG)
    assert [n["kind"] for n in kept["pending_notifications"]] == ["card", "to_user"]
    assert len(kept["feedback"]) == 1 and kept["tickets"][0]["status"] == "open"


async def test_a_link_in_one_door_is_not_found_from_the_other(core: ConversationCore) -> None:
    """A team message copied into the Telegram chat is linked under Telegram's channel: the
    same chat and message number in the web door belong to no ticket."""
    storage = core.services.storage
    await _request(core, TG, "Gemeinde Nordheide")
    [ticket] = await storage.tickets.list_for_user("telegram", SAME)
    await storage.messages.link("telegram", SAME, 77, ticket.id, "team_reply_copy")
    assert await storage.messages.ticket_for_message("telegram", SAME, 77) == ticket.id
    assert await storage.messages.ticket_for_message("web", SAME, 77) is None


async def _poll(chat: Chat) -> list[str]:
    response = await chat.client.get("/api/poll?after=0", headers=chat.headers())
    assert response.status == 200
    return [m["html"] for m in (await response.json())["messages"]]


async def _web_request(bot: Harness, user: UserKey) -> int:
    storage = bot.services.storage
    draft = await storage.drafts.create(int(user.id), int(user.id), "summary", bot.clock(),
                                        dt.timedelta(days=7), "web")
    ticket, _ = await storage.tickets.submit_request(draft, request_data(), bot.clock(),
                                                     {"chat_id": TEAM})
    await bot.deliver()
    return ticket.id


async def test_a_team_reply_reaches_only_the_requester_of_its_door(tmp_path: Path) -> None:
    """A Telegram user whose id is the web session's number and that web user each have a
    request: the team's reply to each card reaches that card's requester only."""
    async with bot_with_web_chat(tmp_path) as (bot, chat):
        web_user = user_key(chat.token)
        same = int(web_user.id)  # forced: the Telegram user has the web user's number
        tg_ticket = await bot.submit(user_id=same)
        web_ticket = await bot.ticket(await _web_request(bot, web_user))
        await bot.team_says(MEMBER, "Antwort an Telegram",
                            reply_to=bot.card(tg_ticket)["message_id"])
        await bot.team_says(MEMBER, "Antwort an die Website",
                            reply_to=bot.card(web_ticket)["message_id"])
        await bot.deliver()
        telegram_side = " ".join(bot.user_texts(same))
        assert "Antwort an Telegram" in telegram_side
        assert "Antwort an die Website" not in telegram_side
        web_side = " ".join(await _poll(chat))
        assert "Antwort an die Website" in web_side and "Antwort an Telegram" not in web_side


async def test_a_web_drafts_reminder_reaches_the_web_session(tmp_path: Path) -> None:
    """The reminder of a web draft that expires soon goes to the web session's mailbox, never
    to the Telegram chat that has the same number."""
    async with bot_with_web_chat(tmp_path) as (bot, chat):
        same = int(user_key(chat.token).id)
        bot.add_requester(same)  # a Telegram chat with that number exists and would receive it
        await bot.services.storage.drafts.create(same, same, "organisation", bot.clock(),
                                                 dt.timedelta(hours=2), "web")
        assert await jobs.remind_drafts(bot.services) == 1
        await bot.deliver()
        assert bot.user_texts(same) == []
        rows = await bot.services.storage.db.fetchall("SELECT kind, channel FROM outbox")
        assert [(r["kind"], r["channel"]) for r in rows if r["kind"] != "card"] == [
            (queue.TO_WEB, "web")]
        assert any("läuft" in html or "Anfrage" in html for html in await _poll(chat))


# -- the migration ---------------------------------------------------------------------------

PREVIOUS = MIGRATIONS.index(_V_CHANNEL_KEYS)  # the schema version before this migration


def previous_schema_with_data(path: Path) -> None:
    """A database at the version before the channel keys, with a Telegram and a web user of
    the same number: a ticket each, outbox rows, message links and a vote."""
    now = dt.datetime.now(dt.UTC).isoformat()
    conn = sqlite3.connect(path)
    conn.executescript(SCHEMA_VERSION_TABLE)
    for number, script in enumerate(MIGRATIONS[:PREVIOUS], start=1):
        conn.executescript(script)
        conn.execute("INSERT INTO schema_version VALUES (?, ?)", (number, now))
    for ticket_id, channel in ((1, "telegram"), (2, "web")):
        conn.execute(
            "INSERT INTO tickets (id, ref, type, user_id, chat_id, data, status, created_at,"
            " updated_at, channel) VALUES (?, ?, 'request', ?, ?, '{}', 'open', ?, ?, ?)",
            (ticket_id, f"A-0000-000{ticket_id}", SAME, SAME, now, now, channel))
    for kind, chat in (("card", TEAM), ("to_user", SAME), ("to_web", SAME)):
        conn.execute(
            "INSERT INTO outbox (kind, ticket_id, chat_id, payload, due_at, created_at)"
            " VALUES (?, ?, ?, '{}', ?, ?)", (kind, 2 if kind == "to_web" else 1, chat, now, now))
    conn.executemany(
        "INSERT INTO message_links (chat_id, message_id, ticket_id, role) VALUES (?, ?, ?, ?)",
        [(TEAM, 9, 1, "card"), (SAME, 5, 1, "team_reply_copy"), (TEAM, 10, 2, "card")])
    conn.execute(
        "INSERT INTO answer_feedback (id, user_id, chat_id, message_id, entry_id, vote,"
        " created_at) VALUES (3, ?, ?, 5, 'kosten', 'up', ?)", (SAME, SAME, now))
    conn.execute("UPDATE sqlite_sequence SET seq = 30 WHERE name = 'answer_feedback'")
    conn.commit()
    conn.close()


async def test_migration_keys_outbox_links_and_votes_by_channel(tmp_path: Path) -> None:
    """After the migration every row is kept: outbox rows carry their door (the web door's
    rows 'web'), links and the vote are Telegram's, a vote id is never reused, and the web
    user with the same number may vote on their own message 5 and erase without touching the
    Telegram user's pending message."""
    path = tmp_path / "bot.sqlite"
    previous_schema_with_data(path)
    storage = await Storage.open(path)
    try:
        assert await storage.db.fetchval("SELECT MAX(version) FROM schema_version") == len(
            MIGRATIONS)
        outbox = await storage.db.fetchall("SELECT kind, channel FROM outbox ORDER BY id")
        assert [(r["kind"], r["channel"]) for r in outbox] == [
            ("card", "telegram"), ("to_user", "telegram"), ("to_web", "web")]
        assert await storage.messages.ticket_for_message("telegram", TEAM, 9) == 1
        assert await storage.messages.ticket_for_message("telegram", SAME, 5) == 1
        assert await storage.messages.ticket_for_message("web", SAME, 5) is None
        now = dt.datetime.now(dt.UTC)
        assert not await storage.feedback.record(SAME, SAME, 5, "kosten", "up", now, "telegram")
        assert await storage.feedback.record(SAME, SAME, 5, "kosten", "up", now, "web")
        newest = await storage.db.fetchval("SELECT MAX(id) FROM answer_feedback")
        assert newest > 30, "a vote id is never handed out again"
        await storage.privacy.delete_user(SAME, now, "web")
        left = await storage.db.fetchall("SELECT kind, channel FROM outbox ORDER BY id")
        assert [(r["kind"], r["channel"]) for r in left] == [
            ("card", "telegram"), ("to_user", "telegram")]
        exported = await storage.privacy.export_user(SAME, "telegram")
        assert [n["kind"] for n in exported["pending_notifications"]] == ["card", "to_user"]
        assert [f["entry_id"] for f in exported["feedback"]] == ["kosten"]
    finally:
        await storage.close()


async def test_a_review_message_is_redacted_for_its_askers_door_only(tmp_path: Path) -> None:
    """/unbeantwortet shows a web user's question: the erasure of the Telegram user with the
    same number leaves that team message alone; the web user's own /loeschen redacts it."""
    async with running_bot(tmp_path) as bot:
        conversation = build_conversation(bot.services)
        await conversation.handle(WEB, TextIn(QUESTION))
        await conversation.handle(TG, TextIn("Was kostet die Beratung?"))  # theirs to erase
        await bot.team_says(MEMBER, "/unbeantwortet")
        assert "Kakadu" in team_chat_text(bot)
        for user in (TG, WEB):
            [confirm] = await conversation.handle(user, CommandIn("loeschen"))
            data, _ = _button([confirm], "Ja")
            await conversation.handle(user, PressIn(data, message="1"))
            await bot.deliver()
            assert ("Kakadu" in team_chat_text(bot)) is (user == TG), user
