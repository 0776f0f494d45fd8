"""The German matcher: normalisation, compounds, synonyms, decision bands and accuracy floors."""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.answering import Answerer
from bot.config import PROJECT_ROOT, MatchingSettings
from bot.knowledge import KnowledgeBase
from bot.knowledge.dates import render_answer
from bot.knowledge.models import Entry, ForeignTopics, SmallTalk
from bot.matching import Matcher, MatchResult
from bot.matching.analyzer import Analyzer
from bot.matching.normalize import normalize, tokenize
from bot.matching.stemming import stem
from bot.replies import Reply
from bot.texts import load_texts
from tests.eval_data import EVAL_DIR, require

# The shipped thresholds (tuned on dev + the blind sets in tests/data).
TUNED = MatchingSettings()
DATA_DIR = Path(__file__).parent / "data"
TODAY = dt.date(2026, 11, 25)
MONTHS = load_texts().raw("date_months").split()
# shared/eval/score.py: an answer longer than this (per topic asked) counts as wrong.
ANSWER_MAX_LEN = 1500


def top(result: MatchResult) -> str | None:
    return result.candidates[0].entry_id if result.candidates else None


# -- normalisation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Gebühr", "gebuehr"),
        ("Gebuehr", "gebuehr"),
        ("GEBÜHR", "gebuehr"),
        ("Straße", "strasse"),
        ("Engagement-Konzept", "engagementkonzept"),
        ("Akteur*innen", "akteurinnen"),
        ("gibt's", "gibts"),
        ("Café", "cafe"),
    ],
)
def test_normalize_folds_spelling_variants(typed: str, expected: str) -> None:
    """Umlauts and their ae/oe/ue spelling, ß, case, hyphens and gender stars meet in one form."""
    assert normalize(typed) == expected


@pytest.mark.parametrize(
    "typed", ["Modul III", "modul 3", "Modul-3", "Modul drei", "das dritte Modul", "Modul III?"]
)
def test_module_numbers_roman_and_arabic_are_one_token(typed: str) -> None:
    """Roman, arabic, spelled and ordinal module numbers become the same token."""
    assert "modul3" in tokenize(typed)


def test_normalize_strips_punctuation_and_repeated_letters() -> None:
    """Punctuation separates words and stretched letters ("hallooo") collapse."""
    assert tokenize("Hallooo!!! Was kostet das???") == ["hallo", "was", "kostet", "das"]


@pytest.mark.parametrize(
    ("forms", "same"),
    [
        (("kosten", "kostet"), True),
        (("gemeinde", "gemeinden"), True),
        (("workshop", "workshops"), True),
        (("teilnehmerinnen", "teilnehmer"), True),
        (("kurs", "kur"), False),
        (("termin", "termi"), False),
        # the genitive of a noun in -en ("des Zeitrahmens")
        (("zeitrahmen", "zeitrahmens"), True),
    ],
)
def test_stemming_conflates_inflection_only(forms: tuple[str, str], same: bool) -> None:
    """Inflected forms share a stem; short words are not cut into other words."""
    assert (stem(forms[0]) == stem(forms[1])) is same


# -- synonyms and compounds ---------------------------------------------------------------------


def test_synonyms_map_variants_and_phrases_to_one_term() -> None:
    """Single words and multi-word phrases of the synonym table become the canonical term."""
    analyzer = Analyzer({"kosten": ["gratis", "was kostet"], "dauer": ["wie lange"]})
    assert analyzer.terms("Ist das gratis?") == ["kost"]
    assert analyzer.terms("Was kostet die Beratung?") == ["kost", "beratung"]
    assert analyzer.terms("Wie lange dauert das?") == ["dauer", "dauert"]


def test_letter_openings_and_closings_carry_no_topic() -> None:
    """"Sehr geehrte Damen und Herren" and "Mit freundlichen Grüßen" leave no terms behind
    (no "Damen" read as a typo of "Termin")."""
    analyzer = Analyzer({})
    assert analyzer.terms("Sehr geehrte Damen und Herren, was kostet das?") == ["kost"]
    assert analyzer.terms("Was kostet das? Mit freundlichen Grüßen") == ["kost"]


def test_im_rahmen_as_part_of_is_not_the_political_frame() -> None:
    """"im Rahmen der Beratung" (officialese for "as part of") names no frame; "In welchem
    Rahmen …?" still asks for it."""
    analyzer = Analyzer({"engagementstrategie": ["rahmen"]})
    assert analyzer.terms("Welche Themen im Rahmen der Beratung?") == ["them", "beratung"]
    assert analyzer.terms("In welchem Rahmen?") == ["engagementstrategi"]


def test_stop_words_are_dropped() -> None:
    """Function words and fillers (also the hesitations of dictated messages) leave no terms
    behind."""
    assert Analyzer({}).terms("Können Sie mir bitte sagen, ob es das gibt?") == []
    assert Analyzer({}).terms("ähm äh hm kan ich") == []


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("Ist das gratis?", "kosten"),
        ("Fallen Gebuehren an?", "kosten"),
        ("gibts das auch digital?", "m2_formate"),
        ("Geht das per Zoom?", "m2_formate"),
        ("Schulung Engagementkonzepte", "m1"),
        # Round two: getting it, islands, the body that provides it, the Lernwerkstatt's length.
        ("Wie kommen wir an einen Workshop?", "anfrage"),
        ("Gibt es ein Antragsformular?", "anfrage"),
        ("Gilt das auch für Inselgemeinden?", "zielgruppe"),
        ("Von welcher Stelle kommt das Angebot?", "traeger"),
        ("Wie lange dauert die Lernwerkstatt?", "m1"),
    ],
)
def test_everyday_words_find_the_entry(matcher: Matcher, question: str, entry: str) -> None:
    """Paraphrases from the synonym table lead to the entry that holds the fact."""
    assert top(matcher.match(question)) == entry


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("Wir erlauben uns die Frage, welche Kosten Ihres Hauses für einen Workshop anfallen.",
         "kosten"),
        ("Kann man die Beratung Ihres Hauses per Telefon bekommen?", "m2_formate"),
        # "entrichten" is paying a fee.
        ("Haben wir für die Lernwerkstatt etwas zu entrichten?", "kosten"),
        ("Wir sind Kirchengemeinde. Müssen wir für die Workshops etwas entrichten?", "kosten"),
        # English mixed in
        ("Is the workshop free of charge?", "kosten"),
        # "was war da los" asks what happened, no start ("wann geht es los")
        ("Die Lernwerkstatt fiel aus? Was war da los?", "m1_abgesagt"),
    ],
)
def test_letters_loanwords_and_idioms_are_answered(
    matcher: Matcher, question: str, entry: str
) -> None:
    """"Ihr Haus", "Ihres Hauses" in a letter is the provider, no unknown building; asking
    leave to ask only frames the question; "entrichten" and "free of charge" are about
    paying; "was war da los" asks what happened: all are answered, not the fallback."""
    result = matcher.match(question)
    assert (result.band, top(result)) == ("answer", entry), result.reason


def test_compound_is_split_into_known_words(matcher: Matcher) -> None:
    """An unknown compound is matched through its known parts (Video + Beratung)."""
    units = matcher.units("Videoberatung")
    assert units[0].parts == ("video", "beratung")
    assert top(matcher.match("Ist eine Videoberatung möglich?")) == "m2_formate"


def test_compound_parts_in_entries_match_single_words(matcher: Matcher) -> None:
    """A word that only appears inside an entry's compound (Zertifikat-s-kurs) still matches."""
    assert top(matcher.match("Gibt es ein Zertifikat?")) == "m3_zertifikat"


def test_a_compound_ending_in_tool_or_software_is_a_foreign_topic(matcher: Matcher) -> None:
    """"Onboarding-Tool", "Planungssoftware": a tool is nothing the offer provides, whatever
    it is for, so the word counts against an answer as the plain "Tool" does."""
    units = matcher.units("Onboarding-Tool Planungssoftware")
    assert [u.foreign for u in units] == [True, True]


def test_what_the_provider_offers_is_the_overview_and_who_it_is_the_provider(
    matcher: Matcher,
) -> None:
    """"Was bietet der Paritätische … an?" asks what is offered (the overview): the provider's
    name only says by whom; "Wer bietet das an?" and "Was ist der Paritätische?" still ask
    who it is."""
    result = matcher.match("Was bietet der Paritätische Städten und Ämtern an?")
    assert (result.band, top(result)) == ("answer", "angebot")
    assert top(matcher.match("Wer bietet das an?")) == "traeger"
    assert top(matcher.match("Was ist der Paritätische?")) == "traeger"


