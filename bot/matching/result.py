"""What the matcher returns: a decision band and the ranked candidates behind it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

Band = Literal["answer", "suggest", "fallback", "smalltalk"]


@dataclass(frozen=True)
class Candidate:
    entry_id: str
    score: float  # 0..1
    # Matched terms and weights, for --explain: built only when asked for (every question pays
    # for the ranking, only explained ones for the text).
    describe: Callable[[], str] = field(default=lambda: "", compare=False, repr=False)

    @property
    def detail(self) -> str:
        return self.describe()


@dataclass(frozen=True)
class MatchResult:
    band: Band
    candidates: tuple[Candidate, ...]  # best first
    smalltalk_id: str | None = None
    reason: str = ""  # why this band, for --explain
    # The question asks for a detail the offer does not state (a deadline, next year's dates):
    # band "fallback", with the closest entries still among the candidates.
    near_miss: str | None = None
    foreign: bool = False  # the question names a topic outside the offer (foreign.yaml)

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    def explain(self) -> str:
        """A multi-line, human-readable account of the decision."""
        head = f"band: {self.band}"
        if self.smalltalk_id:
            head += f" (smalltalk '{self.smalltalk_id}')"
        lines = [head]
        if self.reason:
            lines.append(f"reason: {self.reason}")
        for rank, cand in enumerate(self.candidates, start=1):
            lines.append(f"{rank}. {cand.entry_id}  {cand.score:.3f}")
            lines.append(f"   {cand.detail}")
        if not self.candidates and self.band != "smalltalk":
            lines.append("no candidate shares a known term with the question")
        return "\n".join(lines)
