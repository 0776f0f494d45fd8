"""The matcher's scores do not depend on Python's string hash seed (set iteration order)."""

from __future__ import annotations

import os
import subprocess
import sys

import yaml

from bot.config import PROJECT_ROOT
from tests.eval_data import EVAL_DIR, require


def _explain(questions: str, seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--explain"],
        input=questions, capture_output=True, text=True, env=env, cwd=PROJECT_ROOT,
        check=True, timeout=120,
    )
    return done.stdout


def test_explained_scores_are_the_same_under_every_hash_seed() -> None:
    """The same questions get the same candidates, scores and best example questions in two
    processes with different hash seeds: sums over a question's or an example's terms and the
    typo search run in a fixed order, so a tie cannot fall differently after a restart."""
    path = EVAL_DIR / "dev2.yaml"
    require(path)
    questions = "".join(f"{item['q']}\n" for item in yaml.safe_load(path.read_text("utf-8")))
    assert _explain(questions, "0") == _explain(questions, "2")
