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

    def to_data(self) -> dict[str, Any]:
        return {
            "answers": self.answers,
            "errors": self.errors,
            "notice_shown_at": self.notice_shown_at,
            "notice_version": self.notice_version,
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

    @property
    def kind(self) -> str | None:
        value = self.answers.get("kind")
        return value if isinstance(value, str) else None
