""""Kann ich mich da noch anmelden?" after a topic with dates asks whether it is still on: the
topic's answer with the Stand note and the team, not the request dialogue."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.answering import Answerer
from bot.config import BUNDLED_KNOWLEDGE, MatchingSettings
from bot.knowledge import load_knowledge
from bot.matching import Matcher
from bot.texts import load_texts
from tests.test_qa_handlers import labels, last
from tests.test_team_harness import running_bot


def answerer() -> Answerer:
    kb = load_knowledge(BUNDLED_KNOWLEDGE)
    return Answerer(kb, Matcher(kb, MatchingSettings()), load_texts(),
                    today=lambda: dt.date(2030, 1, 1))


def test_still_on_after_a_dated_topic_is_that_topic_with_the_stand() -> None:
    """After the Lernwerkstatt (dates, cancelled), "noch anmelden" gets its answer (the
    cancellation first) with the offer to ask the team; after the consultation (no dates)
    and without a conversation it is the request."""
    a = answerer()
    a.answer_from("u", "Wie viele Tage umfasst die Lernwerkstatt?")
    reply, _ = a.answer_from("u", "Kann man sich da noch anmelden?")
    assert reply.kind == "answer" and reply.offer_team
    assert reply.text.startswith("<b>Die Lernwerkstatt") and "abgesagt" in reply.text
    a.answer_from("v", "Wie läuft die Beratung für Kommunen ab?")
    assert a.answer_from("v", "Kann man sich da noch anmelden?")[0].kind == "action"
    assert a.answer("Kann man sich da noch anmelden?")[0].kind == "action"


async def test_still_on_in_telegram(tmp_path: Path) -> None:
    """Through Telegram: the cancellation and the button to ask the team."""
    async with running_bot(tmp_path) as h:
        await h.user_says("Wie viele Tage umfasst die Lernwerkstatt?")
        await h.user_says("Kann man sich da noch anmelden?")
        message = last(h)
        assert "abgesagt" in message["text"]
        assert "Frage an das Team senden" in labels(message)
