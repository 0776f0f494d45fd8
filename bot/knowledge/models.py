"""Typed, validated shapes of the knowledge files.

A knowledge file is a YAML mapping with any of the keys ``entries``, ``smalltalk``,
``synonyms``, ``menu``, ``foreign`` and ``places``. Unknown keys anywhere are errors, so a
typo in a field name never silently drops content.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.knowledge.meta import Meta
from bot.telegram_html import check_telegram_html

ID_PATTERN = r"^[a-z0-9][a-z0-9_]{0,30}$"  # short: ids travel in 64-byte callback data
# {date:ID} or {date:ID,ID}: the date(s), e.g. "15. und 27. Juni 2022".
DATE_PLACEHOLDER = re.compile(r"\{date:([a-z0-9_]+(?:,[a-z0-9_]+)*)\}")
# {tense:ID|past words|upcoming words}: the words that fit whether the date has passed.
TENSE_PLACEHOLDER = re.compile(r"\{tense:([a-z0-9_]+)\|([^|{}]*)\|([^|{}]*)\}")
BUTTON_MAX = 30  # longer labels are cut off on phones


def placeholder_ids(text: str) -> set[str]:
    """Ids of the dated facts that a text's {date:…} and {tense:…} placeholders name."""
    ids = {i for group in DATE_PLACEHOLDER.findall(text) for i in group.split(",")}
    return ids | {m.group(1) for m in TENSE_PLACEHOLDER.finditer(text)}



def _no_blank(values: list[str], message: str) -> list[str]:
    """A list of words where a blank one would match everything: refuse it with ``message``."""
    if any(not value.strip() for value in values):
        raise ValueError(message)
    return values

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
        min_length=1, max_length=60, description="Shown in suggestions; on buttons unless 'short'."
    )
    short: str | None = Field(
        default=None,
        min_length=1,
        max_length=BUTTON_MAX,
        description="Button label when the title is longer than 30 characters.",
    )
    answer: str = Field(
        min_length=1,
        description=(
            "Telegram HTML subset. {date:ID} or {date:ID,ID} renders dated facts of this entry;"
            " {tense:ID|past words|upcoming words} picks the words that fit today."
        ),
    )
    questions: list[str] = Field(min_length=1, description="Example questions as users write them.")
    keywords: list[str] = Field(default_factory=list, description="Distinctive words and phrases.")
    related: list[str] = Field(default_factory=list, description="Entry ids offered as follow-ups.")
    dates: list[DatedFact] = Field(default_factory=list)
    action: Literal["request"] | None = Field(
        default=None, description="'request' starts the request dialogue after the answer."
    )
    stand_note: bool = Field(
        default=False,
        description="Append the note that the answer describes the programme year (see meta.yaml);"
        " dated entries always get it.",
    )
    says_where: bool = Field(
        default=False,
        description="The answer says where it takes place (at the municipality, by phone or"
        " video): it answers the place_asks of foreign.yaml ('wo findet … statt?'), which are a"
        " near miss for every other entry.",
    )

    @field_validator("answer")
    @classmethod
    def _html_is_telegram_subset(cls, value: str) -> str:
        check_telegram_html(value)
        return value

    @model_validator(mode="after")
    def _button_label_fits(self) -> Entry:
        if self.short is None and len(self.title) > BUTTON_MAX:
            raise ValueError(
                f"der Titel ist länger als {BUTTON_MAX} Zeichen: geben Sie unter 'short' eine "
                "kurze Beschriftung für den Knopf an"
            )
        return self

    def date_ids(self) -> set[str]:
        return {d.id for d in self.dates}

    @property
    def button_label(self) -> str:
        return self.short or self.title

    @property
    def about_programme(self) -> bool:
        """Whether the answer describes the programme of its year (dated, or flagged)."""
        return self.stand_note or bool(self.dates)


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

    label: str = Field(min_length=1, max_length=BUTTON_MAX)
    entry: str = Field(pattern=ID_PATTERN)


