"""What the bot says, independent of Telegram: text (Telegram HTML) plus button rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ReplyKind = Literal["answer", "action", "suggestions", "fallback", "smalltalk", "info"]


@dataclass(frozen=True)
class Button:
    label: str
    data: str  # callback data, see bot.callbacks


@dataclass(frozen=True)
class Suggestion:
    entry_id: str
    title: str
    text: str  # the rendered answer shown when the suggestion is picked


@dataclass(frozen=True)
class Reply:
    kind: ReplyKind
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    suggestions: tuple[Suggestion, ...] = ()
    entry_id: str | None = None
    start_request: bool = False  # the question asked for the request dialogue
    offer_team: bool = False  # an answer that also offers "an das Team" (what is current?)
    extras: dict[str, str] = field(default_factory=dict)
    # A dialogue step answered by typing: a door with a text field puts the focus there.
    expects_text: bool = False
    # The entry a reply that answers nothing is about ("Dazu habe ich keine Angabe. Das weiß
    # ich zu …", a later year of a dated event): a follow-up stays in its topic.
    about: str | None = None
