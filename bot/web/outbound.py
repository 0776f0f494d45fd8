"""The web door's outbound port: messages the core sends a web user later (team replies).

They wait in the user's mailbox until the chat page's long poll collects them.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.conversation.model import Outgoing, UserKey
from bot.web.render import outgoing_json
from bot.web.sessions import Mailboxes


class WebOutbound:
    def __init__(self, mailboxes: Mailboxes) -> None:
        self.mailboxes = mailboxes

    async def send(self, user: UserKey, messages: Sequence[Outgoing]) -> None:
        if user.channel != "web":
            raise ValueError("the web door only delivers to web users")
        for message in messages:
            self.mailboxes.push(user.id, outgoing_json(message))
