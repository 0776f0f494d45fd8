"""Team commands in the team chat, through the real Application and the fake Bot API."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

from bot import callbacks
from bot.config import BUNDLED_KNOWLEDGE
from tests.test_team_harness import (
    MEMBER,
    OTHER_MEMBER,
    TEAM,
    Harness,
    make_settings,
    request_data,
    running_bot,
)

NEW_ENTRY = """
entries:
  - id: reload_test
    title: "Neuer Eintrag"
    answer: "Ein neuer Eintrag."
    questions: ["Gibt es einen neuen Eintrag?", "neuer eintrag"]
"""


async def command(bot: Harness, text: str, who: int = MEMBER) -> str:
    """Send a command in the team chat; return the bot's last text there."""
    before = len(bot.api.sent_to(TEAM))
    await bot.team_says(who, text)
    sent = bot.api.sent_to(TEAM)
    return sent[-1].get("text", "") if len(sent) > before else ""


async def test_open_lists_oldest_first_with_age_kind_and_assignee(tmp_path: Path) -> None:
    """/offen: open tickets oldest first, with age in days, kind, organisation and assignee."""
    async with running_bot(tmp_path) as bot:
        first = await bot.submit(request_data(organisation="Amt <Nord>"))
        bot.clock.advance(days=2)
        second = await bot.submit(request_data(kind="workshop", kind_label="Workshop vor Ort",
                                               organisation="Stadt Süd"), user_id=43)
        await bot.press(MEMBER, bot.card(second), callbacks.card(second.id, "take"),
                        first_name="Tom")
        bot.clock.advance(days=1)
        text = await command(bot, "/offen")
        assert "Offen: 2" in text
        assert text.index(first.ref) < text.index(second.ref)
        assert "seit 3 Tagen" in text and "seit 1 Tag" in text
        assert "Amt <Nord>" in text and "Workshop vor Ort" in text
        assert "🟡 übernommen von Tom" in text


async def test_open_marks_failed_delivery(tmp_path: Path) -> None:
    """/offen shows "Zustellung fehlgeschlagen" for a ticket whose notification failed."""
    async with running_bot(tmp_path) as bot:
        ticket = await bot.submit()
        bot.api.block(42)
        await bot.press(MEMBER, bot.card(ticket), callbacks.card(ticket.id, "take"))
        await bot.deliver()
        assert "Zustellung fehlgeschlagen" in await command(bot, "/offen")


async def test_open_when_nothing_is_open(tmp_path: Path) -> None:
    """/offen without open tickets says so."""
    async with running_bot(tmp_path) as bot:
        assert "Keine offenen" in await command(bot, "/offen")


async def test_ticket_details_by_ref_or_number(tmp_path: Path) -> None:
    """/anfrage A-2026-0001, a-2026-1 and 1 show the card and the history with messages."""
    async with running_bot(tmp_path) as bot:
        ticket = await bot.submit()
        await bot.press(MEMBER, bot.card(ticket), callbacks.card(ticket.id, "take"))
        await bot.team_says(MEMBER, "Rückruf morgen?", reply_to=bot.card(ticket)["message_id"])
        await bot.deliver()
        for typed in (ticket.ref, ticket.ref.lower().replace("0001", "1"), "1"):
            text = await command(bot, f"/anfrage {typed}")
            assert ticket.ref in text and "Verlauf" in text, typed
            assert "eingegangen" in text and "offen → übernommen" in text
            assert "Rückruf morgen?" in text


async def test_ticket_details_unknown_or_missing_number(tmp_path: Path) -> None:
    """/anfrage with an unknown ref says not found; without one, how to use it."""
    async with running_bot(tmp_path) as bot:
        assert "Keine Anfrage" in await command(bot, "/anfrage A-2026-0099")
        assert "Bitte mit Nummer" in await command(bot, "/anfrage")
        assert "Bitte mit Nummer" in await command(bot, "/anfrage xyz")


async def test_export_is_excel_ready_and_formula_safe(tmp_path: Path) -> None:
    """/export sends a CSV: BOM, semicolons, quoted newlines, formulas defused."""
    async with running_bot(tmp_path) as bot:
        await bot.submit(request_data(organisation="=HYPERLINK(\"http://x\")",
                                      organisation_label="=HYPERLINK(\"http://x\")",
                                      phone="+49 431 123456",
                                      remarks="Zeile 1\nZeile 2; mit <b>Tags</b>",
                                      remarks_label="Zeile 1\nZeile 2; mit <b>Tags</b>"))
        await bot.team_says(MEMBER, "/export")
        document = bot.api.last_message(TEAM)
        assert document is not None and "document" in document
        assert document["document"]["file_name"].endswith(".csv")
        raw = bot.api.file_content(document["document"]["file_id"])
        assert raw.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
        header, row = rows[0], rows[1]
        assert header[0] == "Nummer" and len(rows) == 2
        cells = dict(zip(header, row, strict=True))
        assert cells["Kommune/Organisation"] == "'=HYPERLINK(\"http://x\")"
        assert cells["Telefon"] == "'+49 431 123456"
        assert cells["Anmerkungen"] == "Zeile 1\nZeile 2; mit <b>Tags</b>"
        assert cells["Art"] == "Beratung für Kommunen"


