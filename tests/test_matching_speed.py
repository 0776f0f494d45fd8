"""The matcher's speed-ups keep its decisions: the fast paths give what the slow ones gave."""

from __future__ import annotations

import os
import subprocess
import sys

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
