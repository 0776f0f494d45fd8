"""Resolve a question's term against the vocabulary: exact, compound, typo, prefix, unknown."""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Mapping
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.matching.analyzer import is_frame_noun
from bot.matching.index import FUGEN, SearchIndex
from bot.matching.lexicon import ORG_HEADS, ROLE_WORDS
from bot.matching.params import ScoringParams
from bot.matching.stemming import MAX_CUT, stem
from bot.matching.stopwords import words

_MAX_CACHED = 65536  # answers kept per cache: the words users type are not a closed set

NUMBER_WORDS = words(
    "0 1 2 3 4 5 6 7 8 9 10 11 12 eins zwei drei vier fuenf sechs sieben acht neun zehn"
)


def _incidental_number(term: str) -> bool:
    """A count ("400 Einwohner", "30 Leute") says little about the topic; a year (2026) may
    be what the question is about."""
    if term in NUMBER_WORDS:
        return True
    return term.isdigit() and not (len(term) == 4 and term[:2] in ("19", "20"))


# The ending of "workshop-mäßig" (folded): in the way of the word before it.
_MANNER = "maessig"


@dataclass(frozen=True)
class Unit:
    """One content term of the question and what it matches in the vocabulary.

    A plain unit matches any of ``options``; a compound unit (``parts``) earns credit for
    each of its parts found, weighted by their rarity. A known compound has both: the word
    itself and, as a second chance, its parts.
    """

    term: str
    options: tuple[tuple[str, float], ...]
    parts: tuple[str, ...]
    weight: float
    how: str  # "=" exact, "~" typo, "+" compound, ">" prefix, "^" head, "?" unknown, "!" foreign

    @property
    def known(self) -> bool:
        return self.how not in ("?", "!")

    @property
    def foreign(self) -> bool:
        return self.how == "!"

    def label(self) -> str:
        if self.how == "=":
            return self.term
        if self.how == "+":
            return f"{self.term}={'+'.join(self.parts)}"
        if self.how in ("?", "!"):
            return f"{self.term}{self.how}"
        return f"{self.term}{self.how}{'|'.join(t for t, _ in self.options)}"

    def terms(self) -> tuple[str, ...]:
        options = self.options
        if len(options) == 1:  # most units: no generator for a tuple of one
            return (options[0][0],)
        return tuple(t for t, _ in options) or self.parts

    def weighed(self, weight: float) -> Unit:
        """The same unit with another weight (``dataclasses.replace`` costs ten times more,
        and every question weighs several units)."""
        return Unit(self.term, self.options, self.parts, weight, self.how)


