"""One word per ticket status, everywhere: cards, /offen, /anfrage, the digest, the export,
/statistik and what the requester reads. The words are the texts ``team_status_<status>``;
every other text that names a status takes it as ``{status}``, so the card can never say
"offen" where the list says "frei"."""

from __future__ import annotations

from bot.texts import Texts

STATUSES = ("open", "taken", "done", "deleted")


def status_word(status: str | None, texts: Texts) -> str:
    """The status as the team and the requester read it (plain text)."""
    key = f"team_status_{status}"
    return texts.plain(key) if status and key in texts else (status or "?")
