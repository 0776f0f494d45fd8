"""Evaluation questions stay out of the knowledge base, so the scores measure generalisation."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rapidfuzz import fuzz

from bot.config import BUNDLED_KNOWLEDGE, PROJECT_ROOT
from bot.knowledge import load_knowledge
from bot.matching.normalize import normalize
from tests.eval_data import require

EVAL_DIR = PROJECT_ROOT.parent / "shared" / "eval"
DATA_DIR = Path(__file__).parent / "data"
# Normalised texts this similar are the same question with a typo or an inflection changed.
NEAR_COPY = 90.0


def _eval_questions(path: Path) -> list[str]:
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [turn["q"] for item in items for turn in item.get("turns", [item])]


SHARED = ("dev.yaml", "dev2.yaml", "dev_multi.yaml", "dev_conversations.yaml")


def _eval_files() -> list[Path]:
    files = sorted(DATA_DIR.glob("blind_*.yaml")) + [EVAL_DIR / name for name in SHARED]
    if EVAL_DIR.is_dir():  # and any set added there later
        files += sorted(
            p for p in EVAL_DIR.glob("*.yaml") if p.name not in (*SHARED, "facts.yaml")
        )
    return files


def near_copies(examples: dict[str, list[str]], questions: list[str]) -> list[str]:
    """Example questions that stand (nearly) word for word among ``questions``."""
    asked = {normalize(q) for q in questions}
    found = []
    for entry_id, texts in examples.items():
        for text in texts:
            norm = normalize(text)
            if norm in asked or any(fuzz.ratio(norm, q) >= NEAR_COPY for q in asked):
                found.append(f"{entry_id}: {text!r}")
    return found


def test_near_copies_are_detected() -> None:
    """The check itself finds an exact copy and a copy with a typo, and passes a paraphrase."""
    examples = {"kosten": ["Was kostet die Beratung?", "Ist das gratis?"]}
    copied = ["kosten: 'Was kostet die Beratung?'"]
    assert near_copies(examples, ["was kostet die beratung"]) == copied
    assert near_copies(examples, ["Was kostet die Beratnug?"]) == copied
    assert near_copies(examples, ["Müssen wir dafür bezahlen?"]) == []


@pytest.mark.parametrize("path", _eval_files(), ids=lambda p: p.name)
def test_no_evaluation_question_is_an_example_question(path: Path) -> None:
    """No question of an evaluation set (normalised) stands among the example questions."""
    require(path)  # a missing shared set skips visibly (fails in CI), never passes quietly
    kb = load_knowledge(BUNDLED_KNOWLEDGE)
    examples = {e.id: list(e.questions) for e in kb.entries.values()}
    assert near_copies(examples, _eval_questions(path)) == []