def test_typos_are_absorbed(matcher: Matcher) -> None:
    """One or two wrong letters in a long word do not lose the match."""
    assert top(matcher.match("Wann beginnt der Zertifkatskurs?")) == "m3_zertifikat"
    assert top(matcher.match("Lernwerkstadt abgesagt?")) == "m1_abgesagt"


def test_typo_of_a_synonym_variant_is_absorbed(matcher: Matcher) -> None:
    """A typo of a word the synonym table lists ("stattdesen") finds its canonical term."""
    unit = matcher.units("stattdesen")[0]
    assert unit.how == "~" and unit.terms() == ("alternativ",)


def test_swapped_letters_count_as_one_typo(matcher: Matcher) -> None:
    """A transposition ("Anbeiter") is one edit, so even a six-letter stem is matched."""
    assert matcher.units("Anbeiter")[0].how == "~"


@pytest.mark.parametrize(
    "question",
    [
        "Wie ist die Adresse vom Kompetenzzentrum?",
        "Was kostet eine Vereinsgründung?",
        "Sind Ehrenamtliche haftpflichtversichert?",
        "Wie wird das Wetter morgen in Kiel?",
        "bauantrag fuer carport wo einreichen",
        "wer wird deutscher meister?",
        "kita anmeldung gemeinde",
        "gibt es eine fortbildung erste hilfe fuer ehrenamtliche",
        "wann ist die naechste sitzung vom kreistag",
    ],
)
def test_foreign_topic_words_are_not_read_as_the_offer(matcher: Matcher, question: str) -> None:
    """Words naming a topic outside the offer (address, founding, insurance, permits, a city's
    weather) outweigh the offer's words they share the question with."""
    assert matcher.match(question).band == "fallback"


@pytest.mark.parametrize(
    "question",
    [
        "Wer ist Geschäftsführer beim Kompetenzzentrum Engagement?",
        "Wie viele Leute können maximal zum Workshop kommen?",
        "Um wie viel Uhr fängt der Workshop in Heide an?",
        "Welches Ministerium bezahlt die Beratung?",
        "Gibt es ein ähnliches Angebot in Bayern?",
        "Geht die Beratung auch samstags?",
        "Wie oft im Jahr gibt es die Workshops?",
        "Gibt es über die Beratung auch Zuschüsse für Vereine?",
    ],
)
def test_details_and_roles_the_offer_does_not_name_are_not_answered(
    matcher: Matcher, question: str
) -> None:
    """A question for a detail the offer never states (a manager, a maximum of people, a clock time,
    the deciding ministry, a comparable offer elsewhere, a weekday, how often a year, grants)
    gets no confident answer, although it uses the offer's own words."""
    assert matcher.match(question).band == "fallback"


def test_a_foreign_word_after_the_question_says_who_asks(matcher: Matcher) -> None:
    """A statement after the question ("Ich arbeite beim Standesamt.") introduces the asker:
    its foreign word counts as context; set out before the question, it is still the topic."""
    after = matcher.match("Für wen ist das Angebot gedacht? Ich arbeite beim Standesamt.")
    assert after.band == "answer" and top(after) == "zielgruppe"
    before = matcher.match("Wir wollen ein Dorffest organisieren. Wer kann uns dabei beraten?")
    assert before.band == "fallback"


def test_context_before_the_question_counts_less(matcher: Matcher) -> None:
    """A long scene-setting statement does not drown the actual question."""
    question = (
        "Wir sind eine kleine Gemeinde mit knapp 1800 Einwohnern und haben kaum Budget. "
        "Was würde uns so ein Angebot von Ihnen kosten?"
    )
    result = matcher.match(question)
    assert (result.band, top(result)) == ("answer", "kosten")


def test_who_writes_counts_less_when_another_statement_names_the_topic(
    matcher: Matcher,
) -> None:
    """A letter whose question names nothing ("ist das in Ordnung?") is about the statement
    that names the topic, not about the writer's introduction (after a salutation) full of
    unknown nouns: the Lernwerkstatt's participants are answered, not "Meinten Sie …"."""
    question = (
        "Liebe Kolleginnen, ich bin Küsterin in der Kirchengemeinde Wesselburenerkoog und "
        "betreue dort den Besuchskreis. Wir überlegen, zu dritt aus der Gemeinde zur "
        "Lernwerkstatt zu kommen – ist das in Ordnung?"
    )
    result = matcher.match(question)
    assert result.band == "answer" and top(result).startswith("m1"), result.reason


def test_dates_of_an_entry_are_searchable(matcher: Matcher) -> None:
    """Day and month of an entry's dates ("15.6.") point to that entry."""
    assert top(matcher.match("Lernwerkstatt am 15.6.?")) in {"m1_abgesagt", "m1"}


# -- bands ----------------------------------------------------------------------------------------


def tiny_base() -> KnowledgeBase:
    def entry(entry_id: str, questions: list[str], keywords: list[str]) -> Entry:
        return Entry(id=entry_id, title=entry_id, answer=entry_id, questions=questions,
                     keywords=keywords)

    entries = {
        "preis": entry("preis", ["Was kostet der Kurs?", "Preis des Kurses"], ["Preis", "Kurs"]),
        "ort": entry("ort", ["Wo findet der Kurs statt?", "Ort des Kurses"], ["Ort", "Kurs"]),
    }
    talk = {"hallo": SmallTalk(id="hallo", patterns=["hallo", "guten tag"], answer="Hallo!")}
    return KnowledgeBase(
        entries=entries, smalltalk=talk, synonyms={"preis": ["kosten"]}, menu=[],
        foreign=ForeignTopics(heads=["ausweis"]),
    )


def test_band_answer_when_confident_and_ahead() -> None:
    """A clear match of one entry is answered."""
    result = Matcher(tiny_base(), TUNED).match("Was kostet der Kurs?")
    assert (result.band, top(result)) == ("answer", "preis")


def test_band_suggest_when_two_entries_tie() -> None:
    """A question that fits two unrelated entries equally gets suggestions, not an answer."""
    result = Matcher(tiny_base(), TUNED).match("Kurs?")
    assert result.band == "suggest"
    assert {c.entry_id for c in result.candidates[:2]} == {"preis", "ort"}


def test_a_tie_goes_to_the_entry_whose_title_the_question_names(matcher: Matcher) -> None:
    """Two entries tie, but the question names one by its title ("Beratung für Kommunen",
    Modul II's name): that one is answered, not "Meinten Sie …?"."""
    result = matcher.match("Habt ihr im Angebot auch Beratung für Kommunen?")
    assert result.band == "answer" and top(result) == "m2"


def test_band_fallback_for_unknown_words() -> None:
    """A question without known content words falls back."""
    assert Matcher(tiny_base(), TUNED).match("Wie wird das Wetter morgen?").band == "fallback"


def test_band_fallback_when_a_known_word_meets_an_unknown_noun() -> None:
    """One shared word next to an unknown noun is not enough evidence to answer."""
    result = Matcher(tiny_base(), TUNED).match("Was kostet ein Parkausweis?")
    assert result.band == "fallback"


@pytest.mark.parametrize(
    ("message", "talk_id"),
    [
        ("hallo", "hallo"),
        ("Moin moin!", "hallo"),
        ("Danke!", "danke"),
        ("Vielen Dank für die Info", "danke"),
        ("wer bist du?", "wer_bist_du"),
        ("Hallo, wer bist du?", "wer_bist_du"),
        ("Bist du ein Bot?", "wer_bist_du"),
        ("Tschüss", "tschuess"),
        ("ok", "ok"),
    ],
)
def test_smalltalk_is_recognised(matcher: Matcher, message: str, talk_id: str) -> None:
    """Greetings, thanks, goodbyes and "who are you" are small talk."""
    result = matcher.match(message)
    assert (result.band, result.smalltalk_id) == ("smalltalk", talk_id)


def test_smalltalk_does_not_swallow_a_question(matcher: Matcher) -> None:
    """A greeting before a real question still gets the question answered."""
    result = matcher.match("Hallo, was kostet die Beratung?")
    assert (result.band, top(result)) == ("answer", "kosten")


