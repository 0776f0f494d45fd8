"""What /loeschen will delete, as a German list: "1 Anfrage, 2 Fragen an das Team und einen
unfertigen Entwurf". Only what exists is named; singular and plural come from the texts."""

from __future__ import annotations

from collections.abc import Sequence

from bot.storage.privacy import StoredCounts
from bot.texts import Texts


def counted(texts: Texts, key: str, count: int) -> str:
    """ "1 Anfrage" / "3 Anfragen": the text keys `<key>_one` and `<key>_many` (plain)."""
    return texts.plain(f"{key}_one" if count == 1 else f"{key}_many", count=count)


def join_words(items: Sequence[str], texts: Texts) -> str:
    """ "a", "a und b", "a, b und c"."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {texts.plain('list_and')} {items[-1]}"


def deletion_items(counts: StoredCounts, texts: Texts) -> list[str]:
    items = []
    if counts.requests:
        items.append(counted(texts, "delete_item_request", counts.requests))
    if counts.team_questions:
        items.append(counted(texts, "delete_item_team_question", counts.team_questions))
    if counts.drafts:
        items.append(texts.plain("delete_item_draft"))
    if counts.questions:
        items.append(counted(texts, "delete_item_question", counts.questions))
    return items


def deletion_list(counts: StoredCounts, texts: Texts) -> str:
    """The confirmation's list (plain text; the caller escapes it when rendering)."""
    return join_words(deletion_items(counts, texts), texts)
