"""Plattdeutsch questions are read like their High German counterparts (bot/matching/dialect.py)."""

from __future__ import annotations

import pytest

from bot.matching import Matcher
from bot.matching.dialect import high_german


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("Moin, wat kost dat för de Gemeen?", "kosten"),
        ("Wokeen maakt dat Angebot?", "traeger"),
        ("Wo lang duert so'n Beraden?", "m2_dauer"),
        ("Ik bün Börgermeester. Mööt wi för den Workshop wat betahlen?", "kosten"),
        ("Kummt ji för de Beraden ok to uns hen?", "m2_formate"),
    ],
)
def test_low_german_questions_are_answered(matcher: Matcher, question: str, entry: str) -> None:
    """Questions in Plattdeutsch get the answer their High German wording would get."""
    result = matcher.match(question)
    assert (result.band, result.candidates[0].entry_id) == ("answer", entry)


def test_high_german_words_stay_as_they_are() -> None:
    """Only Low German words are replaced; "ok", "wo" and every High German word stay."""
    assert high_german(["ok", "wo", "kosten", "wat", "dat"]) == ["ok", "wo", "kosten", "was", "das"]
    assert high_german(["ick", "mutt", "dor", "hen"]) == ["ich", "muss", "da", "hin"]


def test_low_german_place_and_elsewhere_questions_are_read_as_high_german(
    matcher: Matcher,
) -> None:
    """"op Krautsand, wi liggt in Niedersachsen" names places after a Low German preposition
    (the question is whether the offer reaches them); "Gifft dat sowat …" in Niedersachsen asks
    whether something like the offer exists there, which the offer does not know."""
    reach = matcher.match("Un gilt dat ok för uns op Krautsand, wi liggt ja in Niedersachsen?")
    assert reach.band == "answer" and reach.candidates[0].entry_id == "zielgruppe"
    elsewhere = matcher.match("Gifft dat sowat denn ok in Niedersachsen?")
    assert elsewhere.band == "fallback" and elsewhere.near_miss is not None
