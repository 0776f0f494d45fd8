"""Messages passed between team and requester about a ticket, rendered length-safe.

The requester sees only the first name of the team member; the team sees the requester's
Telegram first name. The passed text is escaped and, if the frame would push it over Telegram's
limit, cut (the full text stays in the ticket's history).
"""

from __future__ import annotations

from bot.storage.models import Ticket
from bot.team.cards import NAME_LIMIT
from bot.team.display import MAX_MESSAGE, clip, tg_len
from bot.team.status_words import status_word
from bot.texts import Raw, Texts

_STATUS_NOTICES = {
    ("taken", "request"): "team_notify_taken_request",
    ("taken", "question"): "team_notify_taken_question",
    ("done", "request"): "team_notify_done_request",
    ("done", "question"): "team_notify_done_question",
}


def status_notice(ticket: Ticket, first_name: str, texts: Texts) -> str | None:
    """What the requester is told about the ticket's new status, or None (nothing to tell)."""
    key = _STATUS_NOTICES.get((ticket.status, ticket.type))
    if key is None:
        return None
    return texts.render(key, ref=ticket.ref, name=Raw(clip(first_name, NAME_LIMIT)),
                        status=status_word(ticket.status, texts))


def _framed(key: str, texts: Texts, text: str, **values: object) -> str:
    """Fill a frame template, cutting `text` so that the whole fits one message."""
    frame = texts.render(key, text=Raw(""), **values)
    budget = MAX_MESSAGE - tg_len(frame)
    return texts.render(key, text=Raw(clip(text, budget)), **values)


def team_message_for_user(ticket: Ticket, first_name: str, text: str, texts: Texts) -> str:
    """A team member's reply as the requester receives it ("Nachricht vom Team zu A-…")."""
    return _framed("team_message_to_user", texts, text, ref=ticket.ref,
                   name=Raw(clip(first_name, NAME_LIMIT)))


def user_message_for_team(ticket: Ticket, first_name: str, text: str, texts: Texts) -> str:
    """The requester's answer as the team receives it ("Antwort von … zu A-…")."""
    return _framed("team_message_to_team", texts, text, ref=ticket.ref,
                   name=Raw(clip(first_name, NAME_LIMIT)))
