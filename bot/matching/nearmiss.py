"""Near misses: a question about a detail the offer does not state, asked with its own words.

"Bis wann muss man sich für die Beratung anmelden?" shares every word with the entry about
requests, yet the offer names no deadline. Answering with that entry would pretend to know.
The details the offer never states are data (knowledge/foreign.yaml):

- ``details``: asked anywhere, the offer does not state them (a deadline, a budget);
- a year after the offer's own dates, asked together with a date word ("Termine 2027");
- ``named_only`` with ``detail_asks``: a thing the offer only names ("Schreibwerkstatt") asked
  for a detail (how long, where, how many): the offer says no more than that it exists;
- ``date_asks`` ("an welchem Tag"): a day or date, which only an entry with dates can answer
  (decided by the matcher, which knows the matched entry);
- ``place_asks`` ("wo … statt", "in welcher Stadt"): where it takes place, which only an entry
  marked ``says_where`` can answer (the consultation "vor Ort", the workshops in the
  municipality); the Lernwerkstatt and the certificate course name no venue;
- ``elsewhere_asks`` ("gibt es sowas auch …"), with a place outside Schleswig-Holstein: an
  offer like this one elsewhere, of which the offer knows nothing (whether the offer itself
  reaches the place, "gilt das auch für uns in Hamburg?", is the region's answer).

A word group may hold "…" between its words: the words around it stand in that order with at
most ``MAX_GAP`` words between them ("passen … rein" in "Wie viele passen da maximal rein?").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.matching.analyzer import MODAL_PARTICLES, stems_of
from bot.matching.stemming import stem
from bot.matching.stopwords import words

_YEAR = re.compile(r"^20\d\d$")
_DATE_WORDS = frozenset(
    stem(w)
    for w in words("termin termine datum daten wann beginn beginnt start startet naechste kurs")
)

_WHEN_WORDS = frozenset(stem(w) for w in words("wann beginn beginnt start startet"))


# Modal particles stand anywhere in a question ("Wo genau sollte … stattfinden?", "Wie viele
# dürfen denn mitmachen?"): a word group is looked for as if they were not there, unless it
# holds the particle itself ("wann genau"): the analyzer's modal particles and a few more
# fillers of questions ("genau", "ungefähr").
_PARTICLES = frozenset(
    stem(w) for w in MODAL_PARTICLES | words("genau eigtl ungefaehr etwa wohl nochmal")
)

_MIN_HEAD = 8  # letters of a one-word group that may end a compound

GAP = "…"
# Words allowed between the parts of a word group with a gap: about one clause.
MAX_GAP = 6

_Phrase = tuple[tuple[str, ...], ...]  # the stems of each part between gaps


def _parts(phrase: str) -> _Phrase:
    """A word group's parts between its gaps ("..." is the same as "…"), as stems."""
    parts = tuple(stems_of(part) for part in phrase.replace("...", GAP).split(GAP))
    return tuple(part for part in parts if part)


def _ends_at(stems: tuple[str, ...], start: int, phrase: _Phrase) -> bool:
    """Whether ``phrase`` stands in ``stems`` from ``start``: its first part there, each later
    part after at most MAX_GAP other words."""
    first, *rest = phrase
    if stems[start : start + len(first)] != first:
        return False
    at = start + len(first)
    for part in rest:
        found = next(
            (
                j
                for j in range(at, min(at + MAX_GAP, len(stems) - len(part)) + 1)
                if stems[j : j + len(part)] == part
            ),
            None,
        )
        if found is None:
            return False
        at = found + len(part)
    return True


class PhraseSet:
    """Word groups, found in a question's stems in one pass (looked up by their first word,
    so a question is scanned once, not once per phrase)."""

    def __init__(self, phrases: Iterable[str]) -> None:
        # By first word, then by second word ("" when the first part is one word): "wie"
        # begins dozens of groups, and most of them are ruled out by the word after it.
        self._by_first: dict[str, dict[str, list[tuple[int, _Phrase]]]] = {}
        for n, parts in enumerate(_parts(p) for p in phrases):
            if parts:
                second = parts[0][1] if len(parts[0]) > 1 else ""
                group = self._by_first.setdefault(parts[0][0], {})
                group.setdefault(second, []).append((n, parts))
        self.words = frozenset(
            w
            for group in self._by_first.values()
            for listed in group.values()
            for _, p in listed
            for part in p
            for w in part
        )
        self._particles = _PARTICLES - self.words
        self._last: tuple[tuple[str, ...] | None, str | None] = (None, None)
        # Long one-word groups also end a compound ("Mindest-teilnehmerzahl" is a
        # "Teilnehmerzahl"): German puts the head of a compound last.
        one_words = [
            parts[0][0]
            for group in self._by_first.values()
            for _, parts in group.get("", ())
            if len(parts) == 1 and len(parts[0]) == 1
        ]
        self._heads = tuple(
            sorted({w for w in one_words if len(w) >= _MIN_HEAD}, key=lambda w: (-len(w), w))
        )

    def find(self, stems: tuple[str, ...]) -> str | None:
        """The first phrase standing in ``stems``, as its stems joined by spaces (and gaps)."""
        # The same asking words are looked up several times per message (its parts, with and
        # without the conversation's context): the last answer is kept.
        if stems is self._last[0]:
            return self._last[1]
        found = self._found(stems)
        self._last = (stems, found)
        return found

    def _found(self, stems: tuple[str, ...]) -> str | None:
        if not self._particles.isdisjoint(stems):
            stems = tuple(s for s in stems if s not in self._particles)
        found = self._find(stems)
        if found is None and self._heads:
            heads = self._heads
            for word in stems:
                if len(word) > _MIN_HEAD and word.endswith(heads):
                    head = next((h for h in heads if word.endswith(h) and word != h), None)
                    if head is not None:
                        return head
        return found

    def _find(self, stems: tuple[str, ...]) -> str | None:
        last = len(stems) - 1
        for i, first in enumerate(stems):
            group = self._by_first.get(first)
            if group is None:
                continue
            one = group.get("", ())
            two = group.get(stems[i + 1], ()) if i < last else ()
            # (in the order the groups are listed, as a single list would be tried)
            for _, phrase in sorted((*one, *two)) if one and two else (*one, *two):
                if _ends_at(stems, i, phrase):
                    return f" {GAP} ".join(" ".join(part) for part in phrase)
        return None


