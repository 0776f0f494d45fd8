"""Long officialese: a scene-setting preamble, names of a municipality's bodies and roles, the
fillers of administrative letters. None of them names the topic; none may drown the question."""

from __future__ import annotations

import pytest

from bot.config import MatchingSettings
from bot.knowledge import KnowledgeBase
from bot.matching import Matcher
from bot.matching.analyzer import Analyzer
from bot.matching.params import ScoringParams


def _top(matcher: Matcher, question: str) -> tuple[str, str | None]:
    result = matcher.match(question)
    return result.band, result.candidates[0].entry_id if result.candidates else None


def test_a_long_preamble_counts_less_than_the_question_in_all(kb: KnowledgeBase) -> None:
    """A statement full of unknown nouns before a short question is capped at a share of the
    question's weight: the question is answered (without the cap it was only "Meinten Sie")."""
    question = (
        "Unsere Dorfentwicklung mit Leitbildprozess, Bürgerhaussanierung, Klimaschutzkonzept "
        "und Mobilitätskonzept läuft seit Jahren. Für wen ist die Lernwerkstatt?"
    )
    assert _top(Matcher(kb, MatchingSettings()), question) == ("answer", "m1_teilnahme")
    uncapped = Matcher(kb, MatchingSettings(), ScoringParams(scene_cap=1e9))
    assert _top(uncapped, question)[0] != "answer"


def test_a_foreign_topic_before_the_question_still_counts(matcher: Matcher) -> None:
    """The cap does not make a foreign topic set out before the question harmless."""
    question = (
        "Wir planen mit Heimatverein, Kirchengemeinde und Landfrauen ein großes Dorffest. "
        "Wer kann uns dabei beraten?"
    )
    assert matcher.match(question).band == "fallback"


def test_names_of_bodies_and_roles_say_who_asks(matcher: Matcher) -> None:
    """An unknown compound ending in a body or role of the administration (…beirat,
    …beauftragte, …amt, …ausschuss) weighs little; with a known first part it stands for that
    part; a foreign word and an unknown compound of another kind keep their weight."""
    units = {u.term: u for u in matcher.units(
        "Seniorenbeirat Gleichstellungsbeauftragte Hauptausschuss Ehrenamtsbeauftragte "
        "Rentenberatung Bauamt"
    )}
    unknown_noun = units["rentenberatung"].weight
    for role in ("seniorenbeirat", "gleichstellungsbeauftragt", "hauptausschuss"):
        assert not units[role].known and units[role].weight < unknown_noun / 2
    assert units["ehrenamtsbeauftragt"].terms() == ("engagement",)
    assert units["bauamt"].foreign


def test_a_session_stands_for_what_it_is_a_session_of(matcher: Matcher) -> None:
    """"Beratungssitzung" is a consultation ("…sitzung" is the meeting of a body or a
    service): asked how long one takes, the consultation's length is answered, not the
    fallback an unknown noun would give."""
    assert matcher.units("Beratungssitzung")[0].terms() == ("beratung",)
    result = matcher.match("Wie lange geht bei Ihnen eine Beratungssitzung?")
    assert (result.band, result.candidates[0].entry_id) == ("answer", "m2_dauer")


def test_a_question_naming_colleagues_by_their_office_is_answered(matcher: Matcher) -> None:
    """Who comes along ("unsere Gleichstellungsbeauftragte mit dem Seniorenbeirat") is no
    foreign topic: the question about taking part is answered."""
    question = (
        "Kann unsere Gleichstellungsbeauftragte zusammen mit dem Seniorenbeirat an der "
        "Lernwerkstatt teilnehmen?"
    )
    assert _top(matcher, question) == ("answer", "m1_teilnahme")


