"""Load the knowledge directory into one validated KnowledgeBase.

Every error names the file and the entry, so whoever edited the YAML finds the spot at once.
Errors are German (the team reads them) and name the root cause once: references to a broken
entry are not reported again, and all references to a missing id are listed under it.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.knowledge.messages import german_error
from bot.knowledge.meta import META_FILE, Meta, MetaError, load_meta
from bot.knowledge.models import (
    ForeignTopics,
    KnowledgeBase,
    KnowledgeFile,
    Places,
    placeholder_ids,
)

SCHEMA_FILE = "schema.json"


class KnowledgeError(Exception):
    """A knowledge file is broken; the message names file and entry."""


def _entry_label(raw: Any, loc: tuple[int | str, ...]) -> str:
    """Describe where in the file a validation error sits, by entry id where there is one."""
    if len(loc) >= 2 and isinstance(loc[0], str) and isinstance(loc[1], int):
        section, index = loc[0], loc[1]
        try:
            item = raw[section][index]
        except (KeyError, IndexError, TypeError):
            item = None
        ident = item.get("id") if isinstance(item, dict) else None
        where = f"{section}[{index}]" + (f" (id '{ident}')" if ident else "")
        rest = ".".join(str(p) for p in loc[2:])
        return f"{where}" + (f", Feld '{rest}'" if rest else "")
    return ".".join(str(p) for p in loc) or "Datei"


def _raw_ids(raw: Any) -> set[str]:
    """Ids written in a file that failed validation: references to them are not errors too."""
    ids: set[str] = set()
    for section in ("entries", "smalltalk"):
        items = raw.get(section) if isinstance(raw, dict) else None
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                ids.add(item["id"])
    return ids


class _BrokenFile(KnowledgeError):
    """A file that failed validation, with the ids it names (see ``_raw_ids``)."""

    def __init__(self, message: str, ids: set[str]) -> None:
        super().__init__(message)
        self.ids = ids


def parse_file(path: Path) -> KnowledgeFile:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{path.name}: kein gültiges YAML: {exc}") from exc
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise KnowledgeError(
            f"{path.name}: oben muss eine Zuordnung stehen (entries:, smalltalk:, synonyms:, menu:)"
        )
    try:
        return KnowledgeFile.model_validate(raw)
    except ValidationError as exc:
        problems = [
            f"{path.name}: {_entry_label(raw, tuple(err['loc']))}: {german_error(err)}"
            for err in exc.errors()
        ]
        raise _BrokenFile("\n".join(problems), _raw_ids(raw)) from None


def knowledge_files(directory: Path) -> list[Path]:
    """The files of entries, small talk, synonyms and menu (meta.yaml has its own shape)."""
    return sorted(p for p in directory.glob("*.yaml") if p.is_file() and p.name != META_FILE)


def load_knowledge(directory: Path) -> KnowledgeBase:
    """Parse every ``*.yaml`` in the directory and cross-check ids, links and dates."""
    if not directory.is_dir():
        raise KnowledgeError(f"{directory}: Ordner der Wissensdateien nicht gefunden")
    files = knowledge_files(directory)
    meta: Meta | None = None
    problems: list[str] = []
    if (directory / META_FILE).is_file():
        try:
            meta = load_meta(directory / META_FILE)
        except MetaError as exc:
            problems.append(str(exc))
    if not files:
        raise KnowledgeError(f"{directory}: keine *.yaml-Wissensdateien")

    entries: dict[str, Any] = {}
    origin: dict[str, str] = {}
    broken_ids: set[str] = set()  # ids in files that failed: already reported once
    smalltalk: dict[str, Any] = {}
    synonyms: dict[str, list[str]] = {}
    menu: list[Any] = []
    lists = _WordLists()

    for path in files:
        try:
            parsed = parse_file(path)
        except KnowledgeError as exc:
            problems.append(str(exc))
            broken_ids |= exc.ids if isinstance(exc, _BrokenFile) else set()
            continue
        for entry in parsed.entries:
            if entry.id in origin:
                problems.append(
                    f"{path.name}: Eintrag '{entry.id}': die id gibt es zweimal "
                    f"(auch in {origin[entry.id]})"
                )
                continue
            origin[entry.id] = path.name
            entries[entry.id] = entry
            for missing in sorted(placeholder_ids(entry.answer) - entry.date_ids()):
                problems.append(
                    f"{path.name}: Eintrag '{entry.id}': "
                    f"{{date:{missing}}} nennt kein Datum unter dates: des Eintrags"
                )
        for talk in parsed.smalltalk:
            if talk.id in smalltalk or talk.id in origin:
                problems.append(f"{path.name}: Smalltalk '{talk.id}': die id gibt es zweimal")
                continue
            origin[talk.id] = path.name
            smalltalk[talk.id] = talk
        for word, alternatives in parsed.synonyms.items():
            synonyms.setdefault(word, []).extend(alternatives)
        menu.extend((path.name, item) for item in parsed.menu)
        problems.extend(lists.add(path.name, parsed))

    # One message per missing id, naming every place that refers to it.
    dangling: dict[str, list[str]] = {}
    for entry_id, entry in entries.items():
        for rel in entry.related:
            if rel not in entries and not _in_broken(rel, broken_ids):
                dangling.setdefault(rel, []).append(
                    f"{origin[entry_id]}: Eintrag '{entry_id}' (related)"
                )
    for file_name, item in menu:
        if item.entry not in entries and not _in_broken(item.entry, broken_ids):
            dangling.setdefault(item.entry, []).append(f"{file_name}: Menüpunkt '{item.label}'")
    for missing, places in dangling.items():
        problems.append(_missing_entry(missing, places, sorted(entries)))
    if problems:
        raise KnowledgeError("\n".join(problems))

    return KnowledgeBase(
        entries=entries,
        smalltalk=smalltalk,
        synonyms=synonyms,
        menu=[item for _, item in menu],
        meta=meta,
        foreign=ForeignTopics(**lists.foreign),
        places=Places(**lists.places),
    )


def _in_broken(entry_id: str, broken_ids: set[str]) -> bool:
    """Whether a reference points into a file that failed, maybe at an id broken by a typo
    ("Angebot" for "angebot"): the file's error is the root, the reference a consequence."""
    folded = {i.casefold(): i for i in broken_ids}
    return bool(difflib.get_close_matches(entry_id.casefold(), list(folded), n=1, cutoff=0.75))


