"""Browsing by buttons (issue 10): views replace each other in one message, with "Zurück"."""

from __future__ import annotations

from pathlib import Path

from bot import callbacks
from tests.e2e_support import buttons
from tests.test_qa_handlers import ERIKA, labels, last
from tests.test_team_harness import REQUESTER, Harness, running_bot


async def tap(h: Harness, message: dict, label: str) -> dict:
    """Press the button with exactly this label on this message; returns the chat's newest."""
    data = next(d for text, d in buttons(message) if text == label)
    await h.process(h.factory.callback(ERIKA, message, data))
    return last(h)


async def test_browsing_edits_in_place_and_zurueck_leads_back(tmp_path: Path) -> None:
    """Module -> related entry -> Zurück (the module) -> Zurück (the menu) -> an entry -> Menü:
    every view replaces the one before in the same message, no new message is posted, and
    every button's data fits Telegram's 64 bytes and carries ids only."""
    async with running_bot(tmp_path) as h:
        await h.user_says("/start")
        module_label = next(label for label in labels(last(h)) if "Modul II" in label)
        view = await tap(h, last(h), module_label)
        message_id, sent = view["message_id"], len(h.api.sent_to(REQUESTER))
        module_text = view["text"]
        assert "« Zurück" in labels(view) and "Menü" in labels(view)
        related = next(label for label, d in buttons(view)
                       if d.startswith("e:") and label != "« Zurück")
        view = await tap(h, view, related)
        assert view["message_id"] == message_id and view["text"] != module_text
        view = await tap(h, view, "« Zurück")
        assert view["message_id"] == message_id and view["text"] == module_text
        view = await tap(h, view, "« Zurück")
        assert view["message_id"] == message_id and any("Modul I" in x for x in labels(view))
        entry = next(label for label in labels(view) if "Modul" in label)
        view = await tap(h, view, entry)
        view = await tap(h, view, "Menü")
        assert view["message_id"] == message_id and any("Modul III" in x for x in labels(view))
        assert len(h.api.sent_to(REQUESTER)) == sent, "no new message while browsing"
        for message in h.api.sent_to(REQUESTER):
            for _, data in buttons(message):
                assert callbacks.parse(data) is not None and len(data.encode()) <= 64


async def test_buttons_under_a_typed_answer_open_a_new_message(tmp_path: Path) -> None:
    """A related entry pressed under the answer to a typed question opens a new message, so the
    answer stays; its "Zurück" leads to the menu in place."""
    async with running_bot(tmp_path) as h:
        await h.user_says("Was kostet die Beratung?")
        answer = last(h)
        related = next(label for label, d in buttons(answer) if d.startswith("e:"))
        view = await tap(h, answer, related)
        assert view["message_id"] > answer["message_id"]
        assert h.api.message(REQUESTER, answer["message_id"])["text"] == answer["text"]
        menu = await tap(h, view, "« Zurück")
        assert menu["message_id"] == view["message_id"]
        assert any("Modul I" in label for label in labels(menu))
