"""`python -m bot chat`: the offline terminal chat with the real handlers, piped stdin."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.e2e_support import ROOT


def chat(lines: list[str], tmp_path: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_CONFIG", "BOT_TOKEN")}
    env["DATABASE_PATH"] = str(tmp_path / "chat.sqlite")
    result = subprocess.run([sys.executable, "-m", "bot", "chat"], cwd=ROOT, env=env,
                            input="\n".join(lines) + "\n", capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_chat_answers_cost_question_offline(tmp_path: Path) -> None:
    """Piped "Was kostet die Beratung?" gets the answer that the offer is free of charge."""
    out = chat(["Was kostet die Beratung?"], tmp_path)
    answer = out.split("Sie> Was kostet die Beratung?", 1)[1]
    assert "kostenfrei" in answer
    assert "[1]" in out  # buttons are numbered


def test_chat_numbers_press_buttons(tmp_path: Path) -> None:
    """Typing a button's number presses it (here: the start menu's first module)."""
    out = chat(["1"], tmp_path)
    after = out.split("Sie> 1", 1)[1]
    assert "Lernwerkstatt" in after


def test_chat_whole_flow_with_team_side(tmp_path: Path) -> None:
    """A request in the chat produces a team card; @team commands and replies work offline."""
    lines = [
        "/anfrage", "Workshop vor Ort", "Wir wollen Vereine und Verwaltung vernetzen.",
        "Gemeinde Musterdorf", "Erika Muster, Amt", "erika@musterdorf.de",
        "Überspringen", "Überspringen", "Absenden",
        "@team /offen",
        "@team ^A-2026-0001 Gern, wir melden uns.",
        "^ Danke, bis bald!",
    ]
    out = chat(lines, tmp_path)
    assert "Ihre Anfrage ist eingegangen" in out
    team = [line for line in out.splitlines() if line.startswith("[Team-Gruppe]")]
    assert any("A-2026-0001" in line for line in team)
    assert "Gern, wir melden uns." in out.split("@team ^A-2026-0001", 1)[1]
    tail = out.split("Sie> ^ Danke, bis bald!", 1)[1]
    assert "[Team-Gruppe] Bot:" in tail and "Danke, bis bald!" in tail.split("[Team-Gruppe]", 1)[1]
