"""Every button label fits a phone's width (30 characters): knowledge, menu, texts, dialogue."""

from __future__ import annotations

import re
import string
from pathlib import Path

from bot.dialogue.steps import STEPS
from bot.knowledge import load_knowledge
from bot.knowledge.models import BUTTON_MAX
from bot.team.teaching import LABEL_LIMIT
from bot.texts import load_texts

ROOT = Path(__file__).resolve().parents[1]
TEXTS = load_texts()
# A checkbox the multi-choice step puts before an option label (engine.py).
MARK = "☑️ "
# Code points that take no width of their own (emoji variation selector, joiner).
_NO_WIDTH = {"\ufe0f", "\u200d"}


def width(label: str) -> int:
    return sum(ch not in _NO_WIDTH for ch in label)


def button_text_keys() -> set[str]:
    """Text keys that code passes to Button(...), plus every key named like a button."""
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "bot").rglob("*.py"))
    in_code = set(re.findall(r"Button\(\s*[\w.]*texts\.plain\(\s*\"(\w+)\"", source))
    all_keys = TEXTS.keys()
    return in_code | {key for key in all_keys if "btn_" in key}


def rendered(key: str) -> list[str]:
    """The label of a text key, filled with every value its placeholder can take."""
    fields = [name for _, name, _, _ in string.Formatter().parse(TEXTS.raw(key)) if name]
    if not fields:
        return [TEXTS.plain(key)]
    assert fields == ["field"], f"{key}: teach this test the values of {fields}"
    return [TEXTS.plain(key, field=TEXTS.plain(step.field_key)) for step in STEPS.values()]


def test_text_button_labels_fit_a_phone() -> None:
    """Texts used as button labels (btn_* and whatever code puts on a Button), with their
    placeholders filled, are at most 30 characters."""
    keys = button_text_keys()
    assert {"btn_menu", "req_btn_change", "card_btn_take"} <= keys
    too_long = [label for key in sorted(keys) for label in rendered(key) if width(label) > 30]
    assert too_long == []


def test_dialogue_option_labels_fit_a_phone() -> None:
    """Each option of the request dialogue, also with the multi-choice checkbox, fits."""
    too_long = []
    for step in STEPS.values():
        for option in step.options:
            label = TEXTS.plain(step.option_key(option))
            shown = MARK + label if step.type == "multi" else label
            if width(shown) > 30:
                too_long.append(shown)
    assert too_long == []


def test_knowledge_button_labels_fit_a_phone() -> None:
    """The bundled knowledge's entry buttons (short label or title) and menu labels fit, and
    the limits in code are the same 30 characters."""
    assert BUTTON_MAX == 30 and LABEL_LIMIT <= 30
    kb = load_knowledge(ROOT / "knowledge")
    labels = [e.button_label for e in kb.entries.values()] + [m.label for m in kb.menu]
    assert [label for label in labels if width(label) > 30] == []
