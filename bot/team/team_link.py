"""Is a requester's free text meant for the team? The rule, and the texts waiting for the answer.

A requester who got a message from the team often writes back without Telegram's reply
function. Guessing either way is wrong in some cases (a new question sent to the team, an
answer to the team lost in the Q&A), so the bot asks once, with two buttons, while the team's
last message to them is recent (``requests.reply_window_days``). The text waits in memory until
the answer: at most a day, since it is personal data the user has not yet decided to send.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from bot.conversation.model import UserKey
from bot.storage.models import RecentTeamMessage

PENDING_TTL = dt.timedelta(days=1)


@dataclass
class PendingText:
    """Text the requester sent while the bot asks whether it is for the team."""

    ticket_id: int
    ref: str
    message_id: int
    text: str
    asked_at: dt.datetime


def window_start(now: dt.datetime, days: int) -> dt.datetime | None:
    """Team messages since this moment count as recent; None when the question is switched off."""
    return now - dt.timedelta(days=days) if days > 0 else None


def should_ask(recent: RecentTeamMessage | None, declined_message_id: int | None) -> bool:
    """Ask when the team wrote recently, unless the user already said "new question" to that
    very team message (asked once; a newer team message may be asked about again)."""
    return recent is not None and recent.message_id != declined_message_id


@dataclass
class TeamLinkMemory:
    """Per user (their channel and id): the text waiting for the answer, and the team message
    the user said "no" to."""

    pending: dict[UserKey, PendingText] = field(default_factory=dict)
    declined: dict[UserKey, int] = field(default_factory=dict)
    # Users found without a recent team message: their next texts need no database trip (the
    # common case, a question from someone the team never wrote to) until the team writes.
    quiet: set[UserKey] = field(default_factory=set)

    def waiting(self, user: UserKey, now: dt.datetime) -> PendingText | None:
        """The user's waiting text; one left unanswered for longer than PENDING_TTL is dropped."""
        found = self.pending.get(user)
        if found is not None and now - found.asked_at > PENDING_TTL:
            del self.pending[user]
            return None
        return found

    def keep(self, user: UserKey, recent: RecentTeamMessage, text: str,
             now: dt.datetime) -> bool:
        """Keep the text; True when the user must be asked, False when a question is already
        open (the text joins the waiting one, so nothing is lost and nothing asked twice)."""
        found = self.waiting(user, now)
        if found is not None and found.ticket_id == recent.ticket_id:
            found.text = f"{found.text}\n{text}"
            return False
        self.pending[user] = PendingText(recent.ticket_id, recent.ref, recent.message_id,
                                         text, now)
        return True

    def take(self, user: UserKey, ticket_id: int, now: dt.datetime) -> PendingText | None:
        """The waiting text for this ticket, removed (a second press finds nothing)."""
        found = self.waiting(user, now)
        if found is None or found.ticket_id != ticket_id:
            return None
        del self.pending[user]
        return found

    def decline(self, user: UserKey, message_id: int) -> None:
        self.declined[user] = message_id

    def team_wrote(self, user: UserKey) -> None:
        """The team just sent this user a message: look it up again at their next text."""
        self.quiet.discard(user)

    def forget(self, user: UserKey) -> None:
        """Everything about a user (their data was erased)."""
        self.pending.pop(user, None)
        self.declined.pop(user, None)
        self.quiet.discard(user)