def test_officialese_fillers_carry_no_topic(kb: KnowledgeBase) -> None:
    """Words of the register ("seitens", "diesbezüglich", "beabsichtigen", "eine kurze
    Darstellung") are dropped like everyday words; "zusammen mit" is no dialogue."""
    analyzer = Analyzer(kb.synonyms)
    assert analyzer.terms(
        "seitens diesbezüglich beabsichtigen wir eine kurze Darstellung zeitnah entsprechend"
    ) == []
    assert "dialog" not in analyzer.terms("zusammen mit der Kollegin")
    assert "dialog" in analyzer.terms("bringt ihr uns zusammen")


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("nicht zustande gekommen", ["absag"]),  # did not take place: cancelled
        ("Ausgaben", ["kost"]),  # expenses are costs (not "Aufgaben" with a typo)
        ("zu uns holen", ["vorort"]),  # invite the team: on site
        ("Förderung des Ehrenamts", ["engagementfoerderung"]),  # the offer's name, paraphrased
        ("fur uber konnen mochte sowas", []),  # function words typed without umlauts
        ("im Sommer fertig erledigt", []),  # seasons and everyday words
    ],
)
def test_everyday_paraphrases_and_spellings(kb: KnowledgeBase, text: str, terms: list[str]) -> None:
    """Paraphrases of the offer's facts map onto its terms; function words typed without
    umlauts, seasons and everyday words ("fertig", "erledigt") carry no topic."""
    assert Analyzer(kb.synonyms).terms(text) == terms


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("Stimmt es, dass die Lernwerkstatt im Sommer nicht zustande kam?", "m1_abgesagt"),
        ("Welche Ausgaben hat unsere Gemeinde, wenn wir die Beratung nutzen?", "kosten"),
    ],
)
def test_paraphrased_questions_are_answered(matcher: Matcher, question: str, entry: str) -> None:
    """Questions in those paraphrases are answered with the entry they ask about."""
    assert _top(matcher, question) == ("answer", entry)


def test_the_mayor_is_a_role(matcher: Matcher) -> None:
    """"Bürgermeister" says who asks: it weighs like the name of a body, not a foreign noun."""
    (unit,) = matcher.units("Bürgermeister")
    (other,) = matcher.units("Rentenberatung")
    assert unit.weight < other.weight / 2


def test_a_body_named_by_one_word_is_not_read_as_its_parts(matcher: Matcher) -> None:
    """"Landtag" is a body, not "Land" + "Tag" (a day of the two-day Lernwerkstatt)."""
    (unit,) = matcher.units("Landtag")
    assert unit.parts == () and unit.options == ()
    assert unit.weight < matcher.units("Rentenberatung")[0].weight / 2


@pytest.mark.parametrize("office", ["Pastor", "Pfarrerin", "Diakonin"])
def test_a_church_office_is_a_role(matcher: Matcher, office: str) -> None:
    """"Ich bin Pastor …" says who asks: the office weighs like a role, not a foreign noun."""
    (unit,) = matcher.units(office)
    assert unit.weight < matcher.units("Rentenberatung")[0].weight / 2


def test_a_group_of_people_says_whom_it_concerns(matcher: Matcher) -> None:
    """"mehr Jugendliche ins Ehrenamt bringen": the group engagement is for weighs like a role,
    so a question about the consultation stays one; a Kita place stays a foreign topic."""
    (unit,) = matcher.units("Jugendliche")
    assert unit.weight < matcher.units("Rentenberatung")[0].weight / 2
    asked = "Gibt es Beratung für Kommunen, wenn wir mehr Jugendliche ins Ehrenamt bringen wollen?"
    assert matcher.match(asked).band == "answer"
    assert matcher.match("Was kostet die Eltern ein Kitaplatz bei uns?").band == "fallback"


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("Wer steckt hinter der Kommunalen Engagementförderung?", "traeger"),
        ("Für wen ist das Programm Kommunale Engagementförderung gedacht?", "zielgruppe"),
        ("Was ist die Kommunale Engagementförderung?", "angebot"),
        ("Was umfasst das Programm Kommunale Engagementförderung?", "angebot"),
    ],
)
def test_the_offers_name_beside_an_aspect_stands_for_it(
    matcher: Matcher, question: str, entry: str
) -> None:
    """The offer's full name beside who runs it or whom it is for stands for "it": the
    aspect decides. Alone, or asked what it comprises, the name is the topic."""
    result = matcher.match(question)
    assert result.band == "answer" and result.candidates[0].entry_id == entry


@pytest.mark.parametrize(
    ("question", "entry"),
    [("Modul 3 kurz erklärt?", "m3"), ("Ich wüsste gern, was Modul II ist.", "m2")],
)
def test_asking_for_an_explanation_names_no_topic(
    matcher: Matcher, question: str, entry: str
) -> None:
    """"kurz erklärt?", "ich wüsste gern": words of asking carry no topic of their own."""
    result = matcher.match(question)
    assert result.band == "answer" and result.candidates[0].entry_id == entry