def test_small_talk_keeps_the_words_of_the_question_after_it(matcher: Matcher) -> None:
    """"Ok. Und für wen ist es gedacht?": the words after the "Ok" that could be fillers ("und
    für") belong to the question, so "für wen" still asks for whom; "danke und tschüss" stays
    small talk as a whole."""
    result = matcher.match("Ok. Und für wen ist es gedacht?")
    assert (result.band, top(result)) == ("answer", "zielgruppe")
    assert matcher.match("Danke und tschüss").band == "smalltalk"


@pytest.mark.parametrize(
    "question",
    [
        "Wie wird das Wetter morgen?",
        "Wo beantrage ich einen neuen Personalausweis?",
        "Wie gründe ich einen Verein?",
        "Gibt es Fördermittel für unser Feuerwehrhaus?",
        "Was ist die Hauptstadt von Frankreich?",
    ],
)
def test_out_of_scope_questions_fall_back(matcher: Matcher, question: str) -> None:
    """Questions outside the offer fall back, even when they share a word with it."""
    assert matcher.match(question).band == "fallback"


# Builds the shipped matcher and explains each question of stdin (a JSON list), one per block.
EXPLAIN_SCRIPT = """
import json, sys
from bot.answering import Answerer
from bot.config import BUNDLED_KNOWLEDGE, PROJECT_ROOT, MatchingSettings
from bot.knowledge import load_knowledge
from bot.matching import Matcher
kb = load_knowledge(BUNDLED_KNOWLEDGE)
matcher = Matcher(kb, MatchingSettings())
for question in json.load(sys.stdin):
    print(matcher.match(question).explain(), end="\\n---\\n")
"""


def test_matching_is_deterministic() -> None:
    """Two processes with different string hashing (PYTHONHASHSEED) build the matcher and
    explain every question identically: no result depends on set or dict order."""
    questions = ["Was kostet das?", "modul 2", "Kommt ihr zu uns?", "xyz", "Hallo"]
    questions += [item["q"] for item in yaml.safe_load(
        (DATA_DIR / "blind_a.yaml").read_text(encoding="utf-8"))]
    outputs = []
    for seed in ("1", "4242"):
        result = subprocess.run(
            [sys.executable, "-c", EXPLAIN_SCRIPT], input=json.dumps(questions),
            capture_output=True, text=True, timeout=120, cwd=PROJECT_ROOT, check=False,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout)
    assert outputs[0].count("\n---\n") == len(questions)
    assert outputs[0] == outputs[1]


def test_explain_names_band_candidates_and_terms(matcher: Matcher) -> None:
    """The explanation shows the band, the ranked entries and the matched terms."""
    text = matcher.match("Was kostet die Beratung?").explain()
    assert text.startswith("band: answer")
    assert "1. kosten" in text
    assert "kost" in text


def test_candidates_are_sorted_and_bounded(matcher: Matcher) -> None:
    """Candidates come best first, with scores between 0 and 1, at most five."""
    candidates = matcher.match("Beratung Workshop Lernwerkstatt").candidates
    scores = [c.score for c in candidates]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert 1 <= len(candidates) <= 5


# -- accuracy floors (regression) -----------------------------------------------------------------


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", text))).strip().lower()


def _holds(text: str, groups: list[list[str]]) -> bool:
    plain = _plain(text)
    return all(any(str(alt).lower() in plain for alt in group) for group in groups)


def _accuracy(matcher: Matcher, kb: KnowledgeBase, questions: list[dict[str, Any]],
              facts: dict[str, list[list[str]]]) -> tuple[float, float]:
    """(in-scope accuracy, out-of-scope rejection) under the protocol of shared/eval/score.py."""
    correct = in_scope = rejected = out_of_scope = 0
    for item in questions:
        result = matcher.match(item["q"])
        if item["expect"] is None:
            out_of_scope += 1
            rejected += result.band == "fallback"
            continue
        in_scope += 1
        if result.band == "answer":
            entry = kb.entries[result.candidates[0].entry_id]
            text = render_answer(entry, TODAY, MONTHS)
            correct += _holds(text, facts[item["expect"]])
    return correct / in_scope, rejected / max(out_of_scope, 1)


