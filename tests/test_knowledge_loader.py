"""The knowledge loader rejects broken files with file and entry named."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.knowledge import KnowledgeError, load_knowledge
from bot.knowledge.dates import render_answer
from bot.knowledge.models import DatedFact, Entry

GOOD = """
entries:
  - id: kosten
    title: Kosten
    answer: "Die Angebote sind <b>kostenfrei</b>."
    questions: ["Was kostet das?"]
    related: [start]
  - id: start
    title: Beginn
    answer: "Beginn: {date:beginn}"
    questions: ["Wann geht es los?"]
    dates: [{id: beginn, date: 2022-03-16, label: Kursbeginn}]
"""


def write(tmp_path: Path, text: str, name: str = "a.yaml") -> Path:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_good_file_loads(tmp_path: Path) -> None:
    """A correct file gives typed entries."""
    kb = load_knowledge(write(tmp_path, GOOD))
    assert kb.entries["kosten"].related == ["start"]


@pytest.mark.parametrize(
    ("mutation", "message"),
    [
        (
            lambda t: t.replace("title: Kosten", "titel: Kosten"),
            r"a\.yaml: entries\[0\] \(id 'kosten'\)",
        ),
        (
            lambda t: t.replace('    questions: ["Was kostet das?"]\n', ""),
            r"id 'kosten'.*questions",
        ),
        (
            lambda t: t.replace("related: [start]", "related: [nirgends]"),
            r"'kosten': related id 'nirgends'",
        ),
        (
            lambda t: t.replace("<b>kostenfrei</b>", "<blink>kostenfrei</blink>"),
            r"id 'kosten'.*blink",
        ),
        (lambda t: t.replace("<b>kostenfrei</b>", "<b>kostenfrei"), r"id 'kosten'.*never closed"),
        (lambda t: t.replace("{date:beginn}", "{date:ende}"), r"'start': \{date:ende\}"),
        (lambda t: t.replace("id: start", "id: kosten"), r"'kosten': duplicate id"),
    ],
)
def test_broken_file_names_file_and_entry(tmp_path: Path, mutation: object, message: str) -> None:
    """Unknown keys, missing fields, dangling related ids, bad HTML, bad dates, duplicate ids."""
    with pytest.raises(KnowledgeError, match=message):
        load_knowledge(write(tmp_path, mutation(GOOD)))  # type: ignore[operator]


def test_duplicate_id_across_files(tmp_path: Path) -> None:
    """The same id in two files is reported with both file names."""
    write(tmp_path, GOOD)
    write(tmp_path, GOOD.replace("id: start", "id: other").replace("[start]", "[other]"), "b.yaml")
    with pytest.raises(
        KnowledgeError, match=r"b\.yaml: entry 'kosten': duplicate id \(also in a\.yaml\)"
    ):
        load_knowledge(tmp_path)


def test_invalid_yaml_names_file(tmp_path: Path) -> None:
    """A YAML syntax error names the file."""
    with pytest.raises(KnowledgeError, match=r"a\.yaml: not valid YAML"):
        load_knowledge(write(tmp_path, "entries: [\n"))


def test_dated_fact_rendered_past_or_upcoming() -> None:
    """A date renders as past after it and as upcoming before it, for a fixed today."""
    import datetime as dt

    entry = Entry(
        id="x",
        title="X",
        answer="Start {date:s}",
        questions=["q"],
        dates=[DatedFact(id="s", date=dt.date(2022, 3, 16), label="Start")],
    )
    kwargs = {"past": "{date} vorbei", "upcoming": "{date} kommt", "same_day": "{date} heute"}
    assert render_answer(entry, dt.date(2026, 11, 25), **kwargs) == "Start 16.03.2022 vorbei"
    assert render_answer(entry, dt.date(2022, 1, 1), **kwargs) == "Start 16.03.2022 kommt"
    assert render_answer(entry, dt.date(2022, 3, 16), **kwargs) == "Start 16.03.2022 heute"
