"""The bundled knowledge base: valid files, enough examples, facts present, dates rendered right."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest
import yaml

from bot.config import BUNDLED_KNOWLEDGE
from bot.knowledge import Entry, KnowledgeBase
from bot.knowledge.dates import render_answer
from bot.knowledge.loader import SCHEMA_FILE, json_schema, knowledge_files, parse_file
from bot.texts import load_texts
from tests.eval_data import EVAL_DIR, require

FACTS = EVAL_DIR / "facts.yaml"
MAX_ANSWER = 1400
LATE = dt.date(2026, 11, 25)
EARLY = dt.date(2022, 1, 10)

# Which topics of shared/eval/facts.yaml each entry's answer must state.
ENTRY_TOPICS: dict[str, list[str]] = {
    "angebot": ["angebot_ueberblick", "traeger", "kosten", "zielgruppe", "region"],
    "traeger": ["traeger", "engagementstrategie", "themenfelder"],
    "kosten": ["kosten"],
    "zielgruppe": ["zielgruppe", "region", "engagementstrategie"],
    "themen": ["themenfelder", "angebot_ueberblick"],
    "m1": ["m1_format", "m1_zielgruppe", "m1_inhalte", "m1_mehrere", "m1_abgesagt", "m1_grund",
           "m1_alternative"],
    "m1_teilnahme": ["m1_zielgruppe", "m1_mehrere", "m1_abgesagt"],
    "m1_inhalte": ["m1_inhalte", "m1_abgesagt"],
    "m1_abgesagt": ["m1_abgesagt", "m1_grund", "m1_alternative"],
    "m1_alternative": ["m1_alternative", "anfrage"],
    "m2": ["m2_ueberblick", "m2_themen", "m2_formate", "m2_dauer", "kosten"],
    "m2_themen": ["m2_themen", "themenfelder"],
    "m2_formate": ["m2_formate", "m2_dauer"],
    "m2_dauer": ["m2_dauer"],
    "m3": ["m3_ueberblick", "m3_dialog", "m3_fragen", "m3_dauer", "m3_entwicklungswerkstatt",
           "m3_zertifikatskurs"],
    "m3_dialog": ["m3_dialog", "m3_fragen", "m3_ueberblick"],
    "m3_fragen": ["m3_fragen", "m3_dialog"],
    "m3_dauer": ["m3_dauer", "m3_ueberblick"],
    "m3_zertifikat": ["m3_zertifikatskurs", "m3_zk_beginn", "m3_entwicklungswerkstatt"],
    "m3_weitere": ["m3_entwicklungswerkstatt", "m3_ueberblick", "anfrage"],
    "anfrage": ["anfrage"],
}


def rendered(entry: Entry, today: dt.date) -> str:
    return render_answer(entry, today, load_texts().raw("date_months").split())


def plain(text: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", text))).strip().lower()


@pytest.mark.parametrize("path", knowledge_files(BUNDLED_KNOWLEDGE), ids=lambda p: p.name)
def test_every_bundled_file_validates(path: Path) -> None:
    """Each knowledge file parses against the schema on its own."""
    parse_file(path)


def test_schema_file_is_up_to_date() -> None:
    """knowledge/schema.json is what json_schema() produces today."""
    published = (BUNDLED_KNOWLEDGE / SCHEMA_FILE).read_text(encoding="utf-8")
    assert published == json_schema()


def test_every_entry_has_many_example_questions(kb: KnowledgeBase) -> None:
    """Each entry has at least ten example questions."""
    thin = {e.id: len(e.questions) for e in kb.entries.values() if len(e.questions) < 10}
    assert thin == {}


def test_every_entry_has_two_to_four_follow_ups(kb: KnowledgeBase) -> None:
    """Each entry offers between two and four related entries."""
    assert all(2 <= len(e.related) <= 4 for e in kb.entries.values())


@pytest.mark.parametrize("today", [LATE, EARLY], ids=["late", "early"])
def test_answers_stay_short(kb: KnowledgeBase, today: dt.date) -> None:
    """Rendered answers stay within 1400 characters."""
    too_long = {
        e.id: len(rendered(e, today))
        for e in kb.entries.values()
        if len(rendered(e, today)) > MAX_ANSWER
    }
    assert too_long == {}


def test_certificate_course_start_is_past_tense_after_it(kb: KnowledgeBase) -> None:
    """Rendered after 16 March 2022, the course start reads in the past tense."""
    text = rendered(kb.entries["m3_zertifikat"], LATE)
    assert "begann am 16. März 2022" in text


def test_certificate_course_start_is_upcoming_before_it(kb: KnowledgeBase) -> None:
    """Rendered before 16 March 2022, the course start reads as upcoming."""
    text = rendered(kb.entries["m3_zertifikat"], EARLY)
    assert "beginnt am 16. März 2022" in text
    assert "begann" not in text


def test_cancelled_workshop_dates_are_rendered(kb: KnowledgeBase) -> None:
    """The cancelled Lernwerkstatt dates read "am 15. und 27. Juni 2022", cancelled."""
    text = rendered(kb.entries["m1_abgesagt"], LATE)
    assert "am 15. und 27. Juni 2022 wurde abgesagt" in text


@pytest.mark.parametrize("today", [LATE, EARLY], ids=["late", "early"])
def test_no_answer_labels_dates_as_past_in_brackets(kb: KnowledgeBase, today: dt.date) -> None:
    """No rendered answer tacks "(liegt in der Vergangenheit)" or a numeric date onto a sentence."""
    for entry in kb.entries.values():
        text = rendered(entry, today)
        assert "Vergangenheit" not in text and "steht noch bevor" not in text, entry.id
        assert not re.search(r"\d{2}\.\d{2}\.\d{4}", text), entry.id


def test_every_lernwerkstatt_answer_starts_with_the_cancellation(kb: KnowledgeBase) -> None:
    """Every answer about the Lernwerkstatt (Modul I) says first that it was cancelled."""
    about = [e for e in kb.entries.values() if "Lernwerkstatt" in e.title]
    assert len(about) >= 4
    for entry in about:
        first_line = plain(rendered(entry, LATE).split("\n", 1)[0])
        assert "abgesagt" in first_line[:120], entry.id


BUTTON_TEXTS = ("btn_", "req_btn_", "req_kind_", "req_topic_", "req_format_", "req_support_",
                "card_btn_")


def test_button_labels_fit_on_a_phone(kb: KnowledgeBase) -> None:
    """Entry buttons (title or short label), menu buttons and the button texts of the Q&A,
    the request dialogue and the team cards stay within 30 characters."""
    labels = [e.button_label for e in kb.entries.values()] + [m.label for m in kb.menu]
    texts = load_texts()
    keys = texts.keys()  # Texts is no mapping: keys() is the list of text keys
    labels += [texts.raw(k) for k in keys if k.startswith(BUTTON_TEXTS) and "prompt" not in k]
    assert [label for label in labels if len(label) > 30] == []


@pytest.mark.parametrize("entry_id", sorted(ENTRY_TOPICS))
def test_answers_state_their_facts(kb: KnowledgeBase, entry_id: str) -> None:
    """Each answer states every fact of the topics it is meant to answer."""
    require(FACTS)
    facts = yaml.safe_load(FACTS.read_text(encoding="utf-8"))
    text = plain(rendered(kb.entries[entry_id], LATE))
    missing = [
        topic
        for topic in ENTRY_TOPICS[entry_id]
        if not all(any(str(alt).lower() in text for alt in group) for group in facts[topic])
    ]
    assert missing == []


def test_every_entry_has_a_topic_map(kb: KnowledgeBase) -> None:
    """Every entry is listed in the fact map above, so none goes unchecked."""
    assert set(kb.entries) == set(ENTRY_TOPICS)


def test_request_entry_starts_the_request_dialogue(kb: KnowledgeBase) -> None:
    """The 'anfrage' entry starts the request dialogue and names the Anfrage."""
    entry = kb.entries["anfrage"]
    assert entry.action == "request"
    assert "Anfrage" in entry.answer


def test_menu_offers_the_three_module_overviews(kb: KnowledgeBase) -> None:
    """The start menu has one button per module overview."""
    assert [item.entry for item in kb.menu] == ["m1", "m2", "m3"]


def test_smalltalk_covers_greeting_thanks_identity_and_goodbye(kb: KnowledgeBase) -> None:
    """Small talk answers hello, thanks, who-are-you and goodbye."""
    assert {"hallo", "danke", "wer_bist_du", "tschuess"} <= set(kb.smalltalk)


def test_answers_invent_no_contact_data(kb: KnowledgeBase) -> None:
    """No answer carries e-mail addresses, links, phone numbers or prices: none are in the offer."""
    invented = re.compile(r"@|https?://|www\.|\+49|\b0\d{3,}[ /-]?\d{3,}|€|\bEuro\b")
    texts = [e.answer for e in kb.entries.values()] + [t.answer for t in kb.smalltalk.values()]
    assert [t for t in texts if invented.search(t)] == []
