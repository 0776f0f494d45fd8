"""The vocabulary between the conversation core and its doors (Telegram, web).

A door turns what a user did into an ``Event`` for a ``UserKey`` and shows the ``Outgoing``
messages the core returns. Texts are Telegram's HTML subset (already escaped by the texts layer);
a door that is not Telegram renders that subset itself. Button data is bot.callbacks' grammar in
every door, so the core parses one vocabulary.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from bot.replies import Button

Channel = Literal["telegram", "web"]


@dataclass(frozen=True)
class UserKey:
    """A requester, identified by the door they came through and that door's id for them."""

    channel: Channel
    id: str


@dataclass(frozen=True)
class TextIn:
    """The user typed a message. ``reply_to`` is the door's id of the bot message it answers
    (Telegram's reply function), if any."""

    text: str
    reply_to: str | None = None
    # The text of the bot message it answers, when the door has it (a team message names its
    # request), and the name the user goes by in the door (shown to the team with a reply).
    quoted: str | None = None
    sender_name: str = ""


@dataclass(frozen=True)
class PressIn:
    """The user pressed one of our buttons; ``data`` is untrusted (bot.callbacks parses it).
    ``message`` is the door's id of the message that carried the button."""

    data: str
    message: str | None = None
    # The message carrying the button as the door shows it now (its text and buttons), when
    # the door knows it: a button it does not show is refused, a choice is noted under it.
    shown: Outgoing | None = None
    sender_name: str = ""  # the name the user goes by in the door (shown to the team)


@dataclass(frozen=True)
class CommandIn:
    """A command: start, hilfe, anfrage, abbrechen, datenschutz, meinedaten, loeschen."""

    name: str
    arg: str = ""


@dataclass(frozen=True)
class ContactIn:
    """A phone number the user shared with the door's own contact feature; ``own``: the door
    vouches that it is the user's own number (Telegram: the contact's user id is the sender's)."""

    phone: str
    own: bool = True


Event = TextIn | PressIn | CommandIn | ContactIn


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mime: str


@dataclass(frozen=True)
class Outgoing:
    """One message to show. ``replace``: show it in place of the message whose button was
    pressed (Telegram edits it); with an empty ``html`` the message keeps its text and only
    its buttons become ``buttons``. ``toast``: a short note for the press itself; an
    ``Outgoing`` with neither ``html`` nor ``replace`` carries only its toast.
    ``ask_contact``: offer the door's "share my phone number" control with this message.
    ``expects_text``: the message asks the user to type (a dialogue step); the web door moves
    the keyboard focus to its field rather than to the message's first button."""

    html: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    replace: bool = False
    attachment: Attachment | None = None
    ask_contact: bool = False
    toast: str | None = None
    expects_text: bool = False


class Conversation(Protocol):
    """What every door calls. Persisting (drafts, requests, outbox rows) happens inside."""

    async def handle(self, user: UserKey, event: Event) -> list[Outgoing]: ...

    async def fault_notice(self, user: UserKey) -> str:
        """Plain text for a user whose event failed because the database could not store it."""
        ...
