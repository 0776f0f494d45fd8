"""Words that name a topic outside the offer, read from the knowledge base (foreign.yaml)."""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.matching.normalize import normalize
from bot.matching.stemming import stem

_TYPO_MIN = 9  # shorter words are too close to words of the offer to allow a typo


class ForeignLexicon:
    """Tells whether a normalised token names a foreign topic (address, insurance, weather …).

    Built once per knowledge base from plain German lists; the answers per token are cached
    because the same words recur in every question.
    """

    def __init__(
        self,
        words: Iterable[str] = (),
        phrases: Iterable[str] = (),
        heads: Iterable[str] = (),
        groups: Iterable[str] = (),
    ) -> None:
        group_words = frozenset(normalize(g) for g in groups if normalize(g))
        # Groups the offer is not for are foreign words too (see is_group).
        self.words = frozenset(normalize(w) for w in words if normalize(w)) | group_words
        self._group_stems = frozenset(stem(g) for g in group_words)
        self.phrases = tuple(p for p in (normalize(p) for p in phrases) if p)
        self.heads = tuple(h for h in (normalize(h) for h in heads) if h)
        # Inflected forms of the longer words count too (Versicherungen, Gründungen).
        self._stems = frozenset(stem(w) for w in self.words if len(w) >= 6)
        # Sorted: the best of equally close words is the first, whatever the hash seed.
        self._long = sorted(w for w in self.words if len(w) >= _TYPO_MIN)
        self._cache: dict[str, bool] = {}

    def _typo_of_foreign(self, token: str) -> bool:
        """A long foreign word with one typo ("Volkshochschle") is still that word."""
        if len(token) < _TYPO_MIN or not token.isalpha():
            return False
        hit = process.extractOne(
            token, self._long, scorer=OSA.distance, processor=None, score_cutoff=1
        )
        return hit is not None and hit[0][:1] == token[:1]

    def is_group(self, term: str) -> bool:
        """Whether a foreign term (stemmed) names a group or institution the offer is not for
        ("schul" of "Schulen"): asked whether the offer is for it, the question asks whom the
        offer is for."""
        return term in self._group_stems

    def __contains__(self, token: str) -> bool:
        return token in self.words

    def is_foreign(self, token: str) -> bool:
        known = self._cache.get(token)
        if known is None:
            known = (
                token in self.words
                or stem(token) in self._stems
                # One C call rules out most words before the heads are looked at one by one.
                or (
                    token.endswith(self.heads)
                    and any(token.endswith(h) and len(token) > len(h) + 2 for h in self.heads)
                )
                or self._typo_of_foreign(token)
            )
            if len(self._cache) < 65536:
                self._cache[token] = known
        return known