class TermResolver:
    """Finds what a question term stands for in the vocabulary; results are cached per term."""

    def __init__(
        self,
        index: SearchIndex,
        params: ScoringParams,
        variants: Mapping[str, str] | None = None,
    ) -> None:
        self._index = index
        self._params = params
        # Typos are looked up among the index's terms and among the synonym table's variants
        # ("stattdesen" is a typo of the variant "stattdessen", which stands for "alternative").
        self._targets: dict[str, str] = {t: t for t in index.vocabulary if t.isalpha()}
        for variant, canonical in (variants or {}).items():
            if variant.isalpha() and canonical in index.idf:
                self._targets.setdefault(variant, canonical)
        self._concepts = frozenset((variants or {}).values())
        self._alpha_vocab = list(self._targets)
        self._by_length: dict[tuple[int, int], list[str]] = {}
        self._longest = max(map(len, self._alpha_vocab), default=0)
        self._sorted_vocab = sorted(self._targets)
        self._cache: dict[str, Unit] = {}
        self._joined: dict[tuple[str, str], str | None] = {}
        # Every beginning of a known term (the empty one too), for ``joined``.
        self._beginnings = frozenset(t[:n] for t in index.idf for n in range(len(t) + 1))

    def _idf(self, term: str) -> float:
        return self._index.idf[term]

    def _of_length(self, length: int, edits: int) -> list[str]:
        """The typo targets whose length is within ``edits`` of ``length``, in vocabulary order.

        A longer or shorter word is more than ``edits`` edits away, so the search of a new word
        need not score it; the order is kept, so ties fall as in the whole vocabulary.
        """
        if length > self._longest + edits:
            return []  # (so only the vocabulary's few dozen lengths are kept)
        found = self._by_length.get((length, edits))
        if found is None:
            found = [t for t in self._alpha_vocab if abs(len(t) - length) <= edits]
            self._by_length[(length, edits)] = found
        return found

    def _fuzzy(self, term: str) -> Unit | None:
        if len(term) < 5 or not term.isalpha():
            return None
        max_edits = 1 if len(term) < 8 else 2
        hits = process.extract(
            term,
            self._of_length(len(term), max_edits),
            scorer=OSA.distance,  # a swapped pair of letters is one typo
            processor=None,
            score_cutoff=max_edits,
            limit=10,
        )
        # A typo rarely hits the first letter; demanding it keeps "posten" away from "kosten".
        # An umlaut counts as one edit (fällt ~ fallt), so inflected forms still meet.
        # A synonym variant is only a target within one edit: variants are many and varied, and
        # two edits would read "Richtung" as "Rechnung".
        close = [
            (h[0], int(h[1]))
            for h in hits
            if h[0][:1] == term[:1]
            and len(h[0]) >= 4
            and (h[1] <= 1 or h[0] in self._index.idf)
        ]
        if not close:
            return None
        best = min(d for _, d in close)
        quality = 1.0 - self._params.fuzzy_penalty * best
        targets = sorted({self._targets[t] for t, d in close if d == best})
        weight = max(self._idf(t) for t in targets)
        return Unit(term, tuple((t, quality) for t in targets), (), weight, "~")

    def _prefix(self, term: str) -> Unit | None:
        if len(term) < 6:
            return None
        # The words that begin with ``term`` stand together in sorted order.
        start = bisect.bisect_left(self._sorted_vocab, term)
        begun = itertools.takewhile(
            lambda t: t.startswith(term), itertools.islice(self._sorted_vocab, start, None)
        )
        targets = sorted({self._targets[t] for t in begun})
        if not targets or len(targets) > 3:
            return None
        quality = self._params.prefix_quality
        weight = max(self._idf(t) for t in targets)
        return Unit(term, tuple((t, quality) for t in targets), (), weight, ">")

    def _manner(self, term: str) -> Unit | None:
        """"workshop-mäßig", "beratungsmäßig": "in the way of" a known thing is that thing."""
        if not term.endswith(_MANNER) or len(term) < len(_MANNER) + 4:
            return None
        base = term[: -len(_MANNER)]
        # (with or without the linking "s": "beratungs-mäßig")
        known = base if base in self._index.idf else base.removesuffix("s")
        if known not in self._index.idf:
            return None
        return Unit(term, ((known, 1.0),), (), self._idf(known), "=")

    def _head(self, term: str) -> Unit | None:
        """A compound of a known word and a framing noun: "Ehrenamts-fragen" are about
        Ehrenamt. (An unknown first part is the distinctive one: a "Renten-beratung" is no
        Beratung of the offer, so such compounds stay unknown.)"""
        if len(term) < 8 or not term.isalpha():
            return None
        splitter = self._index.splitter
        for cut in range(len(term) - 3, 3, -1):
            head, tail = term[:cut], term[cut:]
            if not is_frame_noun(tail):
                continue
            for fuge in FUGEN:
                if head.endswith(fuge) and (known := splitter.part(head[: len(head) - len(fuge)])):
                    quality = self._params.head_quality
                    return Unit(term, ((known, quality),), (), self._idf(known), "^")
        return None

    def _role(self, term: str) -> Unit | None:
        """A name of a body or role of the administration ("Seniorenbeirat", "Kämmerer"):
        with a known first part it stands for that part ("Ehrenamts-beauftragte" → Ehrenamt),
        else it says who asks and weighs little."""
        if not term.isalpha():
            return None
        unknown = self._params.role_weight * self._params.unknown_weight * self._index.max_idf
        if term in ROLE_WORDS:
            return Unit(term, (), (), unknown, "?")
        splitter = self._index.splitter
        for cut in range(3, len(term) - 2):
            head, tail = term[:cut], term[cut:]
            if tail not in ORG_HEADS:
                continue
            for fuge in FUGEN:
                if head.endswith(fuge) and (known := splitter.part(head[: len(head) - len(fuge)])):
                    quality = self._params.head_quality
                    return Unit(term, ((known, quality),), (), self._idf(known), "^")
            return Unit(term, (), (), unknown, "?")
        return None

    def joined(self, head: str, tail: str) -> str | None:
        """The known compound that two separate words form ("Zertifikats Kurs", "Planung des
        Prozesses" → Prozessplanung), or None."""
        if not (head.isalpha() and tail.isalpha()) or min(len(head), len(tail)) < 4:
            return None
        # Every neighbouring pair of a question is tried both ways: remember the answers.
        key = (head, tail)
        if key in self._joined:
            return self._joined[key]
        found = self._compound(stem(head), tail)
        if len(self._joined) < _MAX_CACHED:
            self._joined[key] = found
        return found

    def _compound(self, base: str, tail: str) -> str | None:
        """The known term that ``base``, a linking letter and ``tail`` stem to, or None.

        A word's stem begins with all but its last MAX_CUT letters: where no known term begins
        so, the word's stem is none, and the stem of a new word need not be made. The word
        without a linking letter needs the shortest such beginning, so it rules out all six.
        """
        if base[: max(len(base) + len(tail) - MAX_CUT, 0)] not in self._beginnings:
            return None
        for fuge in FUGEN:
            word = base + fuge + tail
            if word[: max(len(word) - MAX_CUT, 0)] not in self._beginnings:
                continue
            candidate = stem(word)
            if candidate in self._index.idf:
                return candidate
        return None

    def foreign(self, term: str) -> Unit:
        """An unknown noun of full weight: the word names a topic outside the offer."""
        return Unit(term, (), (), self._params.foreign_weight * self._index.max_idf, "!")

    def resolve(self, term: str) -> Unit:
        cached = self._cache.get(term)
        if cached is not None:
            return cached
        unit: Unit | None
        index = self._index
        if term in index.idf:
            # A known compound also matches through its parts (Teilnahme-gebühr → Kosten),
            # unless the synonym table names it as a concept of its own: the Land's
            # "Engagementstrategie" is no strategy of engagement in general.
            parts = (
                () if term in self._concepts else tuple(dict.fromkeys(index.parts.get(term, ())))
            )
            unit = Unit(term, ((term, 1.0),), parts, self._idf(term), "=")
        elif term in ROLE_WORDS:
            # A body or role named by one word ("Landtag") is not read as its parts.
            unit = self._role(term)
        else:
            split = index.splitter.split(term)
            if split and all(p in index.idf for p in split):
                weight = max(self._idf(p) for p in split)
                unit = Unit(term, (), tuple(dict.fromkeys(split)), weight, "+")
            else:
                unit = (
                    self._manner(term) or self._fuzzy(term) or self._prefix(term)
                    or self._head(term) or self._role(term)
                )
        if unit is None:
            share = self._params.unknown_number_weight if _incidental_number(term) else 1.0
            unknown = share * self._params.unknown_weight * index.max_idf
            unit = Unit(term, (), (), unknown, "?")
        self._cache[term] = unit
        return unit