@pytest.mark.parametrize(
    "question",
    [
        "Wer führt die Beratung für Kommunen durch?",
        "Welche Organisation steckt hinter den Workshops?",
        "Für die Vorlage brauche ich den Namen des Anbieters. Wer macht die Lernwerkstatt?",
    ],
)
def test_who_runs_a_module_is_who_runs_the_offer(matcher: Matcher, question: str) -> None:
    """One team runs every module: asked who runs one, the module stands for "it" and the
    answer is who runs the offer; "Welche Workshops bietet ihr an?" stays a question about
    the workshops."""
    result = matcher.match(question)
    assert result.band == "answer" and result.candidates[0].entry_id == "traeger"
    assert matcher.match("Welche Workshops bietet ihr noch an?").candidates[0].entry_id != (
        "traeger"
    )


@pytest.mark.parametrize(
    "question",
    [
        "Gibt es ein Coaching für Gemeindeverwaltungen, also nicht nur Fortbildungen zum Hingehen?",
        "Berät ihr auch Gemeinden, ohne dass man gleich eine ganze Fortbildung mitmachen muss?",
    ],
)
def test_what_a_question_sets_apart_weighs_as_context(matcher: Matcher, question: str) -> None:
    """"nicht nur …", "ohne dass …": what is set apart from the question is no topic of it."""
    result = matcher.match(question)
    assert result.band == "answer" and result.candidates[0].entry_id == "m2"


def test_a_count_weighs_less_than_a_year(matcher: Matcher) -> None:
    """"400 Einwohner": a count says little about the topic; "2027" may be what is asked."""
    count = {u.term: u.weight for u in matcher.units("400")}["400"]
    year = {u.term: u.weight for u in matcher.units("2027")}["2027"]
    assert count < year / 2


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("Dürfen zwei von uns zur Lernwerkstatt kommen?", "m1_teilnahme"),
        ("Gilt das Angebot auch für uns ganz oben im Norden?", "zielgruppe"),
        ("Wir sind weit weg von Kiel. Kommt ihr trotzdem?", "zielgruppe"),
        ("Gilt das Angebot auch für eine Grenzgemeinde?", "zielgruppe"),
    ],
)
def test_how_many_of_us_and_how_far_away(matcher: Matcher, question: str, entry: str) -> None:
    """"zwei von uns" asks whether several may come; "weit weg", "ganz oben im Norden", a
    "Grenzgemeinde" ask whether the offer reaches the place (the region answer)."""
    assert _top(matcher, question) == ("answer", entry)


@pytest.mark.parametrize(
    ("question", "band"),
    [
        ("Wie hoch ist der Fernsehturm in Berlin?", "fallback"),
        ("Berät ihr auch Kommunen in Niedersachsen?", "answer"),
    ],
)
def test_a_place_elsewhere_belongs_to_an_unknown_thing(
    matcher: Matcher, question: str, band: str
) -> None:
    """A place outside Schleswig-Holstein asks whether the offer reaches it, unless the question
    is about an unknown thing there (the Fernsehturm): then it is no question about the region."""
    assert matcher.match(question).band == band


def test_aspects_of_a_module_carry_the_modules_name(kb: KnowledgeBase) -> None:
    """Every aspect entry of the consultation and the workshops ("Beratung: Zeitumfang",
    "Workshops: Wer ist dabei?") names its module ("Beratung für Kommunen", "Workshops vor
    Ort") among its keywords, so a question naming the module in full finds the aspect."""
    for module in ("m2", "m3"):
        name = kb.entries[module].title.split(": ", 1)[1]  # "Beratung für Kommunen"
        aspects = [e for e in kb.entries.values()
                   if e.title.split(":")[0] == name.split()[0] and e.id != module]
        assert aspects, name
        for entry in aspects:
            assert name in entry.keywords, (entry.id, name)


