"""Near misses: a question about a detail the offer does not state, asked with its own words.

"Bis wann muss man sich für die Beratung anmelden?" shares every word with the entry about
requests, yet the offer names no deadline. Answering with that entry would pretend to know.
The details the offer never states are data (``details`` in knowledge/foreign.yaml); a year
after the offer's own dates, asked together with a date word ("Termine 2027"), is one too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.matching.analyzer import stems_of
from bot.matching.stemming import stem
from bot.matching.stopwords import words

_YEAR = re.compile(r"^20\d\d$")
_DATE_WORDS = frozenset(
    stem(w)
    for w in words("termin termine datum daten wann beginn beginnt start startet naechste kurs")
)


class DetailFinder:
    """Finds the asked-for detail the offer does not state, if any."""

    def __init__(self, details: Iterable[str], last_year: int) -> None:
        # Looked up by their first word: a question is scanned once, not once per detail.
        self._by_first: dict[str, list[tuple[str, ...]]] = {}
        for stems in (stems_of(d) for d in details):
            if stems:
                self._by_first.setdefault(stems[0], []).append(stems)
        self._last_year = last_year
        self._words = frozenset(w for group in self._by_first.values() for d in group for w in d)

    def names(self, token: str) -> bool:
        """Whether ``token`` is a word of a listed detail (so it is no place name either)."""
        return stem(token) in self._words

    def find(self, tokens: list[str]) -> str | None:
        """The detail asked for in ``tokens`` (normalised words of the asking sentences)."""
        stems = tuple(stem(t) for t in tokens)
        for i, first in enumerate(stems):
            for detail in self._by_first.get(first, ()):
                if stems[i : i + len(detail)] == detail:
                    return " ".join(detail)
        later = [t for t in tokens if _YEAR.match(t) and int(t) > self._last_year]
        if later and any(s in _DATE_WORDS for s in stems):
            return later[0]
        return None
