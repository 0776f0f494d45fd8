"""The shared evaluation data (../shared/eval beside the project): where it is, and what a test
does without it: skip with the reason locally, fail in CI (CI=true), where a missing directory
means a broken layout that would otherwise hide every accuracy floor."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT

EVAL_DIR = PROJECT_ROOT.parent / "shared" / "eval"


def require(*paths: Path) -> None:
    """Skip (locally) or fail (CI=true) the calling test when one of `paths` is missing."""
    missing = [str(path) for path in paths if not path.exists()]
    if not missing:
        return
    reason = f"evaluation data missing: {', '.join(missing)} (expected ../shared/eval)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; CI needs it", pytrace=False)
    pytest.skip(reason)
