"""Placeholder operator data: `check` warns without a token and fails with one; `run` refuses."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml

from bot.cli.check import run_check
from bot.cli.run import run_bot
from bot.config import PROJECT_ROOT, Settings
from bot.operator_check import placeholder_fields
from tests.e2e_support import OPERATOR

UNREACHABLE = "http://127.0.0.1:9/bot"  # nothing listens: any network call would fail loudly


def write_config(tmp_path: Path, **sections: object) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(sections, allow_unicode=True), encoding="utf-8")
    return path


def test_defaults_and_example_values_are_placeholders() -> None:
    """The embedded defaults and the example file's "(…)" values count as placeholders;
    empty values too; real values do not."""
    assert placeholder_fields(Settings()) == [
        "operator.address", "operator.email", "operator.privacy_contact"]
    example = yaml.safe_load((PROJECT_ROOT / "config.example.yaml").read_text(encoding="utf-8"))
    from_example = Settings.model_validate({"operator": example["operator"]})
    assert "operator.address" in placeholder_fields(from_example)
    blank = Settings.model_validate({"operator": {**OPERATOR, "email": "  "}})
    assert placeholder_fields(blank) == ["operator.email"]
    assert placeholder_fields(Settings.model_validate({"operator": OPERATOR})) == []


def test_check_warns_without_token_and_fails_with_one(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """`check` passes with the embedded defaults and no token (CI), naming the placeholders as
    a warning; with a token the same data is an error for live use (non-zero)."""
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    out, err = io.StringIO(), io.StringIO()
    assert run_check(write_config(tmp_path), out, err) == 0
    assert "warning" in out.getvalue() and "operator.address" in out.getvalue()
    out, err = io.StringIO(), io.StringIO()
    live = write_config(tmp_path, telegram={"token": "123:ABC"})
    assert run_check(live, out, err) == 1
    assert "operator.address" in err.getvalue() and "123:ABC" not in err.getvalue()
    out, err = io.StringIO(), io.StringIO()
    ready = write_config(tmp_path, telegram={"token": "123:ABC"}, operator=OPERATOR)
    assert run_check(ready, out, err) == 0
    assert "warning" not in out.getvalue() and err.getvalue() == ""


def test_run_refuses_placeholder_operator_before_any_network(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """`run` with a token and placeholder operator data exits 2 with a clear message, before
    building the application (no traceback, no connection attempt)."""
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    config = write_config(tmp_path, telegram={"token": "123:ABC", "base_url": UNREACHABLE},
                          database={"path": str(tmp_path / "bot.sqlite")})
    assert run_bot(config) == 2
    err = capsys.readouterr().err
    assert "operator.address" in err and "Traceback" not in err
    assert not (tmp_path / "bot.sqlite").exists()  # nothing was opened
