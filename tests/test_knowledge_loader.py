"""The knowledge loader rejects broken files with file and entry named."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.knowledge import KnowledgeError, load_knowledge
from bot.knowledge.dates import render_answer
from bot.knowledge.models import DatedFact, Entry
from bot.texts import load_texts

MONTHS = load_texts().raw("date_months").split()

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
            r"Eintrag 'kosten' \(related\): den Eintrag 'nirgends' gibt es nicht",
        ),
        (
            lambda t: t.replace("<b>kostenfrei</b>", "<blink>kostenfrei</blink>"),
            r"id 'kosten'.*blink",
        ),
        (
            lambda t: t.replace("<b>kostenfrei</b>", "<b>kostenfrei"),
            r"id 'kosten'.*nicht geschlossen",
        ),
        (
            lambda t: t.replace("{date:beginn}", "{date:ende}"),
            r"Eintrag 'start': \{date:ende\} nennt kein Datum",
        ),
        (
            lambda t: t.replace("id: start", "id: kosten"),
            r"Eintrag 'kosten': die id gibt es zweimal",
        ),
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
        KnowledgeError,
        match=r"b\.yaml: Eintrag 'kosten': die id gibt es zweimal \(auch in a\.yaml\)",
    ):
        load_knowledge(tmp_path)


def test_invalid_yaml_names_file(tmp_path: Path) -> None:
    """A YAML syntax error names the file."""
    with pytest.raises(KnowledgeError, match=r"a\.yaml: kein gültiges YAML"):
        load_knowledge(write(tmp_path, "entries: [\n"))


def test_dated_fact_rendered_past_or_upcoming() -> None:
    """A date reads "16. März 2022"; {tense:…} picks the past words after it and the upcoming
    words before it and on the day itself."""
    import datetime as dt

    entry = Entry(
        id="x",
        title="X",
        answer="Der Kurs {tense:s|begann|beginnt} am {date:s}.",
        questions=["q"],
        dates=[DatedFact(id="s", date=dt.date(2022, 3, 16), label="Start")],
    )
    after, before = "Der Kurs begann am 16. März 2022.", "Der Kurs beginnt am 16. März 2022."
    assert render_answer(entry, dt.date(2026, 11, 25), MONTHS) == after
    assert render_answer(entry, dt.date(2022, 1, 1), MONTHS) == before
    assert render_answer(entry, dt.date(2022, 3, 16), MONTHS) == before


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        ([(2022, 6, 15), (2022, 6, 27)], "15. und 27. Juni 2022"),
        ([(2022, 5, 15), (2022, 6, 27)], "15. Mai und 27. Juni 2022"),
        ([(2022, 12, 30), (2023, 1, 2)], "30. Dezember 2022 und 2. Januar 2023"),
        ([(2022, 6, 1), (2022, 6, 2), (2022, 6, 3)], "1., 2. und 3. Juni 2022"),
    ],
)
def test_several_dates_read_like_prose(days: list[tuple[int, int, int]], expected: str) -> None:
    """{date:a,b} writes a shared month and year once, as a person would."""
    import datetime as dt

    facts = [DatedFact(id=f"d{i}", date=dt.date(*d), label="x") for i, d in enumerate(days)]
    ids = ",".join(f.id for f in facts)
    entry = Entry(id="x", title="X", answer=f"am {{date:{ids}}}", questions=["q"], dates=facts)
    assert render_answer(entry, dt.date(2026, 1, 1), MONTHS) == f"am {expected}"


CHAIN = """
entries:
  - id: angebot
    title: Angebot
    answer: "Das Angebot."
    questions: ["Was bietet ihr an?"]
  - id: kosten
    title: Kosten
    answer: "Kostenfrei."
    questions: ["Was kostet das?"]
    related: [angebot]
  - id: ablauf
    title: Ablauf
    answer: "So läuft es."
    questions: ["Wie läuft das ab?"]
    related: [angebot, kosten]