class ForeignTopics(Strict):
    """Topics the offer never covers (addresses, founding a club, insurance, weather …).

    A question naming one is about that topic even when it shares words with the offer, so
    these words count as strong evidence against an answer (see docs/architecture.md).
    """

    words: list[str] = Field(default_factory=list, description="Single words, any spelling.")
    phrases: list[str] = Field(
        default_factory=list, description="Word groups foreign as a whole ('erste hilfe')."
    )
    heads: list[str] = Field(
        default_factory=list, description="Compound endings that make a word foreign ('antrag')."
    )
    groups: list[str] = Field(
        default_factory=list,
        description="Groups and institutions the offer is not for ('schule', 'kita'): foreign "
        "words, but asked whether the offer is for one ('Ist das auch für Schulen gedacht?'), "
        "the answer says whom it is for.",
    )
    details: list[str] = Field(
        default_factory=list,
        description="Words or word groups asking for a detail the offer does not state "
        "('frist', 'bis wann', 'maximal'): such a question gets 'Dazu habe ich keine Angabe'.",
    )
    date_asks: list[str] = Field(
        default_factory=list,
        description="Words or word groups asking for a day or date ('an welchem tag'): a near "
        "miss unless the entry the question matches names dates.",
    )
    named_only: list[str] = Field(
        default_factory=list,
        description="Things the offer names without details ('schreibwerkstatt'): a question "
        "asking one of the detail_asks about one is a near miss.",
    )
    detail_asks: list[str] = Field(
        default_factory=list,
        description="Words or word groups asking for a detail of a thing ('wie lange', 'wo', "
        "'online'), read together with named_only.",
    )
    place_asks: list[str] = Field(
        default_factory=list,
        description="Words or word groups asking where it takes place ('wo … statt', 'in "
        "welcher stadt'): a near miss unless the entry the question matches says_where.",
    )
    count_asks: list[str] = Field(
        default_factory=list,
        description="Words or word groups asking how many sessions, hours or days ('wie viele "
        "termine', 'wie oft'): a near miss when the entry the question matches states no "
        "number (a year is no number of sessions).",
    )
    elsewhere_asks: list[str] = Field(
        default_factory=list,
        description="Words or word groups asking whether something like the offer exists "
        "elsewhere ('gibt … sowas'): a near miss when the question names a place outside "
        "Schleswig-Holstein (whether the offer itself reaches it is the region's answer).",
    )

    @field_validator("words", "phrases", "heads", "details", "date_asks", "named_only",
                     "detail_asks", "place_asks", "count_asks", "elsewhere_asks")
    @classmethod
    def _not_blank(cls, values: list[str]) -> list[str]:
        return _no_blank(values, "empty word")

    @field_validator("words", "phrases", "heads", "named_only")
    @classmethod
    def _no_gap(cls, values: list[str]) -> list[str]:
        # Only the lists of asked details are read with gaps (bot/matching/nearmiss.py).
        for value in values:
            if "…" in value or "..." in value:
                raise ValueError(f"'{value}': eine Lücke (…) gibt es nur in details und *_asks")
        return values

    @field_validator(
        "details", "date_asks", "detail_asks", "place_asks", "count_asks", "elsewhere_asks"
    )
    @classmethod
    def _gap_between_words(cls, values: list[str]) -> list[str]:
        for value in values:
            parts = value.replace("...", "…").split("…")
            if any(not part.strip() for part in parts):
                raise ValueError(f"'{value}': eine Lücke (…) steht nur zwischen zwei Wörtern")
        return values


class Places(Strict):
    """A gazetteer: place names are understood as places, never as topics of a question."""

    schleswig_holstein: list[str] = Field(
        default_factory=list, description="Kreise, Ämter, towns, municipalities, islands of SH."
    )
    elsewhere: list[str] = Field(
        default_factory=list, description="Bundesländer, regions and cities outside SH."
    )

    @field_validator("schleswig_holstein", "elsewhere")
    @classmethod
    def _not_blank(cls, values: list[str]) -> list[str]:
        return _no_blank(values, "leerer Ortsname")


class KnowledgeFile(Strict):
    """The shape of one YAML file in the knowledge directory."""

    entries: list[Entry] = Field(default_factory=list)
    smalltalk: list[SmallTalk] = Field(default_factory=list)
    synonyms: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Canonical word -> words users write instead (typos, dialect, paraphrases).",
    )
    menu: list[MenuItem] = Field(default_factory=list)
    foreign: ForeignTopics | None = None
    places: Places | None = None


class KnowledgeBase(BaseModel):
    """Everything loaded from the knowledge directory, cross-checked."""

    model_config = ConfigDict(frozen=True)

    entries: dict[str, Entry]
    smalltalk: dict[str, SmallTalk]
    synonyms: dict[str, list[str]]
    menu: list[MenuItem]
    meta: Meta | None = None  # None: the directory has no meta.yaml, answers carry no Stand note
    foreign: ForeignTopics = Field(default_factory=ForeignTopics)
    places: Places = Field(default_factory=Places)

    def entry(self, entry_id: str) -> Entry | None:
        return self.entries.get(entry_id)
