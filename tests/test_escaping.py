"""Every user-supplied string is escaped wherever it is shown: summary, card, details, export."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.offline import user
from tests.test_team_harness import MEMBER, REQUESTER, press_button, running_bot

ERIKA = user(REQUESTER, "<i>Erika</i> & Co")
NASTY_ORG = '<b>Gemeinde</b> & "Söhne" </code> <a href="x">'
NASTY_NAME = "Ali 😀 \u200fעלי\u200e, Amt für <Ehrenamt>"
LONG_NEED = ("Wir brauchen <Hilfe> & Ideen. " * 60)[:1500]



async def test_hostile_strings_survive_every_view(tmp_path: Path,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    """HTML-like input, quotes, emoji, RTL marks and maximal lengths break no message."""
    caplog.set_level(logging.ERROR)
    async with running_bot(tmp_path) as h:
        h.add_requester(REQUESTER, "<i>Erika</i> & Co")
        await h.process(h.factory.message(ERIKA, "/anfrage"))
        await press_button(h, ERIKA, "Workshop vor Ort")
        for text in (LONG_NEED, NASTY_ORG, NASTY_NAME, "e@x.de"):
            await h.process(h.factory.message(ERIKA, text))
        await press_button(h, ERIKA, "Weiter zur Zusammenfassung")
        summary = h.api.last_message(REQUESTER)["text"]
        assert NASTY_ORG in summary and "\u200f" not in summary.split("Name und Funktion")[1][:40]
        await press_button(h, ERIKA, "Absenden")
        await h.deliver()
        card = next(m for m in h.api.sent_to(h.services.team_chat_id) if "A-2026-0001" in m["text"])
        assert NASTY_ORG in card["text"]
        assert len(card["text"]) <= 4096
        await h.team_says(MEMBER, "/anfrage A-2026-0001")
        assert NASTY_ORG in h.team_texts()[-1]
        await h.team_says(MEMBER, "/export")
        document = h.api.sent_to(h.services.team_chat_id)[-1]["document"]
        exported = h.api.file_content(document["file_id"]).decode("utf-8-sig")
        assert '<b>Gemeinde</b> & ""Söhne""' in exported
        await h.team_says(MEMBER, "Antwort mit <tags> & </code>", reply_to=card["message_id"])
        await h.deliver()
        assert "Antwort mit <tags> & </code>" in h.api.last_message(REQUESTER)["text"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_4096_character_message_in_every_step(tmp_path: Path) -> None:
    """A 4,096-character message is refused with the limit named, in every free-text step."""
    async with running_bot(tmp_path) as h:
        await h.process(h.factory.message(ERIKA, "/anfrage"))
        await press_button(h, ERIKA, "Sonstiges")
        for _ in range(2):
            await h.process(h.factory.message(ERIKA, "ä" * 4096))
            assert "zu lang" in h.api.last_message(REQUESTER)["text"]
        draft = await h.services.storage.drafts.get(REQUESTER)
        assert draft is not None and draft.step == "concern"


async def test_contact_of_someone_else_is_refused(tmp_path: Path) -> None:
    """A shared contact card that is not the sender's own is not taken as their number."""
    async with running_bot(tmp_path) as h:
        await h.process(h.factory.message(ERIKA, "/anfrage"))
        await press_button(h, ERIKA, "Sonstiges")
        for text in ("Vernetzung", "Amt Nord", "Erika, Amt"):
            await h.process(h.factory.message(ERIKA, text))
        await h.process(h.factory.contact(ERIKA, "+49 170 0000000", contact_user_id=999))
        assert "eigene Telefonnummer" in h.api.last_message(REQUESTER)["text"]
        await h.process(h.factory.contact(ERIKA, "+49 170 1111111", contact_user_id=REQUESTER))
        draft = await h.services.storage.drafts.get(REQUESTER)
        assert draft is not None and draft.data["answers"]["contact"]["phone"] == "+49 170 1111111"
