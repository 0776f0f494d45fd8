"""Example phrasings taught by the team, applied on top of the knowledge files.

The result is an ordinary, validated KnowledgeBase: the matcher is rebuilt from it exactly as
after /reload, so a taught phrasing counts like one written into the YAML file.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.knowledge.models import Entry, KnowledgeBase

MAX_PHRASING_CHARS = 300


def clean_phrasing(text: str) -> str | None:
    """The phrasing as stored in an entry (one line, trimmed), or None if unusable."""
    line = " ".join(text.split())
    return line if 0 < len(line) <= MAX_PHRASING_CHARS else None


def owner_of(kb: KnowledgeBase, text: str) -> str | None:
    """The entry that already has this example question (ignoring case), if any."""
    line = (clean_phrasing(text) or "").casefold()
    return next(
        (e.id for e in kb.entries.values() if any(q.casefold() == line for q in e.questions)),
        None,
    )


def with_extra_questions(
    kb: KnowledgeBase, extra: Iterable[tuple[str, str]]
) -> tuple[KnowledgeBase, list[tuple[str, str]]]:
    """``kb`` with each (entry_id, phrasing) appended to that entry's example questions.

    Returns the new knowledge base and the phrasings left out: an entry that no longer exists,
    an empty or overlong text. A phrasing the entry already has (ignoring case) is not repeated.
    """
    added: dict[str, list[str]] = {}
    skipped: list[tuple[str, str]] = []
    for entry_id, text in extra:
        entry = kb.entries.get(entry_id)
        line = clean_phrasing(text)
        if entry is None or line is None:
            skipped.append((entry_id, text))
            continue
        known = {q.casefold() for q in (*entry.questions, *added.get(entry_id, ()))}
        if line.casefold() not in known:
            added.setdefault(entry_id, []).append(line)
    if not added:
        return kb, skipped
    entries = dict(kb.entries)
    for entry_id, lines in added.items():
        entry = entries[entry_id]
        entries[entry_id] = Entry.model_validate(
            {**entry.model_dump(), "questions": [*entry.questions, *lines]}
        )
    return kb.model_copy(update={"entries": entries}), skipped
