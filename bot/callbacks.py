"""Strict codec for callback data.

Callback data is chosen by the client and can be forged, so it is parsed against a closed grammar
and never trusted further than "which button of ours this claims to be". It carries ids only,
never personal data, and always fits Telegram's 64-byte limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_BYTES = 64
MENU_BACK = "-"  # the way back of an entry opened from the menu

_ID = r"[a-z0-9_]{1,31}"
_NUM = r"[0-9]{1,12}"
_PATTERNS: dict[str, re.Pattern[str]] = {
    "menu": re.compile(r"m"),
    # An entry. With a way back it is browsing (the view is replaced): the entry whose view
    # the press came from, or "-" for the menu; without one it opens a new message.
    "entry": re.compile(rf"e:(?P<entry>{_ID})(?::(?P<arg>{_ID}|-))?"),
    "ask": re.compile(r"q"),
    # "Anfrage starten", optionally with the kind the question named ("r:workshop").
    "request": re.compile(r"r(?::(?P<arg>[a-z]{1,16}))?"),
    "to_team": re.compile(rf"t:(?P<id>{_NUM})"),
    "dialogue": re.compile(
        rf"d:(?P<id>{_NUM}):(?P<rev>{_NUM}):(?P<op>[a-z]{{1,8}})(?::(?P<arg>[a-z0-9_]{{1,24}}))?"
    ),
    "card": re.compile(rf"c:(?P<id>{_NUM}):(?P<op>take|over|release|done|reopen)"),
    "privacy": re.compile(r"p:(?P<op>del|keep)"),
    # "Is this text for the team about this request?": yes / no, the text waits in memory.
    "team_link": re.compile(rf"l:(?P<id>{_NUM}):(?P<op>yes|no)"),
    # The team's review list: adopt the question for an entry, dismiss it, or undo either.
    "review": re.compile(rf"u:(?P<id>{_NUM}):(?:(?P<op>add):(?P<entry>{_ID})|(?P<op2>no|undo))"),
    # "Hat das geholfen?" under an answer; "ok" is the thanks that replaces the two buttons.
    "feedback": re.compile(rf"f:(?P<entry>{_ID}):(?P<op>up|down|ok)"),
}


@dataclass(frozen=True)
class Callback:
    kind: str
    entry: str | None = None
    id: int | None = None
    rev: int | None = None
    op: str | None = None
    arg: str | None = None


def parse(data: str | None) -> Callback | None:
    """Return the callback, or None for anything that is not exactly one of ours."""
    if not data or len(data.encode("utf-8")) > MAX_BYTES:
        return None
    for kind, pattern in _PATTERNS.items():
        match = pattern.fullmatch(data)
        if match:
            groups = match.groupdict()
            return Callback(
                kind=kind,
                entry=groups.get("entry"),
                id=int(groups["id"]) if groups.get("id") else None,
                rev=int(groups["rev"]) if groups.get("rev") else None,
                op=groups.get("op") or groups.get("op2"),
                arg=groups.get("arg"),
            )
    return None


def _checked(data: str) -> str:
    if parse(data) is None:
        raise ValueError(f"invalid callback data {data!r}")
    return data


def menu() -> str:
    return "m"


def entry(entry_id: str, back: str | None = None) -> str:
    """Show an entry; ``back``: the entry whose view the press came from, or ``MENU_BACK``. A
    way back that would not fit the 64 bytes leads to the menu."""
    data = f"e:{entry_id}:{back}" if back else f"e:{entry_id}"
    if back and len(data.encode("utf-8")) > MAX_BYTES:
        data = f"e:{entry_id}:{MENU_BACK}"
    return _checked(data)


def ask() -> str:
    return "q"


def request(kind: str | None = None) -> str:
    return _checked(f"r:{kind}") if kind else "r"


def to_team(question_id: int) -> str:
    return _checked(f"t:{question_id}")


def dialogue(draft_id: int, rev: int, op: str, arg: str | None = None) -> str:
    return _checked(f"d:{draft_id}:{rev}:{op}" + (f":{arg}" if arg else ""))


def card(ticket_id: int, op: str) -> str:
    return _checked(f"c:{ticket_id}:{op}")


def privacy(op: str) -> str:
    return _checked(f"p:{op}")


def team_link(ticket_id: int, op: str) -> str:
    return _checked(f"l:{ticket_id}:{op}")


def review(question_id: int, op: str, entry_id: str | None = None) -> str:
    """A review-list button: ``add`` (with the entry), ``no`` or ``undo``."""
    return _checked(f"u:{question_id}:{op}" + (f":{entry_id}" if entry_id else ""))


def feedback(entry_id: str, op: str) -> str:
    return _checked(f"f:{entry_id}:{op}")
