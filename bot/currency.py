"""Does a question ask what is current, or for a date the offer cannot know?

"Kann ich mich noch anmelden?" and "Gibt es das 2026 noch?" ask about the present; the offer's
text describes one programme year and cannot say. "Gibt es schon Termine für 2027?" and "Wann
startet der nächste Kurs?" ask for a later date, which no text of that year can give. The cue
words are data (knowledge/meta.yaml, ``currency``), folded like the matcher folds.
"""

from __future__ import annotations

import re
from typing import Literal

from bot.knowledge.meta import CurrencyCues
from bot.matching.clauses import QUESTION_WORDS, split_clauses
from bot.matching.normalize import fold

Currency = Literal["current", "later_date"]

_WORD = re.compile(r"\w+")
_YEAR = re.compile(r"20\d\d")


Phrases = dict[str, tuple[tuple[str, ...], ...]]


def _folded_words(values: list[str]) -> list[tuple[str, ...]]:
    return [words for v in values if (words := tuple(_WORD.findall(fold(v))))]


def _phrases(values: list[str]) -> Phrases:
    """Cue phrases indexed by their first word, so a question is scanned once."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for words in _folded_words(values):
        index.setdefault(words[0], []).append(words)
    return {first: tuple(group) for first, group in index.items()}


def _has_phrase(words: list[str], phrases: Phrases) -> bool:
    for i, word in enumerate(words):
        for phrase in phrases.get(word, ()):
            if len(phrase) == 1 or tuple(words[i : i + len(phrase)]) == phrase:
                return True
    return False


class CurrencyDetector:
    """Classifies a question as about the present, about a later date, or neither (None)."""

    def __init__(self, cues: CurrencyCues, programme_year: int) -> None:
        self.programme_year = programme_year
        self._current = _phrases(cues.current)
        self._still = {w for words in _folded_words(cues.still) for w in words}
        self._still_before = {w for words in _folded_words(cues.still_before) for w in words}
        self._future = _phrases(cues.future)
        self._schedule = _phrases(cues.schedule)
        self._room = _phrases(cues.room)

    def without_still(self, question: str) -> str:
        """The question without "noch" and the words of taking part it asks about ("Kann ich
        mich da noch anmelden?" → "Kann ich mich da"): what else it says."""
        skip = self._still | self._still_before
        return " ".join(w for w in _WORD.findall(fold(question)) if w not in skip)

    def asks_room(self, question: str) -> bool:
        """Whether the sentences that ask ask whether there is still room ("noch Plätze
        frei?")."""
        return _has_phrase([w for s in _asked_words(question) for w in s], self._room)

    def _still_asked(self, sentence: list[str]) -> bool:
        """'noch' ends the sentence or comes right before a word of participation."""
        for i, word in enumerate(sentence):
            if word not in self._still:
                continue
            rest = sentence[i + 1 :]
            if not rest or any(w in self._still_before for w in rest[:5]):
                return True
        return False

    def classify(self, question: str) -> Currency | None:
        sentences = _asked_words(question)
        words = [w for s in sentences for w in s]
        later_year = any(
            _YEAR.fullmatch(w) and int(w) > self.programme_year for w in words
        )
        later = later_year or _has_phrase(words, self._future)
        if later and _has_phrase(words, self._schedule):
            return "later_date"
        current = (
            later
            or _has_phrase(words, self._current)
            or any(self._still_asked(s) for s in sentences)
        )
        return "current" if current else None


def _asked_words(question: str) -> list[list[str]]:
    """The folded words of each sentence that asks. A statement with an indirect question
    counts from the word that opens it ("derzeit" in "Der Beirat möchte derzeit klären, welche
    Themen …" says when the writer asks, not what); a statement beside a question counts not
    at all ("Wir sind derzeit knapp bei Kasse. Was kostet das?"); a message of statements
    only ("lernwerkstatt noch aktuell") counts whole."""
    clauses = split_clauses(question)
    any_asks = any(c.asks for c in clauses)
    asked: list[list[str]] = []
    for clause in clauses:
        words = _WORD.findall(fold(clause.text))
        if not clause.asks:
            # The word opening its indirect question ("Ich möchte derzeit klären, ob …").
            opener = next((n for n, w in enumerate(words) if w in QUESTION_WORDS), None)
            if opener is not None:
                words = words[opener + 1 :]
            elif any_asks:
                words = []
        asked.append(words)
    return asked
