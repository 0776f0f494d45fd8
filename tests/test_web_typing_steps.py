"""The web door tells the chat page which messages ask the user to type (issue 11, part 4:
keyboard only): the page then puts the focus into the message field, not on "Zurück"."""

from __future__ import annotations

from pathlib import Path

from tests.test_request_page import _press, web_bot


async def test_steps_answered_by_typing_are_marked_and_choices_are_not(tmp_path: Path) -> None:
    """A request step answered with a button (the kind, the topics) carries no expects_text;
    a step answered by typing (the organisation) does, although it has buttons too."""
    async with web_bot(tmp_path) as (_, chat):
        status, body = await chat.post("/api/command", {"name": "anfrage"})
        assert status == 200
        shown = list(body["messages"])
        assert not any(m.get("expects_text") for m in shown)  # step 1: the kind, by button
        shown = await _press(chat, shown, "Beratung für Kommunen")
        assert not any(m.get("expects_text") for m in shown)  # topics, by button
        shown = await _press(chat, shown, "Engagementkonzept")
        shown = await _press(chat, shown, "per Video")
        typing = [m for m in shown if m.get("expects_text")]
        assert len(typing) == 1 and "Schritt 4" in typing[0]["html"]
        assert typing[0]["buttons"]  # "Zurück" and "Abbrechen" are there, the field comes first
