"""knowledge/meta.yaml: when the knowledge was last confirmed ("Stand") and which programme year
it describes, plus the editable cue words that mark a question about what is current.

The offer's text is from 2022. Answers say so, and questions about the present state are told
that the team knows what is current; both need these facts, which only the team can confirm.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from bot.knowledge.messages import german_error

META_FILE = "meta.yaml"
_STAND = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class MetaError(Exception):
    """meta.yaml is broken; the message names the file and the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _words(values: list[str]) -> list[str]:
    return [" ".join(v.split()) for v in values if v.strip()]


class CurrencyCues(_Strict):
    """Words that turn a question into one about the present or the future (matched casefolded,
    umlauts and ae/oe/ue alike)."""

    current: list[str] = Field(
        default_factory=list,
        description="Words or phrases that ask about the present state on their own "
        "(aktuell, derzeit, inzwischen, mittlerweile, immer noch …).",
    )
    still: list[str] = Field(
        default_factory=list,
        description="'noch' and the like: a cue when it ends the sentence or stands before one "
        "of 'still_before' ('Kann ich mich noch anmelden?'), not in 'danach noch mal'.",
    )
    still_before: list[str] = Field(default_factory=list)
    future: list[str] = Field(
        default_factory=list,
        description="Words that point to a later round (nächste, kommende, neue …).",
    )
    schedule: list[str] = Field(
        default_factory=list,
        description="Words that ask for a date (Termin, wann, Beginn …). A question about a date "
        "in the future (a later year or a 'future' word) is one the offer cannot answer.",
    )
    room: list[str] = Field(
        default_factory=list,
        description="Words that ask whether there is still room (Plätze, frei …): asked about a "
        "dated event that is current, what became of it answers them.",
    )

    @field_validator("current", "still", "still_before", "future", "schedule", "room")
    @classmethod
    def _clean(cls, values: list[str]) -> list[str]:
        return _words(values)


class Meta(_Strict):
    """The shape of knowledge/meta.yaml."""

    stand: str = Field(
        description="When the team last confirmed the content: YYYY, YYYY-MM or YYYY-MM-DD."
    )
    programme_year: int = Field(
        ge=2000, le=2100, description="The year whose programme the knowledge describes."
    )
    currency: CurrencyCues = Field(default_factory=CurrencyCues)

    @field_validator("stand", mode="before")
    @classmethod
    def _stand_is_a_date(cls, value: object) -> str:
        text = value.isoformat() if isinstance(value, dt.date) else str(value).strip()
        match = _STAND.match(text)
        if not match:
            raise ValueError("muss JJJJ, JJJJ-MM oder JJJJ-MM-TT sein, z. B. 2022-06")
        year, month, day = (int(g) if g else 1 for g in match.groups())
        try:
            dt.date(year, month, day)
        except ValueError:
            raise ValueError(f"ist kein Datum im Kalender: {text}") from None
        return text

    @field_validator("programme_year")
    @classmethod
    def _year_fits_the_stand(cls, value: int, info: ValidationInfo) -> int:
        # Confirmed long before the programme year is a typo in one of the two.
        stand = info.data.get("stand")
        if stand is not None and int(stand[:4]) < value - 1:
            raise ValueError(f"liegt mehr als ein Jahr nach dem Stand {stand}")
        return value

    @property
    def stand_date(self) -> dt.date:
        year, month, day = (int(g) if g else 1 for g in _STAND.match(self.stand).groups())  # type: ignore[union-attr]
        return dt.date(year, month, day)

    def stand_text(self, months: list[str]) -> str:
        """The Stand in German words: "2022", "Juni 2022" or "15. Juni 2022"."""
        parts = self.stand.split("-")
        day = self.stand_date
        if len(parts) == 1:
            return str(day.year)
        if len(parts) == 2:
            return f"{months[day.month - 1]} {day.year}"
        return f"{day.day}. {months[day.month - 1]} {day.year}"


def _field_path(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(p) for p in loc) or "Datei"


def load_meta(path: Path) -> Meta:
    """Parse meta.yaml; an error names the file and the field."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise MetaError(f"{path.name}: kein gültiges YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise MetaError(
            f"{path.name}: oben muss eine Zuordnung stehen (stand, programme_year)"
        )
    try:
        return Meta.model_validate(raw)
    except ValidationError as exc:
        raise MetaError(
            "\n".join(
                f"{path.name}: Feld '{_field_path(tuple(err['loc']))}': {german_error(err)}"
                for err in exc.errors()
            )
        ) from None
