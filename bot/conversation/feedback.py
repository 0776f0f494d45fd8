""""Hat das geholfen? 👍 👎" under an answer: the buttons, and what a press does.

One press per answer message counts (stored with its message id, so a double tap or an old
client counts once); the two buttons are then replaced by a thanks. A 👎 puts the question into
the team's review list (bot/storage/teaching.py).
"""

from __future__ import annotations

import logging
from dataclasses import replace

from bot import callbacks
from bot.callbacks import Callback
from bot.conversation.model import Outgoing, PressIn, UserKey
from bot.conversation.users import storage_id
from bot.replies import Button, Reply
from bot.services import Services
from bot.storage.feedback import Vote

log = logging.getLogger(__name__)

Rows = tuple[tuple[Button, ...], ...]


def with_feedback_buttons(reply: Reply, services: Services) -> Reply:
    """An answer from the knowledge base gets the 👍/👎 row under its other buttons."""
    if reply.kind != "answer" or reply.entry_id is None:
        return reply
    texts = services.texts
    row = (
        Button(texts.plain("btn_feedback_up"), callbacks.feedback(reply.entry_id, "up")),
        Button(texts.plain("btn_feedback_down"), callbacks.feedback(reply.entry_id, "down")),
    )
    return replace(reply, buttons=(*reply.buttons, row))


def _shows(rows: Rows, data: str) -> bool:
    return any(button.data == data for row in rows for button in row)


def _thanked(rows: Rows, entry_id: str, services: Services) -> Rows:
    """The message's buttons with the feedback row replaced by one "Danke" button."""
    out: list[tuple[Button, ...]] = []
    for row in rows:
        if any((parsed := callbacks.parse(b.data)) and parsed.kind == "feedback" for b in row):
            row = (Button(services.texts.plain("btn_feedback_thanks"),
                          callbacks.feedback(entry_id, "ok")),)
        out.append(row)
    return tuple(out)


async def on_press(
    services: Services, user: UserKey, press: PressIn, parsed: Callback
) -> list[Outgoing]:
    """👍 or 👎 on an answer. The message must show this button, or the thanks that replaced it
    (a second press from a client that had not yet shown the thanks: answered, not counted)."""
    texts = services.texts
    shown = press.shown.buttons if press.shown is not None else ()
    if (
        parsed.entry is None
        or press.message is None
        or not press.message.isdigit()
        or not (_shows(shown, press.data) or _shows(shown, callbacks.feedback(parsed.entry, "ok")))
    ):
        log.info("feedback button refused: user=%s", user.id)
        return [Outgoing(html="", toast=texts.plain("stale_button"))]
    vote: Vote
    if parsed.op == "up":
        vote = "up"
    elif parsed.op == "down":
        vote = "down"
    else:  # the thanks button: the vote is in already
        return [Outgoing(html="", toast=texts.plain("feedback_answer_repeated"))]
    user_id = storage_id(user)
    stored = await services.storage.feedback.record(
        user_id, user_id, int(press.message), parsed.entry, vote, services.clock(), user.channel
    )
    toast = texts.plain(f"feedback_answer_{vote}" if stored else "feedback_answer_repeated")
    # Empty html with replace: the message keeps its text, its buttons become these.
    return [Outgoing(html="", buttons=_thanked(shown, parsed.entry, services), replace=True,
                     toast=toast)]