@pytest.mark.parametrize(
    ("path", "min_accuracy", "min_rejection"),
    [
        # Raised with issue 9 (places, foreign topics as data, vocabulary), just below today's.
        # Round four (near misses from data, officialese, roles, paraphrases) raised every
        # floor to just below the figures then (dev2 94.1 %, blind_i 84.6 % / 96 %, blind_j
        # 92.9 % / 95 %); a rejection of 100 % keeps a floor of 0.96 (one miss in 25).
        # Issue 9 answer quality round 2 (sets k, multi_e, conv_e as development data) raised
        # them again to just below its figures (blind_d 96.2 %, blind_i 86.2 %, blind_j 94.3 % …).
        (EVAL_DIR / "dev.yaml", 0.97, 0.96),
        (EVAL_DIR / "dev2.yaml", 0.93, 0.96),
        (DATA_DIR / "blind_a.yaml", 0.97, 0.96),
        (DATA_DIR / "blind_b.yaml", 0.96, 0.96),
        (DATA_DIR / "blind_c.yaml", 0.97, 0.96),
        (DATA_DIR / "blind_d.yaml", 0.95, 0.96),
        (DATA_DIR / "blind_e.yaml", 0.98, 0.96),
        (DATA_DIR / "blind_f.yaml", 0.94, 0.96),
        (DATA_DIR / "blind_g.yaml", 0.95, 0.96),  # its copies left the KB in round two
        # Issue 9 round two: first contact 87.1 % / 70.0 % and 73.8 % / 76.0 % (84.3 % and
        # 72.3 % once five example questions that stood in them were rephrased); raised after
        # round two's general fixes, just below the figures then.
        # Round three (rejection: near-miss details and foreign words as data) raised the
        # rejection floors of h, i and j to just below 95 %, 92 % and 90 %.
        (DATA_DIR / "blind_h.yaml", 0.91, 0.96),
        # Stop 9 (letter register, hearsay, staff as no foreign topic): 90.8 % / 100 %.
        (DATA_DIR / "blind_i.yaml", 0.89, 0.97),
        # Written blind for round two's result: first contact 85.7 % / 70.0 %.
        # Stop 9: an "ob" sentence asks, so "Mich interessiert, ob es auch um Zielkonflikte …
        # geht" weighs its unknown nouns fully: that one is "Meinten Sie" here (92.9 %), still
        # answered through the Answerer (score.py 94.3 % / 100 %).
        (DATA_DIR / "blind_j.yaml", 0.92, 0.94),
        # Fourth author: first contact 81.4 % / 80 %; 90.0 % / 95 % after answer quality round 2.
        (DATA_DIR / "blind_k.yaml", 0.95, 0.94),  # 97.1 % / 95 % at stop 9
        # Fifth author: first contact 81.4 % / 65.0 % (score.py); 97.1 % / 90 % here after
        # answer quality round 3 (synonym families, near-miss details, own phrasings).
        (DATA_DIR / "blind_l.yaml", 0.96, 0.88),
        # Sixth author, never tuned on: first contact 90.0 % / 90 % (score.py, a971ba1), 94.3 % /
        # 90 % after rounds 2 and 3 (written for neither); 92.9 % / 90 % here.
        # Stop 9 (venue and capacity near misses, scope questions with a place): 97.1 % / 100 %.
        (DATA_DIR / "blind_m.yaml", 0.95, 0.97),
        # Seventh author: first contact 82.9 % / 90.0 % (score.py, 89952c1); 95.7 % / 100 %
        # after stop 9's general fixes (dictation, separable verbs, roles, near misses);
        # 92.9 % here.
        (DATA_DIR / "blind_n.yaml", 0.92, 0.97),
        # Eighth author: first contact 84.3 % / 100 % (score.py, 06340ca); 97.1 % / 100 % after
        # stop 9's later fixes (Plattdeutsch, list numbering, signatures, indirect questions);
        # 94.3 % here.
        (DATA_DIR / "blind_o.yaml", 0.94, 0.97),
        # Ninth author, scored after all of stop 9's matcher work: first contact 94.3 % / 95 %
        # (score.py, f99b391); 100 % rejection after two near-miss details.
        (DATA_DIR / "blind_p.yaml", 0.94, 0.97),
        # Tenth author, scored after the ninth's fixes: first contact 90.0 % / 90 % (score.py,
        # ebe1c55); 91.4 % / 100 % after near-miss details and concepts read whole; 90 % here.
        (DATA_DIR / "blind_q.yaml", 0.89, 0.97),
        # Eleventh author: first contact 92.9 % / 95 % (score.py, 97a9913); 94.3 % / 100 %
        # after the formal third person and a follow-up workshop's length; 92.9 % here.
        # Stop 10: 90.0 % here ("Anbieter Beratungsangebot Engagementförderung Kommunen?" lost
        # to the offer's name standing for "it", which five other questions gained; a request
        # for a workshop in the third person to the further workshops' example, which four
        # gained).
        (DATA_DIR / "blind_r.yaml", 0.89, 0.97),
        # Stop 10, twelfth author: first contact 91.4 % / 100 % (score.py, 887df67); 92.9 %
        # after this stop's fixes; 91.4 % here.
        (DATA_DIR / "blind_s.yaml", 0.90, 0.97),
        # Thirteenth author: first contact 98.6 % / 100 % (887df67); 97.1 % / 95 % here.
        (DATA_DIR / "blind_t.yaml", 0.98, 0.94),
        # Fourteenth author: first contact 94.3 % / 85 % (b827a9f); 94.3 % / 90 % here.
        (DATA_DIR / "blind_u.yaml", 0.95, 0.89),
        # Fifteenth author: first contact 91.4 % / 95 % (b827a9f); 92.9 % / 95 % here.
        (DATA_DIR / "blind_v.yaml", 0.92, 0.94),
        # Sixteenth author: first contact 92.9 % / 85 % (7135120); 92.9 % / 95 % here.
        (DATA_DIR / "blind_w.yaml", 0.92, 0.94),
        # Seventeenth author: first contact 88.6 % / 85 % (7135120); 91.4 % / 95 % here.
        (DATA_DIR / "blind_x.yaml", 0.91, 0.94),
        # Eighteenth author: first contact 92.9 % / 90 % (1efa781); 94.3 % / 100 % here.
        (DATA_DIR / "blind_y.yaml", 0.94, 0.99),
        # Nineteenth author: first contact 91.4 % / 85 % (1efa781); 94.3 % / 100 % here.
        (DATA_DIR / "blind_z.yaml", 0.94, 0.99),
        # Stop 11, twentieth author: first contact 91.4 % / 95 % (75bffe5); 94.3 % / 100 % here.
        (DATA_DIR / "blind_aa.yaml", 0.94, 0.99),
        # Twenty-first author: first contact 92.9 % / 100 % (75bffe5); 91.4 % / 100 % here
        # (the matcher alone; 92.9 % through the Answerer).
        (DATA_DIR / "blind_ab.yaml", 0.91, 0.99),
        # Twenty-second author: first contact 84.3 % / 95 % (deed8e9, after this stop's first
        # fixes); 92.9 % / 100 % after place endings, trainings as who asks, "zusammensetzen".
        (DATA_DIR / "blind_ac.yaml", 0.91, 0.99),
        # Twenty-third author: first contact 92.9 % / 95 % (5420394); 92.9 % / 100 % here.
        (DATA_DIR / "blind_ad.yaml", 0.91, 0.99),
        # Twenty-fourth and twenty-fifth authors, written after this stop's fixes: first
        # contact 92.9 % / 100 % each (ac16f31); the matcher alone 91.4 % and 92.9 %. (Stop
        # 12: the matcher alone reads "eine Art Meisterprüfung?" as the unstated exam, 90 %;
        # the Answerer answers the course and names that part as unknown.)
        (DATA_DIR / "blind_ae.yaml", 0.90, 0.99),
        (DATA_DIR / "blind_af.yaml", 0.92, 0.99),
        # Stop 12, twenty-sixth and twenty-seventh authors: first contact 94.3 % / 95 % each
        # (344e915); 97.1 % / 100 % and 95.7 % / 100 % after officialese ("entrichten",
        # "Ihr Haus"), "…sitzung", relative clauses, particles in near-miss word groups.
        (DATA_DIR / "blind_ag.yaml", 0.95, 0.94),
        (DATA_DIR / "blind_ah.yaml", 0.94, 0.99),
        # Twenty-eighth and twenty-ninth authors, written after those fixes: first contact
        # 100 % / 90 % and 92.9 % / 90 % (64ada64); 100 % / 95 % and 92.9 % / 95 % after
        # compound details ("Mindestteilnehmerzahl") and the team's qualification.
        (DATA_DIR / "blind_ai.yaml", 0.98, 0.94),
        (DATA_DIR / "blind_aj.yaml", 0.91, 0.94),
        # Thirtieth and thirty-first authors, written at the end of stop 12 and not tuned
        # for: first contact 87.1 % / 90 % and 98.6 % / 95 % (f6ac906; blind_ak 84.3 % with
        # the matcher alone).
        (DATA_DIR / "blind_ak.yaml", 0.84, 0.89),
        (DATA_DIR / "blind_al.yaml", 0.97, 0.94),
        # Stop 13: thirty-second and thirty-third authors, first contact 91.4 % / 95 % and
        # 88.6 % / 90 % (3989b90); 92.9 % / 100 % and 94.3 % / 90 % after two-word places,
        # groups the offer is not for, officialese ("bitte ich um Mitteilung").
        (DATA_DIR / "blind_am.yaml", 0.92, 0.99),
        (DATA_DIR / "blind_an.yaml", 0.94, 0.89),
        # Thirty-fourth and thirty-fifth authors, written after the first round's fixes: first
        # contact 94.3 % / 100 % and 90.0 % / 95 % (53ef313; blind_ao 88.6 % with the matcher
        # alone).
        (DATA_DIR / "blind_ao.yaml", 0.88, 0.99),
        # (blind_ap 88.6 % with the matcher alone since stop 14's "dafür" reads the statement
        # before it as the question's content: one question the Answerer still answers.)
        (DATA_DIR / "blind_ap.yaml", 0.88, 0.94),
        # Thirty-sixth and thirty-seventh authors, written at the end of stop 13 and not tuned
        # for: first contact 95.7 % / 100 % and 94.3 % / 95 % (023bc2b; with the matcher
        # alone 95 % rejection and 91.4 %).
        (DATA_DIR / "blind_aq.yaml", 0.94, 0.94),
        (DATA_DIR / "blind_ar.yaml", 0.91, 0.94),
        # Thirty-eighth and thirty-ninth authors, the last of stop 13, not tuned for: first
        # contact 94.3 % / 90 % and 92.9 % / 100 % (148dfd8; 92.9 % / 85 % and 91.4 % with
        # the matcher alone).
        (DATA_DIR / "blind_as.yaml", 0.92, 0.84),
        (DATA_DIR / "blind_at.yaml", 0.91, 0.99),
        # Fortieth and forty-first authors, written at the very end of stop 13 and not tuned
        # for: first contact 94.3 % / 95 % and 92.9 % / 95 % (f19e1b3; 91.4 % / 95 % and
        # 92.9 % / 90 % with the matcher alone).
        (DATA_DIR / "blind_au.yaml", 0.91, 0.94),
        (DATA_DIR / "blind_av.yaml", 0.92, 0.89),
        # Forty-second and forty-third authors, first round of stop 14: first contact 92.9 % /
        # 95 % and 94.3 % / 95 % (5c4ea7b, start of the stop; the same with the matcher alone).
        (DATA_DIR / "blind_aw.yaml", 0.92, 0.94),
        (DATA_DIR / "blind_ax.yaml", 0.92, 0.94),
        # Forty-fourth and forty-fifth authors, second round of stop 14: first contact 95.7 % /
        # 95 % and 90 % / 90 % (72140e0; 97.1 % / 90 % and 90 % / 90 % with the matcher alone).
        (DATA_DIR / "blind_ay.yaml", 0.96, 0.89),
        (DATA_DIR / "blind_az.yaml", 0.89, 0.89),
        # Forty-sixth and forty-seventh authors, last round of stop 14, scored at the final
        # matcher (6ef4ca4): 98.6 % / 95 % and 91.4 % / 100 % (with the matcher alone 98.6 % /
        # 100 % and 90 % / 100 %).
        (DATA_DIR / "blind_ba.yaml", 0.98, 0.99),
        (DATA_DIR / "blind_bb.yaml", 0.89, 0.99),
        # Stop 15, first round (48th, 49th authors): first contact at 9e0e286 92.9 % / 95 %
        # and 92.9 % / 90 %; 95.7 % / 100 % and 94.3 % / 90 % after the round's fixes.
        (DATA_DIR / "blind_bc.yaml", 0.95, 0.99),
        (DATA_DIR / "blind_bd.yaml", 0.94, 0.89),
        # Stop 15, second round (50th, 51st authors), first contact at f353859 (through `ask`):
        # 97.1 % / 90 % and 94.3 % / 80 %; with the matcher alone 95.7 % / 85 % and 94.3 % / 80 %.
        (DATA_DIR / "blind_be.yaml", 0.95, 0.84),
        (DATA_DIR / "blind_bf.yaml", 0.94, 0.79),
        # Stop 15, third round (52nd, 53rd authors), first contact at 7147a05, not tuned for:
        # 95.7 % / 100 % and 94.3 % / 100 %.
        (DATA_DIR / "blind_bg.yaml", 0.95, 0.99),
        (DATA_DIR / "blind_bh.yaml", 0.94, 0.99),
        # Stop 15, fourth round (54th, 55th), first contact at 6e953cb through `ask`: 94.3 % /
        # 100 % and 95.7 % / 95 % (the matcher alone 94.3 % / 100 % and 92.9 % / 95 %).
        (DATA_DIR / "blind_bi.yaml", 0.94, 0.99),
        (DATA_DIR / "blind_bj.yaml", 0.92, 0.94),
        # Fifth round (56th, 57th), first contact at 024ac9d through `ask`, not tuned for:
        # 94.3 % / 90 % and 92.9 % / 90 % (the matcher alone 94.3 % / 90 % and 91.4 % / 85 %).
        (DATA_DIR / "blind_bk.yaml", 0.94, 0.89),
        (DATA_DIR / "blind_bl.yaml", 0.91, 0.84),
        # Sixth round (58th, 59th), first contact at 65eead8, not tuned for: 94.3 % / 95 % and
        # 95.7 % / 100 % (the matcher alone 94.3 % / 95 % and 95.7 % / 95 %).
        (DATA_DIR / "blind_bm.yaml", 0.94, 0.94),
        (DATA_DIR / "blind_bn.yaml", 0.95, 0.94),
    ],
    ids=[
        "dev", "dev2", "blind_a", "blind_b", "blind_c", "blind_d", "blind_e", "blind_f", "blind_g",
        "blind_h", "blind_i", "blind_j", "blind_k", "blind_l", "blind_m", "blind_n",
        "blind_o", "blind_p", "blind_q", "blind_r", "blind_s", "blind_t", "blind_u", "blind_v",
        "blind_w", "blind_x", "blind_y", "blind_z", "blind_aa", "blind_ab", "blind_ac",
        "blind_ad", "blind_ae", "blind_af", "blind_ag", "blind_ah", "blind_ai", "blind_aj",
        "blind_ak", "blind_al", "blind_am", "blind_an", "blind_ao", "blind_ap", "blind_aq",
        "blind_ar", "blind_as", "blind_at", "blind_au", "blind_av", "blind_aw", "blind_ax",
        "blind_ay", "blind_az", "blind_ba", "blind_bb", "blind_bc", "blind_bd", "blind_be",
        "blind_bf", "blind_bg", "blind_bh", "blind_bi", "blind_bj", "blind_bk", "blind_bl",
        "blind_bm", "blind_bn",
    ],
)
def test_accuracy_does_not_regress(
    matcher: Matcher, kb: KnowledgeBase, path: Path, min_accuracy: float, min_rejection: float
) -> None:
    """Accuracy and rejection on the question sets stay above floors just below today's."""
    facts_path = EVAL_DIR / "facts.yaml"
    require(path, facts_path)
    facts = yaml.safe_load(facts_path.read_text(encoding="utf-8"))
    questions = yaml.safe_load(path.read_text(encoding="utf-8"))
    accuracy, rejection = _accuracy(matcher, kb, questions, facts)
    assert accuracy >= min_accuracy
    assert rejection >= min_rejection