@pytest.mark.parametrize(
    "message",
    [
        "Was kostet die Beratung? Viele Grüße aus dem Amt Hürup",
        "Mit freundlichen Grüßen aus dem Amt Hürup. Was kostet die Beratung?",
    ],
)
def test_a_greeting_sentence_adds_nothing_to_the_question(matcher: Matcher, message: str) -> None:
    """A sentence that greets or signs off ("Viele Grüße aus dem Amt …") says who writes: the
    question is read as if it stood alone."""
    alone = matcher.match("Was kostet die Beratung?")
    greeted = matcher.match(message)
    assert [(c.entry_id, c.score) for c in greeted.candidates] == [
        (c.entry_id, c.score) for c in alone.candidates
    ]


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("der interne Personaleinsatz", "video"),  # "intern" is no misspelt "Internet"
        ("mein Stellvertreter hat da was gehört", "gehoert"),  # hearsay, not "gehören"
    ],
)
def test_words_that_resemble_a_topic_are_not_read_as_it(
    matcher: Matcher, text: str, absent: str
) -> None:
    """Everyday words near a topic word ("intern" ~ Internet, "gehört" = heard) are not it."""
    assert absent not in [u.term for u in matcher.units(text)]


def test_deputies_and_boards_are_roles(matcher: Matcher) -> None:
    """"Stellvertreter", "Vorsitzende", "Vorstand" say who asks; they weigh like a role, and
    "pro" (per) is a function word."""
    other = matcher.units("Rentenberatung")[0].weight
    for role in ("Stellvertreter", "Vorsitzende", "Vorstand"):
        (unit,) = matcher.units(role)
        assert unit.weight < other / 2, role
    assert [u.term for u in matcher.units("pro Termin")] == ["termin"]


def test_another_way_of_consulting_asks_for_the_formats(matcher: Matcher) -> None:
    """"… oder geht das auch anders?" about the consultation asks for its formats, not for
    other workshops."""
    result = matcher.match("Muss für die Beratung jemand zu uns kommen, oder geht das auch anders?")
    assert (result.band, result.candidates[0].entry_id) == ("answer", "m2_formate")


def test_formal_letter_words_and_in_detail_name_no_topic(matcher: Matcher) -> None:
    """Letter register ("obliegt es mir zu eruieren", "höflich", "als Mitglied") names no
    topic, and "im Einzelnen" asks for detail, not for an overview of the offer."""
    letter = matcher.units("Als Mitglied obliegt es mir zu eruieren. Ich bitte höflich.")
    assert all(u.weight < 1.1 for u in letter), [(u.term, u.weight) for u in letter]
    assert "ueberblick" not in [
        u.term for u in matcher.units("Welche Themen werden im Einzelnen vermittelt?")
    ]


def test_a_place_in_a_question_whether_the_offer_is_limited_asks_for_the_region(
    matcher: Matcher,
) -> None:
    """"Nur für große Städte wie Kiel oder auch für uns in <Dorf>?" asks whether the offer
    reaches the place; a place named beside any other question stays neutral."""
    result = matcher.match("Ist das nur was für große Städte wie Kiel oder auch für Sülfeld?")
    assert (result.band, result.candidates[0].entry_id) == ("answer", "zielgruppe")
    with_place = matcher.match("Was kostet die Beratung für uns in Sülfeld?")
    without = matcher.match("Was kostet die Beratung für uns?")
    assert [(c.entry_id, c.score) for c in with_place.candidates] == [
        (c.entry_id, c.score) for c in without.candidates
    ]


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("Brauchen wir für die Workshops einen eigenen Haushaltstitel?", "kosten"),
        ("Kann ein Bezirk aus Hamburg das Angebot auch nutzen?", "zielgruppe"),
        ("Beratung auch per Tel. möglich?", "m2_formate"),
    ],
)
def test_budget_lines_reasons_and_districts(matcher: Matcher, question: str, entry: str) -> None:
    """A budget line of one's own asks about the costs, and a "Bezirk" is a municipality (so a
    Hamburg district asks whether the offer reaches it); "Anlass" asks for the reason, "Tel."
    is the telephone."""
    assert _top(matcher, question) == ("answer", entry)
    assert [u.term for u in matcher.units("Anlass")] == ["grund"]


