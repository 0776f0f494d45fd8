"""Write the phrasings the team taught into the knowledge files, so they can be reviewed and
versioned like everything else there.

Each phrasing is appended to its entry's example questions in the file that defines the entry
(bot/knowledge/yaml_edit.py); then the whole directory is loaded again. If anything does not
validate, every file is restored and nothing counts as exported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.knowledge.extra import clean_phrasing
from bot.knowledge.loader import KnowledgeError, knowledge_files, load_knowledge
from bot.knowledge.yaml_edit import add_question, has_entry


@dataclass(frozen=True)
class TaughtPhrasing:
    id: int
    entry_id: str
    text: str


@dataclass
class ExportResult:
    exported: list[int] = field(default_factory=list)  # written, or already in the file
    skipped: list[TaughtPhrasing] = field(default_factory=list)  # entry gone or not editable
    files: list[str] = field(default_factory=list)  # names of the files changed


def export_phrasings(directory: Path, phrasings: Sequence[TaughtPhrasing]) -> ExportResult:
    """Append the phrasings to the files in ``directory``; raises KnowledgeError (with the
    files restored) if the knowledge does not load before or after."""
    kb = load_knowledge(directory)  # a broken directory is not edited further
    paths = knowledge_files(directory)
    originals = {path: path.read_text(encoding="utf-8") for path in paths}
    edited = dict(originals)
    result = ExportResult()
    written: list[tuple[str, str]] = []
    for phrasing in phrasings:
        line = clean_phrasing(phrasing.text)
        entry = kb.entries.get(phrasing.entry_id)
        if line is None or entry is None:
            result.skipped.append(phrasing)
            continue
        known = {q.casefold() for q in entry.questions}
        known |= {text.casefold() for entry_id, text in written if entry_id == entry.id}
        if line.casefold() in known:
            result.exported.append(phrasing.id)
            continue
        path = next((p for p in paths if has_entry(edited[p], entry.id)), None)
        changed = add_question(edited[path], entry.id, line) if path is not None else None
        if path is None or changed is None:
            result.skipped.append(phrasing)
            continue
        edited[path] = changed
        written.append((entry.id, line))
        result.exported.append(phrasing.id)
    result.files = sorted(p.name for p in paths if edited[p] != originals[p])
    for path in paths:
        if edited[path] != originals[path]:
            path.write_text(edited[path], encoding="utf-8")
    try:
        reloaded = load_knowledge(directory)
        missing = [
            (entry_id, text) for entry_id, text in written
            if text not in reloaded.entries[entry_id].questions
        ]
        if missing:
            raise KnowledgeError(f"phrasings not found after writing: {missing}")
    except Exception:
        for path, text in originals.items():
            path.write_text(text, encoding="utf-8")
        raise
    return result
