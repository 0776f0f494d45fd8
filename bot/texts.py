"""User-facing German texts, kept in editable YAML files under ``bot/texts/``.

Texts are Telegram HTML. Values put into a template are escaped here, so user input can never
break the markup or inject tags; pass ``Raw`` for a value that is already safe HTML.
"""

from __future__ import annotations

import html
import string
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.telegram_html import check_telegram_html

TEXTS_DIR = Path(__file__).with_name("texts")


class TextsError(Exception):
    """A texts file is broken; the message names file and key."""


@dataclass(frozen=True)
class Raw:
    """A value that is already valid Telegram HTML and must not be escaped again."""

    html: str


class Texts:
    def __init__(self, templates: dict[str, str]) -> None:
        self._templates = templates

    def __contains__(self, key: str) -> bool:
        return key in self._templates

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def keys(self) -> list[str]:
        return sorted(self._templates)

    def raw(self, key: str) -> str:
        """The template itself (HTML), without placeholders filled."""
        return self._templates[key]

    def render(self, key: str, **values: Any) -> str:
        """Fill a template; every value is HTML-escaped unless wrapped in ``Raw``."""
        safe = {
            name: value.html if isinstance(value, Raw) else html.escape(str(value), quote=False)
            for name, value in values.items()
        }
        return self._templates[key].format(**safe)

    def plain(self, key: str, **values: Any) -> str:
        """A template for plain-text places (button labels, callback answers): no escaping."""
        return self._templates[key].format(**values)

    def replace_with(self, new: Texts) -> None:
        """Take over the templates of ``new`` in place: every holder of this object (answerer,
        dialogue, handlers) sees them at once. Refused (TextsError naming the keys) when a key
        the code uses is missing or a template asks for a value the code does not fill."""
        problems = compatibility_problems(self, new)
        if problems:
            raise TextsError("\n".join(problems))
        self._templates = dict(new._templates)


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def compatibility_problems(old: Texts, new: Texts) -> list[str]:
    """What keeps ``new`` from replacing ``old`` in a running bot: keys it lacks, placeholders
    the code would not fill (both would fail only when the text is shown)."""
    problems: list[str] = []
    for key in old:
        if key not in new:
            problems.append(f"'{key}': fehlt (der Bot braucht diesen Text)")
        elif extra := placeholders(new.raw(key)) - placeholders(old.raw(key)):
            problems.append(f"'{key}': unbekannter Platzhalter {', '.join(sorted(extra))}")
    return problems


def load_texts(directory: Path = TEXTS_DIR) -> Texts:
    templates: dict[str, str] = {}
    origin: dict[str, str] = {}
    problems: list[str] = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise TextsError(f"{path.name}: kein gültiges YAML: {exc}") from exc
        if not isinstance(raw, dict):
            raise TextsError(f"{path.name}: oben muss eine Zuordnung schluessel: Text stehen")
        for key, value in raw.items():
            if not isinstance(value, str):
                problems.append(f"{path.name}: '{key}': muss ein Text sein")
                continue
            if key in origin:
                problems.append(
                    f"{path.name}: '{key}': den Schlüssel gibt es zweimal (auch in {origin[key]})"
                )
                continue
            try:
                check_telegram_html(value)
            except ValueError as exc:
                problems.append(f"{path.name}: '{key}': {exc}")
                continue
            try:
                list(string.Formatter().parse(value))
            except ValueError:
                problems.append(
                    f"{path.name}: '{key}': eine Klammer {{ oder }} ohne Gegenstück "
                    "(ein Platzhalter ist {name}; eine Klammer selbst schreiben Sie {{ oder }})"
                )
                continue
            origin[key] = path.name
            templates[key] = value.strip()
    if problems:
        raise TextsError("\n".join(problems))
    return Texts(templates)