@pytest.mark.parametrize(
    "message",
    [
        "Was kostet die Beratung? Stadt Tornesch, Fachbereich Bürgerdienste",
        "Was kostet die Beratung? Gemeinde Sülfeld",
    ],
)
def test_a_signature_under_the_question_adds_nothing(matcher: Matcher, message: str) -> None:
    """A short last line under the question that asks nothing is a signature: the question
    is read as if it stood alone; a last line opening with "und" still asks ("Und die Dauer.")."""
    alone = matcher.match("Was kostet die Beratung?")
    signed = matcher.match(message)
    assert [(c.entry_id, c.score) for c in signed.candidates] == [
        (c.entry_id, c.score) for c in alone.candidates
    ]
    goes_on = matcher.match("Was kostet die Beratung? Und die Dauer.")
    assert [c.entry_id for c in goes_on.candidates] != [c.entry_id for c in alone.candidates]


def test_kinds_of_things_are_the_things(matcher: Matcher) -> None:
    """"Bei welchen Arten von Fragen …" asks "bei welchen Fragen …": "Arten von" frames."""
    kinds = [u.term for u in matcher.units("Bei welchen Arten von Fragen unterstützt ihr?")]
    assert kinds == [u.term for u in matcher.units("Bei welchen Fragen unterstützt ihr?")]


def test_an_indirect_question_without_a_mark_still_asks(matcher: Matcher) -> None:
    """"Ich wüsste gern, ob … – das würde dem Ausschuss die Zustimmung erleichtern.": the
    "ob" sentence asks, so the statement after the dash only sets the scene and its
    "Zustimmung" is no detail the question asks for."""
    result = matcher.match(
        "Ich wüsste gern, ob das Programm zu einer Strategie des Landes gehört – das würde "
        "unserem Ausschuss die Zustimmung erleichtern."
    )
    assert (result.band, result.candidates[0].entry_id) == ("answer", "traeger")


def test_chat_abbreviations_name_no_topic(matcher: Matcher) -> None:
    """"u.", "bzgl.", "ggf.", "vllt", "iwie" are function words written short."""
    assert [u.term for u in matcher.units("u. bzgl. ggf. vllt iwie würd")] == []


def test_a_concept_of_the_synonym_table_is_not_read_as_its_parts(matcher: Matcher) -> None:
    """The Land's "Engagementstrategie" (a canonical word of the synonym table) is one concept,
    not "Engagement" + "Strategie"; an ordinary compound ("Teilnahmegebühr") keeps its parts,
    so the strategy question goes to the entry that names the strategy."""
    (strategy,) = matcher.units("Engagementstrategie")
    assert strategy.parts == ()
    (fee,) = matcher.units("Teilnahmegebühr")
    assert fee.parts
    result = matcher.match("In welche Landesstrategie ist die Engagementförderung eingebettet?")
    assert (result.band, result.candidates[0].entry_id) == ("answer", "traeger")


def test_mail_subject_lines_and_question_numbers_name_no_topic(matcher: Matcher) -> None:
    """"Betreff: Rückfrage 3 – …" frames the question: the subject words and the number of the
    writer's question are no topic (no Modul III), and "Personengruppen" asks who it is for."""
    assert [u.term for u in matcher.units("Betreff: Rückfrage 3")] == []
    assert [u.term for u in matcher.units("Frage 2")] == []
    assert [u.term for u in matcher.units("Personengruppen")] == ["zielgrupp"]


def test_a_formal_request_in_the_third_person_frames_the_question(matcher: Matcher) -> None:
    """"Die Unterzeichnende bittet um Auskunft …": the signer is a role (weighs little) and the
    request frames the question."""
    (signer,) = matcher.units("Unterzeichnende")
    assert signer.weight < matcher.units("Rentenberatung")[0].weight / 2
    assert [u.term for u in matcher.units("bittet um Mitteilung")] == []


def test_who_the_writer_is_is_no_foreign_topic(matcher: Matcher) -> None:
    """"Ich leite eine Kita." says who asks: the question after it is answered. A statement of
    intent with a foreign topic ("Wir wollen ein Dorffest organisieren.") stays its topic."""
    who = matcher.match("Ich arbeite in einer Kita. Ist das Angebot auch für uns?")
    assert who.band == "answer"
    intent = matcher.match("Wir wollen ein Dorffest organisieren. Wer kann uns dabei beraten?")
    assert intent.band == "fallback"
