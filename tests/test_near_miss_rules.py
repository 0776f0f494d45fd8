"""Near misses decided from data: a day or date of an entry without dates, a detail of a thing
the offer only names (knowledge/foreign.yaml: date_asks, named_only, detail_asks)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answering import Answerer
from bot.config import MatchingSettings
from bot.knowledge import KnowledgeBase
from bot.knowledge.models import Entry, ForeignTopics
from bot.matching import Matcher
from bot.matching.nearmiss import DetailFinder
from bot.texts import load_texts
from tests.test_qa_handlers import last
from tests.test_team_harness import running_bot


@pytest.fixture(scope="module")
def answerer(kb: KnowledgeBase, matcher: Matcher) -> Answerer:
    import datetime as dt

    return Answerer(kb, matcher, load_texts(), today=lambda: dt.date(2030, 1, 1))


@pytest.mark.parametrize(
    "question",
    [
        "An welchem Tag kommt ihr für den Workshop zu uns?",
        "Welches Datum hat die Beratung für Kommunen?",
        "An welchem Wochentag ist die Entwicklungswerkstatt?",
    ],
)
def test_a_day_of_an_entry_without_dates_is_a_near_miss(matcher: Matcher, question: str) -> None:
    """Asking for the day or date of something whose entry names no dates (the workshops, the
    consultation) is a near miss: fallback, the closest entries kept."""
    result = matcher.match(question)
    assert result.band == "fallback" and result.near_miss and result.candidates


@pytest.mark.parametrize(
    "question",
    ["An welchem Tag sollte die Lernwerkstatt sein?", "Welches Datum hatte Modul I?"],
)
def test_a_day_of_an_entry_with_dates_is_answered(matcher: Matcher, question: str) -> None:
    """The same question about an entry that names dates (the Lernwerkstatt) is answered."""
    result = matcher.match(question)
    assert result.band == "answer" and not result.near_miss
    assert result.candidates[0].entry_id.startswith("m1")


def test_the_date_rule_follows_the_entries_dates_not_a_list_of_entries() -> None:
    """Whether a day is known is read from the matched entry's dates: the same question is a
    near miss against an undated entry and an answer once that entry names a date."""
    import datetime as dt

    from bot.knowledge.models import DatedFact

    def base(dates: list[DatedFact]) -> KnowledgeBase:
        entry = Entry(id="kurs", title="Kurs", answer="Der Kurs.", dates=dates,
                      questions=["Was ist der Kurs?", "kurs"], keywords=["Kurs"])
        return KnowledgeBase(entries={"kurs": entry}, smalltalk={}, synonyms={}, menu=[],
                             foreign=ForeignTopics(date_asks=["an welchem tag"]))

    question = "An welchem Tag ist der Kurs?"
    undated = Matcher(base([]), MatchingSettings()).match(question)
    assert undated.band == "fallback" and undated.near_miss
    fact = DatedFact(id="start", date=dt.date(2021, 5, 4), label="Beginn")
    dated = Matcher(base([fact]), MatchingSettings()).match(question)
    assert dated.band == "answer" and not dated.near_miss


@pytest.mark.parametrize(
    "question",
    [
        "Wie viele Leute passen in die Schreibwerkstatt?",
        "Wo genau findet die Schreibwerkstatt statt?",
        "An welchem Tag wäre die Schreibwerkstatt gewesen?",
        "Dauert die Schreibwerkstatt einen ganzen Tag?",
    ],
)
def test_details_of_a_thing_the_offer_only_names_are_near_misses(
    matcher: Matcher, question: str
) -> None:
    """The offer only names an optional Schreibwerkstatt: how many, where, which day or how long
    are near misses, not the Lernwerkstatt's answer."""
    result = matcher.match(question)
    assert result.band == "fallback" and result.near_miss


@pytest.mark.parametrize(
    "question",
    ["Was ist mit der Schreibwerkstatt gemeint?", "Muss ich die Schreibwerkstatt mitmachen?"],
)
def test_what_the_offer_says_about_a_named_thing_is_answered(
    matcher: Matcher, question: str
) -> None:
    """What the offer does say (that there is an optional Schreibwerkstatt) is answered."""
    result = matcher.match(question)
    assert result.band == "answer" and result.candidates[0].entry_id == "m1"


def test_a_named_thing_needs_a_detail_word_to_be_a_near_miss() -> None:
    """The finder reports a named thing only together with a word asking for a detail."""
    finder = DetailFinder([], 2022, date_asks=["welches datum"], named_only=["schreibwerkstatt"],
                          detail_asks=["wie lange"])
    assert finder.find(["wie", "lange", "dauert", "die", "schreibwerkstatt"])
    assert finder.find(["welches", "datum", "hat", "die", "schreibwerkstatt"])
    assert finder.find(["was", "ist", "die", "schreibwerkstatt"]) is None
    assert finder.find(["wie", "lange", "dauert", "der", "kurs"]) is None


def test_ask_shows_the_near_miss_as_a_fallback(answerer: Answerer) -> None:
    """In `ask` a day asked of the workshops is kind fallback with "keine Angabe"."""
    reply, _ = answerer.answer("An welchem Tag kommt ihr für den Workshop zu uns?")
    assert reply.kind == "fallback" and reply.text.startswith("Dazu habe ich keine Angabe")


async def test_a_detail_of_the_schreibwerkstatt_in_telegram(tmp_path: Path) -> None:
    """Through Telegram: "keine Angabe" for a Schreibwerkstatt detail, with the team button."""
    async with running_bot(tmp_path) as h:
        await h.user_says("Wie viele Leute passen in die Schreibwerkstatt?")
        message = last(h)
        assert message["text"].startswith("Dazu habe ich keine Angabe")
        assert "Frage an das Team senden" in str(message.get("reply_markup"))


def test_a_detail_asked_of_two_nouns_joined_by_und_stays_a_near_miss(answerer: Answerer) -> None:
    """"Wie viele Kolleginnen und Kollegen gibt es …?" is one question (not cut at "und"
    before a verb in second place), so its detail makes it a near miss."""
    reply, _ = answerer.answer("Wie viele Kolleginnen und Kollegen gibt es im Team?")
    assert reply.kind == "fallback" and reply.text.startswith("Dazu habe ich keine Angabe")
