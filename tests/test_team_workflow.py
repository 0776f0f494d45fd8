"""The team workflow polish (issue 10): unroutable replies, replies without the reply function,
buttons that follow the status, /reload of texts, one word per status, one outbox query."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from bot import callbacks
from bot.conversation.model import UserKey
from bot.storage.models import Ticket
from bot.texts import TEXTS_DIR, load_texts
from tests.test_team_commands import command
from tests.test_team_harness import MEMBER, OTHER_MEMBER, REQUESTER, TEAM, Harness, running_bot


async def test_open_asks_the_outbox_once_for_all_tickets(tmp_path: Path) -> None:
    """/offen finds failed deliveries with one outbox statement, however many tickets are open."""
    async with running_bot(tmp_path) as bot:
        tickets = [await bot.submit(user_id=100 + i) for i in range(5)]
        bot.api.block(100)
        await bot.press(MEMBER, bot.card(tickets[0]), callbacks.card(tickets[0].id, "take"))
        await bot.deliver()
        statements: list[str] = []
        await bot.services.storage.db.conn.set_trace_callback(statements.append)
        try:
            text = await command(bot, "/offen")
        finally:
            await bot.services.storage.db.conn.set_trace_callback(None)
        assert "Zustellung fehlgeschlagen" in text
        outbox_reads = [s for s in statements if "FROM outbox" in s]
        assert len(outbox_reads) == 1, outbox_reads


async def test_reply_to_open_list_is_explained(tmp_path: Path) -> None:
    """A team reply to /offen (several requests) gets a one-line hint to answer on the card,
    and nothing reaches any requester."""
    async with running_bot(tmp_path) as bot:
        await bot.submit()
        await bot.submit(user_id=43)
        await command(bot, "/offen")
        listing = bot.api.sent_to(TEAM)[-1]
        before = len(bot.user_texts()) + len(bot.user_texts(43))
        await bot.team_says(MEMBER, "Ich kümmere mich darum", reply_to=listing["message_id"])
        assert "direkt auf die Karte" in bot.team_texts()[-1]
        await bot.deliver()
        assert len(bot.user_texts()) + len(bot.user_texts(43)) == before


async def test_reply_to_a_colleague_is_not_answered(tmp_path: Path) -> None:
    """Replies among team members (not to a bot message) stay a conversation between people."""
    async with running_bot(tmp_path) as bot:
        await bot.submit()
        said = await bot.team_says(MEMBER, "Wer übernimmt?")
        before = len(bot.team_texts())
        await bot.team_says(OTHER_MEMBER, "Ich", reply_to=said["message"]["message_id"])
        assert len(bot.team_texts()) == before


def _datas(card: dict[str, Any]) -> list[str]:
    return [b["callback_data"] for row in card["reply_markup"]["inline_keyboard"] for b in row]


def _labels(card: dict[str, Any]) -> list[str]:
    return [b["text"] for row in card["reply_markup"]["inline_keyboard"] for b in row]


async def test_card_buttons_follow_the_status(tmp_path: Path) -> None:
    """Open: Übernehmen, Erledigt; taken: Abgeben, Erledigt, Übernehmen (take over); done:
    Wieder öffnen. "Übernehmen" is no longer offered as if the card were still open."""
    async with running_bot(tmp_path) as bot:
        ticket = await bot.submit()
        assert _labels(bot.card(ticket)) == ["Übernehmen", "Erledigt"]
        await bot.press(MEMBER, bot.card(ticket), callbacks.card(ticket.id, "take"))
        await bot.deliver()
        card = bot.card(ticket)
        assert _labels(card) == ["Abgeben", "Erledigt", "Übernehmen"]
        assert _datas(card) == [callbacks.card(ticket.id, "release"),
                                callbacks.card(ticket.id, "done"),
                                callbacks.card(ticket.id, "over")]
        await bot.press(MEMBER, card, callbacks.card(ticket.id, "done"))
        await bot.deliver()
        assert _labels(bot.card(ticket)) == ["Wieder öffnen"]


async def test_release_frees_a_taken_request_for_a_colleague(tmp_path: Path) -> None:
    """Abgeben (by the assignee) makes the request open again without assignee; only the
    assignee may hand it back."""
    async with running_bot(tmp_path) as bot:
        ticket = await bot.submit()
        await bot.press(MEMBER, bot.card(ticket), callbacks.card(ticket.id, "take"),
                        first_name="Tom")
        await bot.deliver()
        refused = await bot.press(OTHER_MEMBER, bot.card(ticket),
                                  callbacks.card(ticket.id, "release"), first_name="Ida")
        assert refused is not None and "Tom" in refused
        assert (await bot.ticket(ticket.id)).status == "taken"
        answer = await bot.press(MEMBER, bot.card(ticket), callbacks.card(ticket.id, "release"))
        assert answer is not None and "Abgegeben" in answer
        await bot.deliver()
        released = await bot.ticket(ticket.id)
        assert released.status == "open" and released.assignee_id is None
        assert _labels(bot.card(released)) == ["Übernehmen", "Erledigt"]
        await bot.press(OTHER_MEMBER, bot.card(released), callbacks.card(ticket.id, "take"),
                        first_name="Ida")
        assert (await bot.ticket(ticket.id)).assignee_id == OTHER_MEMBER


async def test_colleague_takes_over_a_taken_request(tmp_path: Path) -> None:
    """"Übernehmen" on a taken card moves it to the colleague; the requester hears the new name.
    The assignee pressing it is told they already have it; a stale open-card "take" is refused."""
    async with running_bot(tmp_path) as bot:
        ticket = await bot.submit()
        await bot.press(MEMBER, bot.card(ticket), callbacks.card(ticket.id, "take"),
                        first_name="Tom")
        await bot.deliver()
        late = await bot.press(OTHER_MEMBER, bot.card(ticket), callbacks.card(ticket.id, "take"),
                               strict=False, first_name="Ida")  # from the card as it was
        assert late is not None and "Bereits übernommen von Tom" in late
        self_over = await bot.press(MEMBER, bot.card(ticket), callbacks.card(ticket.id, "over"))
        assert self_over is not None and "bereits" in self_over
        answer = await bot.press(OTHER_MEMBER, bot.card(ticket), callbacks.card(ticket.id, "over"),
                                 first_name="Ida")
        assert answer is not None and "Tom" in answer
        await bot.deliver()
        taken = await bot.ticket(ticket.id)
        assert taken.status == "taken" and taken.assignee_id == OTHER_MEMBER
        assert "übernommen von Ida" in bot.card(taken)["text"]
        assert "Ida" in bot.user_texts()[-1]


async def _team_wrote(bot: Harness, ticket: Ticket) -> None:
    """A team member answers on the card; the requester receives it."""
    await bot.team_says(MEMBER, "Passt Ihnen Dienstag?", reply_to=bot.card(ticket)["message_id"])
    await bot.deliver()
    assert "Passt Ihnen Dienstag?" in bot.user_texts()[-1]


def _link_question(bot: Harness) -> dict[str, Any]:
    last = bot.api.sent_to(REQUESTER)[-1]
    assert "für das Team" in last.get("text", "")
    return last


async def test_text_after_team_message_is_forwarded_after_yes(tmp_path: Path) -> None:
    """Free text (no reply function) soon after a team message: the bot asks once with two
    buttons, keeps the texts meanwhile, and "Ja, an das Team" passes them to the card."""
    async with running_bot(tmp_path) as bot:
        ticket = await bot.submit()
        await _team_wrote(bot, ticket)
        team_before = len(bot.team_texts())
        await bot.user_says("Ja, Dienstag um 10 passt.")
        question = _link_question(bot)
        assert _labels(question) == ["Ja, an das Team", "Nein, das ist eine neue Frage"]
        await bot.user_says("Mit zwei Kolleginnen.")  # joins the waiting text, no second question
        assert bot.api.sent_to(REQUESTER)[-1]["message_id"] == question["message_id"]
        await bot.press(REQUESTER, question, callbacks.team_link(ticket.id, "yes"))
        await bot.deliver()
        forwarded = bot.team_texts()[team_before:]
        assert any("Dienstag um 10" in t and "zwei Kolleginnen" in t and ticket.ref in t
                   for t in forwarded), forwarded
        assert ticket.ref in bot.user_texts()[-1] and "weitergeleitet" in bot.user_texts()[-1]
        again = await bot.press(REQUESTER, question, callbacks.team_link(ticket.id, "yes"),
                                strict=False)
        assert again is not None and "nicht mehr aktuell" in again


async def test_no_answers_the_text_as_a_question_and_stops_asking(tmp_path: Path) -> None:
    """"Nein, das ist eine neue Frage": the kept text is answered as a question, nothing goes to
    the team, and later texts about the same team message are not asked about again."""
    async with running_bot(tmp_path) as bot:
        ticket = await bot.submit()
        await _team_wrote(bot, ticket)
        team_before = len(bot.team_texts())
        await bot.user_says("Was ist ein Engagementbericht?")
        question = _link_question(bot)
        await bot.press(REQUESTER, question, callbacks.team_link(ticket.id, "no"))
        after_no = bot.user_texts()[-1]
        assert "für das Team" not in after_no and after_no != question["text"]
        await bot.user_says("Und was kostet die Beratung?")
        assert "für das Team" not in bot.user_texts()[-1]
        await bot.deliver()
        assert len(bot.team_texts()) == team_before


async def test_no_question_outside_the_reply_window(tmp_path: Path) -> None:
    """After requests.reply_window_days without a team message, free text is a question again."""
    async with running_bot(tmp_path) as bot:
        ticket = await bot.submit()
        await _team_wrote(bot, ticket)
        bot.clock.advance(days=8)
        await bot.user_says("Was ist ein Engagementbericht?")
        assert "für das Team" not in bot.user_texts()[-1]


async def test_erasure_drops_a_waiting_text(tmp_path: Path) -> None:
    """/loeschen also forgets a text that waits for "is this for the team?" (it is personal)."""
    async with running_bot(tmp_path) as bot:
        ticket = await bot.submit()
        await _team_wrote(bot, ticket)
        await bot.user_says("Meine Nummer ist 0431 123456")
        _link_question(bot)
        assert UserKey("telegram", str(REQUESTER)) in bot.services.team_links.pending
        await bot.user_says("/loeschen")
        await bot.press(REQUESTER, bot.api.sent_to(REQUESTER)[-1], callbacks.privacy("del"))
        assert UserKey("telegram", str(REQUESTER)) not in bot.services.team_links.pending


def _texts_copy(tmp_path: Path) -> Path:
    directory = tmp_path / "texts"
    shutil.copytree(TEXTS_DIR, directory)
    return directory


def _edit(path: Path, old: str, new: str) -> None:
    content = path.read_text(encoding="utf-8")
    assert old in content
    path.write_text(content.replace(old, new, 1), encoding="utf-8")


async def test_reload_reloads_texts_and_says_what(tmp_path: Path) -> None:
    """/reload reads the texts again (a changed text is used at once) and reports the counts of
    texts, knowledge entries and taught phrasings."""
    async with running_bot(tmp_path) as bot:
        directory = _texts_copy(tmp_path)
        bot.services.texts_dir = directory
        _edit(directory / "team.yaml", "<b>Befehle im Team-Chat</b>", "<b>Unsere Befehle</b>")
        report = await command(bot, "/reload")
        texts_count = len(load_texts(directory).keys())
        assert f"Texte neu geladen: {texts_count} Texte" in report
        assert f"{len(bot.services.kb.entries)} Einträge" in report
        assert "0 vom Team beigebrachte Formulierungen" in report
        assert "Unsere Befehle" in await command(bot, "/hilfe")


async def test_reload_keeps_old_texts_when_a_file_is_broken(tmp_path: Path) -> None:
    """A broken text (bad HTML) or a missing key keeps all old texts; the report names the file
    and the key, and the knowledge base is still reloaded."""
    async with running_bot(tmp_path) as bot:
        directory = _texts_copy(tmp_path)
        bot.services.texts_dir = directory
        _edit(directory / "team.yaml", "<b>Befehle im Team-Chat</b>", "<b>Kaputt")
        report = await command(bot, "/reload")
        assert "nicht" in report and "team.yaml" in report and "team_help" in report
        assert "Wissensbasis neu geladen" in report
        assert "Befehle im Team-Chat" in await command(bot, "/hilfe")
        _edit(directory / "team.yaml", "<b>Kaputt", "<b>Befehle im Team-Chat</b>")
        _edit(directory / "team.yaml", "team_open_none:", "team_open_nobody:")
        report = await command(bot, "/reload")
        assert "team_open_none" in report and "fehlt" in report
        assert "Keine offenen" in await command(bot, "/offen")


async def test_reply_question_costs_no_trip_until_the_team_writes(tmp_path: Path) -> None:
    """A user the team never wrote to is looked up once; later questions need no lookup. When
    the team writes, the next free text is asked about after all."""
    async with running_bot(tmp_path) as bot:
        ticket = await bot.submit()
        await bot.user_says("Was ist ein Engagementbericht?")
        statements: list[str] = []
        await bot.services.storage.db.conn.set_trace_callback(statements.append)
        try:
            await bot.user_says("Was kostet die Beratung?")
        finally:
            await bot.services.storage.db.conn.set_trace_callback(None)
        assert not [s for s in statements if "ticket_messages" in s], statements
        await _team_wrote(bot, ticket)
        await bot.user_says("Dienstag passt gut.")
        _link_question(bot)
