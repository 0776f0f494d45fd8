"""The "Stand" of the knowledge (knowledge/meta.yaml) and the detection of questions about what
is current: validated with file and field named, cue words read in context."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.answering import Answerer
from bot.config import BUNDLED_KNOWLEDGE, PROJECT_ROOT, MatchingSettings
from bot.currency import CurrencyDetector
from bot.knowledge import KnowledgeError, load_knowledge
from bot.knowledge.meta import META_FILE, Meta, load_meta
from bot.matching import Matcher
from bot.texts import load_texts

ENTRY = """
entries:
  - id: kurs
    title: Kurs
    answer: "Der Kurs {tense:beginn|begann|beginnt} am {date:beginn}."
    questions: ["Wann beginnt der Kurs?"]
    dates: [{id: beginn, date: 2022-03-16, label: Kursbeginn}]
"""
META = 'stand: "2022-06"\nprogramme_year: 2022\ncurrency: {current: [aktuell]}\n'


def knowledge(tmp_path: Path, meta: str | None = META, entries: str = ENTRY) -> Path:
    (tmp_path / "a.yaml").write_text(entries, encoding="utf-8")
    if meta is not None:
        (tmp_path / META_FILE).write_text(meta, encoding="utf-8")
    return tmp_path


def test_meta_is_loaded_with_the_knowledge(tmp_path: Path) -> None:
    """meta.yaml gives the Stand and the programme year; it is not read as an entries file."""
    kb = load_knowledge(knowledge(tmp_path))
    assert kb.meta is not None
    assert (kb.meta.stand, kb.meta.programme_year) == ("2022-06", 2022)
    assert kb.meta.currency.current == ["aktuell"]
    assert set(kb.entries) == {"kurs"}


def test_knowledge_without_meta_still_loads(tmp_path: Path) -> None:
    """A knowledge directory without meta.yaml loads; it simply has no Stand."""
    assert load_knowledge(knowledge(tmp_path, meta=None)).meta is None


@pytest.mark.parametrize(
    ("meta", "message"),
    [
        ('stand: "Juni 2022"\nprogramme_year: 2022\n', r"meta\.yaml: Feld 'stand'.*JJJJ"),
        ('stand: "2022-13"\nprogramme_year: 2022\n', r"meta\.yaml: Feld 'stand'.*Kalender"),
        ("stand: 2019-01-01\nprogramme_year: 2022\n", r"meta\.yaml: Feld 'programme_year'"),
        ('stand: "2022"\n', r"meta\.yaml: Feld 'programme_year'.*fehlt"),
        ('stand: "2022"\nprogramme_year: 2022\nprogram_year: 2023\n',
         r"meta\.yaml: Feld 'program_year'"),
        ('stand: "2022"\nprogramme_year: 2022\ncurrency: {current: aktuell}\n',
         r"meta\.yaml: Feld 'currency\.current'"),
        ("stand: [\n", r"meta\.yaml: kein gültiges YAML"),
    ],
    ids=["words", "month-13", "year-mismatch", "missing-year", "typo", "cues-not-a-list", "yaml"],
)
def test_broken_meta_names_file_and_field(tmp_path: Path, meta: str, message: str) -> None:
    """A broken meta.yaml is rejected with the file and the field named."""
    with pytest.raises(KnowledgeError, match=message):
        load_knowledge(knowledge(tmp_path, meta=meta))


def test_stand_reads_as_german_words() -> None:
    """The Stand reads "2022", "Juni 2022" or "3. Juni 2022", as precise as the team gave it."""
    months = load_texts().raw("date_months").split()
    cases = [("2022", "2022"), ("2022-06", "Juni 2022"), ("2022-06-03", "3. Juni 2022")]
    for stand, words in cases:
        assert Meta(stand=stand, programme_year=2022).stand_text(months) == words


def test_long_title_needs_a_short_button_label(tmp_path: Path) -> None:
    """A title longer than 30 characters without 'short' is rejected, naming the entry."""
    long_title = "title: Zertifikatskurs Organisationsberatung für Vereine"
    entries = ENTRY.replace("title: Kurs", long_title)
    with pytest.raises(KnowledgeError, match=r"id 'kurs'.*short"):
        load_knowledge(knowledge(tmp_path, entries=entries))
    fixed = entries.replace("    answer:", '    short: "Zertifikatskurs"\n    answer:', 1)
    kb = load_knowledge(knowledge(tmp_path, entries=fixed))
    assert kb.entries["kurs"].button_label == "Zertifikatskurs"


def test_check_names_a_broken_meta_file_and_shows_the_stand(tmp_path: Path) -> None:
    """`python -m bot check` prints the Stand, and fails naming meta.yaml and the field when the
    Stand is broken."""
    directory = tmp_path / "k"
    shutil.copytree(BUNDLED_KNOWLEDGE, directory)
    config = tmp_path / "c.yaml"
    config.write_text(f"knowledge: {{path: '{directory}'}}\n", encoding="utf-8")
    command = [sys.executable, "-m", "bot", "--config", str(config), "check"]
    good = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    assert good.returncode == 0, good.stderr
    assert "stand: 2022, programme year 2022" in good.stdout
    meta = directory / META_FILE
    meta.write_text(meta.read_text(encoding="utf-8").replace('stand: "2022"', "stand: 22.6."),
                    encoding="utf-8")
    broken = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    assert broken.returncode == 1
    assert "meta.yaml: Feld 'stand'" in broken.stderr


@pytest.fixture(scope="module")
def detector() -> CurrencyDetector:
    meta = load_meta(BUNDLED_KNOWLEDGE / META_FILE)
    return CurrencyDetector(meta.currency, meta.programme_year)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Gibt es das Angebot 2026 überhaupt noch?", "current"),
        ("Kann ich mich noch für den Zertifikatskurs anmelden?", "current"),
        ("lernwerkstatt 15.6. und 27.6. – läuft das noch?", "current"),
        ("Ist die Beratung aktuell kostenfrei?", "current"),
        ("Wie ist das inzwischen geregelt?", "current"),
        ("Kann man da noch mitmachen?", "current"),
        ("Gibt es schon Termine für 2027?", "later_date"),
        ("wann startet der nächste zertifikatskurs", "later_date"),
        ("Gibt es einen neuen Termin für die Lernwerkstatt?", "later_date"),
        ("Welche Termine sind im Januar 2027 noch frei?", "later_date"),
        # A later round of the offer, asked with a later year: no text of the programme knows.
        ("Läuft das Programm 2028 wieder?", "later_date"),
        ("Kommen 2029 neue Module dazu?", "later_date"),
        # "noch" that does not ask "still?", and years of the programme itself.
        ("Trifft man sich danach noch mal?", None),
        ("Gibt es neben dem Kurs noch andere Workshops?", None),
        ("Sind wir an der Grenze auch noch im Einzugsgebiet?", None),
        ("Welcher Kurs wurde 2022 angeboten?", None),
        ("Wann begann der Zertifikatskurs?", None),
        ("Was kostet die Beratung?", None),
    ],
)
def test_questions_about_what_is_current(
    detector: CurrencyDetector, question: str, expected: str | None
) -> None:
    """Cue words, 'noch' in its asking position and later years mark a question about the
    present; with a word asking for a date and a later year or round, it asks for a later date."""
    assert detector.classify(question) == expected


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        # The cue says when the writer asks or plans, not what: no question about the present.
        ("Der Beirat möchte derzeit klären, welche Themen die Beratung behandelt.", None),
        ("Wir planen für 2027 den Haushalt. Was kostet die Beratung?", None),
        ("Wir sind derzeit knapp bei Kasse. Was kostet das?", None),
        # Within the question, or an indirect question, or a message of statements only.
        ("Wir sind knapp bei Kasse. Ist die Beratung derzeit noch kostenfrei?", "current"),
        ("Ich möchte wissen, ob es die Lernwerkstatt derzeit noch gibt.", "current"),
        ("lernwerkstatt noch aktuell", "current"),
    ],
)
def test_a_cue_counts_only_where_the_message_asks(
    detector: CurrencyDetector, message: str, expected: str | None
) -> None:
    """A currency cue in a statement beside the question, or before the word that opens an
    indirect question, describes the writer, not the offer."""
    assert detector.classify(message) == expected


def test_cue_words_are_folded_like_user_text(detector: CurrencyDetector) -> None:
    """Cue words match whatever the spelling: umlauts, ae/oe/ue and case."""
    assert detector.classify("Wann ist der NAECHSTE Termin?") == "later_date"
    assert detector.classify("wann ist der nächste termin") == "later_date"


def test_bundled_meta_matches_the_offer() -> None:
    """The bundled knowledge describes the 2022 programme of the offer's text."""
    meta = load_meta(PROJECT_ROOT / "knowledge" / META_FILE)
    assert meta.programme_year == 2022


