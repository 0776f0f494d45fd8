"""Recognise greetings, thanks, goodbyes and "who are you" before any knowledge matching.

A message is small talk only when small-talk phrases and fillers make up all of it; otherwise
the phrases at its start and end are removed and the rest is matched as a question, so
"Hallo, was kostet die Beratung?" is answered as a question.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from rapidfuzz.distance import Levenshtein

from bot.knowledge.models import SmallTalk
from bot.matching.normalize import tokenize
from bot.matching.stopwords import words

# Words that may surround small talk without changing it ("Hallo zusammen", "Danke dir").
_FILLERS = words(
    "zusammen dir ihnen euch nochmal sehr auch und so erstmal bot lieber liebes liebe ja "
    "noch mal vielmals ganz nochmals fuer die das der info infos antwort antworten auskunft "
    "hilfe tipp"
)
_MAX_TOKENS = 8
# Emoji modifiers that do not change what an emoji says (variation selector, joiner, skin tones).
_MODIFIERS = frozenset("\ufe0f\ufe0e\u200d") | {chr(c) for c in range(0x1F3FB, 0x1F400)}


def without_words(text: str) -> bool:
    """True for a message of emoji, punctuation or symbols only ("🙈", "?", "..."): nothing the
    knowledge base or the team could answer as a question."""
    return not any(ch.isalnum() for ch in text)


def _symbol_key(text: str) -> str:
    """A symbol message reduced to what it says: "👍🏻 👍!" and "👍" give the same key."""
    chars = [ch for ch in text if not ch.isspace() and ch not in _MODIFIERS]
    core = [ch for ch in chars if not unicodedata.category(ch).startswith("P")] or chars
    return "".join(dict.fromkeys(core))


def _same(token: str, pattern_token: str) -> bool:
    if token == pattern_token:
        return True
    return (
        len(pattern_token) >= 5
        and token[:1] == pattern_token[:1]
        and Levenshtein.distance(token, pattern_token, score_cutoff=1) <= 1
    )


class SmallTalkRecognizer:
    """Strips small-talk phrases from both ends of a message; priority follows the file order."""

    def __init__(self, smalltalk: Mapping[str, SmallTalk]) -> None:
        patterns: list[tuple[tuple[str, ...], str, int]] = []
        # Patterns without words ("👍") never survive tokenising: they are compared as symbols.
        self._symbols: dict[str, str] = {}
        for priority, talk in enumerate(smalltalk.values()):
            for pattern in talk.patterns:
                tokens = tuple(tokenize(pattern))
                if tokens:
                    patterns.append((tokens, talk.id, priority))
                elif without_words(pattern):
                    self._symbols.setdefault(_symbol_key(pattern), talk.id)
        # Longest first, so "vielen dank" wins over "danke" and "moin moin" over "moin".
        self._patterns = sorted(patterns, key=lambda p: (-len(p[0]), p[2]))
        # A token only ever matches a pattern token with the same first letter (_same), so the
        # patterns are looked up by the first letter of their first and of their last token.
        self._by_first: dict[str, list[tuple[tuple[str, ...], str, int]]] = {}
        self._by_last: dict[str, list[tuple[tuple[str, ...], str, int]]] = {}
        for item in self._patterns:
            self._by_first.setdefault(item[0][0][:1], []).append(item)
            self._by_last.setdefault(item[0][-1][:1], []).append(item)

    def _match_at(self, tokens: list[str], start: int) -> tuple[int, str, int] | None:
        first = tokens[start]
        for pattern, talk_id, priority in self._by_first.get(first[:1], ()):
            end = start + len(pattern)
            # The first token alone rules out most patterns (a cheap look before the rest).
            if end <= len(tokens) and _same(first, pattern[0]) and all(
                _same(t, p) for t, p in zip(tokens[start:end], pattern, strict=True)
            ):
                return end, talk_id, priority
        return None

    def _match_ending_at(self, tokens: list[str], end: int) -> tuple[int, str, int] | None:
        last = tokens[end - 1]
        for pattern, talk_id, priority in self._by_last.get(last[:1], ()):
            start = end - len(pattern)
            if start >= 0 and _same(last, pattern[-1]) and all(
                _same(t, p) for t, p in zip(tokens[start:end], pattern, strict=True)
            ):
                return start, talk_id, priority
        return None

    def split(self, tokens: list[str]) -> tuple[str | None, list[str]]:
        """(small-talk id if the whole message is small talk, tokens left for matching)."""
        talk_id, start, end = self.span(tokens)
        return talk_id, tokens[start:end]

    def span(self, tokens: list[str]) -> tuple[str | None, int, int]:
        """(small-talk id if the whole message is small talk, start and end of the rest)."""
        found: list[tuple[int, str]] = []
        start, end = 0, len(tokens)
        while start < end:
            # Fillers after small talk go with it only when more small talk (or nothing)
            # follows ("danke und tschüss"); "Ok. Und für wen ist das?" keeps "für wen".
            after = start
            while found and after < end and tokens[after] in _FILLERS:
                after += 1
            if after == end and after > start:
                start = after
                break
            hit = self._match_at(tokens, after)
            if hit is None:
                break
            start, talk_id, priority = hit
            found.append((priority, talk_id))
        while end > start:
            # Fillers at the end go only with a small-talk phrase before them ("danke für die
            # Hilfe"); "ein Kurs für Erste Hilfe" keeps its last word.
            before = end
            while before > start and tokens[before - 1] in _FILLERS:
                before -= 1
            back = self._match_ending_at(tokens, before) if before > start else None
            if back is None or back[0] < start:
                if before == start and found:
                    end = start  # only fillers were left after the small talk
                break
            end, talk_id, priority = back
            found.append((priority, talk_id))
        if found and start >= end and len(tokens) <= _MAX_TOKENS:
            return min(found)[1], 0, 0
        if found and start >= end:
            return None, 0, len(tokens)
        return None, start, end

    def recognise_symbols(self, text: str) -> str | None:
        """The small talk a message without words stands for ("👍" -> ok), if any."""
        return self._symbols.get(_symbol_key(text))

    def recognise(self, text: str) -> str | None:
        return self.split(tokenize(text))[0]
