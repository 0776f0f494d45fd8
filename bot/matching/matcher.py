"""Match a German question against the knowledge base and decide answer / suggest / fallback.

An entry's score is coverage × (base + (1 − base) × best example), where
  * coverage: the share of the question's rarity-weighted content the entry's vocabulary explains;
    unknown words count against it, so one shared generic word is not enough, and words that are
    not among the entry's key terms (title, keywords) count a little less;
  * best example: the weighted F1 between the question and the closest example question.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from bot.config import MatchingSettings
from bot.knowledge.models import KnowledgeBase
from bot.matching.analyzer import Analyzer
from bot.matching.index import Example, SearchIndex
from bot.matching.normalize import tokenize
from bot.matching.result import Band, Candidate, MatchResult
from bot.matching.smalltalk import SmallTalkRecognizer
from bot.matching.stopwords import words


@dataclass(frozen=True)
class ScoringParams:
    """Internal weights of the scorer (the decision thresholds live in MatchingSettings)."""

    example_base: float = 0.5  # share of the score that coverage alone earns
    unknown_weight: float = 1.0  # weight of an unknown word, as a share of the rarest known
    unknown_minor_weight: float = 0.35  # share for an unknown word that is probably no noun
    known_minor_weight: float = 0.7  # share for a known word that is no noun nor a synonym
    unknown_number_weight: float = 0.3  # numbers are often incidental ("3 Kollegen")
    long_word: int = 8  # in all-lowercase text, unknown words this long count as nouns
    non_key_factor: float = 0.65  # credit for a matched word that is not a key term of the entry
    fuzzy_penalty: float = 0.1  # quality lost per edit of a typo
    part_quality: float = 0.9  # a compound's parts standing in for the whole word
    prefix_quality: float = 0.8  # a truncated word ("zertifik")
    related_is_close: bool = True  # a related runner-up does not block a confident answer
    shortlist: int = 8  # entries whose examples are scored in detail
    max_candidates: int = 5


@dataclass(frozen=True)
class _Scored:
    score: float
    order: int
    entry_id: str
    detail: str


@dataclass(frozen=True)
class Unit:
    """One content term of the question and what it matches in the vocabulary.

    A plain unit matches any of ``options``; a compound unit (``parts``) earns credit for
    each of its parts found, weighted by their rarity.
    """

    term: str
    options: tuple[tuple[str, float], ...]
    parts: tuple[str, ...]
    weight: float
    how: str  # "=" exact, "~" typo, "+" compound, ">" prefix, "?" unknown

    def label(self) -> str:
        if self.how == "=":
            return self.term
        if self.how == "+":
            return f"{self.term}={'+'.join(self.parts)}"
        if self.how == "?":
            return f"{self.term}?"
        return f"{self.term}{self.how}{'|'.join(t for t, _ in self.options)}"

    def terms(self) -> tuple[str, ...]:
        return self.parts or tuple(t for t, _ in self.options)


_NUMBER_WORDS = words(
    "0 1 2 3 4 5 6 7 8 9 10 11 12 eins zwei drei vier fuenf sechs sieben acht neun zehn"
)


class WordClassGuess:
    """Guesses from the original spelling whether a word is a noun.

    German capitalises nouns, and nouns carry the topic of a question. When the writer
    capitalises anything after the first word, a lowercase word is taken as no noun; in
    all-lowercase text nothing can be told from the spelling.
    """

    NOUN, OTHER, UNKNOWN = "noun", "other", "unknown"

    def __init__(self, text: str) -> None:
        words = text.split()
        self._cased = any(w[:1].isupper() for w in words[1:])
        self._capitalised = {token for w in words if w[:1].isupper() for token in tokenize(w)}

    def word_class(self, tokens: tuple[str, ...]) -> str:
        if not self._cased:
            return self.UNKNOWN
        if any(t in self._capitalised or not t.isalpha() for t in tokens):
            return self.NOUN
        return self.OTHER


class Matcher:
    def __init__(
        self,
        kb: KnowledgeBase,
        settings: MatchingSettings,
        params: ScoringParams | None = None,
    ) -> None:
        self._settings = settings
        self._params = params or ScoringParams()
        self._analyzer = Analyzer(kb.synonyms)
        self._index = SearchIndex(kb, self._analyzer)
        self._smalltalk = SmallTalkRecognizer(kb.smalltalk)
        self._alpha_vocab = [t for t in self._index.vocabulary if t.isalpha()]
        self._order = {e: n for n, e in enumerate(self._index.entry_ids)}
        self._units: dict[str, Unit] = {}
        # Per term: (entry, credit factor) for key/non-key and whole-word/compound-part.
        p = self._params
        self._weighted_postings: dict[str, tuple[tuple[str, float], ...]] = {
            term: tuple(
                (
                    entry_id,
                    (1.0 if term in self._index.key_terms[entry_id] else p.non_key_factor)
                    * (1.0 if term in self._index.whole_terms[entry_id] else p.part_quality),
                )
                for entry_id in entries
            )
            for term, entries in self._index.postings.items()
        }

    # -- question terms ---------------------------------------------------------------------

    def _idf(self, term: str) -> float:
        return self._index.idf[term]

    def _fuzzy(self, term: str) -> Unit | None:
        if len(term) < 5 or not term.isalpha():
            return None
        max_edits = 1 if len(term) < 8 else 2
        hits = process.extract(
            term,
            self._alpha_vocab,
            scorer=Levenshtein.distance,
            processor=None,
            score_cutoff=max_edits,
            limit=10,
        )
        # A typo rarely hits the first letter; demanding it keeps "posten" away from "kosten".
        # An umlaut counts as one edit (fällt ~ fallt), so inflected forms still meet.
        close = [(h[0], int(h[1])) for h in hits if h[0][:1] == term[:1] and len(h[0]) >= 4]
        if not close:
            return None
        best = min(d for _, d in close)
        quality = 1.0 - self._params.fuzzy_penalty * best
        targets = sorted(t for t, d in close if d == best)
        weight = max(self._idf(t) for t in targets)
        return Unit(term, tuple((t, quality) for t in targets), (), weight, "~")

    def _prefix(self, term: str) -> Unit | None:
        if len(term) < 6:
            return None
        targets = [t for t in self._alpha_vocab if t.startswith(term)]
        if not targets or len(targets) > 3:
            return None
        quality = self._params.prefix_quality
        weight = max(self._idf(t) for t in targets)
        return Unit(term, tuple((t, quality) for t in targets), (), weight, ">")

    def _resolve(self, term: str) -> Unit:
        cached = self._units.get(term)
        if cached is not None:
            return cached
        unit: Unit | None
        if term in self._index.idf:
            unit = Unit(term, ((term, 1.0),), (), self._idf(term), "=")
        else:
            parts = self._index.splitter.split(term)
            if parts and all(p in self._index.idf for p in parts):
                weight = max(self._idf(p) for p in parts)
                unit = Unit(term, (), tuple(dict.fromkeys(parts)), weight, "+")
            else:
                unit = self._fuzzy(term) or self._prefix(term)
        if unit is None:
            share = self._params.unknown_number_weight if term in _NUMBER_WORDS else 1.0
            unknown = share * self._params.unknown_weight * self._index.max_idf
            unit = Unit(term, (), (), unknown, "?")
        self._units[term] = unit
        return unit

    def _share(self, unit: Unit, word_class: str, mapped: bool) -> float:
        """How much a term's rarity counts, given what kind of word it probably is.

        Nouns carry the topic: an unknown noun (Parkausweis, Wetter) is evidence of a question
        outside the offer, an unknown verb or adverb (geklärt, vorbei) mostly is not.
        """
        p = self._params
        if mapped or word_class == WordClassGuess.NOUN:
            return 1.0
        if unit.how != "?":
            return p.known_minor_weight if word_class == WordClassGuess.OTHER else 1.0
        if word_class == WordClassGuess.OTHER or len(unit.term) < p.long_word:
            return p.unknown_minor_weight
        return 1.0

    def units(self, text: str, spelling: WordClassGuess | None = None) -> list[Unit]:
        """The question's content terms, resolved against the vocabulary, without repeats.

        ``spelling`` is the original question, when ``text`` is already normalised.
        """
        spelling = spelling or WordClassGuess(text)
        seen: set[tuple[str, ...]] = set()
        result: list[Unit] = []
        for term in self._analyzer.analyse(text):
            unit = self._resolve(term.text)
            key = unit.terms() or (unit.term,)
            if key in seen:
                continue
            seen.add(key)
            share = self._share(unit, spelling.word_class(term.source), term.mapped)
            if share != 1.0:
                unit = replace(unit, weight=unit.weight * share)
            result.append(unit)
        return result

    # -- scoring ------------------------------------------------------------------------------

    def _credit(
        self, unit: Unit, terms: frozenset[str], whole: frozenset[str], keys: frozenset[str]
    ) -> float:
        """How well ``unit`` is matched by a set of terms (0..1).

        ``whole`` are the terms present as whole words; the others are only part of a compound
        (Beteiligungs-format) and earn less than the word itself would.
        """
        p = self._params

        def factor(term: str) -> float:
            return (1.0 if term in keys else p.non_key_factor) * (
                1.0 if term in whole else p.part_quality
            )

        if unit.parts:
            got = sum(self._idf(t) * factor(t) for t in unit.parts if t in terms)
            return p.part_quality * got / sum(self._idf(t) for t in unit.parts)
        best = 0.0
        for term, quality in unit.options:
            if term in terms:
                best = max(best, quality * factor(term))
        return best

    def _entry_credits(self, unit: Unit) -> dict[str, float]:
        """The credit (0..1) ``unit`` earns in every entry that contains one of its terms."""
        postings = self._weighted_postings
        if unit.parts:
            got: dict[str, float] = {}
            for part in unit.parts:
                rarity = self._idf(part)
                for entry_id, factor in postings[part]:
                    got[entry_id] = got.get(entry_id, 0.0) + rarity * factor
            scale = self._params.part_quality / sum(self._idf(t) for t in unit.parts)
            return {e: g * scale for e, g in got.items()}
        best: dict[str, float] = {}
        for term, quality in unit.options:
            for entry_id, factor in postings[term]:
                credit = quality * factor
                if credit > best.get(entry_id, 0.0):
                    best[entry_id] = credit
        return best

    def _example_f1(
        self,
        units: list[Unit],
        total: float,
        example: Example,
        keys: frozenset[str],
        hit: dict[str, float],
    ) -> float:
        """Weighted F1 of question and example; ``hit`` is the best quality per matched term."""
        recall = sum(
            u.weight * self._credit(u, example.expanded, example.terms, keys) for u in units
        ) / total
        if recall <= 0:
            return 0.0
        matched = 0.0
        for term in example.terms:
            if term in hit:
                matched += self._idf(term) * hit[term]
            elif term in example.parts:
                parts = example.parts[term]
                share = sum(hit.get(p, 0.0) for p in parts) / len(parts)
                matched += self._idf(term) * share * self._params.part_quality
        precision = matched / example.weight
        if precision <= 0:
            return 0.0
        return 2 * precision * recall / (precision + recall)

    def _rank(self, units: list[Unit]) -> list[_Scored]:
        total = sum(u.weight for u in units)
        if total <= 0:
            return []
        index = self._index
        covered: dict[str, float] = {}
        for unit in units:
            for entry_id, credit in self._entry_credits(unit).items():
                covered[entry_id] = covered.get(entry_id, 0.0) + unit.weight * credit
        coverage = {e: c / total for e, c in covered.items()}
        shortlist = sorted(coverage, key=lambda e: (-coverage[e], self._order[e]))
        hit: dict[str, float] = {}
        for unit in units:
            quality = self._params.part_quality if unit.parts else 1.0
            for term, q in unit.options or tuple((p, quality) for p in unit.parts):
                hit[term] = max(hit.get(term, 0.0), q)
        base = self._params.example_base
        scored: list[tuple[float, str, float, str]] = []
        for entry_id in shortlist[: self._params.shortlist]:
            keys = index.key_terms[entry_id]
            best_f1, best_text = 0.0, ""
            for example in index.examples[entry_id]:
                if example.expanded.isdisjoint(hit):
                    continue
                f1 = self._example_f1(units, total, example, keys, hit)
                if f1 > best_f1:
                    best_f1, best_text = f1, example.text
            score = coverage[entry_id] * (base + (1 - base) * best_f1)
            scored.append((score, entry_id, best_f1, best_text))
        scored.sort(key=lambda s: (-s[0], self._order[s[1]]))
        result: list[_Scored] = []
        for score, entry_id, best_f1, best_text in scored[: self._params.max_candidates]:
            credits = [
                self._credit(
                    u,
                    index.entry_terms[entry_id],
                    index.whole_terms[entry_id],
                    index.key_terms[entry_id],
                )
                for u in units
            ]
            detail = self._detail(units, credits, coverage[entry_id], best_f1, best_text)
            result.append(_Scored(score, self._order[entry_id], entry_id, detail))
        return result

    @staticmethod
    def _detail(
        units: list[Unit], credits: list[float], coverage: float, f1: float, example: str
    ) -> str:
        matched = ", ".join(
            f"{u.label()} {c:.2f}×{u.weight:.2f}"
            for u, c in zip(units, credits, strict=True)
            if c > 0
        )
        missing = ", ".join(u.label() for u, c in zip(units, credits, strict=True) if c <= 0)
        text = f"coverage {coverage:.2f} [{matched}]"
        if missing:
            text += f" missing [{missing}]"
        return text + f"; best example {f1:.2f} {example!r}"

    # -- decision -----------------------------------------------------------------------------

    def _close(self, top: str, runner_up: str) -> bool:
        related = self._index.related
        return runner_up in related.get(top, ()) and top in related.get(runner_up, ())

    def match(self, question: str) -> MatchResult:
        talk_id, rest = self._smalltalk.split(tokenize(question))
        if talk_id is not None:
            return MatchResult("smalltalk", (), smalltalk_id=talk_id, reason="small-talk phrase")
        units = self.units(" ".join(rest), WordClassGuess(question))
        ranked = self._rank(units)
        candidates = tuple(Candidate(r.entry_id, round(r.score, 4), r.detail) for r in ranked)
        if not candidates:
            return MatchResult("fallback", (), reason="no known content word")
        s = self._settings
        top = candidates[0]
        second = candidates[1] if len(candidates) > 1 else None
        ahead = second is None or top.score - second.score >= s.margin
        close = (
            second is not None
            and self._params.related_is_close
            and self._close(top.entry_id, second.entry_id)
        )
        band: Band
        if top.score >= s.answer_threshold and (ahead or close):
            band = "answer"
            reason = f"score ≥ {s.answer_threshold}, " + (
                f"ahead by ≥ {s.margin}" if ahead else "runner-up is a related entry"
            )
        elif top.score >= s.suggest_threshold:
            band, reason = "suggest", f"score ≥ {s.suggest_threshold} but not a clear winner"
        else:
            band, reason = "fallback", f"score < {s.suggest_threshold}"
        return MatchResult(band, candidates, reason=reason)