# -- multi-question messages and conversations, through the Answerer (as `ask` answers) -----------


@pytest.fixture(scope="module")
def answerer(kb: KnowledgeBase, matcher: Matcher) -> Answerer:
    return Answerer(kb, matcher, load_texts(), today=lambda: TODAY)


def _reply_ok(reply: Reply, expect: str | list[str] | None,
              facts: dict[str, list[list[str]]]) -> bool:
    """One turn scored under the protocol of shared/eval/score.py."""
    if expect is None:
        return reply.kind == "fallback"
    topics = expect if isinstance(expect, list) else [expect]
    return (
        reply.kind in ("answer", "action")
        and len(_plain(reply.text)) <= ANSWER_MAX_LEN * len(topics)
        and all(_holds(reply.text, facts[t]) for t in topics)
    )


def _load_facts() -> dict[str, list[list[str]]]:
    facts_path = EVAL_DIR / "facts.yaml"
    require(facts_path)
    return yaml.safe_load(facts_path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("path", "minimum"),
    [
        (EVAL_DIR / "dev_multi.yaml", 1.0),
        # Issue 9 round two: first contact 73.3 % and 93.3 % (86.7 % once the example
        # questions that stood in the new sets were rephrased); raised after round two, and
        # after round four (b and d at 100 %).
        (DATA_DIR / "blind_multi_b.yaml", 0.95),
        (DATA_DIR / "blind_multi_c.yaml", 0.95),  # 100 % at stop 9
        # Written blind for round two's result: first contact 93.3 %.
        (DATA_DIR / "blind_multi_d.yaml", 0.95),
        # Fourth author: first contact 80 %; 93.3 % after answer quality round 2.
        (DATA_DIR / "blind_multi_e.yaml", 0.95),  # 100 % at stop 9
        # Fifth author: first contact 86.7 %, unchanged by the data of answer quality round 3.
        (DATA_DIR / "blind_multi_f.yaml", 0.95),  # 100 % after splitting at ", und" (q4)
        # Sixth author, never tuned on: first contact 80 %; 86.7 % after rounds 2 and 3.
        (DATA_DIR / "blind_multi_g.yaml", 0.95),  # 93.3 % after the same, 100 % at stop 9
        # Seventh author: first contact 93.3 %; 100 % at stop 9.
        (DATA_DIR / "blind_multi_h.yaml", 0.95),
        # Eighth author: first contact 80 %; 100 % after stop 9's later fixes.
        (DATA_DIR / "blind_multi_i.yaml", 0.95),
        # Ninth author: first contact 93.3 %; 100 % after a tag question splits.
        (DATA_DIR / "blind_multi_j.yaml", 0.95),
        # Tenth author: first contact 86.7 %; 93.3 % after "frag … an".
        (DATA_DIR / "blind_multi_k.yaml", 0.93),
        # Eleventh author: first contact 80 %; 93.3 % after a later part keeps the earlier topic.
        (DATA_DIR / "blind_multi_l.yaml", 0.93),
        # Stop 10: twelfth to seventeenth authors. First contact 86.7 %, 100 %, 100 %, 86.7 %,
        # 80 %, 93.3 %; after the sentence-opening "und", "außerdem bräuchte ich", "bzw." and
        # verbs in the past: 93.3 %, 100 %, 100 %, 100 %, 86.7 %, 93.3 %.
        (DATA_DIR / "blind_multi_m.yaml", 0.93),
        (DATA_DIR / "blind_multi_n.yaml", 0.99),
        (DATA_DIR / "blind_multi_o.yaml", 0.99),
        (DATA_DIR / "blind_multi_p.yaml", 0.99),
        (DATA_DIR / "blind_multi_q.yaml", 0.86),
        (DATA_DIR / "blind_multi_r.yaml", 0.93),
        # Eighteenth and nineteenth authors: first contact 93.3 % and 60 % (messages with the
        # two questions in different places of a longer text); 100 % and 86.7 % after the
        # discourse openers ("Ach ja, und", "Gleichzeitig", "zum einen …, zum anderen").
        (DATA_DIR / "blind_multi_s.yaml", 0.99),
        (DATA_DIR / "blind_multi_t.yaml", 0.86),
        # Stop 11, twentieth and twenty-first authors: first contact 73.3 % and 60 % (75bffe5);
        # 93.3 % each after "wissen ob" without comma, a statement with a yes/no question
        # after its comma, subjunctive verbs after ", und", "ansonsten", and a clear
        # suggest-band part answered beside the others.
        (DATA_DIR / "blind_multi_u.yaml", 0.93),
        (DATA_DIR / "blind_multi_v.yaml", 0.93),
        # Twenty-second and twenty-third authors: first contact 73.3 % (deed8e9) and 80 %
        # (5420394); 93.3 % and 86.7 % after ties settled by the earlier part's topic.
        (DATA_DIR / "blind_multi_w.yaml", 0.93),
        (DATA_DIR / "blind_multi_x.yaml", 0.86),
        # Twenty-fourth and twenty-fifth authors: first contact 93.3 % and 66.7 % (ac16f31);
        # 93.3 % and 86.7 % after "Ach, und …", a statement with its question after a comma and
        # "und falls nicht …".
        (DATA_DIR / "blind_multi_y.yaml", 0.93),
        (DATA_DIR / "blind_multi_z.yaml", 0.86),
        # Stop 12: twenty-sixth and twenty-seventh authors, first contact 86.7 % and 93.3 %
        # (344e915); 100 % each after nouns-only questions ("Kosten? Dauer Workshop?"), who
        # writes as context, "kan". Twenty-eighth and twenty-ninth: 80 % and 86.7 % (64ada64);
        # 93.3 % each after "bzgl.", "u.", a subjunctive question after a comma, "wie viele"
        # after a greeting.
        (DATA_DIR / "blind_multi_aa.yaml", 0.99),
        (DATA_DIR / "blind_multi_ab.yaml", 0.99),
        (DATA_DIR / "blind_multi_ac.yaml", 0.93),
        (DATA_DIR / "blind_multi_ad.yaml", 0.93),
        # Thirtieth and thirty-first authors, not tuned for: 73.3 % and 93.3 % (f6ac906).
        (DATA_DIR / "blind_multi_ae.yaml", 0.73),
        (DATA_DIR / "blind_multi_af.yaml", 0.93),
        # Stop 13: thirty-second and thirty-third authors (25 messages each), first contact
        # 76 % each (3989b90); 92 % and 100 % after numbered lists, "Und die Kosten?" after a
        # statement, "(2) ob …", "Ferner:", a part about "it", a split question about the present.
        (DATA_DIR / "blind_multi_ag.yaml", 0.91),
        (DATA_DIR / "blind_multi_ah.yaml", 0.99),
        # Thirty-fourth and thirty-fifth authors: first contact 80 % and 76 % (53ef313); 88 %
        # each after numbered items, "Und die Dauer?", "seit wann", "woran".
        (DATA_DIR / "blind_multi_ai.yaml", 0.87),
        (DATA_DIR / "blind_multi_aj.yaml", 0.87),
        # Thirty-sixth and thirty-seventh authors, not tuned for: 80 % and 92 % (023bc2b).
        (DATA_DIR / "blind_multi_ak.yaml", 0.79),
        (DATA_DIR / "blind_multi_al.yaml", 0.91),
        # Thirty-eighth and thirty-ninth authors, not tuned for: 96 % each (148dfd8).
        (DATA_DIR / "blind_multi_am.yaml", 0.95),
        (DATA_DIR / "blind_multi_an.yaml", 0.95),
        # Fortieth and forty-first authors, not tuned for: 76 % each (f19e1b3); 88 % and 84 %
        # after stop 14's parts read without the writer's situation.
        (DATA_DIR / "blind_multi_ao.yaml", 0.87),
        (DATA_DIR / "blind_multi_ap.yaml", 0.83),
        # Forty-second to forty-fifth authors (stop 14): first contact 88 %, 80 % (5c4ea7b),
        # 88 %, 84 % (72140e0).
        (DATA_DIR / "blind_multi_aq.yaml", 0.91),
        (DATA_DIR / "blind_multi_ar.yaml", 0.91),
        (DATA_DIR / "blind_multi_as.yaml", 0.87),
        (DATA_DIR / "blind_multi_at.yaml", 0.83),
        # Forty-sixth and forty-seventh authors: 100 % and 88 % (6ef4ca4).
        (DATA_DIR / "blind_multi_au.yaml", 0.99),
        (DATA_DIR / "blind_multi_av.yaml", 0.87),
        # Stop 15, first round: first contact 84 % and 76 %; 92 % and 84 % after its fixes.
        (DATA_DIR / "blind_multi_aw.yaml", 0.91),
        (DATA_DIR / "blind_multi_ax.yaml", 0.83),
        # Stop 15, second round: first contact 83.3 % and 80 %; 90 % and 83.3 % after its fixes.
        (DATA_DIR / "blind_multi_ay.yaml", 0.89),
        (DATA_DIR / "blind_multi_az.yaml", 0.83),
        # Stop 15, third round, first contact, not tuned for: 93.3 % and 93.3 %.
        (DATA_DIR / "blind_multi_ba.yaml", 0.93),
        (DATA_DIR / "blind_multi_bb.yaml", 0.93),
        # Stop 15, fourth round: first contact 76.7 % and 86.7 % (80 % and 86.7 % after the
        # round's fixes); fifth round, not tuned for: 96.7 % and 93.3 %.
        (DATA_DIR / "blind_multi_bc.yaml", 0.79),
        (DATA_DIR / "blind_multi_bd.yaml", 0.86),
        (DATA_DIR / "blind_multi_be.yaml", 0.96),
        (DATA_DIR / "blind_multi_bf.yaml", 0.93),
        # Sixth round, first contact at 65eead8, not tuned for: 90 % and 86.7 %.
        (DATA_DIR / "blind_multi_bg.yaml", 0.89),
        (DATA_DIR / "blind_multi_bh.yaml", 0.86),
    ],
    ids=[
        "dev_multi", "blind_multi_b", "blind_multi_c", "blind_multi_d", "blind_multi_e",
        "blind_multi_f", "blind_multi_g", "blind_multi_h", "blind_multi_i",
        "blind_multi_j", "blind_multi_k", "blind_multi_l", "blind_multi_m", "blind_multi_n",
        "blind_multi_o", "blind_multi_p", "blind_multi_q", "blind_multi_r", "blind_multi_s",
        "blind_multi_t", "blind_multi_u", "blind_multi_v", "blind_multi_w", "blind_multi_x",
        "blind_multi_y", "blind_multi_z", "blind_multi_aa", "blind_multi_ab", "blind_multi_ac",
        "blind_multi_ad", "blind_multi_ae", "blind_multi_af", "blind_multi_ag",
        "blind_multi_ah", "blind_multi_ai", "blind_multi_aj", "blind_multi_ak",
        "blind_multi_al", "blind_multi_am", "blind_multi_an", "blind_multi_ao",
        "blind_multi_ap", "blind_multi_aq", "blind_multi_ar", "blind_multi_as",
        "blind_multi_at", "blind_multi_au", "blind_multi_av", "blind_multi_aw", "blind_multi_ax",
        "blind_multi_ay", "blind_multi_az", "blind_multi_ba", "blind_multi_bb",
        "blind_multi_bc", "blind_multi_bd", "blind_multi_be", "blind_multi_bf",
        "blind_multi_bg", "blind_multi_bh",
    ],
)
def test_multi_question_accuracy_does_not_regress(
    answerer: Answerer, path: Path, minimum: float
) -> None:
    """Messages that ask two things get both answers in one reply, above floors just below
    today's (`ask` protocol: one message, no conversation)."""
    require(path)
    facts = _load_facts()
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    ok = sum(_reply_ok(answerer.answer(i["q"])[0], i["expect"], facts) for i in items)
    assert ok / len(items) >= minimum