def _missing_entry(missing: str, places: list[str], known: list[str]) -> str:
    close = difflib.get_close_matches(missing, known, n=1, cutoff=0.75)
    hint = f" - meinten Sie '{close[0]}'?" if close else ""
    if len(places) == 1:
        return f"{places[0]}: den Eintrag '{missing}' gibt es nicht{hint}"
    listed = "".join(f"\n  - {place}" for place in places)
    return f"den Eintrag '{missing}' gibt es nicht ({len(places)} Verweise){hint}{listed}"


class _WordLists:
    """Collects the foreign-topic and place lists of all files; reports bad and repeated words."""

    def __init__(self) -> None:
        self.foreign: dict[str, list[str]] = {
            "words": [], "phrases": [], "heads": [], "groups": [], "details": [], "date_asks": [],
            "named_only": [], "detail_asks": [], "place_asks": [], "count_asks": [],
            "elsewhere_asks": [],
        }
        self.places: dict[str, list[str]] = {"schleswig_holstein": [], "elsewhere": []}
        # A word may be a foreign word and a foreign head at once, but no place may be in and
        # outside Schleswig-Holstein.
        self._seen: dict[tuple[str, str], str] = {}

    def _collect(
        self, file_name: str, section: str, key: str, values: list[str], into: list[str]
    ) -> list[str]:
        problems = []
        for value in values:
            label = f"{file_name}: {section}.{key} '{value}'"
            if key in ("words", "heads", "groups") and len(value.split()) != 1:
                problems.append(f"{label}: nur ein Wort (Wortgruppen unter phrases)")
                continue
            folded = (key if section == "foreign" else section, " ".join(value.casefold().split()))
            if folded in self._seen:
                problems.append(f"{label}: doppelt eingetragen (auch in {self._seen[folded]})")
                continue
            self._seen[folded] = f"{file_name} {section}.{key}"
            into.append(value)
        return problems

    def add(self, file_name: str, parsed: KnowledgeFile) -> list[str]:
        problems: list[str] = []
        if parsed.foreign is not None:
            for key, into in self.foreign.items():
                values = getattr(parsed.foreign, key)
                problems += self._collect(file_name, "foreign", key, values, into)
        if parsed.places is not None:
            for key, into in self.places.items():
                values = getattr(parsed.places, key)
                problems += self._collect(file_name, "places", key, values, into)
        return problems


def json_schema() -> str:
    """The JSON schema of a knowledge file, for editors (published as knowledge/schema.json)."""
    return json.dumps(KnowledgeFile.model_json_schema(), indent=2, ensure_ascii=False) + "\n"
