""""mehr zum zweiten", "das dritte bitte": a short message pointing into the list of options the
last reply offered (its entry buttons), in `ask --conversations`, the Answerer and Telegram."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.answering import Answerer
from bot.config import MatchingSettings
from bot.conversation_context import ConversationContext
from bot.knowledge import KnowledgeBase
from bot.matching import Matcher
from bot.matching.ordinals import LAST, list_position
from bot.texts import load_texts
from tests.test_conversation import ask
from tests.test_qa_handlers import last
from tests.test_team_harness import running_bot


def answerer(kb: KnowledgeBase) -> Answerer:
    return Answerer(kb, Matcher(kb, MatchingSettings()), load_texts(),
                    today=lambda: dt.date(2030, 1, 1))


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("erzähl mir mehr zum Zweiten", 1),
        ("das dritte bitte", 2),
        ("Nummer 1", 0),
        ("und das letzte?", LAST),
        ("3", None),
        ("dürfen wir da zu dritt hin?", None),
        ("erst im Juni?", None),
        ("der erste oder der zweite?", None),
        ("Wie lief es beim zweiten Termin der Lernwerkstatt mit den Anmeldungen genau ab?", None),
    ],
)
def test_a_position_is_read_only_from_a_short_pointer(text: str, position: int | None) -> None:
    """Ordinals and "Nummer N" name a position; a bare number, "zu dritt" (three of us), "erst"
    (only), two positions or a long question that happens to hold an ordinal do not."""
    assert list_position(text) == position


def test_ask_conversations_walks_through_the_listed_modules() -> None:
    """After the overview of the modules, "mehr zum zweiten" is Modul II and "und zum dritten?"
    Modul III (the list stays on offer); a new conversation has no list to point into."""
    replies = ask(
        "Was für Module habt ihr im Programm?\nkannst du mir mehr zum zweiten sagen\n"
        "und zum dritten?\n\nmehr zum zweiten\n",
        conversations=True,
    )
    assert [r["kind"] for r in replies[:3]] == ["answer"] * 3
    assert "Modul II" in replies[1]["text"] and "Beratung" in replies[1]["text"]
    assert "Workshops vor Ort" in replies[2]["text"] or "Modul III" in replies[2]["text"]
    assert replies[3]["kind"] != "answer"


def test_a_pointer_picks_from_a_meinten_sie_reply(kb: KnowledgeBase) -> None:
    """After "Meinten Sie …?", "das zweite bitte" is the second suggestion."""
    a = answerer(kb)
    unsure, _ = a.answer_from("u", "Themen")
    assert unsure.kind == "suggestions" and len(unsure.suggestions) >= 2
    picked, result = a.answer_from("u", "das zweite bitte")
    assert picked.kind in ("answer", "action")
    assert picked.entry_id == unsure.suggestions[1].entry_id == result.candidates[0].entry_id


def test_a_pointer_with_words_of_another_topic_is_a_question(kb: KnowledgeBase) -> None:
    """"die zweite Rechnung" after the overview points to no module: it is read as a question."""
    a = answerer(kb)
    a.answer_from("u", "Was für Module habt ihr im Programm?")
    _, result = a.answer_from("u", "und die zweite Rechnung?")
    assert "points to option" not in result.reason


def test_the_context_keeps_the_offered_options_and_forgets_them() -> None:
    """An answer and a "Meinten Sie" reply both leave their options; /start forgets them; a
    reply that is no answer keeps the topic."""
    context = ConversationContext(minutes=10, clock=lambda: 0.0)
    context.remember(1, "angebot", True, ("m1", "m2"))
    context.offer(1, ("kosten", "m3"))
    turn = context.recall(1)
    assert turn is not None and turn.options == ("kosten", "m3") and turn.topic == "angebot"
    context.forget(1)
    assert context.recall(1) is None


async def test_mehr_zum_zweiten_in_telegram(tmp_path: Path) -> None:
    """Through Telegram: the overview, then "mehr zum zweiten" answers with Modul II."""
    async with running_bot(tmp_path) as h:
        await h.user_says("Was für Module habt ihr im Programm?")
        assert "Modul II" in last(h)["text"]
        await h.user_says("mehr zum zweiten bitte")
        text = last(h)["text"]
        assert "Beratung" in text and "Lernwerkstatt" not in text


def test_an_ordinal_in_a_longer_question_asks_about_that_option() -> None:
    """After the overview of the modules, a longer question with an ordinal asks an aspect of
    that option: "Danke schön. Und was lernt man eigentlich im ersten genau?" is the contents
    of Modul I, "und beim dritten – wie viel Zeit braucht man?" the time the workshops take
    (the list stays on offer); an aspect of another topic is no reference to the list."""
    replies = ask(
        "Was für Module habt ihr im Programm?\n"
        "Danke schön. Und was lernt man eigentlich im ersten genau?\n"
        "und beim dritten – wie viel Zeit braucht man?\n",
        conversations=True,
    )
    assert [r["kind"] for r in replies] == ["answer"] * 3
    assert "Auf dem Programm standen" in replies[1]["text"]
    assert "Auftakt" in replies[2]["text"]
