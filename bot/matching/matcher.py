"""Match a German question against the knowledge base and decide answer / suggest / fallback.

The question is read into weighted content units (question.py), every entry is scored against
them (scorer.py), and the scores decide the band: confident and clearly ahead → answer;
middling → suggestions; low → fallback.
"""

from __future__ import annotations

from bot.config import MatchingSettings
from bot.knowledge.models import KnowledgeBase
from bot.matching.analyzer import Analyzer
from bot.matching.clauses import split_clauses
from bot.matching.index import SearchIndex
from bot.matching.normalize import tokenize
from bot.matching.params import ScoringParams
from bot.matching.question import ClauseTokens, QuestionReader, WordClassGuess
from bot.matching.resolver import TermResolver, Unit
from bot.matching.result import Band, Candidate, MatchResult
from bot.matching.scorer import Scorer
from bot.matching.smalltalk import SmallTalkRecognizer, without_words


class Matcher:
    def __init__(
        self,
        kb: KnowledgeBase,
        settings: MatchingSettings,
        params: ScoringParams | None = None,
    ) -> None:
        self._settings = settings
        self._params = params or ScoringParams()
        analyzer = Analyzer(kb.synonyms)
        self._index = SearchIndex(kb, analyzer)
        self._smalltalk = SmallTalkRecognizer(kb.smalltalk)
        self._reader = QuestionReader(
            analyzer, TermResolver(self._index, self._params, analyzer.variants()), self._params
        )
        self._scorer = Scorer(self._index, self._params)

    def units(self, text: str) -> list[Unit]:
        """The content units of ``text`` read as a single clause (for tests and tools)."""
        return self._reader.units_of_text(text)

    def _close(self, top: str, runner_up: str) -> bool:
        related = self._index.related
        return runner_up in related.get(top, ()) and top in related.get(runner_up, ())

    def _read(self, question: str) -> tuple[str | None, list[ClauseTokens], WordClassGuess]:
        """Small-talk id when the message is only small talk, else its clauses without it."""
        clauses = split_clauses(question)
        tokens = [tokenize(c.text) for c in clauses]
        talk_id, start, end = self._smalltalk.span([t for ts in tokens for t in ts])
        kept: list[ClauseTokens] = []
        position = 0
        for clause, clause_tokens in zip(clauses, tokens, strict=True):
            low = max(start - position, 0)
            high = min(end - position, len(clause_tokens))
            if low < high:
                kept.append(ClauseTokens(clause, clause_tokens[low:high]))
            position += len(clause_tokens)
        return talk_id, kept, WordClassGuess(clauses)

    def match(self, question: str) -> MatchResult:
        if without_words(question):
            # Emoji or punctuation only: small talk ("👍") or, without an id, a help reply;
            # never a question for the knowledge base or the team.
            talk_id = self._smalltalk.recognise_symbols(question)
            return MatchResult("smalltalk", (), smalltalk_id=talk_id, reason="no words")
        talk_id, clauses, spelling = self._read(question)
        if talk_id is not None:
            return MatchResult("smalltalk", (), smalltalk_id=talk_id, reason="small-talk phrase")
        ranked = self._scorer.rank(self._reader.units(clauses, spelling))
        candidates = tuple(Candidate(r.entry_id, round(r.score, 4), r.describe) for r in ranked)
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
