"""Place names are read as places: never a missing key word, never out-of-scope evidence."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.config import BUNDLED_KNOWLEDGE
from bot.matching import Matcher
from bot.matching.clauses import split_clauses
from bot.matching.places import PlaceFinder


def test_gazetteer_and_patterns_find_places() -> None:
    """Listed names (any hyphenation), names after "Amt"/"Kreis" and "in <Name>" are removed."""
    finder = PlaceFinder(["Schlei-Ostsee", "Bad Segeberg"], ["Hamburg"])
    assert finder.scan("Wir im Amt Schlei Ostsee fragen").text == "wir im amt fragen"
    assert finder.scan("in Bad Segeberg?").in_state
    scan = finder.scan("Gilt das in Hamburg?")
    assert scan.elsewhere and scan.text == "gilt das"
    assert finder.scan("Wir sind aus Schrevenborn").text == "wir sind"
    assert finder.scan("Amt Hüttener Berge").text == "amt"
    assert PlaceFinder(["Husum"], []).scan("Workshops im Raum Husum?").text == "workshops"
    state = PlaceFinder(["Schleswig"], [], is_known=lambda token: token == "schleswigholstein")
    assert not state.scan("Gilt das in Schleswig-Holstein?").found
    assert not state.scan("Gilt das in Schleswig Holstein?").found
    assert state.scan("Wir sind die Stadt Schleswig").text == "wir sind die stadt"


def test_von_after_an_office_names_the_place() -> None:
    """"Bürgermeister von Oldersbek": after an office of a place "von" names it; elsewhere
    "von" names no place ("von Vorteil")."""
    finder = PlaceFinder([], [])
    scan = finder.scan("Ich bin Bürgermeister von Oldersbek, 500 Leute")
    assert scan.in_state and "oldersbek" not in scan.text.lower()
    assert not finder.scan("Das ist von Vorteil").found


def test_known_words_after_a_preposition_are_no_places() -> None:
    """"in Präsenz" keeps its word when the bot knows it; "im Tierschutz" is no place."""
    finder = PlaceFinder([], [], is_known=lambda token: token == "praesenz")
    assert not finder.scan("Geht das in Präsenz?").found
    assert not finder.scan("Ich suche ein Ehrenamt im Tierschutz").found


@pytest.mark.parametrize(
    "question",
    [
        "Gilt das auch für uns in Schrevenborn?",
        "Gilt das auch für Pellworm?",
        "Gilt das Angebot auch in Hamburg?",
    ],
)
def test_a_place_alone_gets_the_region_answer(matcher: Matcher, question: str) -> None:
    """A question about a place in or outside Schleswig-Holstein is answered with the region."""
    result = matcher.match(question)
    assert result.band == "answer" and result.candidates[0].entry_id == "zielgruppe"


@pytest.mark.parametrize(
    "question",
    [
        "Gilt euer Angebot auch bei uns auf Fehmarn?",
        "Wir sind nur eine Handvoll Leute auf der Hallig. Gilt das Angebot auch bei uns draußen?",
        "Könnte das auch unser Partnerbezirk in Hamburg nutzen?",
    ],
)
def test_whether_the_offer_is_valid_at_a_place_gets_the_region_answer(
    matcher: Matcher, question: str
) -> None:
    """"Gilt euer Angebot auch bei uns …?" with a place asks whether the offer reaches it: the
    offer's own name and "bei uns" are no other topic (no "vor Ort" answer), the scene before
    does not change it, and a district ("Partnerbezirk") says who asks, no foreign topic."""
    result = matcher.match(question)
    assert result.band == "answer" and result.candidates[0].entry_id == "zielgruppe"


def test_validity_with_a_topic_keeps_the_topic(matcher: Matcher) -> None:
    """A verb of validity with a topic of its own asks about that topic, place or not."""
    result = matcher.match("Gilt die Beratung für Kommunen auch bei uns auf Föhr per Video?")
    assert result.candidates[0].entry_id != "zielgruppe"


def test_a_town_name_does_not_push_a_question_into_the_fallback(matcher: Matcher) -> None:
    """The town's name next to a real question neither blocks nor changes the answer."""
    plain = matcher.match("Was kostet die Beratung?")
    with_town = matcher.match("Wir sind aus Eckernförde. Was kostet die Beratung?")
    assert with_town.band == plain.band == "answer"
    assert with_town.candidates[0].entry_id == plain.candidates[0].entry_id == "kosten"


