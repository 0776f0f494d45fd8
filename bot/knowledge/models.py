"""Typed, validated shapes of the knowledge files.

A knowledge file is a YAML mapping with any of the keys ``entries``, ``smalltalk``,
``synonyms`` and ``menu``. Unknown keys anywhere are errors, so a typo in a field name
never silently drops content.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.knowledge.html_check import check_telegram_html

ID_PATTERN = r"^[a-z0-9][a-z0-9_]{0,30}$"  # short: ids travel in 64-byte callback data
DATE_PLACEHOLDER = re.compile(r"\{date:([a-z0-9_]+)\}")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DatedFact(Strict):
    """A date named in the offer; answers render it as past or upcoming relative to today."""

    id: str = Field(pattern=ID_PATTERN)
    date: dt.date
    label: str = Field(min_length=1, description="What happens on that date, e.g. 'Kursbeginn'.")


class Entry(Strict):
    """One answerable topic of the offer."""

    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(
        min_length=1, max_length=60, description="Shown on buttons and in suggestions."
    )
    answer: str = Field(
        min_length=1,
        description="Telegram HTML subset. {date:ID} renders a dated fact of this entry.",
    )
    questions: list[str] = Field(min_length=1, description="Example questions as users write them.")
    keywords: list[str] = Field(default_factory=list, description="Distinctive words and phrases.")
    related: list[str] = Field(default_factory=list, description="Entry ids offered as follow-ups.")
    dates: list[DatedFact] = Field(default_factory=list)
    action: Literal["request"] | None = Field(
        default=None, description="'request' starts the request dialogue after the answer."
    )

    @field_validator("answer")
    @classmethod
    def _html_is_telegram_subset(cls, value: str) -> str:
        check_telegram_html(value)
        return value

    def date_ids(self) -> set[str]:
        return {d.id for d in self.dates}


class SmallTalk(Strict):
    """Greeting, thanks, goodbye and the like: matched before the knowledge entries."""

    id: str = Field(pattern=ID_PATTERN)
    patterns: list[str] = Field(min_length=1)
    answer: str = Field(min_length=1)

    @field_validator("answer")
    @classmethod
    def _html_is_telegram_subset(cls, value: str) -> str:
        check_telegram_html(value)
        return value


class MenuItem(Strict):
    """A button of the start menu that opens an entry."""

    label: str = Field(min_length=1, max_length=40)
    entry: str = Field(pattern=ID_PATTERN)


class KnowledgeFile(Strict):
    """The shape of one YAML file in the knowledge directory."""

    entries: list[Entry] = Field(default_factory=list)
    smalltalk: list[SmallTalk] = Field(default_factory=list)
    synonyms: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Canonical word -> words users write instead (typos, dialect, paraphrases).",
    )
    menu: list[MenuItem] = Field(default_factory=list)


class KnowledgeBase(BaseModel):
    """Everything loaded from the knowledge directory, cross-checked."""

    model_config = ConfigDict(frozen=True)

    entries: dict[str, Entry]
    smalltalk: dict[str, SmallTalk]
    synonyms: dict[str, list[str]]
    menu: list[MenuItem]

    def entry(self, entry_id: str) -> Entry | None:
        return self.entries.get(entry_id)