menu:
  - {label: Angebot, entry: angebot}
"""


def problems_of(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(write(tmp_path, text))
    return str(caught.value).splitlines()


def test_typo_in_an_id_is_one_error_listing_where_it_is_named(tmp_path: Path) -> None:
    """A typo in an entry's id gives one German error for the missing id, with a guess at the
    typo and every reference listed under it, not one error line per reference."""
    lines = problems_of(tmp_path, CHAIN.replace("id: angebot", "id: angebto"))
    assert lines[0] == (
        "den Eintrag 'angebot' gibt es nicht (3 Verweise) - meinten Sie 'angebto'?"
    )
    assert lines[1:] == [
        "  - a.yaml: Eintrag 'kosten' (related)",
        "  - a.yaml: Eintrag 'ablauf' (related)",
        "  - a.yaml: Menüpunkt 'Angebot'",
    ]


def test_an_invalid_entry_is_the_only_error_not_the_references_to_it(tmp_path: Path) -> None:
    """When an entry is broken (here its id breaks the id rules), that is the one error
    reported, in German; the references to it and to the entries of its file are not."""
    lines = problems_of(tmp_path, CHAIN.replace("id: angebot", "id: Angebot"))
    assert lines == [
        "a.yaml: entries[0] (id 'Angebot'), Feld 'id': nur Kleinbuchstaben a-z, Ziffern und _"
        " (am Anfang kein _, höchstens 31 Zeichen)"
    ]
    write(tmp_path, CHAIN.replace("title: Kosten", "titel: Kosten").split("menu:")[0])
    write(tmp_path, "menu:\n  - {label: Kosten, entry: kosten}\n", "b.yaml")
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(tmp_path)
    lines = str(caught.value).splitlines()
    assert lines == [
        "a.yaml: entries[1] (id 'kosten'), Feld 'title': fehlt",
        "a.yaml: entries[1] (id 'kosten'), Feld 'titel': unbekanntes Feld (Tippfehler im Namen?)",
    ]


def test_foreign_topics_and_places_load_from_any_file(tmp_path: Path) -> None:
    """foreign.yaml-style lists and a gazetteer are collected into the knowledge base."""
    write(tmp_path, GOOD)
    write(
        tmp_path,
        "foreign:\n  words: [Wetter]\n  phrases: [erste hilfe]\n  heads: [antrag]\n"
        "places:\n  schleswig_holstein: [Kappeln]\n  elsewhere: [Hamburg]\n",
        "b.yaml",
    )
    kb = load_knowledge(tmp_path)
    assert kb.foreign.words == ["Wetter"] and kb.foreign.heads == ["antrag"]
    assert kb.places.schleswig_holstein == ["Kappeln"] and kb.places.elsewhere == ["Hamburg"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("foreign:\n  words: [erste hilfe]\n",
         r"b\.yaml: foreign\.words 'erste hilfe': nur ein Wort"),
        ("foreign:\n  words: [Wetter, wetter]\n",
         r"b\.yaml: foreign\.words 'wetter': doppelt"),
        ("foreign:\n  wörter: [Wetter]\n", r"b\.yaml: foreign.*unbekanntes Feld"),
        ("places:\n  schleswig_holstein: [Kiel]\n  elsewhere: [Kiel]\n",
         r"b\.yaml: places\.elsewhere 'Kiel': doppelt"),
        ("places:\n  elsewhere: ['  ']\n", r"b\.yaml: places.*leerer Ortsname"),
    ],
)
def test_broken_foreign_or_place_lists_name_file_and_word(
    tmp_path: Path, text: str, message: str
) -> None:
    """A phrase among single words, a repeated word, a typo in a key, an empty name: reported."""
    write(tmp_path, GOOD)
    write(tmp_path, text, "b.yaml")
    with pytest.raises(KnowledgeError, match=message):
        load_knowledge(tmp_path)