@pytest.mark.parametrize(
    ("path", "min_accuracy", "min_rejection"),
    [
        (EVAL_DIR / "dev_conversations.yaml", 1.0, 1.0),
        # Issue 9 round two: first contact 78.4 % / 85.7 % and 91.4 % / 66.7 %; raised after.
        # Round four (list references, "noch anmelden", one question before a verb in second
        # place): b 97.3 %, d 97.1 % / 100 %.
        # q4 (the named topic outlasts an answer from outside it): b 100 %.
        (DATA_DIR / "blind_conv_b.yaml", 0.99, 1.0),
        (DATA_DIR / "blind_conv_c.yaml", 0.97, 1.0),
        # Written blind for round two's result: first contact 88.2 % / 71.4 %; rejection
        # 85.7 % after round three.
        (DATA_DIR / "blind_conv_d.yaml", 0.96, 1.0),
        # Fourth author: first contact 86.1 % / 50 %; 94.4 % / 100 % after answer quality
        # round 2 (near-miss details as data, the named topic and the topic of a follow-up).
        (DATA_DIR / "blind_conv_e.yaml", 0.94, 1.0),
        # Fifth author: first contact 74.3 % / 66.7 %; 85.7 % / 100 % after answer quality
        # round 3 (synonym families, near-miss details, own phrasings).
        # q4: 100 % / 100 % (a named topic outlasting an answer from outside it, ordinals in
        # longer follow-ups, a yes/no follow-up of only a pronoun and a verb, a topic named in
        # a statement before the question).
        (DATA_DIR / "blind_conv_f.yaml", 0.99, 0.96),
        # Sixth author, never tuned on: first contact 86.8 % / 100 %, the same after rounds 2-3.
        # Stop 9: 100 % / 100 %.
        (DATA_DIR / "blind_conv_g.yaml", 0.97, 1.0),
        # Seventh author: first contact 85.4 % / 72.7 %; 93.8 % / 100 % at stop 9.
        (DATA_DIR / "blind_conv_h.yaml", 0.92, 0.97),
        # Eighth author: first contact 91.1 % / 87.5 %; 100 % / 100 % after stop 9's later fixes.
        (DATA_DIR / "blind_conv_i.yaml", 0.97, 0.97),
        # Ninth author: first contact 100 % / 50 %; 75 % rejection after two near-miss details
        # (the other two ask what is current, which the issue answers with the Stand).
        (DATA_DIR / "blind_conv_j.yaml", 0.97, 0.74),
        # Tenth author: first contact 93.6 % / 61.5 %; 93.6 % / 92.3 % after near-miss details.
        # Stop 10: 100 % / 100 % ("noch Plätze frei?" about the cancelled Lernwerkstatt).
        (DATA_DIR / "blind_conv_k.yaml", 0.99, 0.99),
        # Eleventh author: first contact 83.0 % / 76.9 %; 87.2 % / 84.6 % at the end of stop 9.
        # Stop 10: 91.5 % / 92.3 % (the workshops' content, forms as a detail not stated).
        (DATA_DIR / "blind_conv_l.yaml", 0.91, 0.92),
        # Stop 10, twelfth to seventeenth authors: first contact 86.4 % / 70 %, 88.6 % / 81.8 %,
        # 90.9 % / 100 %, 81.8 % / 72.7 %, 84.1 % / 90.9 %, 93.2 % / 75 %; after this stop's
        # follow-up rules (details read for the topic, "Modul I" as a topic, "und danach?").
        (DATA_DIR / "blind_conv_m.yaml", 0.93, 0.99),
        (DATA_DIR / "blind_conv_n.yaml", 0.99, 0.99),
        (DATA_DIR / "blind_conv_o.yaml", 0.97, 0.99),
        (DATA_DIR / "blind_conv_p.yaml", 0.93, 0.90),
        (DATA_DIR / "blind_conv_q.yaml", 0.88, 0.99),
        (DATA_DIR / "blind_conv_r.yaml", 0.93, 0.99),
        # Eighteenth and nineteenth authors: first contact 97.7 % / 90.9 % and 91.1 % / 100 %.
        (DATA_DIR / "blind_conv_s.yaml", 0.97, 0.90),
        (DATA_DIR / "blind_conv_t.yaml", 0.93, 0.99),
        # Stop 11, twentieth and twenty-first authors: first contact 90.5 % / 72.7 % and
        # 87.5 % / 61.5 % (75bffe5); 97.6 % / 81.8 % and 95 % / 84.6 % after the stated topic,
        # count_asks and the new details ("wer zahlt das?" stays the costs' answer: another
        # author asks it of the costs).
        (DATA_DIR / "blind_conv_u.yaml", 0.97, 0.81),
        (DATA_DIR / "blind_conv_v.yaml", 0.94, 0.84),
        # Twenty-second and twenty-third authors: first contact 91.1 % / 75 % (deed8e9) and
        # 71.4 % / 100 % (5420394: English words, a run-on after a comma); 95.6 % / 87.5 % and
        # 88.1 % / 100 % here.
        (DATA_DIR / "blind_conv_w.yaml", 0.95, 0.87),
        (DATA_DIR / "blind_conv_x.yaml", 0.88, 0.99),
        # Twenty-fourth and twenty-fifth authors: first contact 84.4 % / 100 % and
        # 81.8 % / 80 % (ac16f31); 86.7 % / 100 % and 81.8 % / 100 % then (stop 12: 86.4 %).
        (DATA_DIR / "blind_conv_y.yaml", 0.86, 0.99),
        (DATA_DIR / "blind_conv_z.yaml", 0.86, 0.99),
        # Stop 12: twenty-sixth and twenty-seventh authors, first contact 95.2 % / 100 % and
        # 90.9 % / 100 % (344e915); 97.6 % and 100 % after "Ihr Haus", relative clauses, groups
        # of people ("mit 3 Frauen"), "auf der dänischen Seite". Twenty-eighth and twenty-ninth:
        # 88.6 % / 100 % and 93.2 % / 60 % (64ada64); 95.5 % / 100 % and 95.5 % / 90 % after
        # languages, the video software and the course's last date as near misses, "des
        # Zeitrahmens", and the topic a later year's question names.
        (DATA_DIR / "blind_conv_aa.yaml", 0.97, 0.99),
        (DATA_DIR / "blind_conv_ab.yaml", 0.99, 0.99),
        (DATA_DIR / "blind_conv_ac.yaml", 0.95, 0.99),
        (DATA_DIR / "blind_conv_ad.yaml", 0.95, 0.89),
        # Thirtieth and thirty-first authors, not tuned for: 93.0 % / 100 % and 97.5 % / 80 %
        # (f6ac906).
        (DATA_DIR / "blind_conv_ae.yaml", 0.93, 0.99),
        (DATA_DIR / "blind_conv_af.yaml", 0.97, 0.79),
        # Stop 13: thirty-second and thirty-third authors, first contact 92.9 % / 88.9 % and
        # 75.0 % / 90.9 % (3989b90); 95.2 % and 90.9 % after suggestions of the named topic
        # set the topic and "Abschließend eine themenfremde Frage"; rejection 100 % each after
        # the details who comes, an example municipality, dates back to back.
        (DATA_DIR / "blind_conv_ag.yaml", 0.95, 0.99),
        (DATA_DIR / "blind_conv_ah.yaml", 0.90, 0.99),
        # Thirty-fourth and thirty-fifth authors: first contact 90.5 % / 83.3 % and 90.7 % /
        # 60 % (53ef313); 90.5 % / 100 % and 93.0 % / 80 % after the team's size, "feste
        # Leute", a restating yes/no question, who comes, dates back to back.
        (DATA_DIR / "blind_conv_ai.yaml", 0.90, 0.99),
        (DATA_DIR / "blind_conv_aj.yaml", 0.92, 0.79),
        # Thirty-sixth and thirty-seventh authors, not tuned for: 90.7 % / 100 % and 90.9 % /
        # 88.9 % (023bc2b); conv_al 100 % rejection after the later near-miss details.
        (DATA_DIR / "blind_conv_ak.yaml", 0.90, 0.99),
        (DATA_DIR / "blind_conv_al.yaml", 0.90, 0.99),
        # Thirty-eighth and thirty-ninth authors, not tuned for: 90.5 % / 100 % and 90.5 % /
        # 88.9 % (148dfd8).
        (DATA_DIR / "blind_conv_am.yaml", 0.90, 0.99),
        (DATA_DIR / "blind_conv_an.yaml", 0.90, 0.88),
        # Fortieth and forty-first authors, not tuned for: 86.4 % / 90 % and 87.2 % / 100 %
        # (f19e1b3).
        (DATA_DIR / "blind_conv_ao.yaml", 0.90, 0.99),
        (DATA_DIR / "blind_conv_ap.yaml", 0.87, 0.99),
        # Forty-second to forty-fifth authors (stop 14): first contact 89.1 % / 100 %, 95.1 % /
        # 100 % (5c4ea7b), 93.3 % / 66.7 %, 82.2 % / 88.9 % (72140e0).
        (DATA_DIR / "blind_conv_aq.yaml", 0.97, 0.99),
        (DATA_DIR / "blind_conv_ar.yaml", 0.95, 0.99),
        (DATA_DIR / "blind_conv_as.yaml", 0.95, 0.74),
        (DATA_DIR / "blind_conv_at.yaml", 0.86, 0.99),
        # Forty-sixth and forty-seventh authors: first contact 88.4 % / 77.8 % and 88.9 % /
        # 81.8 % (6ef4ca4); 95.3 % and 93.3 % after "Sitzung", "Bezirk", "…büro".
        (DATA_DIR / "blind_conv_au.yaml", 0.95, 0.77),
        (DATA_DIR / "blind_conv_av.yaml", 0.93, 0.81),
        # Stop 15, first round: first contact 89.1 % / 88.9 % and 90.7 % / 90 %; 91.3 % / 100 %
        # and 95.3 % / 100 % after its fixes.
        (DATA_DIR / "blind_conv_aw.yaml", 0.91, 0.99),
        (DATA_DIR / "blind_conv_ax.yaml", 0.95, 0.99),
        # Stop 15, second round: first contact 94.5 % / 91.7 % and 88.9 % / 92.3 %.
        (DATA_DIR / "blind_conv_ay.yaml", 0.94, 0.91),
        (DATA_DIR / "blind_conv_az.yaml", 0.88, 0.92),
        # Stop 15, third round, first contact, not tuned for: 94.2 % / 85.7 % and 88.7 % / 85.7 %.
        (DATA_DIR / "blind_conv_ba.yaml", 0.94, 0.85),
        (DATA_DIR / "blind_conv_bb.yaml", 0.88, 0.85),
        # Stop 15, fourth round: first contact 93 % / 100 % and 87.3 % / 100 %; fifth round,
        # not tuned for: 94 % / 100 % and 98.1 % / 75 %.
        (DATA_DIR / "blind_conv_bc.yaml", 0.92, 0.99),
        (DATA_DIR / "blind_conv_bd.yaml", 0.87, 0.99),
        (DATA_DIR / "blind_conv_be.yaml", 0.93, 0.99),
        (DATA_DIR / "blind_conv_bf.yaml", 0.98, 0.74),
        # Sixth round, first contact at 65eead8, not tuned for: 90.6 % / 92.3 % and 90 % / 92.3 %.
        (DATA_DIR / "blind_conv_bg.yaml", 0.90, 0.92),
        (DATA_DIR / "blind_conv_bh.yaml", 0.89, 0.92),
    ],
    ids=[
        "dev_conversations", "blind_conv_b", "blind_conv_c", "blind_conv_d", "blind_conv_e",
        "blind_conv_f", "blind_conv_g", "blind_conv_h", "blind_conv_i",
        "blind_conv_j", "blind_conv_k", "blind_conv_l", "blind_conv_m", "blind_conv_n",
        "blind_conv_o", "blind_conv_p", "blind_conv_q", "blind_conv_r", "blind_conv_s",
        "blind_conv_t", "blind_conv_u", "blind_conv_v", "blind_conv_w", "blind_conv_x",
        "blind_conv_y", "blind_conv_z", "blind_conv_aa", "blind_conv_ab", "blind_conv_ac",
        "blind_conv_ad", "blind_conv_ae", "blind_conv_af", "blind_conv_ag", "blind_conv_ah",
        "blind_conv_ai", "blind_conv_aj", "blind_conv_ak", "blind_conv_al", "blind_conv_am",
        "blind_conv_an", "blind_conv_ao", "blind_conv_ap", "blind_conv_aq", "blind_conv_ar",
        "blind_conv_as", "blind_conv_at", "blind_conv_au", "blind_conv_av", "blind_conv_aw",
        "blind_conv_ax", "blind_conv_ay", "blind_conv_az", "blind_conv_ba", "blind_conv_bb",
        "blind_conv_bc", "blind_conv_bd", "blind_conv_be", "blind_conv_bf", "blind_conv_bg",
        "blind_conv_bh",
    ],
)
def test_conversation_accuracy_does_not_regress(
    kb: KnowledgeBase, matcher: Matcher, path: Path, min_accuracy: float, min_rejection: float
) -> None:
    """Follow-ups are answered in the light of the conversation (`ask --conversations`: each
    conversation a fresh context), above floors just below today's."""
    require(path)
    facts = _load_facts()
    answerer = Answerer(kb, matcher, load_texts(), today=lambda: TODAY)
    correct = in_scope = rejected = out_of_scope = 0
    for number, conversation in enumerate(yaml.safe_load(path.read_text(encoding="utf-8"))):
        answerer.forget_conversation(number)
        for turn in conversation["turns"]:
            ok = _reply_ok(answerer.answer_from(number, turn["q"])[0], turn["expect"], facts)
            if turn["expect"] is None:
                out_of_scope += 1
                rejected += ok
            else:
                in_scope += 1
                correct += ok
    assert correct / in_scope >= min_accuracy
    assert rejected / max(out_of_scope, 1) >= min_rejection


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        # "trägt … vor" submits a request: the verb's form is no "Träger"
        ("Nun, wie trägt man denn überhaupt sein Anliegen vor?", "anfrage"),
        # "hält … bereit" offers
        ("Was hält das Kompetenzzentrum für Gemeinden bereit?", "angebot"),
        # "da dran kommen" is getting it
        ("wie kommt man da dran?", "anfrage"),
        # "fürn" is "für ein": no unknown word beside the provider's question
        ("was fürn verband steckt dahinter?", "traeger"),
        # a compound naming a municipality ("Partner-gemeinde") says where, not what about
        ("Gilt das auch für unsere Partnergemeinde in Kolding, Dänemark?", "zielgruppe"),
        # "aufm Land" asks whether the offer reaches the countryside
        ("gibts das nur in kiel und lübeck oder auch bei uns aufm land?", "zielgruppe"),
        # "mit wie vielen Tagen" counts days: no committee meeting ("tagen")
        ("Mit wie vielen Tagen müssen wir für die Workshop-Reihe rechnen?", "m3_dauer"),
        # an association's name ("Kreisjugend-ring") says who asks
        ("Kreisjugendring hier – können wir mit mehreren Hauptamtlichen aus unserem Team an "
         "der Lernwerkstatt teilnehmen?", "m1_teilnahme"),
        # "Profis" are paid staff
        ("Ist die Lernwerkstatt eher für Ehrenamtliche oder für Profis?", "m1_teilnahme"),
    ],
)
def test_separable_verbs_contractions_and_names_of_who_asks(
    matcher: Matcher, question: str, entry: str
) -> None:
    """Separable verbs ("trägt … vor", "hält … bereit", "kommt … dran"), chat contractions
    ("fürn", "aufm"), compounds that name a municipality or an association, "mit wie vielen
    Tagen" and "Profis" are read as meant, and the question is answered."""
    result = matcher.match(question)
    assert (result.band, top(result)) == ("answer", entry), result.reason


