"""``python -m bot knowledge export``: taught phrasings go into the YAML files, which still load
and pass ``check``; everything else in the files stays as it was."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import shutil
from pathlib import Path

import yaml

from bot.__main__ import main
from bot.cli.check import run_check
from bot.config import BUNDLED_KNOWLEDGE
from bot.knowledge import load_knowledge
from bot.knowledge.yaml_edit import add_question, has_entry
from bot.storage import Storage

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)

BLOCK = """\
# A comment that must survive.
entries:
  - id: eins
    title: "Eins"
    answer: |-
      Erste Antwort.
    questions:
      - "Erste Frage?"
      # a comment inside the list
      - zweite frage
    keywords: [eins]

  - id: zwei
    title: Zwei
    answer: Zweite Antwort.
    questions: ["Frage zwei?", 'noch eine']
"""


def test_add_question_keeps_the_rest_of_the_file() -> None:
    """A block list gets one more item line with the items' indentation, a flow list one more
    item; comments and the other entries stay; quotes and colons are safe."""
    text = add_question(BLOCK, "eins", 'Was heißt "Ehrenamt": genau?')
    assert text is not None
    added = [line for line in text.splitlines() if line not in BLOCK.splitlines()]
    assert added == ['      - "Was heißt \\"Ehrenamt\\": genau?"']
    assert text.index("zweite frage") < text.index("Ehrenamt") < text.index("keywords")
    loaded = yaml.safe_load(text)
    assert loaded["entries"][0]["questions"][-1] == 'Was heißt "Ehrenamt": genau?'
    text = add_question(text, "zwei", "Frage drei?")
    assert text is not None and "# A comment that must survive." in text
    assert yaml.safe_load(text)["entries"][1]["questions"] == [
        "Frage zwei?", "noch eine", "Frage drei?"]
    assert add_question(BLOCK, "drei", "x") is None


async def _teach(db_path: Path, phrasings: list[tuple[str, str]]) -> None:
    """Phrasings as the team's taps store them (each a decision on a logged question)."""
    storage = await Storage.open(db_path)
    try:
        for entry_id, text in phrasings:
            qid = await storage.questions.record(1, text, text.casefold(), "fallback", None, NOW)
            await storage.teaching.decide(qid, [qid], "taught", NOW, entry_id=entry_id, text=text)
    finally:
        await storage.close()


def test_export_writes_valid_yaml_and_marks_phrasings_exported(tmp_path: Path) -> None:
    """The export appends each taught phrasing to its entry in the right file, the directory
    loads and passes check, and the phrasings are no longer applied from the database."""
    knowledge = tmp_path / "knowledge"
    shutil.copytree(BUNDLED_KNOWLEDGE, knowledge)
    config = tmp_path / "config.yaml"
    db_path = tmp_path / "bot.sqlite"
    config.write_text(f"database: {{path: {db_path}}}\nknowledge: {{path: {knowledge}}}\n",
                      encoding="utf-8")
    before = {p.name: p.read_text(encoding="utf-8") for p in knowledge.glob("*.yaml")}
    kb = load_knowledge(knowledge)
    taught = [("kosten", "Müssen wir für das Gespräch etwas zahlen?"),
              ("m1", "Gibt es eine Fortbildung über zwei Tage: \"Lernwerkstatt\"?"),
              ("kosten", kb.entries["kosten"].questions[0])]  # already in the file
    asyncio.run(_teach(db_path, taught))

    assert main(["knowledge", "export", "--config", str(config)]) == 0

    after = load_knowledge(knowledge)
    assert after.entries["kosten"].questions[-1] == taught[0][1]
    assert after.entries["m1"].questions[-1] == taught[1][1]
    assert after.entries["kosten"].questions.count(taught[2][1]) == 1
    changed = {name for name, text in before.items()
               if (knowledge / name).read_text(encoding="utf-8") != text}
    homes = {name for name, text in before.items() if has_entry(text, "kosten")
             or has_entry(text, "m1")}
    assert changed == homes and len(homes) >= 1
    for name in changed:  # only lines were added
        old_lines = before[name].splitlines()
        new_lines = (knowledge / name).read_text(encoding="utf-8").splitlines()
        assert [line for line in new_lines if line not in old_lines] and all(
            line in new_lines for line in old_lines)
    out, err = io.StringIO(), io.StringIO()
    assert run_check(config, out, err) == 0, err.getvalue()

    async def active() -> int:
        storage = await Storage.open(db_path)
        try:
            return len(await storage.teaching.active_phrasings())
        finally:
            await storage.close()

    assert asyncio.run(active()) == 0
    assert main(["knowledge", "export", "--config", str(config)]) == 0  # nothing left to do


def test_export_of_a_removed_entry_leaves_the_files_alone(tmp_path: Path) -> None:
    """A phrasing whose entry no longer exists is reported and stays in the database."""
    knowledge = tmp_path / "knowledge"
    shutil.copytree(BUNDLED_KNOWLEDGE, knowledge)
    db_path = tmp_path / "bot.sqlite"
    config = tmp_path / "config.yaml"
    config.write_text(f"database: {{path: {db_path}}}\nknowledge: {{path: {knowledge}}}\n",
                      encoding="utf-8")
    before = {p.name: p.read_text(encoding="utf-8") for p in knowledge.glob("*.yaml")}
    asyncio.run(_teach(db_path, [("gibt_es_nicht", "Eine Frage?")]))
    assert main(["knowledge", "export", "--config", str(config)]) == 1
    assert {p.name: p.read_text(encoding="utf-8") for p in knowledge.glob("*.yaml")} == before
