"""The accuracy floors need ../shared/eval: without it they skip visibly locally and fail in CI."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.eval_data import require


def test_missing_eval_data_skips_with_the_reason_locally(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outside CI a missing file skips the test, naming the file."""
    monkeypatch.delenv("CI", raising=False)
    missing = tmp_path / "dev.yaml"
    with pytest.raises(pytest.skip.Exception, match=r"evaluation data missing: .*dev\.yaml"):
        require(missing)


def test_missing_eval_data_fails_in_ci(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With CI=true a missing file fails the test: a broken layout must not pass quietly."""
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI needs it"):
        require(tmp_path / "facts.yaml")


def test_present_eval_data_neither_skips_nor_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Present files let the test run, in CI too."""
    monkeypatch.setenv("CI", "true")
    present = tmp_path / "facts.yaml"
    present.write_text("{}\n", encoding="utf-8")
    require(present)