def _check_broken(tmp_path: Path, file_name: str, edit: Callable[[str], str]) -> str:
    """`check` of a copy of the knowledge base with ``file_name`` edited: its German errors
    (the exit code must be 1)."""
    import io
    import shutil

    from bot.cli.check import run_check

    knowledge = tmp_path / "knowledge"
    shutil.copytree(BUNDLED_KNOWLEDGE, knowledge)
    path = knowledge / file_name
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    config = tmp_path / "c.yaml"
    config.write_text(f"knowledge: {{path: '{knowledge}'}}\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert run_check(config, out, err) == 1
    return err.getvalue()


def test_check_counts_foreign_topics_and_places(tmp_path: Path) -> None:
    """`python -m bot check` shows how many foreign topics, details and places it loaded, and
    names the file and word of a broken entry."""
    import io

    from bot.cli.check import run_check

    out, err = io.StringIO(), io.StringIO()
    assert run_check(None, out, err) == 0, err.getvalue()
    assert "places: " in out.getvalue() and " in Schleswig-Holstein" in out.getvalue()

    errors = _check_broken(
        tmp_path, "places.yaml", lambda _: "places:\n  elsewhere: [Kiel, Kiel]\n"
    )
    assert "places.yaml: places.elsewhere 'Kiel': doppelt eingetragen" in errors


def test_groups_are_counted_by_check_and_must_be_single_words(tmp_path: Path) -> None:
    """`check` counts the groups the offer is not for; a group of two words is an error naming
    the file and the entry."""
    import io

    from bot.cli.check import run_check

    out, err = io.StringIO(), io.StringIO()
    assert run_check(None, out, err) == 0, err.getvalue()
    assert "groups the offer is not for" in out.getvalue()
    errors = _check_broken(
        tmp_path,
        "foreign.yaml",
        lambda text: text.replace("groups: [schule,", "groups: [offene schule,"),
    )
    assert "foreign.yaml: foreign.groups 'offene schule': nur ein Wort" in errors

def test_after_a_unit_word_an_unknown_name_is_a_place_in_any_case() -> None:
    """"auf der halbinsel holnis": after "Halbinsel", "Amt", "Insel" an unknown word is a name
    however it is written; after a preposition only a capitalised one is."""
    finder = PlaceFinder([], [])
    scan = finder.scan("gilt das auch auf der halbinsel holnis?")
    assert scan.in_state and "holnis" not in scan.text and "halbinsel" not in scan.text
    assert finder.scan("wir im amt kleinkleckersdorf fragen").text == "wir im amt fragen"
    assert not finder.scan("gilt das auch in zukunft?").found


def test_a_compound_of_known_words_with_a_place_ending_is_a_place(matcher: Matcher) -> None:
    """"in Kasseedorf" reads as Kasse + Dorf to the matcher, but with the ending of a place
    name after "in" it is the place: the question asks how to request a consultation, not
    what it costs."""
    result = matcher.match("Wie kommen wir in Kasseedorf an so eine Beratung ran?")
    assert result.candidates[0].entry_id == "anfrage"


def test_a_place_in_the_signature_asks_nothing_about_the_region(matcher: Matcher) -> None:
    """"Findet die überhaupt statt? Gemeinde Mustin": the signature says where the writer sits;
    the question is no question whether the offer reaches that place."""
    result = matcher.match("Findet die überhaupt statt? Gemeinde Mustin")
    assert not result.candidates or result.candidates[0].entry_id != "zielgruppe"


def test_after_an_administration_an_unknown_name_is_a_place() -> None:
    """"aus unserer Gemeindeverwaltung Wewelsfleth": after the administration of a place its
    name follows."""
    scan = PlaceFinder([], []).scan("aus unserer Gemeindeverwaltung Wewelsfleth kommen")
    assert scan.in_state and "wewelsfleth" not in scan.text


def test_an_unknown_name_with_a_place_ending_is_a_place_wherever_it_stands() -> None:
    """"Vorsitzende des Landfrauenvereins Drelsdorf": a capitalised unknown word ending like a
    place name (-dorf, -stedt, -büttel …) is a place, though no preposition stands before it;
    a lower-case one is not."""
    finder = PlaceFinder([], [])
    scan = finder.scan("Ich bin Vorsitzende des Vereins Drelsdorf")
    assert scan.in_state and "drelsdorf" not in scan.text
    assert not finder.scan("unser nachbardorf macht mit").found


def test_a_two_word_name_with_a_prefix_and_a_river_after_it_is_one_place() -> None:
    """"in Groß Rönnau", "aus Sankt Margarethen an der Elbe": the prefix and the river belong
    to the name; "in groß und klein" names no place."""
    finder = PlaceFinder([], [], is_known=lambda token: token in {"gross", "klein", "und"})
    scan = finder.scan("Wir in Groß Rönnau arbeiten gern")
    assert scan.in_state and scan.text == "wir arbeiten gern"
    scan = finder.scan("Gilt das für uns in Sankt Margarethen an der Elbe?")
    assert scan.in_state and scan.text == "gilt das fuer uns"
    assert not finder.scan("Das gilt in groß und klein").found


def test_a_question_from_a_two_word_place_is_answered(matcher: Matcher) -> None:
    """A place name of two words ("Klein Offenseth") is neither a missing key word nor an
    unknown topic: the question is answered."""
    result = matcher.match(
        "Gilt euer Angebot auch für uns in Klein Offenseth an der Krückau oder nur für "
        "bestimmte Kreise?"
    )
    assert result.band == "answer" and result.candidates[0].entry_id == "zielgruppe"


def test_a_name_ending_in_bek_and_a_river_are_places(matcher: Matcher) -> None:
    """"Kuhlenbek an der Elbe" (the ending "-bek", the river of the gazetteer) is where the
    writer sits: "Gilt euer Angebot auch bei uns?" asks whether the offer reaches it."""
    finder = PlaceFinder([], [])
    assert finder.scan("Wir sind aus der Gemeinde Kleinebek").in_state
    result = matcher.match(
        "Wir sind ein kleines Dorf im Süden, Kuhlenbek an der Elbe. Gilt euer Angebot auch bei uns?"
    )
    assert result.band == "answer" and result.candidates[0].entry_id == "zielgruppe"


def test_an_office_before_a_name_and_a_lower_case_name_with_a_place_ending_are_places() -> None:
    """"Dorfvorsteherin Kankelau." names the place after the office; "in fredesdorf" in lower
    case is a place by its ending, "in zukunft" is no place."""
    finder = PlaceFinder([], [])
    scan = finder.scan("Dorfvorsteherin Kankelau. Was ist das?")
    assert scan.in_state and "kankelau" not in scan.text
    scan = finder.scan("ich koordiniere die hilfe in fredesdorf")
    assert scan.in_state and "fredesdorf" not in scan.text
    assert not finder.scan("gilt das auch in zukunft?").found


def test_a_district_after_its_abbreviated_prefix_is_one_place() -> None:
    """"Kiel-St. Jakobi Süd": "St." ends no sentence, and the district's name goes on after the
    prefix, so no word of it is left to read as a topic."""
    assert len(split_clauses("Grüße aus Kiel-St. Jakobi Süd. Gibt es Beratung?")) == 2
    finder = PlaceFinder(["Kiel"], [])
    for text in ("aus Kiel-St. Jakobi Süd wir fragen", "Kiel-St. Jakobi Süd wir fragen"):
        scan = finder.scan(text)
        assert scan.in_state and scan.text == "wir fragen", text


def test_a_prefix_before_a_name_listed_elsewhere_makes_another_place() -> None:
    """"Neu Duvenstedt" (Schleswig-Holstein) is not Duvenstedt (Hamburg): after a capitalised
    prefix a name listed outside the state is part of an unlisted name, with or without a
    preposition before it; Duvenstedt alone stays outside."""
    finder = PlaceFinder([], ["Duvenstedt"])
    for text in ("Wir sind aus Neu Duvenstedt.", "Neu Duvenstedt hier, was kostet das?"):
        scan = finder.scan(text)
        assert scan.in_state and not scan.elsewhere, text
        assert "neu" not in scan.text.split() and "duvenstedt" not in scan.text.split()
    assert finder.scan("Gilt das auch für Duvenstedt?").elsewhere
