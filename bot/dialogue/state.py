"""The dialogue's state: what is stored in the draft row after every step."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class DialogueState:
    step: str = "kind"
    answers: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)  # failed attempts per step (escalation)
    return_to_summary: bool = False
    notice_shown_at: str | None = None  # ISO time the privacy notice was shown
    notice_version: str | None = None
    # Counts real transitions (not errors): buttons carry it, so only buttons of an older
    # step are stale, while a re-sent prompt's and the original prompt's buttons both work.
    turn: int = 0

    def to_data(self) -> dict[str, Any]:
        return {
            "answers": self.answers,
            "errors": self.errors,
            "notice_shown_at": self.notice_shown_at,
            "notice_version": self.notice_version,
            "turn": self.turn,
        }

    @classmethod
    def from_data(cls, step: str, data: dict[str, Any], return_to_summary: bool) -> DialogueState:
        return cls(
            step=step,
            answers=dict(data.get("answers") or {}),
            errors=dict(data.get("errors") or {}),
            return_to_summary=return_to_summary,
            notice_shown_at=data.get("notice_shown_at"),
            notice_version=data.get("notice_version"),
            turn=int(data.get("turn") or 0),
        )

    def with_answer(self, key: str, value: Any) -> DialogueState:
        answers = dict(self.answers)
        answers[key] = value
        errors = {k: v for k, v in self.errors.items() if k != self.step}
        return replace(self, answers=answers, errors=errors)

    def with_error(self) -> DialogueState:
        errors = dict(self.errors)
        errors[self.step] = errors.get(self.step, 0) + 1
        return replace(self, errors=errors)

    def progressed_from(self, old: DialogueState) -> DialogueState:
        """This state with the turn advanced if it moved on from ``old``."""
        moved = (self.step, self.answers, self.return_to_summary) != (
            old.step,
            old.answers,
            old.return_to_summary,
        )
        return replace(self, turn=old.turn + 1) if moved else replace(self, turn=old.turn)

    @property
    def kind(self) -> str | None:
        value = self.answers.get("kind")
        return value if isinstance(value, str) else None
