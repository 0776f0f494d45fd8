"""Browsing by buttons: menu and entry views replace the message in place and lead back.

The way back travels in the entry button's callback data (``e:<entry>:<from>``, ids only, see
bot.callbacks): "Zurück" on an entry reached from another entry returns there, otherwise to
the menu. Buttons under a typed question's answer carry no way back and open a new message,
so the answer stays readable.
"""

from __future__ import annotations

from bot import callbacks
from bot.replies import Button, Reply
from bot.services import Services

Rows = tuple[tuple[Button, ...], ...]


def _browsing(rows: Rows, current: str) -> list[tuple[Button, ...]]:
    """Entry buttons remember ``current`` (an entry id or the menu) as their way back."""
    out: list[tuple[Button, ...]] = []
    for row in rows:
        kept: list[Button] = []
        for button in row:
            parsed = callbacks.parse(button.data)
            if parsed is not None and parsed.kind == "entry" and parsed.entry:
                button = Button(button.label, callbacks.entry(parsed.entry, back=current))
            kept.append(button)
        out.append(tuple(kept))
    return out


def menu_view(services: Services) -> Reply:
    """The menu as a browsing view: its entries lead back to it."""
    reply = services.answerer.menu()
    return Reply(kind=reply.kind, text=reply.text,
                 buttons=tuple(_browsing(reply.buttons, callbacks.MENU_BACK)))


def entry_view(services: Services, entry_id: str, back: str | None) -> Reply | None:
    """The entry with "Zurück" (to the entry ``back`` names, else the menu) next to "Menü"."""
    reply = services.answerer.show_entry(entry_id)
    if reply is None:
        return None
    if back and back != callbacks.MENU_BACK and services.kb.entry(back) is not None:
        back_data = callbacks.entry(back, back=callbacks.MENU_BACK)
    else:
        back_data = callbacks.menu()
    back_button = Button(services.texts.plain("btn_back"), back_data)
    rows = _browsing(reply.buttons, entry_id)
    menu_data = callbacks.menu()
    if rows and any(b.data == menu_data for b in rows[-1]):
        rows[-1] = (back_button, *rows[-1])
    else:
        rows.append((back_button,))
    return Reply(
        kind=reply.kind,
        text=reply.text,
        buttons=tuple(rows),
        entry_id=reply.entry_id,
        start_request=reply.start_request,
        offer_team=reply.offer_team,
    )
