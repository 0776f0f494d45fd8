"""Score every knowledge entry against a question's units.

An entry's score is coverage × (base + (1 − base) × best example), where
  * coverage: the share of the question's weighted content the entry's vocabulary explains;
    unknown nouns count against it, so one shared generic word is not enough, and words that
    are not among the entry's key terms (title, keywords) earn a little less;
  * best example: the weighted F1 between the question and the closest example question.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable
from functools import partial
from typing import NamedTuple

from bot.matching.index import Example, SearchIndex
from bot.matching.params import ScoringParams
from bot.matching.resolver import Unit

_MAX_COMPOUNDS = 65536  # compounds whose parts' summed rarity is kept
# Relative slack on an upper bound, far above the rounding error of a few float sums.
_SLACK = 1.0 + 1e-9


# A question unit as the recall reads it: (its term, its quality) when it is one term of one
# quality, else (None, 0.0); the unit; the terms that can match it.
_Matchable = tuple[str | None, float, Unit, frozenset[str]]


def _matchable(units: list[Unit]) -> list[_Matchable]:
    """The units that can match any term (an unknown word cannot), in order, for _recall."""
    found: list[_Matchable] = []
    for unit in units:
        if not unit.parts and len(unit.options) == 1:
            ((term, quality),) = unit.options
            found.append((term, quality, unit, frozenset((term,))))
        elif terms := frozenset((*unit.terms(), *unit.parts)):
            found.append((None, 0.0, unit, terms))
    return found


def _first_of_each(examples: list[Example]) -> list[Example]:
    """The examples in order, each reading (terms in order, weight) only at its first."""
    first: dict[tuple[tuple[tuple[str, float, tuple[str, ...]], ...], float], Example] = {}
    for example in examples:
        first.setdefault((example.rarities, example.weight), example)
    return list(first.values())


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall)


class Scored(NamedTuple):
    """An entry's score (a tuple: five are made for every question, and a frozen dataclass
    costs five times as much to build)."""

    entry_id: str
    score: float
    describe: Callable[[], str]  # matched terms and weights, for --explain (built on demand)


class Scorer:
    def __init__(self, index: SearchIndex, params: ScoringParams) -> None:
        self._index = index
        self._params = params
        self._order = {e: n for n, e in enumerate(index.entry_ids)}
        p = params
        self._least = min(p.non_key_factor, p.part_quality, 1.0)  # the smallest credit factor
        self._part_rarities: dict[tuple[str, ...], float] = {}
        # Per entry, its examples without those that read as an earlier one: the same terms
        # in the same order give the same precision and recall to the last bit, and on a tie
        # the first example wins, so a repeat can never be the best (a third of the examples
        # repeat another's terms: phrasings that differ only in function words or synonyms).
        self._examples = {e: _first_of_each(examples) for e, examples in index.examples.items()}
        # Per term: (entry, credit factor) for key/non-key and whole-word/compound-part.
        self._weighted_postings: dict[str, tuple[tuple[str, float], ...]] = {
            term: tuple(
                (
                    entry_id,
                    (1.0 if term in index.key_terms[entry_id] else p.non_key_factor)
                    * (1.0 if term in index.whole_terms[entry_id] else p.part_quality),
                )
                for entry_id in entries
            )
            for term, entries in index.postings.items()
        }

    def _idf(self, term: str) -> float:
        return self._index.idf[term]

    def _parts_rarity(self, parts: tuple[str, ...]) -> float:
        """The summed rarity of a compound's parts (kept: every example of the shortlist
        asks it again; bounded, as compounds typed by users are not a closed set)."""
        rarity = self._part_rarities.get(parts)
        if rarity is None:
            idf = self._index.idf
            rarity = sum(idf[t] for t in parts)
            if len(self._part_rarities) < _MAX_COMPOUNDS:
                self._part_rarities[parts] = rarity
        return rarity

    def credit(
        self, unit: Unit, terms: frozenset[str], whole: frozenset[str], keys: frozenset[str]
    ) -> float:
        """How well ``unit`` is matched by a set of terms (0..1).

        ``whole`` are the terms present as whole words; the others are only part of a compound
        (Beteiligungs-format) and earn less than the word itself would.
        """
        p = self._params
        non_key, part_quality = p.non_key_factor, p.part_quality
        best = 0.0
        if unit.parts:
            idf = self._index.idf
            got = 0.0
            for t in unit.parts:
                if t in terms:
                    got += (
                        idf[t]
                        * (1.0 if t in keys else non_key)
                        * (1.0 if t in whole else part_quality)
                    )
            if got:
                best = part_quality * got / self._parts_rarity(unit.parts)
        for term, quality in unit.options:
            if term in terms:
                credit = (
                    quality
                    * (1.0 if term in keys else non_key)
                    * (1.0 if term in whole else part_quality)
                )
                if credit > best:
                    best = credit
        return best

    def _entry_credits(self, unit: Unit) -> dict[str, float]:
        """The credit (0..1) ``unit`` earns in every entry that contains one of its terms."""
        postings = self._weighted_postings
        if not unit.parts and len(unit.options) == 1:
            # The common case, one term: its credit in each entry that holds it (when every
            # credit is positive, none is left out as the general loop below would).
            ((term, quality),) = unit.options
            if quality > 0 and self._least > 0:
                return {entry_id: quality * factor for entry_id, factor in postings[term]}
        best: dict[str, float] = {}
        if unit.parts:
            got: dict[str, float] = {}
            for part in unit.parts:
                rarity = self._idf(part)
                for entry_id, factor in postings[part]:
                    got[entry_id] = got.get(entry_id, 0.0) + rarity * factor
            scale = self._params.part_quality / self._parts_rarity(unit.parts)
            best = {e: g * scale for e, g in got.items()}
        for term, quality in unit.options:
            for entry_id, factor in postings[term]:
                credit = quality * factor
                if credit > best.get(entry_id, 0.0):
                    best[entry_id] = credit
        return best

    def _precision(self, example: Example, hit: dict[str, float]) -> float:
        """The weighted share of the example's terms the question matches (0..1)."""
        matched = 0.0
        for term, rarity, parts in example.rarities:
            credit = hit.get(term)
            if credit is not None:
                matched += rarity * credit
            elif parts:
                share = 0.0  # sum() of the parts' credits, as a loop (no generator per term)
                for part in parts:
                    share += hit.get(part, 0.0)
                matched += rarity * (share / len(parts)) * self._params.part_quality
        return matched / example.weight

    def _recall(
        self, units: list[_Matchable], total: float, example: Example, keys: frozenset[str]
    ) -> float:
        """The weighted share of the question the example matches (0..1).

        ``units`` are the question's units that can match anything (``_matchable``), in
        order: a one-term unit is scored here by a set lookup and a product, the others by
        ``credit``.
        """
        expanded, whole = example.expanded, example.terms
        non_key, part_quality = self._params.non_key_factor, self._params.part_quality
        got = 0.0
        for term, quality, unit, terms in units:
            if term is not None:
                if term in expanded:
                    # credit() for the common one-term unit, written out.
                    credit = (
                        quality
                        * (1.0 if term in keys else non_key)
                        * (1.0 if term in whole else part_quality)
                    )
                    got += unit.weight * (credit if credit > 0.0 else 0.0)
            elif not terms.isdisjoint(expanded):
                got += unit.weight * self.credit(unit, expanded, whole, keys)
        return got / total

    def _best_example(
        self,
        examples: list[Example],
        hit: dict[str, float],
        asked: frozenset[str],
        units: list[_Matchable],
        total: float,
        keys: frozenset[str],
        coverage: float,
    ) -> tuple[float, str]:
        """The best weighted F1 of the question against one of ``examples``, and that example's
        text (the first one on a tie; (0.0, "") when none shares a term with the question).

        The F1 is the harmonic mean of precision (cheap) and recall (a pass over the question's
        units). No example can match more of the question than the whole entry does, so its
        recall is at most the entry's coverage: an example whose precision cannot beat the best
        F1 so far even with that recall is skipped before its recall is computed.
        """
        most_recall = coverage * _SLACK  # the slack covers the sums' rounding
        best_f1, best_text = 0.0, ""
        precision_of, recall_of = self._precision, self._recall
        for example in examples:
            if example.expanded.isdisjoint(asked):
                continue
            precision = precision_of(example, hit)
            # _f1 written out: this loop runs for every example of the shortlist.
            if precision <= 0 or 2 * precision * most_recall / (precision + most_recall) <= best_f1:
                continue
            recall = recall_of(units, total, example, keys)
            if recall <= 0:
                continue
            f1 = 2 * precision * recall / (precision + recall)
            if f1 > best_f1:
                best_f1, best_text = f1, example.text
        return best_f1, best_text

    def _shortlist(self, coverage: dict[str, float]) -> list[str]:
        """The entries with the highest coverage (at most ``shortlist``), ties in entry order.

        Only entries at least as high as the n-th best value can be among them: those are
        found without a Python key call per entry (a big base has hundreds of candidates).
        """
        size = self._params.shortlist
        order = self._order
        if len(coverage) > size:
            lowest = heapq.nlargest(size, coverage.values())[-1]
            coverage = {e: c for e, c in coverage.items() if c >= lowest}
        return sorted(coverage, key=lambda e: (-coverage[e], order[e]))[:size]

    def rank(self, units: list[Unit], floor: float = 0.0) -> list[Scored] | None:
        """The best entries for ``units``, best first (at most ``max_candidates``); None when
        no entry can score ``floor`` (found from the coverage, before any example is scored)."""
        total = sum(u.weight for u in units)
        if total <= 0:
            return []
        index = self._index
        # The first unit's credits start the sums (0.0 + x is x, to the last bit).
        first = units[0].weight
        covered = {e: first * c for e, c in self._entry_credits(units[0]).items()}
        for unit in units[1:]:
            weight = unit.weight
            for entry_id, credit in self._entry_credits(unit).items():
                covered[entry_id] = covered.get(entry_id, 0.0) + weight * credit
        coverage = {e: c / total for e, c in covered.items()}
        hit: dict[str, float] = {}
        part_quality = self._params.part_quality
        for unit in units:
            for term, q in (*unit.options, *((p, part_quality) for p in unit.parts)):
                hit[term] = max(hit.get(term, 0.0), q)
        base = self._params.example_base
        if floor > 0 and coverage and self._most_score(coverage, hit) < floor:
            return None
        shortlist = self._shortlist(coverage)
        matchable = _matchable(units)
        # A set, not the dict: a frozenset compares with a set by walking the smaller one.
        asked = frozenset(hit)
        scored: list[tuple[float, str, float, str]] = []
        for entry_id in shortlist:
            keys = index.key_terms[entry_id]
            best_f1, best_text = self._best_example(
                self._examples[entry_id], hit, asked, matchable, total, keys, coverage[entry_id]
            )
            score = coverage[entry_id] * (base + (1 - base) * best_f1)
            scored.append((score, entry_id, best_f1, best_text))
        scored.sort(key=lambda s: (-s[0], self._order[s[1]]))
        return [
            Scored(
                entry_id,
                score,
                partial(self._detail, units, entry_id, coverage[entry_id], f1, text),
            )
            for score, entry_id, f1, text in scored[: self._params.max_candidates]
        ]

    def _most_score(self, coverage: dict[str, float], hit: dict[str, float]) -> float:
        """An upper bound of every entry's score. An example's recall is at most its entry's
        coverage (see _best_example), and its precision at most the best credit of a question
        term (a compound's part earns ``part_quality`` of it); the F1 grows with both."""
        most_coverage = max(coverage.values()) * _SLACK
        base = self._params.example_base
        if most_coverage <= 0 or not 0.0 <= base <= 1.0:
            return math.inf  # weights outside the usual ranges: no bound
        most_precision = max(hit.values()) * max(1.0, self._params.part_quality) * _SLACK
        # No example with a precision of 0 or less is scored: its entry keeps the F1 of 0.
        f1 = _f1(most_precision, most_coverage) if most_precision > 0 else 0.0
        return most_coverage * (base + (1 - base) * f1)

    def _detail(
        self, units: list[Unit], entry_id: str, coverage: float, f1: float, example: str
    ) -> str:
        index = self._index
        credits = [
            self.credit(
                u, index.entry_terms[entry_id], index.whole_terms[entry_id],
                index.key_terms[entry_id],
            )
            for u in units
        ]
        matched = ", ".join(
            f"{u.label()} {c:.2f}×{u.weight:.2f}"
            for u, c in zip(units, credits, strict=True)
            if c > 0
        )
        missing = ", ".join(
            f"{u.label()}×{u.weight:.2f}" for u, c in zip(units, credits, strict=True) if c <= 0
        )
        text = f"coverage {coverage:.2f} [{matched}]"
        if missing:
            text += f" missing [{missing}]"
        return text + f"; best example {f1:.2f} {example!r}"