class DetailFinder:
    """Finds the asked-for detail the offer does not state, if any."""

    def __init__(
        self,
        details: Iterable[str],
        last_year: int,
        date_asks: Iterable[str] = (),
        named_only: Iterable[str] = (),
        detail_asks: Iterable[str] = (),
        place_asks: Iterable[str] = (),
        elsewhere_asks: Iterable[str] = (),
        count_asks: Iterable[str] = (),
    ) -> None:
        self._details = PhraseSet(details)
        self._count_asks = PhraseSet(count_asks)
        self._date_asks = PhraseSet(date_asks)
        self._place_asks = PhraseSet(place_asks)
        self._elsewhere_asks = PhraseSet(elsewhere_asks)
        self._named_only = PhraseSet(named_only)
        # A day or date is a detail of a named thing too ("An welchem Tag ist die …?").
        self._detail_asks = PhraseSet([*detail_asks, *date_asks])
        self._last_year = last_year
        self._last_stems: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
        self._words = self._details.words

    def _stems(self, tokens: list[str]) -> tuple[str, ...]:
        """The stems of ``tokens``; the last are kept, as a match asks up to four questions
        of the same asking words."""
        key = tuple(tokens)
        if self._last_stems[0] != key:
            self._last_stems = (key, tuple(stem(t) for t in key))
        return self._last_stems[1]

    def names(self, token: str) -> bool:
        """Whether ``token`` is a word of a listed detail (so it is no place name either)."""
        return stem(token) in self._words

    def find(self, tokens: list[str]) -> str | None:
        """The detail asked for in ``tokens`` (normalised words of the asking sentences)."""
        stems = self._stems(tokens)
        detail = self._details.find(stems)
        if detail is not None:
            return detail
        # (A year opens with "20": the pattern is matched only where it can.)
        later = [
            t for t in tokens
            if t[:2] == "20" and _YEAR.match(t) and int(t) > self._last_year
        ]
        if later and any(s in _DATE_WORDS for s in stems):
            return later[0]
        thing = self._named_only.find(stems)
        if thing is not None:
            aspect = self._detail_asks.find(stems)
            if aspect is not None:
                return f"{aspect}: {thing}"
        return None

    def asks_when(self, tokens: list[str]) -> str | None:
        """"wann" or a start ("wann beginnt sie?") in ``tokens``: a date asked in other words."""
        stems = [stem(t) for t in tokens]
        return next((s for s in stems if s in _WHEN_WORDS), None)

    def asks_date(self, tokens: list[str]) -> str | None:
        """The words asking for a day or date in ``tokens``, if any."""
        return self._date_asks.find(self._stems(tokens))

    def asks_place(self, tokens: list[str]) -> str | None:
        """The words asking where it takes place in ``tokens`` ("wo … statt"), if any."""
        return self._place_asks.find(self._stems(tokens))

    def asks_count(self, tokens: list[str]) -> str | None:
        """The words asking how many sessions, hours or days in ``tokens``, if any."""
        return self._count_asks.find(self._stems(tokens))

    def asks_elsewhere(self, tokens: list[str]) -> str | None:
        """The words asking whether something like the offer exists elsewhere ("gibt es
        sowas auch in Hamburg?"), if any: read only when a place outside SH is named."""
        return self._elsewhere_asks.find(self._stems(tokens))


# A number of days, hours or sessions: a digit that is no year, or a number word, also inside
# a word ("zweitägig", "halber Tag"); "{date:…}" fields are dates.
_COUNT = re.compile(
    r"(?<![\d.])(?!(?:19|20)\d\d\b)\d+"
    r"|\b(?:ein|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf)"
    r"(?:tägig\w*|stündig\w*|mal)\b"
    r"|\b(?:zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|halbe[nr]?)\b",
    re.IGNORECASE,
)
_FIELDS = re.compile(r"\{[^}]*\}")


def states_a_count(answer: str) -> bool:
    """Whether an entry's answer states a number of days, hours or sessions."""
    return _COUNT.search(_FIELDS.sub(" ", answer)) is not None
