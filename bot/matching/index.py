"""The precomputed search index over the knowledge base: vocabulary, rarity, compounds, examples."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from bot.knowledge.models import Entry, KnowledgeBase
from bot.matching.analyzer import Analyzer
from bot.matching.stemming import stem

# Linking elements between the parts of a German compound (Zertifikat-s-kurs, Freiwillige-n-...).
FUGEN = ("", "s", "n", "en", "es", "e")
_MIN_PART = 4
_MIN_SHORT_PART = 3
_MIN_COMPOUND = 7
_MAX_PIECES = 65536  # pieces of words whose reading as a part is kept
_UNSEEN = "\0"  # not yet in CompoundSplitter._parts (None there means "no known term")
_MONTHS = ("januar", "februar", "maerz", "april", "mai", "juni", "juli", "august", "september",
           "oktober", "november", "dezember")


@dataclass(frozen=True)
class Example:
    """One example question (or the title, or a keyword) of an entry, as canonical terms."""

    entry_id: str
    text: str
    terms: frozenset[str]  # whole terms as written
    parts: dict[str, tuple[str, ...]]  # compound term -> its parts (also matchable)
    expanded: frozenset[str]  # whole terms and parts
    weight: float  # summed rarity of the whole terms, the denominator of precision
    # Per whole term, in the order of ``terms``: its rarity and its parts (empty when none);
    # precomputed because every question scores dozens of examples.
    rarities: tuple[tuple[str, float, tuple[str, ...]], ...] = ()


class CompoundSplitter:
    """Splits a long word into known words: videoberatung → video + beratung."""

    def __init__(self, known: frozenset[str], analyzer: Analyzer) -> None:
        self._known = known
        self._analyzer = analyzer
        # piece -> its known term or None: splitting a new word asks for each of its endings
        # once per cut of the word (bounded: the words users type are not a closed set).
        self._parts: dict[str, str | None] = {}

    def part(self, piece: str) -> str | None:
        """The known term ``piece`` stands for, or None."""
        return self._part(piece)

    def _part(self, piece: str) -> str | None:
        found = self._parts.get(piece, _UNSEEN)
        if found is _UNSEEN:
            found = self._read_part(piece)
            if len(self._parts) < _MAX_PIECES:
                self._parts[piece] = found
        return found

    def _read_part(self, piece: str) -> str | None:
        # Short pieces only when the synonym table names them (Amt-s-verwaltung), or random
        # letters would split unknown words into false parts.
        if len(piece) < _MIN_PART and not (len(piece) >= 3 and self._analyzer.is_variant(piece)):
            return None
        for candidate in (piece, stem(piece)):
            canonical = self._analyzer.canonical(candidate)
            if canonical in self._known:
                return canonical
        return None

    def split(self, word: str, depth: int = 2) -> tuple[str, ...] | None:
        """The parts of ``word`` as canonical terms (longest head first), or None."""
        if len(word) < _MIN_COMPOUND or depth == 0 or not word.isalpha():
            return None
        # A tail may be short when the synonym table names it (Workshop-tag-e: "tag").
        for cut in range(len(word) - _MIN_SHORT_PART, _MIN_SHORT_PART - 1, -1):
            tail = word[cut:]
            right = self._part(tail)
            right_parts = (right,) if right else self.split(tail, depth - 1)
            if not right_parts:
                continue
            head = word[:cut]
            for fuge in FUGEN:
                if not head.endswith(fuge):
                    continue
                left = self._part(head[: len(head) - len(fuge)])
                if left:
                    return (left, *right_parts)
        return None


def date_terms(entry: Entry) -> frozenset[str]:
    """Day, month (number and name) and year of the entry's dates: "15.6." finds the entry."""
    terms: set[str] = set()
    for fact in entry.dates:
        day = fact.date
        terms.update({str(day.day), str(day.month), _MONTHS[day.month - 1], str(day.year)})
    return frozenset(terms)


class SearchIndex:
    """Everything the matcher needs, computed once from the knowledge base."""

    def __init__(self, kb: KnowledgeBase, analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        self.entry_ids: tuple[str, ...] = tuple(kb.entries)
        analysed = [
            (entry.id, text, terms)
            for entry in kb.entries.values()
            for text in (entry.title, *entry.questions, *entry.keywords)
            if (terms := analyzer.terms(text))
        ]

        whole = frozenset(t for _, _, terms in analysed for t in terms)
        self.known: frozenset[str] = whole | analyzer.synonym_forms
        self.splitter = CompoundSplitter(self.known, analyzer)
        self.parts: dict[str, tuple[str, ...]] = {
            term: parts for term in sorted(whole) if (parts := self.splitter.split(term))
        }

        # Terms an entry contains as whole words, and with the parts of its compounds.
        whole_terms: dict[str, set[str]] = {e.id: set(date_terms(e)) for e in kb.entries.values()}
        for entry_id, _, terms in analysed:
            whole_terms[entry_id].update(terms)
        self.whole_terms: dict[str, frozenset[str]] = {
            e: frozenset(ts) for e, ts in whole_terms.items()
        }
        self.entry_terms: dict[str, frozenset[str]] = {
            e: ts.union(*(self.parts.get(t, ()) for t in ts)) for e, ts in self.whole_terms.items()
        }
        # Key terms name what an entry is about (its title, keywords and dates); matching one
        # counts fully, matching any other word of the entry a little less.
        self.key_terms: dict[str, frozenset[str]] = {
            entry.id: frozenset(
                t for text in (entry.title, *entry.keywords) for t in analyzer.terms(text)
            ).union(date_terms(entry))
            for entry in kb.entries.values()
        }

        self._build_rarity()
        self.examples: dict[str, list[Example]] = {e: [] for e in self.entry_ids}
        for entry_id, text, terms in analysed:
            self.examples[entry_id].append(self._example(entry_id, text, terms))
        self.related: dict[str, frozenset[str]] = {
            e.id: frozenset(e.related) for e in kb.entries.values()
        }

    def _build_rarity(self) -> None:
        """Inverse document frequency per term (an entry is a document) and postings."""
        count = len(self.entry_ids)
        df: dict[str, int] = defaultdict(int)
        postings: dict[str, list[str]] = defaultdict(list)
        for entry_id in self.entry_ids:
            for term in sorted(self.entry_terms[entry_id]):
                df[term] += 1
                postings[term].append(entry_id)
        self.idf: dict[str, float] = {t: math.log(1 + count / n) for t, n in df.items()}
        self.max_idf = math.log(1 + count)
        self.vocabulary: tuple[str, ...] = tuple(sorted(self.idf))
        self.postings: dict[str, tuple[str, ...]] = {t: tuple(es) for t, es in postings.items()}

    def _example(self, entry_id: str, text: str, terms: list[str]) -> Example:
        unique = frozenset(terms)
        # Sums run in a fixed order: a set's order changes with the hash seed, and so would
        # the last bit of a score, and with it a tie between two entries.
        ordered = sorted(unique)
        compounds = {t: self.parts[t] for t in ordered if t in self.parts}
        return Example(
            entry_id=entry_id,
            text=text,
            terms=unique,
            parts=compounds,
            expanded=unique.union(*compounds.values()),
            weight=sum(self.idf[t] for t in ordered),
            rarities=tuple((t, self.idf[t], compounds.get(t, ())) for t in ordered),
        )