@pytest.fixture(scope="module")
def answerer() -> Answerer:
    kb = load_knowledge(BUNDLED_KNOWLEDGE)
    return Answerer(kb, Matcher(kb, MatchingSettings()), load_texts(),
                    today=lambda: dt.date(2026, 12, 4))


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("Kann ich mich noch für die Lernwerkstatt anmelden?", "wurde abgesagt"),
        ("Gibt es das Angebot 2026 überhaupt noch?", "drei Module"),
        # Room at a dated event: what became of it answers that (not "keine Angabe").
        ("Gibt es noch freie Plätze in der Lernwerkstatt?", "wurde abgesagt"),
        ("Sind im Zertifikatskurs noch Plätze frei?", "Zertifikatskurs"),
    ],
)
def test_still_current_question_is_an_answer_with_the_stand(
    answerer: Answerer, question: str, fact: str
) -> None:
    """A question about the present that the offer does answer stays an answer: the offer's
    facts, the note that they describe the 2022 programme, and the offer to ask the team."""
    reply, _ = answerer.answer(question)
    assert reply.kind == "answer"
    assert fact in reply.text
    assert "Programm 2022" in reply.text and "weiß das Team" in reply.text
    assert reply.offer_team


@pytest.mark.parametrize(
    "question",
    [
        "Wie viele Plätze hat die Lernwerkstatt maximal?",
        "Wird die Lernwerkstatt 2027 nachgeholt?",
        "Bis wann kann man noch in den Zertifikatskurs einsteigen?",
    ],
)
def test_capacity_and_a_later_round_stay_unstated_details(
    answerer: Answerer, question: str
) -> None:
    """How many places there are, whether the event comes again in a later year, or until
    when one can still join, is a detail the offer does not state, "noch" or not."""
    reply, _ = answerer.answer(question)
    assert reply.kind == "fallback"