@pytest.mark.parametrize(
    "question",
    [
        "gibt's für die zwei Tage der Lernwerkstatt auch Übernachtungsmöglichkeiten?",
        "Wie heißt denn der Berater, der zu uns kommt?",
        "Wie viele Stunden dauert eine einzelne Einheit im Zertifikatskurs?",
    ],
)
def test_lodging_the_advisers_name_and_a_units_length_are_near_misses(
    matcher: Matcher, question: str
) -> None:
    """Lodging, the adviser's name and the length of one unit of the course are details the
    offer does not state: a near miss, not the related answer."""
    result = matcher.match(question)
    assert result.band == "fallback" and result.near_miss, result.reason


def test_a_close_candidate_of_the_named_module_wins(matcher: Matcher) -> None:
    """"Wer sollte an der Lernwerkstatt teilnehmen?" names the Lernwerkstatt: its participants
    win over the workshops' "who takes part", which scored a little higher. A head word of a
    single entry ("einzelne" of the individual support) names no module and decides nothing."""
    result = matcher.match("Wer sollte an der Lernwerkstatt teilnehmen?")
    assert (result.band, top(result)) == ("answer", "m1_teilnahme"), result.reason
    result = matcher.match("Richtet sich das an Gemeinden oder eher an einzelne Ehrenamtliche?")
    assert not (result.band == "answer" and top(result) == "m1_alternative"), result.reason