async def test_export_without_tickets(tmp_path: Path) -> None:
    """/export with nothing stored sends a note, no file."""
    async with running_bot(tmp_path) as bot:
        assert "Noch keine Anfragen" in await command(bot, "/export")


async def test_stats_by_kind_status_and_month(tmp_path: Path) -> None:
    """/statistik counts requests by kind, tickets by status and by month."""
    async with running_bot(tmp_path) as bot:
        first = await bot.submit()
        await bot.submit(request_data(kind="workshop", kind_label="Workshop vor Ort"), user_id=43)
        await bot.press(MEMBER, bot.card(first), callbacks.card(first.id, "done"))
        text = await command(bot, "/statistik")
        assert "Gesamt: 2 (Anfragen: 2, Fragen: 0)" in text
        assert "Beratung für Kommunen: 1" in text and "Workshop vor Ort: 1" in text
        assert "offen: 1" in text and "erledigt: 1" in text
        assert "03/2026: 2" in text


async def test_unanswered_lists_most_frequent_first(tmp_path: Path) -> None:
    """/unbeantwortet shows unanswered questions by frequency, escaped; answered ones are left
    out (the review buttons: tests/test_teaching.py)."""
    async with running_bot(tmp_path) as bot:
        log = bot.services.storage.questions
        for _ in range(3):
            await log.record(1, "Gibt es <Fördergeld>?", "gibt es fördergeld", "fallback", None,
                             bot.clock())
        await log.record(2, "Parkplatz?", "parkplatz", "suggest", None, bot.clock())
        await log.record(3, "Was kostet das?", "was kostet das", "answer", "kosten", bot.clock())
        before = len(bot.team_texts())
        await bot.team_says(MEMBER, "/unbeantwortet")
        text = "\n".join(bot.team_texts()[before:])  # a head, then one message per group
        assert text.index("3× „Gibt es <Fördergeld>?“") < text.index("1× „Parkplatz?“")
        assert "kostet" not in text


async def test_reload_good_knowledge_replaces_it(tmp_path: Path) -> None:
    """/reload with valid files swaps knowledge base and answerer."""
    knowledge = tmp_path / "knowledge"
    shutil.copytree(BUNDLED_KNOWLEDGE, knowledge)
    settings = make_settings(tmp_path)
    settings.knowledge.path = knowledge
    async with running_bot(tmp_path, settings=settings) as bot:
        before = len(bot.services.kb.entries)
        (knowledge / "zz_neu.yaml").write_text(NEW_ENTRY, encoding="utf-8")
        text = await command(bot, "/reload")
        assert f"{before + 1} Einträge" in text
        assert bot.services.kb.entry("reload_test") is not None
        reply, _ = bot.services.answerer.answer("Gibt es einen neuen Eintrag?")
        assert reply.entry_id == "reload_test"


async def test_reload_broken_knowledge_keeps_the_old_one(tmp_path: Path) -> None:
    """/reload with a broken file reports file and entry and keeps the running knowledge."""
    knowledge = tmp_path / "knowledge"
    shutil.copytree(BUNDLED_KNOWLEDGE, knowledge)
    settings = make_settings(tmp_path)
    settings.knowledge.path = knowledge
    async with running_bot(tmp_path, settings=settings) as bot:
        old_kb, old_answerer = bot.services.kb, bot.services.answerer
        (knowledge / "zz_kaputt.yaml").write_text(
            "entries:\n  - id: kaputt\n    title: x\n    answer: y\n    related: [gibtsnicht]\n",
            encoding="utf-8")
        text = await command(bot, "/reload")
        assert "nicht" in text and "zz_kaputt.yaml" in text and "'kaputt'" in text
        assert bot.services.kb is old_kb and bot.services.answerer is old_answerer


async def test_team_help(tmp_path: Path) -> None:
    """/hilfe in the team chat lists the team commands."""
    async with running_bot(tmp_path) as bot:
        text = await command(bot, "/hilfe")
        for name in ("/offen", "/anfrage", "/export", "/statistik", "/unbeantwortet", "/reload"):
            assert name in text


async def test_commands_ignore_non_admins_when_admins_are_set(tmp_path: Path) -> None:
    """With team.admins configured, other group members get no team data."""
    settings = make_settings(tmp_path, admins=[MEMBER])
    async with running_bot(tmp_path, settings=settings) as bot:
        await bot.submit()
        assert await command(bot, "/offen", who=OTHER_MEMBER) == ""
        assert "Offen: 1" in await command(bot, "/offen", who=MEMBER)