def test_unclear_question_about_the_present_names_the_programme_year(answerer: Answerer) -> None:
    """A question about the present that the bot cannot place ("Gibt es das 2026 noch?") is a
    fallback that also says which programme year the bot knows and that the team knows more."""
    reply, _ = answerer.answer("Gibt es das 2026 noch?")
    assert reply.kind == "fallback"
    assert "Programm 2022" in reply.text and "weiß das Team" in reply.text
    plain, _ = answerer.answer("Wie wird das Wetter morgen?")
    assert plain.kind == "fallback" and "Programm 2022" not in plain.text


def test_later_date_without_a_topic_is_an_honest_fallback(answerer: Answerer) -> None:
    """"Gibt es schon Termine für 2027?" is a fallback that says the bot has no information and
    names the programme year it knows."""
    reply, _ = answerer.answer("Gibt es schon Termine für 2027?")
    assert reply.kind == "fallback"
    assert "keine Angabe" in reply.text and "Programm 2022" in reply.text


def test_without_meta_answers_carry_no_stand(tmp_path: Path) -> None:
    """Knowledge without meta.yaml: no note, no currency handling, the plain answer."""
    kb = load_knowledge(knowledge(tmp_path, meta=None))
    plain_answerer = Answerer(kb, Matcher(kb, MatchingSettings()), load_texts(),
                              today=lambda: dt.date(2026, 12, 4))
    reply = plain_answerer.entry_reply(kb.entries["kurs"])
    assert reply.text == "Der Kurs begann am 16. März 2022."
    assert plain_answerer.stand.classify("Gibt es schon Termine für 2027?") is None


def test_the_words_that_ask_for_room_are_data(detector: CurrencyDetector) -> None:
    """Whether a question asks for room ("noch Plätze frei?") is read from meta.yaml's
    ``currency.room``: without those words the same question asks nothing of the kind, and a
    statement beside the question does not count."""
    assert detector.asks_room("Sind für die Lernwerkstatt noch Plätze frei?")
    assert not detector.asks_room("Wir haben genug Plätze. Was kostet die Beratung?")
    meta = load_meta(BUNDLED_KNOWLEDGE / META_FILE)
    without = CurrencyDetector(
        meta.currency.model_copy(update={"room": []}), meta.programme_year
    )
    assert not without.asks_room("Sind für die Lernwerkstatt noch Plätze frei?")
