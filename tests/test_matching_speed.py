"""The matcher's speed-ups keep its decisions: the fast paths give what the slow ones gave."""

from __future__ import annotations

import os
import subprocess
import sys

import yaml

from bot.config import PROJECT_ROOT
from bot.matching.normalize import retokenize, tokenize, word_tokens

_SEEDS = ("0", "1", "2", "3", "4", "5")


def test_misspelt_stop_word_does_not_depend_on_the_hash_seed() -> None:
    """"gekommen" is one typo from "genommen" (same first letter) and from "bekommen" (not):
    it is an everyday word whatever order Python's hash seed gives the word lists."""
    code = (
        "from bot.matching.analyzer import is_misspelt_stop_word as f;"
        "print(f('gekommen'), f('xekommen'))"
    )
    seen = set()
    for seed in _SEEDS:
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        seen.add(out.stdout.strip())
    assert seen == {"True False"}


def _blind_questions() -> list[str]:
    found: list[str] = []
    for path in sorted((PROJECT_ROOT / "tests" / "data").glob("blind_*.yaml")):
        for item in yaml.safe_load(path.read_text("utf-8")):
            found.extend(str(t["q"]) for t in item.get("turns", [item]))
    return found


def test_retokenize_reads_normalised_tokens_as_tokenize_would() -> None:
    """Tokens already normalised (a whole sentence's, or word by word as the place scan makes
    them) are read exactly as tokenize reads their text, module numbers and all."""
    tricky = [
        ["modul", "ii"], ["erste", "modul"], ["module", "2"], ["zweiten", "angebot"],
        ["aaa", "b"], ["Haus"], ["strasse", "fuer", "kueche"], ["über"], ["a_b"], [],
        ["moudl", "3"], ["dritte", "teil", "x"], ["kurs", "2022", "im", "juni"],
    ]
    cases = list(tricky)
    for question in _blind_questions():
        cases.append(tokenize(question))
        cases.append([t for word in question.split() for t in word_tokens(word)])
    assert len(cases) > 1000
    for tokens in cases:
        assert retokenize(tokens) == tokenize(" ".join(tokens)), tokens
