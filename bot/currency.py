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
from bot.matching.normalize import fold

Currency = Literal["current", "later_date"]

_SENTENCES = re.compile(r"[?!.;:]+(?:\s|$)|\s[–-]\s")
_WORD = re.compile(r"\w+")
_YEAR = re.compile(r"\b(20\d\d)\b")


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

    def without_still(self, question: str) -> str:
        """The question without "noch" and the words of taking part it asks about ("Kann ich
        mich da noch anmelden?" → "Kann ich mich da"): what else it says."""
        skip = self._still | self._still_before
        return " ".join(w for w in _WORD.findall(fold(question)) if w not in skip)

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
        text = fold(question)
        later_year = any(int(y) > self.programme_year for y in _YEAR.findall(text))
        sentences = [_WORD.findall(s) for s in _SENTENCES.split(text)]
        words = [w for s in sentences for w in s]
        later = later_year or _has_phrase(words, self._future)
        if later and _has_phrase(words, self._schedule):
            return "later_date"
        current = (
            later
            or _has_phrase(words, self._current)
            or any(self._still_asked(s) for s in sentences)
        )
        return "current" if current else None
