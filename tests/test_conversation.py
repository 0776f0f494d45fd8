"""Follow-ups, two questions in one message, near misses and noise, below Telegram."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest

from bot.answering import Answerer
from bot.cli.ask import run_ask
from bot.config import BUNDLED_KNOWLEDGE, MatchingSettings
from bot.conversation_context import ConversationContext
from bot.knowledge import load_knowledge
from bot.matching import Matcher
from bot.matching.clauses import Clause, split_clauses
from bot.matching.multi import (
    asked_sentences,
    asks_yes_no_about_it,
    changes_topic,
    refers_back,
    split_questions,
)
from bot.matching.nearmiss import DetailFinder
from bot.texts import load_texts


def ask(lines: str, *, conversations: bool) -> list[dict]:
    out = io.StringIO()
    run_ask(None, io.StringIO(lines), out, explain=False, conversations=conversations)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def reply_to(lines: str) -> dict:
    """The one reply plain ``ask`` gives to a message read on its own."""
    (reply,) = ask(lines, conversations=False)
    return reply


def test_ask_conversations_reads_follow_ups_and_an_empty_line_starts_anew() -> None:
    """In --conversations mode a follow-up keeps the topic; an empty line prints nothing and
    forgets it; plain ``ask`` answers each line on its own."""
    lines = "beratung für kommunen\nwelche themen?\n\nwelche themen?\n"
    replies = ask(lines, conversations=True)
    assert len(replies) == 3
    assert "Unterstützungsstruktur" in replies[1]["text"]
    assert "Unterstützungsstruktur" not in replies[2]["text"]
    plain = ask("beratung für kommunen\nwelche themen?\n", conversations=False)
    assert "Unterstützungsstruktur" not in plain[1]["text"]


def test_what_comes_next_is_read_in_the_topic() -> None:
    """"und danach?" after the workshops' length asks what follows, which that answer tells
    (no Stand note: nothing asks what is current); without a topic it is a fallback."""
    replies = ask(
        "Wie lange dauert der Auftaktworkshop?\nund danach?\n\nund danach?\n",
        conversations=True,
    )
    assert replies[1]["kind"] == "answer" and "Folgeworkshops" in replies[1]["text"]
    assert "Stand" not in replies[1]["text"]
    assert replies[2]["kind"] == "fallback"


@pytest.mark.parametrize(
    ("topic", "follow_up", "kind", "entry"),
    [
        # The workshops say where (at the municipality), the Lernwerkstatt names no venue.
        ("Was sind die Workshops vor Ort?", "wo findet das statt?", "answer", "m3"),
        ("Was ist die Lernwerkstatt?", "wo findet das statt?", "fallback", None),
        # The workshops name no dates: "wann?" is no answer about the certificate course.
        ("Was sind die Workshops vor Ort?", "wann?", "fallback", None),
        ("Was ist der Zertifikatskurs?", "wann?", "answer", "m3_zertifikat"),
        # "wieso?" after the consultation is no question about the Lernwerkstatt's cancellation.
        ("Was ist die Beratung für Kommunen?", "wieso?", "fallback", None),
        ("Was ist die Lernwerkstatt?", "wieso?", "answer", "m1_abgesagt"),
    ],
)
def test_a_follow_up_detail_is_read_for_the_conversations_topic(
    topic: str, follow_up: str, kind: str, entry: str | None
) -> None:
    """A follow-up that names no topic and asks where, when or why is read for the topic of
    the conversation: answered where that topic states it, "Dazu habe ich keine Angabe" with
    the topic as the closest entry where it does not, and never another module's answer."""
    replies = ask(f"{topic}\n{follow_up}\n", conversations=True)
    assert replies[1]["kind"] == kind
    if kind == "fallback" and follow_up != "wieso?":
        assert replies[1]["text"].startswith("Dazu habe ich keine Angabe")
    if entry is not None:
        title = {"m3": "Workshops", "m3_zertifikat": "Zertifikatskurs", "m1_abgesagt": "abgesagt"}
        assert title[entry] in replies[1]["text"]


def test_a_module_named_by_its_number_switches_the_topic() -> None:
    """"Modul I" names the Lernwerkstatt's module as its name does: after the certificate
    course, "wie ist Modul I aufgebaut?" is answered, and the next follow-up stays there."""
    replies = ask(
        "Wie viele Module hat der Zertifikatskurs?\nwie ist Modul I aufgebaut?\n"
        "Dürfen da auch mehrere aus einer Gemeinde hin?\n",
        conversations=True,
    )
    assert replies[1]["kind"] == "answer" and "Lernwerkstatt" in replies[1]["text"]
    assert replies[2]["kind"] == "answer" and "mehrere" in replies[2]["text"].lower()


def test_a_statement_naming_another_topic_does_not_take_over_a_topical_answer() -> None:
    """"Ich berate Vereine … Was ist das für ein Kurs?" is answered with the certificate
    course; "Wann ging der los?" then asks its start, not an unstated date of the
    consultation that "berate" named."""
    replies = ask(
        "Ich berate Sportvereine und würde gern selbst den Zertifikatskurs machen. "
        "Was ist das für ein Kurs?\nWann ging der los?\n",
        conversations=True,
    )
    assert replies[1]["kind"] == "answer" and "2022" in replies[1]["text"]


def test_a_yes_no_question_about_it_takes_the_topic_the_statement_named() -> None:
    """"Ich hatte von der Lernwerkstatt gehört – findet die statt?": "die" is the Lernwerkstatt
    the statement named, so the reply is what became of it (cancelled), in one message; the
    writer's office ("Ich bin Pastor") says who asks."""
    reply = reply_to(
        "Ich bin Pastor in Tarp. Ich hatte von einer Lernwerkstatt zu Engagement-Konzepten "
        "gehört – findet die statt?\n"
    )
    assert reply["kind"] == "answer" and "abgesagt" in reply["text"]


def test_something_else_after_the_cancellation_asks_for_the_alternative() -> None:
    """"Gibt es dann was anderes für uns?" after the cancelled Lernwerkstatt asks what is
    offered instead; "Etwas anderes: …" still only changes the topic."""
    replies = ask(
        "Findet die Lernwerkstatt statt?\nGibt es dann was anderes für uns?\n\n"
        "Etwas anderes: was kostet das?\n",
        conversations=True,
    )
    assert replies[1]["kind"] == "answer" and "Stattdessen" in replies[1]["text"]
    assert replies[2]["kind"] == "answer" and "kostenfrei" in replies[2]["text"]


def test_context_expires_and_is_bounded() -> None:
    """The last topic is kept for the configured minutes only."""
    now = [0.0]
    context = ConversationContext(minutes=10, clock=lambda: now[0])
    context.remember(1, "m2")
    now[0] = 9 * 60
    assert context.topic(1) == "m2"
    now[0] = 20 * 60
    assert context.topic(1) is None
    context.remember(1, "m3")
    context.forget(1)
    assert context.topic(1) is None


@pytest.mark.parametrize(
    ("message", "parts"),
    [
        ("Was kostet der Workshop und wie viele Termine braucht man?", 2),
        ("Wer bietet das an, und in welchem Rahmen?", 2),
        ("Was kostet das? Und wie lange dauert es?", 2),
        ("Sitzen Verwaltung und Vereine am Tisch?", 1),
        ("Wir sind eine kleine Gemeinde. Was kostet das?", 1),
        ("Wer sitzt mit am Tisch – nur die Verwaltung oder auch Vereine?", 1),
        # Yes/no questions that open with another verb, and indirect questions after a comma.
        ("Wer macht das, und fallen Kosten für uns an?", 2),
        ("Was bietet ihr an, und ginge das auch per Video?", 2),
        ("Ich wüsste gern, wie lange das dauert und ob es etwas kostet?", 2),
        ("Ich frage mich, wie Verwaltung und Vereine zusammenarbeiten?", 1),
        # A verb in second place goes on with the question ("… und Vereine gibt es …").
        ("Welche Kommunen und Vereine gibt es im Programm?", 1),
        # A request for information about two things, each after its own preposition.
        ("Ich benötige Angaben zum Träger sowie zu den Kosten.", 2),
        ("Bitte schicken Sie Infos zur Dauer und zu den Formaten.", 2),
        ("Ich brauche Infos zu Verwaltung und Vereinen.", 1),
        # A comparison with "vs." asks its aspect of both things.
        ("Kosten Lernwerkstatt vs. Zertifikatskurs?", 2),
        # A question word after a preposition, and a statement with a tag, ask too.
        ("Bis wann kann man sich melden – und das ist gratis, oder?", 2),
        ("Das ist doch kostenlos, oder?", 1),
        # The other wo- question words open a question too.
        ("Was kostet die Beratung und worüber spricht man da?", 2),
        ("Wie lange dauert das und worauf sollten wir achten?", 2),
        # A sentence that opens with the joiner and a verb asks anew; a list after it does not.
        ("Workshops: Dauer? Und dürfen auch Vereine kommen?", 2),
        ("Was kostet das? Und Verwaltung und Vereine?", 1),
        # A further request after a question asks too; a further statement does not.
        ("Welche Themen hat die Beratung? Außerdem bräuchte ich die Formate.", 2),
        ("Was kostet das? Außerdem sind wir eine kleine Gemeinde.", 1),
        # "bzw." joins two questions, and a verb in the past opens one ("durften", "gab").
        ("Wie melden wir uns an bzw. was kostet das?", 2),
        ("Was stand auf dem Programm, und durften mehrere mitkommen?", 2),
        # Discourse openers before a further question, and "zum einen …, zum anderen …".
        ("Was kostet das? Ach ja, und wie lange dauert es?", 2),
        ("Dürfen wir zu dritt kommen – oder hat sich das erledigt, weil sie abgesagt ist?", 2),
        ("Für wen ist das? Gleichzeitig hätte ich gern die Formate.", 2),
        ("Ich brauche zum einen, wie lange es dauert, zum anderen, ob es etwas kostet.", 2),
        ("Wo ist das? Und bei welchen Fragen hilft das Team – politisch, strategisch?", 2),
        # A subjunctive verb after ", und" asks; "ansonsten" adds a further request.
        ("Was lief in der Lernwerkstatt, und hätten auch zwei von uns kommen können?", 2),
        ("Was kostet das? Ansonsten wäre mir noch die Dauer wichtig.", 2),
        ("Was kostet das? Ansonsten wäre noch gut zu wissen, wie lange es dauert.", 2),
        ("Was kostet das? Ansonsten sind wir ein kleines Amt.", 1),
        # "wissen ob" without its comma, as people dictate it.
        ("Wie melden wir uns an? Unser Chef will wissen ob das auch per Video geht.", 2),
        ("Wie melden wir uns an? Unser Chef will das wissen.", 1),
        # A statement and, after its comma, a yes/no question of its own.
        ("Was kostet das? Wir hätten gern eine Beratung, geht die auch am Telefon?", 2),
        ("Was kostet das? Wir sind klein, ist das für uns gedacht?", 2),
        ("Was kostet das? Wir sind klein, weil wenige Leute hier wohnen?", 1),
        ("Was lernt man dort? Mein Kollege will auch, darf er mit, dann sind wir zwei?", 2),
        # "Ach, und …" opens a further question; "wie" before a pronoun compares.
        ("Was kostet das? Ach, und geht das auch per Video?", 2),
        ("Gibt es ein Format, wo Gemeinde und Vereine wie wir an einen Tisch kommen?", 1),
        # A condition on the answer before ("und falls nicht …") opens a question of its own.
        ("moin läuft die beratung noch und falls nicht was können wir sonst machen", 2),
        ("Wir planen eine Beratung und falls nötig einen Workshop.", 1),
        # Questions of nouns alone, each with its "?", ask one thing each; "auch online?"
        # and "Für Vereine?" go on with the one before.
        ("Anmeldung? Kosten Beratung?", 2),
        ("Gibt es eine Beratung? Auch online?", 1),
        ("Lernwerkstatt? Für Vereine?", 1),
        # "kan" is "kann" as typed in a hurry.
        ("wie lang geht die beratung und kan da auch der bürgermeister mit rein", 2),
        # "bzgl." ends no sentence; "u." joins like "und".
        ("Bzgl. der Beratung wäre zu klären, welche Themen es gibt, und zum anderen, wie "
         "lange sie dauert.", 2),
        ("Was kostet die Beratung u. ob die auch per Video geht?", 2),
        ("Bzgl. der Beratung: wie lange dauert die?", 1),
        # A subjunctive yes/no question after a statement's comma.
        ("Was kostet das? Wir wären gern zu dritt gekommen, wäre das erlaubt gewesen?", 2),
        # After a greeting, "wie viele" asks where it stands; "was" may be "etwas".
        ("moin hier aus dem amt wie lange dauert die beratung und wer kann da mitmachen", 2),
        ("moin ich hab da was gehört und wer kann da mitmachen", 1),
        # A numbered list's items ask one thing each; a yes/no question after a question
        # restates it ("Habt ihr da feste Leute?"); a verb after a dash goes on.
        ("Zwei Punkte: 1. Wer bietet das an? 2. Eignet sich das auch für Städte?", 2),
        ("Wo ist das, und wie – politisch, fachlich – hilft das Team den Kommunen?", 2),
        ("Wie viele Termine hat der Workshop? Bleibt es bei zweien?", 1),
        ("Wer leitet die Workshops? Habt ihr da feste Leute?", 1),
        ("Was kostet die Beratung? Und gehört das Programm zu einer Landesstrategie?", 2),
        # Two aspects of one topic, nouns alone; one aspect and a group is one question.
        ("dauer und kosten workshop?", 2),
        ("Kosten + Dauer der Beratung?", 2),
        ("Verwaltung und Vereine Workshop?", 1),
        # Nouns alone with "vor Ort" between them; "(2) ob …" after "sowie".
        ("Kosten? Länge Workshop vor Ort?", 2),
        ("Ich bitte um Auskunft, (1) wer das anbietet sowie (2) ob es etwas kostet.", 2),
        # "und außerdem wüsste … gern, wann …" after an indirect question.
        ("Wir prüfen, ob wir Mittel einplanen, und außerdem wüsste ich gern, wann der Kurs "
         "begann.", 2),
        # A request for information before a sentence of only "Ferner" or "Außerdem, …".
        ("Ich brauche einen Überblick über die Module. Ferner: Was kostet das?", 2),
        ("Ich brauche einen Überblick über die Module. Außerdem, was kostet das?", 2),
        ("Wir sind ein kleines Amt. Ferner: Was kostet das?", 1),
        # "Und die Kosten?" after a statement asks anew; right after a question it goes on,
        # unless it names an aspect ("Und die Dauer?").
        ("Läuft die Beratung noch? Wir haben wenig Geld. Und die Kosten?", 2),
        ("Was lernt man in der Lernwerkstatt? Und die Dauer?", 2),
        # Numbered items in sequence ask one thing each; dates are no list.
        ("1) Können auch Ämter mitmachen? 2) Länge Beratung?", 2),
        ("a) Wer macht das? b) Was kostet es?", 2),
        ("Wann war die Lernwerkstatt am 15. und 27. Juni?", 1),
        # "seit wann", "woran" open indirect questions.
        ("Ich wüsste gern, seit wann der Kurs läuft. Außerdem würde mich interessieren, ob es "
         "noch andere Workshops gibt.", 2),
        ("Läuft die noch? Jemand meinte, sie sei abgesagt. Falls ja, würde mich interessieren, "
         "woran es lag.", 2),
    ],
)
def test_split_only_where_both_halves_ask(message: str, parts: int) -> None:
    """A message is split at und/sowie/?/; only when both halves carry a question (and a
    comparison or a request about two things asks about each)."""
    assert len(split_questions(message)) == parts


def test_enumerated_questions_are_both_answered(matcher: Matcher) -> None:
    """"Erstens, wie viel Zeit …? Zweitens, welche …?": the enumeration words carry nothing,
    so neither part reads as an unknown topic."""
    assert all(not u.term.startswith(("ersten", "zweiten")) for u in matcher.units(
        "Erstens, wie viel Zeit braucht das? Zweitens, was kostet das?"
    ))
    reply = reply_to(
        "Zu den Workshops: Erstens, wie viel Zeit nehmen die in Anspruch? Zweitens, welche "
        "Fragestellungen werden dort bearbeitet?\n"
    )
    assert "Zeitbedarf" in reply["text"] and "Handlungsbedarf" in reply["text"]


def test_two_parts_answered_by_one_entry_get_that_entry() -> None:
    """A request about two things that one entry answers (who runs the offer and its political
    frame) gets that entry's answer, not a fallback for the whole message."""
    reply = reply_to(
        "Für die Niederschrift der Sitzung des Ausschusses für Soziales, Jugend und Senioren "
        "benötige ich Angaben zum Anbieter des Programms sowie zu dessen landespolitischem "
        "Rahmen.\n"
    )
    assert reply["kind"] == "answer" and "Engagementstrategie" in reply["text"]


def test_separable_verb_is_not_read_as_its_parts(matcher: Matcher) -> None:
    """"findet … statt" is "take place", not "statt" = instead (the alternative offer);
    "nimmt … teil" is "take part"."""
    result = matcher.match("und wo findet das statt?")
    assert result.band == "fallback"
    assert matcher.match("Findet die Lernwerkstatt im Juni statt?").candidates[0].entry_id == (
        "m1_abgesagt"
    )
    # "nimmt … teil" is taking part, not "Teil" = a part (module) of the programme.
    assert "modul" not in [u.term for u in matcher.units("wer nimmt an den Workshops teil")]


def test_particles_mit_aus_ab_join_their_verb_only_at_the_clause_end(matcher: Matcher) -> None:
    """"macht … mit" is taking part (not "wer macht das?" = who runs it), "fällt … aus" and
    "sagt … ab" are the cancellation; "mit dem Amt", "aus Kiel" stay prepositions."""
    units = [u.term for u in matcher.units("Wer macht bei den Workshops eigentlich alles mit?")]
    assert "teilnahm" in units and "anbiet" not in units
    assert "absag" in [u.term for u in matcher.units("Fällt die Lernwerkstatt im Juni aus?")]
    assert "absag" in [u.term for u in matcher.units("Sagt ihr die Lernwerkstatt ab?")]
    assert [u.term for u in matcher.units("Wer macht das mit dem Amt?")] == ["anbiet", "kommun"]
    assert "absag" not in [u.term for u in matcher.units("Fallen Kosten an, wir sind aus Kiel")]


def test_a_topic_change_marker_names_no_topic(matcher: Matcher) -> None:
    """"Andere Frage: wie viel Zeit braucht ein Workshop?" asks the workshops' length, not the
    further ("andere") workshops; "wie stoße ich das an?" asks how to request it."""
    asked = "Andere Frage: wie viel Zeit braucht man für einen Workshop vor Ort?"
    assert matcher.match(asked).candidates[0].entry_id == "m3_dauer"
    assert matcher.match("Und wie stoße ich das an?").candidates[0].entry_id == "anfrage"


def test_how_to_request_a_workshop_is_the_request(matcher: Matcher) -> None:
    """"Ich wüsste gern, wie wir … einen Workshop anfragen können." asks how to request, which
    the request answers (not the further workshops one may request)."""
    result = matcher.match(
        "Ich wüsste gern, wie wir als Gemeinde einen Workshop bei euch anfragen können."
    )
    assert (result.band, result.candidates[0].entry_id) == ("answer", "anfrage")


def test_how_it_goes_when_we_want_one_is_the_request(matcher: Matcher) -> None:
    """"Wie läuft das ab, wenn wir eine Beratung haben wollen?" asks how to get one."""
    result = matcher.match("Wie läuft das ab, wenn wir in Tarp eine Beratung haben wollen?")
    assert (result.band, result.candidates[0].entry_id) == ("answer", "anfrage")


def test_a_final_an_joins_its_verb_but_a_preposition_stays_one(matcher: Matcher) -> None:
    """"Wie fragen wir die Beratung an?" asks how to request it ("anfragen"), "Wie melde ich
    mich an?" how to register; "Fragen an das Team" keeps "an" a preposition."""
    assert matcher.match("Wie fragen wir die Beratung an?").candidates[0].entry_id == "anfrage"
    assert matcher.match("und wie melden wir uns da an?").candidates[0].entry_id == "anfrage"
    # The colloquial short form ("wie frag ich die an?") as well.
    assert matcher.match("und wie frag ich das an?").candidates[0].entry_id == "anfrage"
    # "rankommen": how to get it.
    assert "anfrag" in [u.term for u in matcher.units("Wie kommt unsere Gemeinde da ran?")]
    assert "anfrag" not in [u.term for u in matcher.units("Fragen an das Team im Rathaus")]


def test_carrying_out_is_read_as_its_whole_verb(matcher: Matcher) -> None:
    """"Wer setzt das um?" and "Welche Organisation führt das Programm durch?" ask who runs the
    offer ("umsetzen", "durchführen" next to their question word), not "fährt" (a typo's
    reading of "führt") nor the practice of engagement; "um 10 Uhr" and "durch das Land" stay
    prepositions."""
    assert matcher.match("wer setzt das um?").candidates[0].entry_id == "traeger"
    asked = "Welche Organisation führt dieses Fortbildungsprogramm für Kommunen durch?"
    assert matcher.match(asked).candidates[0].entry_id == "traeger"
    units = [u.term for u in matcher.units("Wer führt das durch?")]
    assert units == ["anbiet"]
    assert "umsetz" not in [u.term for u in matcher.units("Setzt ihr um 10 Uhr den Termin?")]
    assert "anbiet" not in [u.term for u in matcher.units("Wie setzen wir das um?")]


@pytest.mark.parametrize("noise", ["3", "2027", "hm", "asdf", "?"])
def test_numbers_and_one_word_noise_are_not_answered(matcher: Matcher, noise: str) -> None:
    """Single numbers and one-word noise never get a confident answer."""
    assert matcher.match(noise).band != "answer"


def test_near_miss_details_and_later_years() -> None:
    """Listed details and a year after the offer's own, asked with a date word, are found."""
    finder = DetailFinder(["frist", "bis wann"], last_year=2022)
    assert finder.find(["bis", "wann", "anmelden"]) == "bis wann"
    assert finder.find(["welche", "termine", "2027"]) == "2027"
    assert finder.find(["termine", "2022"]) is None
    assert finder.find(["haushalt", "2027"]) is None


def test_a_near_miss_is_a_fallback_with_candidates(matcher: Matcher) -> None:
    """A deadline question with the offer's words is a near miss: fallback, closest kept."""
    result = matcher.match("Bis wann muss man sich für die Beratung für Kommunen anmelden?")
    assert result.band == "fallback" and result.near_miss and result.candidates


@pytest.mark.parametrize(
    "question",
    [
        "Um wie viel Uhr fängt die Beratung an?",
        "Wann endet die Entwicklungswerkstatt?",
        "Gibt es einen Ersatztermin für die Lernwerkstatt?",
        # the workshops come to the municipality (`says_where`); the Lernwerkstatt named no town
        "In welcher Stadt war die Lernwerkstatt geplant?",
        "Muss man am Ende vom Zertifikatskurs eine Abschlussprüfung machen?",
        "Wie viele Teilnehmende fasst die Entwicklungswerkstatt?",
    ],
)
def test_times_places_and_endings_the_offer_does_not_state_are_near_misses(
    matcher: Matcher, question: str
) -> None:
    """Clock times, the town, end dates, make-up dates, exams and the number of participants
    are details the offer never states: asked with its words, they are near misses, not the
    closest entry's answer."""
    result = matcher.match(question)
    assert result.band == "fallback" and result.near_miss


def test_a_misspelt_foreign_word_is_still_foreign() -> None:
    """"Volkshochschle" (one typo) names the foreign topic "Volkshochschule"."""
    from bot.matching.foreign import ForeignLexicon

    lexicon = ForeignLexicon(words=["Volkshochschule"])
    assert lexicon.is_foreign("volkshochschle")
    assert not lexicon.is_foreign("volkshochzeit")


def test_everyday_words_with_a_typo_and_compounds_with_them(matcher: Matcher) -> None:
    """"insgesammt" is no topic; "Ehrenamtsfragen" stands for Ehrenamt; "Rentenberatung"
    (an unknown first part) is no Beratung of the offer."""
    labels = [u.label() for u in matcher.units("welche module gibts da insgesammt")]
    assert labels == ["modul"]
    assert matcher.units("Ehrenamtsfragen")[0].known
    assert not matcher.units("Rentenberatung")[0].known


@pytest.mark.parametrize(
    "question",
    [
        "Brauchen wir dafür einen Beschluss vom Gemeinderat?",
        "Welche Termine gibt es 2031 für die Workshops vor Ort?",
        "Wie viele Kommunen haben die Beratung schon genutzt?",
    ],
)
def test_questions_about_concepts_the_offer_does_not_cover_are_not_answered(
    matcher: Matcher, question: str
) -> None:
    """A key concept the offer does not state (a council decision, next years' dates, how many
    took part) is not answered with confidence, however many of the offer's words it uses."""
    assert matcher.match(question).band == "fallback"


def test_an_elliptic_follow_up_asks_the_last_aspect_of_a_new_topic() -> None:
    """"und ein Workshop?" after the consultation's duration asks the workshops' duration;
    "und Modul III?" after an overview is the overview of module III."""
    replies = ask(
        "Wie lange dauert die Beratung?\nund ein Workshop?\n\nWas ist Modul II?\nund Modul III?\n",
        conversations=True,
    )
    assert "Auftakt" in replies[1]["text"]
    assert "Workshops vor Ort" in replies[3]["text"]


@pytest.mark.parametrize(
    ("text", "elliptic"),
    [("und die Workshops?", True), ("was ist mit Modul III?", True),
     ("und wie lange dauert das?", False), ("Was kostet die Beratung?", False)],
)
def test_elliptic_messages(text: str, elliptic: bool) -> None:
    """A short "und …?" without a question of its own is elliptic."""
    from bot.matching.multi import is_elliptic

    assert is_elliptic(text) is elliptic


def test_a_new_aspect_is_no_ellipsis() -> None:
    """"und die formate" after the consultation's topics asks for the formats, not the topics."""
    replies = ask("beratung für kommunen\nwelche themen?\nund die formate\n", conversations=True)
    assert "Video" in replies[2]["text"] or "video" in replies[2]["text"]


def test_a_later_part_refers_to_the_topic_of_the_earlier_answer() -> None:
    """"… und welche Themen gibt es?" after a part about the consultation: its topics."""
    reply = ask("Für wen ist die Beratung gedacht und welche Themen gibt es?\n",
                conversations=False)[0]
    assert reply["kind"] == "answer" and "Grundsätzlich arbeitet das Team" in reply["text"]


def test_a_fallback_keeps_the_plausible_entries_as_buttons() -> None:
    """A fallback whose best entries are plausible (a near miss) offers them as buttons before
    the menu; one without any candidate offers only the menu."""
    from bot import callbacks
    from bot.answering_factory import build_answerer
    from bot.config import load_settings

    answerer = build_answerer(load_settings(None))
    reply, _ = answerer.answer("Bis wann muss man sich für die Beratung für Kommunen anmelden?")
    assert reply.kind == "fallback" and reply.suggestions
    assert reply.buttons[0][0].data == callbacks.entry(reply.suggestions[0].entry_id)
    reply, _ = answerer.answer("Wie wird das Wetter morgen?")
    assert reply.kind == "fallback" and not reply.suggestions


def test_the_topic_survives_an_answer_about_an_aspect() -> None:
    """After the workshops and their cost (an answer about every module), "wie viel Zeit?"
    is still about the workshops."""
    replies = ask(
        "Was bietet ihr im Modul III an?\nWas kostet das?\nUnd wie viel Zeit braucht man dafür?\n",
        conversations=True,
    )
    assert "kostenfrei" in replies[1]["text"]
    assert "Auftakt" in replies[2]["text"]


@pytest.mark.parametrize(
    "question",
    [
        "In unserer Gemeinde wollen wir ein Dorffest organisieren. Wer kann uns dabei beraten?",
        "Gibt es in Kiel einen Kurs für Erste Hilfe?",
    ],
)
def test_a_foreign_topic_is_not_offered_as_meinten_sie(matcher: Matcher, question: str) -> None:
    """A topic outside the offer, set out before the question or next to the offer's words,
    leads to the fallback, not to an answer or "Meinten Sie …?"."""
    assert matcher.match(question).band == "fallback"


def test_a_trailing_filler_word_stays_without_small_talk(matcher: Matcher) -> None:
    """"… Kurs für Erste Hilfe" keeps "Hilfe" (no thanks before it), "Danke für die Hilfe"
    is still small talk."""
    assert "ersthilf" in [u.term for u in matcher.units("Kurs für Erste Hilfe")]
    assert matcher.match("Gibt es in Kiel einen Kurs für Erste Hilfe?").band == "fallback"
    assert matcher.match("Danke für die Hilfe").band == "smalltalk"


def test_a_follow_up_far_ahead_within_the_topic_is_answered() -> None:
    """A short follow-up whose best entry belongs to the conversation's topic and stands far
    ahead of the rest is answered, not met with "Meinten Sie …?"."""
    replies = ask(
        "Wie laufen die Workshops vor Ort ab?\nWie viel Zeit braucht das?\n"
        "und wer sollte da eingeladen werden?\n",
        conversations=True,
    )
    assert [r["kind"] for r in replies] == ["answer", "answer", "answer"]
    assert "zivilgesellschaftliche" in replies[2]["text"]


def test_still_on_without_a_topic_word_asks_about_the_conversation_topic() -> None:
    """"findet die noch statt?" names only the present: after the Lernwerkstatt it is answered
    with the Lernwerkstatt (the cancellation first); alone, it falls back."""
    replies = ask(
        "Wie lange ging die Lernwerkstatt?\nfindet die noch statt?\n\nfindet die noch statt?\n",
        conversations=True,
    )
    assert [r["kind"] for r in replies] == ["answer", "answer", "fallback"]
    assert "abgesagt" in replies[1]["text"]


@pytest.mark.parametrize(
    "lines",
    [
        # something similar in another Land, after the region
        "Für wen ist das Angebot?\nHat Bremen für Kommunen etwas Ähnliches?\n",
        # a make-up date of the cancelled Lernwerkstatt
        "Findet die Lernwerkstatt statt?\nund wird die Fortbildung nachgeholt?\n",
        # the wait for an appointment after asking how to request one
        "Wie kann ich eine Beratung anfragen?\n"
        "Wie schnell bekommen wir dann einen Beratungstermin?\n",
        # a quota of appointments after the consultation's duration
        "Wie lange dauert eine Beratung?\nWie viele Beratungstermine bekommen wir höchstens?\n",
        # the venue and the length of one module of the certificate course
        "Was ist der Zertifikatskurs?\nIn welchem Seminarhaus läuft der?\n",
        "Was ist der Zertifikatskurs?\nWie lang ist der pro Modul?\n",
    ],
)
def test_follow_ups_about_unstated_details_are_near_misses(lines: str) -> None:
    """A follow-up asking a detail the offer does not state (a similar offer elsewhere, a
    make-up date, the wait for or a quota of appointments, a venue, one module's length) is a
    kind fallback, not an answer and not "Meinten Sie …?"."""
    replies = ask(lines, conversations=True)
    assert replies[-1]["kind"] == "fallback"
    assert "Meinten Sie" not in replies[-1]["text"]


def test_wieviele_written_as_one_word_opens_a_question() -> None:
    """"wieviele" (one word, as many write it) opens a question like "wie viele": a message
    without any question mark is split into its two questions."""
    parts = split_questions("wieviele Termine hat der Workshop und was kostet uns das")
    assert len(parts) == 2


def test_a_short_synonym_ends_a_compound(matcher: Matcher) -> None:
    """A compound whose last part is a short word the synonym table names ("Workshop-tage")
    is read as its parts, so the question is about the workshops' days."""
    units = {u.term: u for u in matcher.units("Wie viele Workshoptage brauchen wir?")}
    compound = next(u for term, u in units.items() if term.startswith("workshoptag"))
    assert compound.how == "+" and "workshop" in compound.parts
    result = matcher.match("Wie viele Workshoptage brauchen wir?")
    assert result.band == "answer" and result.candidates[0].entry_id == "m3_dauer"


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ("Was kostet die Beratung?\nund wie lange dauert das?\n", "3 Stunden"),
        ("Ist der Workshop kostenfrei?\nwie lange dauert er?\n", "Auftaktworkshop"),
    ],
)
def test_a_follow_up_keeps_the_topic_the_question_named(lines: str, expected: str) -> None:
    """A question answered by a general entry without a topic of its own (the cost) still
    names a topic (the consultation, the workshops): the next follow-up asks about that."""
    replies = ask(lines, conversations=True)
    assert replies[-1]["kind"] == "answer"
    assert expected in replies[-1]["text"]


def test_a_request_answer_does_not_become_the_conversations_topic() -> None:
    """Asking how to request the Entwicklungswerkstatt starts no new topic: the next
    follow-up ("und wie viel Zeit brauchen wir dafür?") still asks about the workshops."""
    replies = ask(
        "Was ist die Entwicklungswerkstatt?\nwie fragen wir die an?\n"
        "und wie viel Zeit müssen wir dafür einplanen?\n",
        conversations=True,
    )
    assert replies[1]["kind"] == "action"
    assert replies[-1]["kind"] == "answer" and "Auftaktworkshop" in replies[-1]["text"]


def test_the_named_topic_is_remembered_only_when_one_is_named() -> None:
    """The context keeps the topic a question named when its answer has none; a question
    naming two topics or none keeps the topic from before."""
    context = ConversationContext(minutes=10, clock=lambda: 0.0)
    context.remember(1, "m3")
    context.remember(1, "kosten", topical=False, named="m2")
    assert context.topic(1) == "m2"
    context.remember(1, "kosten", topical=False, named=None)
    assert context.topic(1) == "m2"
    matcher = Matcher(load_knowledge(BUNDLED_KNOWLEDGE), MatchingSettings())
    assert matcher.named_topic("Was kostet die Beratung?") == "m2"
    assert matcher.named_topic("Was kosten Beratung und Workshops?") is None
    assert matcher.named_topic("Was kostet das?") is None


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Was ist der Unterschied zwischen der Lernwerkstatt und dem Zertifikatskurs?",
         ["Lernwerkstatt", "Zertifikatskurs"]),
        ("Wie unterscheiden sich Beratung und Workshops? Bitte kurz.", ["Beratung", "Workshop"]),
    ],
)
def test_a_comparison_answers_both_things(message: str, expected: list[str]) -> None:
    """A request to compare two offers ("Unterschied zwischen A und B", "unterscheiden sich A
    und B") is split into A and B, and both overviews are answered in one reply."""
    assert len(split_questions(message)) == 2
    reply = ask(message + "\n", conversations=False)[0]
    assert reply["kind"] == "answer"
    assert all(word in reply["text"] for word in expected)


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        # "landespolitisch" in any ending, "verortet": the Land's strategy the offer belongs to
        ("Welcher landespolitische Rahmen gilt für das Programm?", "traeger"),
        ("In welchem Zusammenhang ist das Programm verortet?", "traeger"),
        # "auf Lager", "im Köcher": what the offer holds
        ("Was habt ihr so auf Lager für Gemeinden?", "angebot"),
    ],
)
def test_frame_and_idiom_phrasings_of_the_offer(
    matcher: Matcher, question: str, entry_id: str
) -> None:
    """Officialese about the political frame and idioms for "what do you offer" are read as
    the offer's own words, so the question is answered with its entry."""
    result = matcher.match(question)
    assert result.band == "answer" and result.candidates[0].entry_id == entry_id


def test_angaben_frames_a_question(matcher: Matcher) -> None:
    """"Angaben zu …" only frames what is asked, like "Informationen zu …": it is no unknown
    noun that counts against the answer."""
    units = matcher.units("Ich brauche Angaben zum Träger")
    assert all(u.how != "?" for u in units)


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        # "konkret" is a particle: the phrase "wie kommen wir … an" stays whole
        ("Wie kommen wir konkret an eine Beratung?", "anfrage"),
        # the synonym phrase decides: "aus welchen Gründen" asks the reason, no founding
        ("Aus welchen Gründen ist Modul I ausgefallen?", "m1_abgesagt"),
        # "Abstand nehmen" is cancelling
        ("Hat man von der Lernwerkstatt Abstand genommen?", "m1_abgesagt"),
        # a purpose clause after the question only says why someone asks
        ("Wie lange dauert eine Beratung, damit ich den Saal im Bürgerhaus reservieren kann?",
         "m2_dauer"),
        # a statement about the writer run into the question without any stop
        ("wir sind ein kleines amt an der westküste können wir uns bei euch beraten lassen",
         "m2"),
        # a relative clause only says which thing is meant: the main clause asks
        ("Was ist mit dem Zertifikatskurs gemeint, den Sie bei den Workshops nennen?",
         "m3_zertifikat"),
        ("Was hat es mit dem Zertifikatskurs auf sich, der unter den Workshops steht?",
         "m3_zertifikat"),
    ],
)
def test_officialese_and_chat_forms_are_read_as_meant(
    matcher: Matcher, question: str, entry_id: str
) -> None:
    """Particles, synonym phrases holding a foreign-looking word, purpose and relative clauses
    and a statement run into the question without punctuation are read as what they mean."""
    result = matcher.match(question)
    assert result.band == "answer"
    assert result.candidates[0].entry_id.startswith(entry_id)


def test_a_relative_clause_is_a_statement_beside_the_question() -> None:
    """", der/den/dem …" after the question closes it: the "?" stays with the main clause,
    the relative clause is a statement; ", die"/", das" may open a main clause and stay."""
    relative = split_clauses("Was ist mit dem Kurs gemeint, den Sie bei den Workshops nennen?")
    assert [(c.text, c.end) for c in relative] == [
        ("Was ist mit dem Kurs gemeint", "?"), ("den Sie bei den Workshops nennen", "."),
    ]
    assert len(split_clauses("Stimmt es, das kostet doch nichts?")) == 1


def test_a_run_on_question_is_split_only_after_a_statement_about_the_writer() -> None:
    """"ich bin … kann man …" is a statement and a question; after a comma only when the
    statement says who the writer is; without a statement about the writer first, or after a
    plan or a condition and a comma, the sentence stays one."""
    run_on = split_clauses("ich leite das bürgerbüro in heide gibt es bei euch eine beratung")
    assert [c.end for c in run_on] == [".", "?"]
    assert len(split_clauses("Wir planen ein Fest, könnt ihr helfen?")) == 1
    # After a comma only a statement of who the writer is ends before the question.
    said = split_clauses("hey, bin erzieherin in der kita, gibts bei euch eine beratung?")
    assert [c.end for c in said] == [".", "?"]
    assert len(split_clauses("Wenn wir klein sind, kann man das nutzen?")) == 1
    assert len(split_clauses("Die Kommune kann man beraten")) == 1
    # A greeting may open the statement; a question going on is no statement.
    greeted = split_clauses("guten tag hier aus dem dorf wir sind klein können wir das nutzen")
    assert [c.text for c in greeted] == [
        "guten tag hier aus dem dorf wir sind klein", "können wir das nutzen"
    ]
    assert len(split_clauses("kann ich online mitmachen oder muss ich hinfahren")) == 1


def test_a_short_fragment_before_a_dash_names_the_topic(matcher: Matcher) -> None:
    """"Und bei der Beratung – welche Themen …?": the fragment is what the question is about
    and counts as if it stood in the question; a statement before a dash ("Schade, dass …")
    sets the scene and counts less."""

    def scores(text: str) -> list[tuple[str, float]]:
        return [(c.entry_id, c.score) for c in matcher.match(text).candidates]

    plain = scores("Welche Themen kann man bei der Beratung ansprechen?")
    assert scores("Und bei der Beratung – welche Themen kann man ansprechen?") == plain
    assert scores("Schade, dass es die Beratung gibt – welche Themen kann man ansprechen?") != plain


def test_a_rough_count_of_people_is_no_topic(matcher: Matcher) -> None:
    """"ein paar dutzend Leute": the quantity words name no topic."""
    assert [u.term for u in matcher.units("ein paar dutzend")] == []


def test_a_synonym_phrase_with_a_foreign_looking_word_is_not_foreign(matcher: Matcher) -> None:
    """"an zwei Tagen" holds "tagen" (to meet, a foreign topic) but the synonym phrase means
    two days: no foreign evidence."""
    assert not any(u.foreign for u in matcher.units("Geht das an zwei Tagen?"))


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        # "einen anderen Weg" asks for the alternative to the cancelled Lernwerkstatt
        ("Die Lernwerkstatt fällt aus. Gibt es einen anderen Weg zum Engagementkonzept?",
         "m1_alternative"),
        # "zur Verfügung stehen", "die einzelnen …": what the offer holds, each part of it
        ("Was steht Gemeinden alles zur Verfügung?", "angebot"),
        ("Zur Erstellung eines Berichts: Welches sind die einzelnen Bausteine des Angebots?",
         "angebot"),
    ],
)
def test_paraphrases_of_the_alternative_and_of_the_offer(
    matcher: Matcher, question: str, entry_id: str
) -> None:
    """Everyday and official paraphrases (another way, available, the single parts, the
    "Erstellung" of a report) find the entry they paraphrase."""
    result = matcher.match(question)
    assert result.band == "answer" and result.candidates[0].entry_id == entry_id


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # alone "was wird da besprochen" reads as the consultation's topics
        ("Was ist die Lernwerkstatt?\nund was wird da besprochen?\n", "m1_inhalte"),
        # a topic named in the follow-up wins over the conversation's
        ("Was ist die Lernwerkstatt?\nund was wird in der Beratung besprochen?\n", "m2_themen"),
        # "was wird dort gemacht" asks what is done there: the contents
        ("Darf ich zu zweit zur Lernwerkstatt kommen?\nund was wird dort gemacht?\n", "m1_inhalte"),
        # a reply that answers nothing but names the topic (a later year) sets it
        ("Gibt es die Lernwerkstatt 2027 wieder?\nUnd welche Inhalte hatte die?\n",
         "m1_inhalte"),
    ],
)
def test_a_follow_up_naming_no_topic_stays_in_the_conversation(
    lines: str, expected: str
) -> None:
    """A follow-up that names no topic is answered from the conversation's topic when that
    topic has an entry scoring as an answer, even if alone it reads as another topic's
    aspect; a follow-up that names a topic keeps it; a question about a later year names
    the topic it asks of, though its reply answers nothing."""
    replies = ask(lines, conversations=True)
    assert replies[-1]["kind"] == "answer"
    kb = load_knowledge(BUNDLED_KNOWLEDGE)
    assert kb.entries[expected].answer.split("\n")[0][:40] in replies[-1]["text"]


@pytest.mark.parametrize(
    ("message", "parts"),
    [
        # A yes/no question (finite verb first) cut off by ", und" before a question word.
        ("Fallen für die Beratung Gebühren an, und wie lange dauert ein Termin?", 2),
        ("Bekommen wir dafür eine Rechnung, und wer kommt zu uns?", 2),
        # …but not a noun phrase, nor a statement, nor "und" without a comma.
        ("Einen Workshop, und wie lange dauert der?", 1),
        ("Wir sind eine kleine Gemeinde, und was kostet das?", 1),
        # A question word after a comma and a preposition asks, as one without it does.
        ("Ich möchte gern fragen, zu welchen Themen das Team berät und wie man es erreicht?", 2),
        # Two indirect questions in a statement that ends with a full stop.
        ("Mich würde interessieren, wie lange ein Workshop dauert und ob er etwas kostet.", 2),
        ("Wir überlegen, wie Verwaltung und Vereine zusammenfinden.", 1),
    ],
)
def test_a_yes_no_question_or_indirect_one_before_und_opens_a_part(
    message: str, parts: int
) -> None:
    """A finite verb first before ", und <question word>", a question word after a comma and a
    preposition, and two indirect questions in a statement each make a second question."""
    assert len(split_questions(message)) == parts


@pytest.mark.parametrize(
    ("message", "known", "unknown"),
    [
        ("Wie viel Zeit braucht ein Workshop vor Ort und an welchem Tag ist er?", "Auftakt",
         "an welchem Tag ist er"),
        ("Wie lang ist eine Beratung und wann startet sie?", "halben Tag", "wann startet sie"),
        ("Wer darf zur Lernwerkstatt kommen und wie viele Plätze hat sie?", "Fachleute",
         "wie viele Plätze hat sie"),
    ],
)
def test_a_near_miss_half_is_named_and_the_known_half_answered(
    message: str, known: str, unknown: str
) -> None:
    """A two-question message whose second half asks a detail its topic does not state (the
    day of the undated workshops, a number of places) answers the known half and says plainly
    which part it cannot answer, instead of answering that part from another topic (the
    Lernwerkstatt's dates) or dropping it."""
    reply = ask(f"{message}\n", conversations=False)[0]
    assert reply["kind"] == "answer" and known in reply["text"]
    assert f"Zu „{unknown}“ habe ich keine Angabe" in reply["text"]
    assert "Zertifikatskurs" not in reply["text"]
    assert "Juni 2022" not in reply["text"] or "Lernwerkstatt" in message


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # the overview of the whole offer answers; the question named the consultation
        ("Wir möchten uns als Gemeinde beraten lassen. Was habt ihr im Programm?\n"
         "und wie lange dauert das?\n", "halben Tag"),
        # the request answers; the question named the workshops
        ("Wie bekommen wir einen Workshop vor Ort zu uns?\nund wie lange dauert das?\n",
         "Auftakt"),
    ],
)
def test_the_named_topic_outlasts_an_answer_from_outside_it(lines: str, expected: str) -> None:
    """When a question names a topic but is answered from outside it (the overview of the
    offer, the request), a follow-up ("und wie lange dauert das?") is read in the light of the
    named topic, not met with "Meinten Sie …?"."""
    replies = ask(lines, conversations=True)
    assert replies[1]["kind"] == "answer" and expected in replies[1]["text"]


def test_thanks_and_an_afterthought_around_a_yes_no_follow_up_keep_the_topic() -> None:
    """Thanks before and an afterthought after a yes/no follow-up of only a pronoun and a
    verb ("Danke. Und findet die denn statt? Eine Kollegin sagte etwas anderes.") do not
    hide it."""
    replies = ask(
        "Was ist die Lernwerkstatt?\nDanke. Und findet die denn statt? Eine Kollegin sagte "
        "etwas anderes.\n",
        conversations=True,
    )
    assert replies[-1]["kind"] == "answer" and "abgesagt" in replies[-1]["text"]


def test_a_yes_no_follow_up_of_only_a_pronoun_and_a_verb_keeps_the_topic() -> None:
    """"Findet sie eigentlich statt?" (a verb first, a pronoun, particles, no word of its
    own) asks about the conversation's topic as a whole: after the Lernwerkstatt it is
    answered with it, the cancellation first. A question word ("wo"), a word of its own
    ("Sonderurlaub") or no topic still fall back."""
    replies = ask(
        "Wer kann an der Lernwerkstatt teilnehmen?\nFindet sie eigentlich statt?\n"
        "Und wo findet sie statt?\nIst die als Sonderurlaub anerkannt?\n\n"
        "Findet sie eigentlich statt?\n",
        conversations=True,
    )
    assert [r["kind"] for r in replies] == ["answer", "answer", "fallback", "fallback", "fallback"]
    assert "abgesagt" in replies[1]["text"]


def test_a_topic_named_only_in_a_statement_before_the_question_is_its_topic() -> None:
    """"Wir möchten gern bei der Lernwerkstatt mitmachen. Können wir uns noch anmelden?": the
    topic the statement names is the question's topic, so the question about taking part
    "still" gets the Lernwerkstatt (the cancellation first, with the Stand note), not the
    request form."""
    for message in (
        "Wir möchten gern bei der Lernwerkstatt mitmachen. Können wir uns noch anmelden?",
        "Ich hätte Lust auf die Lernwerkstatt. Kann ich mich noch anmelden?",
    ):
        reply = ask(f"{message}\n", conversations=True)[0]
        assert reply["kind"] == "answer" and "abgesagt" in reply["text"]
        assert "Stand" in reply["text"]


@pytest.mark.parametrize(
    ("message", "texts"),
    [
        ("wie lange dauert das Komma so ungefähr", ["wie lange dauert das, so ungefähr"]),
        ("wir sind klein Punkt was kostet das Fragezeichen", ["wir sind klein", "was kostet das"]),
        # A noun after a determiner, before a number, or in a message with written marks.
        ("der letzte Punkt ist die Dauer", ["der letzte Punkt ist die Dauer"]),
        ("zu Punkt 3 wie lange dauert das", ["zu Punkt 3 wie lange dauert das"]),
        ("Punkt eins: was kostet das?", ["Punkt eins", "was kostet das"]),
        # A list's numbering is no content; "1. Modul" is the first module.
        ("1. Was kostet das? 2. Wie lange dauert es?", ["Was kostet das", "Wie lange dauert es"]),
        ("a) Wer macht das? b) Für wen?", ["Wer macht das", "Für wen"]),
        ("1. Modul: was ist das?", ["1. Modul", "was ist das"]),
        # The frame of an indirect question says who asks; after "überlegen" it goes on.
        ("Ich soll herausfinden, was das kostet.", ["Ich soll herausfinden", "was das kostet"]),
        ("Wir überlegen, wie wir das machen.", ["Wir überlegen, wie wir das machen"]),
    ],
)
def test_sentences_are_cut_where_speech_and_lists_cut_them(message: str, texts: list[str]) -> None:
    """A dictated message spells its marks out ("Komma", "Punkt", "Fragezeichen"): they split
    it like the marks would, unless the word is a noun or the message has written marks; a
    list's numbering ("1.", "a)") is dropped; the frame of an indirect question after a verb
    of wanting to know ("Ich soll herausfinden, was …") is a sentence of its own."""
    assert [c.text for c in split_clauses(message)] == texts


def test_a_versus_comparison_asks_its_aspect_of_both() -> None:
    """"Dauer Beratung vs. Workshop?" asks how long each takes: both answers in one reply."""
    reply = reply_to("Dauer Beratung vs. Workshops vor Ort?\n")
    assert reply["kind"] == "answer"
    assert "3 Stunden" in reply["text"] and "Auftaktworkshop" in reply["text"]


@pytest.mark.parametrize(
    ("text", "asks"),
    [("Zu welchen Themen berät das Team", True), ("Bis wann geht das", True),
     ("Zu Hause ist es schön", False), ("Bei uns ist es klein", False)],
)
def test_a_question_word_after_a_preposition_opens_a_question(text: str, asks: bool) -> None:
    """"Zu welchen …", "Bis wann …" open a question as "Welche …", "Wann …" do."""
    assert Clause(text, "").asks is asks


def test_a_later_part_naming_no_topic_stays_in_the_earlier_parts_topic() -> None:
    """"Was lernt man in Modul I und wer ist als Teilnehmende gedacht?": the second part asks
    who takes part in Modul I (its professionals), not in the workshops, though alone it
    reads as the workshops' participants."""
    reply = reply_to(
        "Was lernt man in Modul I und wer ist als Teilnehmende gedacht?\n"
    )
    assert reply["kind"] == "answer"
    assert "Fachleute" in reply["text"] and "Workshop" not in reply["text"]


def test_a_part_far_ahead_of_every_other_entry_is_answered_beside_the_others() -> None:
    """A part of a two-question message that scores only as a suggestion, because the words
    of its situation weigh it down, is answered when one entry stands far ahead: the
    reply holds both answers instead of dropping the second."""
    reply = reply_to(
        "Was kostet die Beratung? Und geht das auch per Video, weil der Weg für uns so weit "
        "ist?\n"
    )
    assert "kostenfrei" in reply["text"] and "telefonisch" in reply["text"]
    assert "keine Angabe" not in reply["text"]


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        # a topic named in the statement before an aspect question that names none
        ("Ich interessiere mich für die Lernwerkstatt. Was wurde dort vermittelt?", "m1_inhalte"),
        # a company as the provider, advising clubs
        ("Ist das eine Firma, die das anbietet?", "traeger"),
        ("Kann ich bei euch lernen, wie man Vereine beraten kann?", "m3_zertifikat"),
        # "-mäßig": in the way of the word before it
        ("Gibt es bei euch was workshop-mäßiges für unser Dorf?", "m3"),
    ],
)
def test_statements_kinds_of_groups_and_word_forms_are_read_as_meant(
    matcher: Matcher, question: str, entry_id: str
) -> None:
    """A topic named only in the statement before the question, a company as the provider,
    advising clubs and "-mäßig" are read as what they mean: the question gets its entry."""
    answerer = Answerer(
        load_knowledge(BUNDLED_KNOWLEDGE), matcher, load_texts(), today=lambda: dt.date(2026, 12, 5)
    )
    reply, _ = answerer.answer(question)
    assert reply.kind in ("answer", "action")
    assert reply.entry_id == entry_id


def test_darf_ich_fragen_only_frames_the_question() -> None:
    """"Darf ich fragen, woran das lag?" after the cancellation asks its reason: "fragen"
    frames the question and names no Fragestellungen of the workshops."""
    replies = ask(
        "Ist die Lernwerkstatt ausgefallen?\nSchade. Darf ich fragen, woran das lag?\n",
        conversations=True,
    )
    assert "Geflüchtete" in replies[1]["text"]


def test_a_fragment_before_a_dash_keeps_naming_its_part() -> None:
    """In a message of two questions, the fragment before a dash ("Das Kompetenzzentrum –
    was ist das?") still names the topic of its part: it is not read as a statement."""
    reply = reply_to(
        "Das Kompetenzzentrum Engagement – wer ist das eigentlich? Und was kostet die "
        "Beratung?\n"
    )
    assert "Paritätischen" in reply["text"] and "kostenfrei" in reply["text"]


def test_time_spans_roles_and_kinds_of_clubs_weigh_as_what_they_are(matcher: Matcher) -> None:
    """"seit 3 Monaten" says how long ago, no number of the offer; "Wochen", "gleichzeitig" are
    no unknown topics; a compound ending in "Vorsitzender" names a role and weighs like one; a
    Förderverein and Lesepaten are a club and volunteers the offer knows."""
    terms = {u.term for u in matcher.units("seit 3 Monaten und zwei Wochen bin ich im Amt")}
    assert not terms & {"3", "monat", "monaten", "woch", "wochen"}
    chair = next(u for u in matcher.units("Sportvereinsvorsitzender") if u.how == "?")
    unknown = next(u for u in matcher.units("Sportvereinsbuchprüfer") if u.how == "?")
    assert chair.weight < unknown.weight
    assert all(u.known for u in matcher.units("Förderverein Lesepaten"))
    # "gleichzeitig", "zugleich" say when, no topic
    assert not matcher.units("gleichzeitig und zugleich")


def test_a_group_of_people_coming_along_is_several_persons(matcher: Matcher) -> None:
    """"mit 3 Frauen", "mit vier Kolleginnen": several persons taking part, not the offer's
    number 3 or an unknown topic "Frauen"; the question about coming with them is answered
    by who may take part."""
    def terms(text: str) -> set[str]:
        return {t for u in matcher.units(text) for t in u.terms()}

    assert terms("mit 3 Frauen und mit vier Kolleginnen") == terms("mehrere Personen")
    result = matcher.match("kann ich mit 3 frauen zur lernwerkstatt")
    assert (result.band, result.candidates[0].entry_id) == ("answer", "m1_teilnahme")
    # A number of anything else stays a number.
    assert not terms("mit 3 Terminen") & terms("mehrere Personen")


def _weights(matcher: Matcher, question: str) -> dict[str, float]:
    _, clauses, spelling, _ = matcher._read(question)
    return {u.term: u.weight for u in matcher._reader.units(clauses, spelling)}


def test_sowas_asks_about_what_the_statement_before_it_sets_out(matcher: Matcher) -> None:
    """"… Bietet ihr sowas an?" names its topic only by "sowas": the statement before it keeps
    its full weight, while before a question with a topic of its own it only sets the scene."""
    statement = "Wir möchten etwas mit Vereinen vor Ort machen."
    pointed = _weights(matcher, f"{statement} Bietet ihr sowas an?")
    plain = _weights(matcher, f"{statement} Bietet ihr Beratung an?")
    assert pointed["zivilgesellschaft"] > 2 * plain["zivilgesellschaft"]


def test_english_function_words_carry_no_topic_and_loanwords_are_known(matcher: Matcher) -> None:
    """"What's it about, is there any support?": the English function words are no unknown
    nouns; "support", "cancelled" and "requesten" are the offer's support, cancellation and
    request."""
    assert set(_weights(matcher, "What's it about, is there any support?")) == {"unterstuetzung"}
    assert matcher.match("Die Lernwerkstatt ist cancelled?").candidates[0].entry_id == "m1_abgesagt"
    assert matcher.match("Wie kann ich das requesten?").candidates[0].entry_id == "anfrage"


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        # a training the writer is in says who asks, not what about
        ("Ich mache ein Praktikum im Rathaus und soll herausfinden: Wer führt die Beratung "
         "durch?", "traeger"),
        # "setzt sich … zusammen" and "Bausteine" ask what the offer consists of
        ("Aus welchen Bausteinen setzt sich das Angebot zusammen?", "angebot"),
        # a preposition before the question word of an indirect question
        ("Für unseren Ratsbeschluss wüsste ich gern, in welchen landespolitischen Rahmen das "
         "gehört.",
         "traeger"),
        # "zwei oder drei" and "gleichzeitig" ask whether several may come
        ("Dürfen zwei oder drei von uns gleichzeitig zur Lernwerkstatt?", "m1_teilnahme"),
    ],
)
def test_frames_separable_verbs_and_counts_of_people_are_read_as_meant(
    matcher: Matcher, question: str, entry_id: str
) -> None:
    """A training as who asks, "setzt sich … zusammen", an indirect question after a
    preposition and a count of people are read as what they mean."""
    result = matcher.match(question)
    assert result.band == "answer" and result.candidates[0].entry_id == entry_id


def test_noch_buchbar_asks_whether_the_event_is_still_on() -> None:
    """"Ist die noch buchbar?" after the Lernwerkstatt asks what became of it: the
    cancellation comes first, with the Stand note."""
    replies = ask(
        "Wie lange dauert die Lernwerkstatt?\nIst die noch buchbar?\n", conversations=True
    )
    assert "abgesagt" in replies[1]["text"] and "Stand" in replies[1]["text"]


def test_a_tie_is_settled_by_the_entry_akin_to_the_conversations_topic() -> None:
    """"Und wie viele Tage müssten wir dafür freihalten?" after the further workshops ties the
    two-day Lernwerkstatt with the workshops' length: the topic settles it, in a conversation
    and in a message of two questions alike."""
    replies = ask(
        "Was ist die Entwicklungswerkstatt?\nUnd wie viele Tage müssten wir dafür freihalten?\n",
        conversations=True,
    )
    assert replies[1]["kind"] == "answer" and "Auftaktworkshop" in replies[1]["text"]
    (both,) = ask(
        "Was ist die Entwicklungswerkstatt – und wie viele Tage müssten wir dafür freihalten?\n",
        conversations=False,
    )
    assert "Entwicklungswerkstatt" in both["text"] and "Auftaktworkshop" in both["text"]


def test_formal_and_btw_carry_no_topic(matcher: Matcher) -> None:
    """"Wie stoßen wir das formal an?", "btw": manner words and chat fillers are no unknown
    topic that pushes a request into the fallback."""
    assert not matcher.units("formal formell formlos btw")
    result = matcher.match("Zweitens: Wie stoßen wir das formal an?")
    assert result.band == "answer" and result.candidates[0].entry_id == "anfrage"


def test_hearsay_names_no_topic(matcher: Matcher) -> None:
    """"Mir ist zu Ohren gekommen, dass …" says the writer heard something, like "ich habe
    gehört": no unknown noun that pushes the question into the fallback."""
    assert not matcher.units("Mir ist zu Ohren gekommen")


def test_a_later_part_naming_no_topic_is_read_in_the_earlier_parts_topic() -> None:
    """"… Workshops vor Ort, oder? Wie läuft das ab?": the second part names no topic and alone
    reads as the Lernwerkstatt's course; read with the earlier part's topic it asks how the
    workshops run, so the reply holds no second module."""
    reply = reply_to(
        "Hallo aus dem Jugendtreff. Ihr macht doch Workshops vor Ort, oder? Wie läuft das ab?\n"
    )
    assert "Workshops" in reply["text"] and "Lernwerkstatt" not in reply["text"]


def test_gibts_dann_was_anderes_after_the_cancellation_asks_the_alternative() -> None:
    """"Schade. Gibt's dann was anderes?" after the cancelled Lernwerkstatt asks what is
    offered instead, though "was anderes" alone only changes the topic."""
    replies = ask(
        "Warum fällt die Lernwerkstatt aus?\nSchade. Gibt's dann was anderes?\n",
        conversations=True,
    )
    assert "individuelle Beratung und Begleitung" in replies[1]["text"]


def test_a_flyer_frames_and_dahinter_asks_who_only_with_wer(matcher: Matcher) -> None:
    """"Im Flyer steht: …" names where the writer read something, no topic; "dahinter" asks
    who runs the offer only with "wer": "Was verbirgt sich dahinter?" asks what it is."""
    assert not matcher.units("Im Flyer und auf der Homepage")
    assert matcher.match("Wer steckt dahinter?").candidates[0].entry_id == "traeger"
    what = matcher.match("Modul II: Was verbirgt sich eigentlich dahinter?")
    assert what.band == "answer" and what.candidates[0].entry_id == "m2"


def test_a_part_asking_whether_it_is_on_takes_the_topic_of_its_statement() -> None:
    """"… die Lernwerkstatt ausgesucht – läuft die noch? … Und die Kosten?": the part that asks
    whether "it" is still on is about the Lernwerkstatt its statement names (with the Stand
    note), and the cost after the statement is answered beside it."""
    reply = reply_to(
        "Unser Seniorenbeirat hatte sich die Lernwerkstatt ausgesucht – findet die denn noch "
        "statt? – wir wären zu zweit, haben aber kein Budget. Und die Kosten?\n"
    )
    assert reply["kind"] == "answer"
    assert "abgesagt" in reply["text"] and "kostenfrei" in reply["text"]
    assert "Programm 2022" in reply["text"]


def test_a_yes_no_part_about_it_refers_to_the_earlier_parts_answer() -> None:
    """"Was wäre da drangekommen, und findet die überhaupt statt?": "die" is the Lernwerkstatt
    the earlier part was answered with ("drankommen" asks the contents)."""
    reply = reply_to(
        "was wäre in der lernwerkstatt so drangekommen, und findet die überhaupt statt\n"
    )
    assert reply["kind"] == "answer"
    assert "abgesagt" in reply["text"] and "Auf dem Programm" in reply["text"]


def test_a_part_about_the_present_that_is_no_answer_leaves_the_message_whole() -> None:
    """A message that asks what is current gets its parts answered, unless a part about the
    present is no answer: then the message is read whole (the honest fallback about 2022),
    not answered by its other part's weak guess."""
    reply = reply_to(
        "Wie hoch ist die Ehrenamtspauschale 2026 und muss der Verein die versteuern?\n"
    )
    assert reply["kind"] == "fallback"


def test_officialese_requests_for_information_frame_the_question(matcher: Matcher) -> None:
    """"Ich bitte um Mitteilung" frames the question (the modal particle "bitte" no longer
    hides the phrase), "auf welchem Wege" asks how, and an "Ersuchen" is the request."""
    assert matcher.units("Ich bitte um Mitteilung.") == []
    result = matcher.match(
        "Das Amt möchte die Beratung nutzen. Ich bitte um Mitteilung, auf welchem Wege ein "
        "Ersuchen zu stellen ist."
    )
    assert result.band == "answer" and result.candidates[0].entry_id == "anfrage"


def test_a_wish_to_have_known_opens_an_indirect_question() -> None:
    """"… und wir hätten gern gewusst, was …" and "bräuchte ich, welche …" ask the indirect
    question after their comma: it becomes a clause of its own."""
    clauses = split_clauses(
        "Wir sind zu dritt und hätten gern gewusst, was auf dem Programm steht."
    )
    assert [c.text for c in clauses][-1] == "was auf dem Programm steht"
    clauses = split_clauses("Für das Referat bräuchte ich, welche Organisation das anbietet.")
    assert [c.text for c in clauses][-1] == "welche Organisation das anbietet"


def test_suggestions_all_of_the_named_topic_make_it_the_conversations_topic() -> None:
    """"Gibt es eine Beratung für so kleine Orte wie uns?" is offered the consultation's
    aspects as suggestions: the consultation it named is the topic the follow-up asks of;
    suggestions of several topics set none."""
    replies = ask(
        "Moin, wir sind ein Dorf mit 250 Leuten. Gibt es bei euch auch eine Beratung für so "
        "kleine Gemeinden wie uns?\nUnd kommt ihr dafür auch zu uns raus?\n",
        conversations=True,
    )
    assert replies[0]["kind"] == "suggestions"
    assert replies[1]["kind"] == "answer" and "telefonisch" in replies[1]["text"]
    alone = ask("Und kommt ihr dafür auch zu uns raus?\n", conversations=True)
    assert alone[0]["kind"] != "answer" or "telefonisch" not in alone[0]["text"]


def test_an_off_topic_announcement_changes_the_topic() -> None:
    """"Abschließend eine themenfremde Frage: …" leaves the conversation's topic (the
    workshops), and "auf einzelne Kreise beschränkt" asks whether the offer is statewide."""
    replies = ask(
        "Was passiert in den Workshops vor Ort?\nAbschließend eine themenfremde Frage: Gilt "
        "das Angebot nur für einzelne Kreise?\n",
        conversations=True,
    )
    assert replies[1]["kind"] == "answer" and "landesweit" in replies[1]["text"]


def test_examples_after_a_group_are_no_topic_of_their_own(matcher: Matcher) -> None:
    """"Vereine wie die Feuerwehr": the fire brigade is an example of the clubs, not an unknown
    topic that turns the question away."""
    result = matcher.match("Sind bei dem Workshop auch Vereine wie die Feuerwehr dabei?")
    assert result.band == "answer" and result.candidates[0].entry_id == "m3_dialog"
    assert all("feuerwehr" not in u.term for u in matcher.units(
        "Sind bei dem Workshop auch Vereine wie die Feuerwehr dabei?"
    ))


def test_the_year_in_what_the_provider_offers_says_when_not_what(matcher: Matcher) -> None:
    """"Was bietet das Kompetenzzentrum 2022 eigentlich an?" asks for the overview: the year
    does not make it a question about the dated Lernwerkstatt."""
    result = matcher.match("Was bietet das Kompetenzzentrum Engagement 2022 eigentlich an?")
    assert result.band == "answer" and result.candidates[0].entry_id == "angebot"


def test_a_board_is_no_misspelt_consultation_and_learning_asks_the_contents(
    matcher: Matcher,
) -> None:
    """"Beirat" is a body of the municipality, not a typo of "Beratung"; "was hätte man da
    gelernt?" after the Lernwerkstatt asks its contents."""
    assert all("beratung" not in u.terms() for u in matcher.units("Mitglieder des Beirats"))
    replies = ask(
        "Für wen war die Lernwerkstatt?\nUnd was hätte man da so gelernt?\n",
        conversations=True,
    )
    assert "Auf dem Programm" in replies[1]["text"]


def test_everyday_words_and_a_municipal_role_are_no_topic(matcher: Matcher) -> None:
    """"durchführt", "ungern", "mit Unbekannten" and a "Jugendpflegerin" say nothing the offer
    would have to know: the question about who runs it is answered."""
    result = matcher.match(
        "Ich wüsste gern, welcher Verband die Workshops durchführt – wir arbeiten ungern mit "
        "Unbekannten."
    )
    assert result.band == "answer" and result.candidates[0].entry_id == "traeger"
    units = matcher.units("Kommen Bürgermeister und Jugendpflegerin zu zweit mit?")
    assert all(u.weight < 2.0 for u in units if u.term.startswith("jugendpfleg"))


def test_asked_whether_it_is_for_a_group_it_is_not_for_says_whom_it_is_for(
    matcher: Matcher,
) -> None:
    """"Ist das Angebot auch für Kitas gedacht?" asks whom the offer is for (the groups of
    foreign.yaml); a question about a school that asks nothing of whom stays out of scope;
    "wen spricht es an?" is "ansprechen"."""
    result = matcher.match("Ich leite eine Kita. Ist euer Angebot auch für Kitas gedacht?")
    assert result.band == "answer" and result.candidates[0].entry_id == "zielgruppe"
    assert matcher.match("Wann sind an den Schulen Ferien?").band == "fallback"
    result = matcher.match("Richtet sich euer Angebot auch an Horte, oder wen spricht es an?")
    assert result.band == "answer" and result.candidates[0].entry_id == "zielgruppe"


def test_a_sentence_that_goes_on_with_a_question_keeps_its_question_mark() -> None:
    """"Und wie? Telefon, Video?" goes on with "Und wie?" and keeps its "?": the nouns are what
    is asked (the formats), not a statement around the question."""
    reply = reply_to(
        "Kann man sich zur Rolle unseres Ehrenamtsbüros beraten lassen? Und wie? Telefon, "
        "Video?\n"
    )
    assert "telefonisch" in reply["text"] and "Unterstützungsstrukturen" in reply["text"]


def test_a_part_answered_by_an_entry_of_no_topic_leaves_its_topic_to_the_next() -> None:
    """"Für wen genau ist die [Beratung], und worum geht es da?": the first part is answered
    by whom the offer is for (no topic of its own); "da" in the second is the consultation the
    first part named, so the consultation's themes answer it."""
    reply = reply_to(
        "Ihr bietet doch auch eine Beratung für Ämter an. Für wen genau ist die, und worum geht "
        "es da ungefähr?\n"
    )
    assert "landesweit" in reply["text"] and "Engagementkonzept für Ihre Kommune" in reply["text"]


def test_standing_by_someone_is_support(matcher: Matcher) -> None:
    """"… dass uns jemand zur Seite steht" asks for support, like "unterstützt"."""
    assert any(
        "unterstuetzung" in u.terms()
        for u in matcher.units("Gibt es jemanden, der uns beim Konzept zur Seite steht?")
    )


def test_the_programme_year_beside_the_whole_offer_says_when(matcher: Matcher) -> None:
    """"Was hattet ihr 2022 alles im Angebot?" asks for the overview: beside the offer as a
    whole, the year names no dated event (the Lernwerkstatt's contents)."""
    for question in ("Was hattet ihr 2022 denn alles im Angebot?", "Welche Angebote gab es 2022?"):
        result = matcher.match(question)
        assert result.band == "answer" and result.candidates[0].entry_id == "angebot", question


def test_who_moderates_and_the_teams_size_are_details_the_offer_does_not_state(
    matcher: Matcher,
) -> None:
    """"Wer moderiert die? Habt ihr da feste Leute?" is one question, a detail the offer does
    not state; so is how many people work in the team."""
    for question in (
        "Und wer moderiert das? Habt ihr da feste Leute?",
        "wie viele leute arbeiten bei euch im team",
    ):
        result = matcher.match(question)
        assert result.band == "fallback" and result.near_miss, question


def test_ihres_is_a_function_word_and_whom_to_reach_asks_the_target_group(
    matcher: Matcher,
) -> None:
    """"Träger Ihres Angebots": "Ihres" names nothing; "wen wollt ihr damit erreichen?" asks
    whom the offer is for (not how to reach the team)."""
    assert all(u.term != "ihres" for u in matcher.units("Wer ist Träger Ihres Angebots?"))
    result = matcher.match("Ist das nur für Gemeinden, oder wen wollt ihr damit erreichen?")
    assert result.band == "answer" and result.candidates[0].entry_id == "zielgruppe"


def test_parts_answered_by_one_entry_keep_the_note_about_the_present() -> None:
    """A message split in two parts that one entry answers, one part asking what is still to
    come ("… noch"), gets that entry with the note that the team knows what is current."""
    reply = reply_to(
        "Wie viele Folgeworkshops kommen nach dem Auftakt noch, und wie lange dauern die?\n"
    )
    assert reply["kind"] == "answer" and "Was heute gilt" in reply["text"]


def test_a_part_weighed_down_by_the_writers_situation_is_answered_by_its_question() -> None:
    """A first part whose long situation ("Theatergruppe …, keine Proberäume und keinen Plan")
    drowns its question is answered by the question alone, beside the second part; a sentence
    that goes on after a dash stays with what stands before it."""
    reply = reply_to(
        "Ich leite eine Theatergruppe in Wankelhusen, wir haben viel Nachwuchs, aber keine "
        "Proberäume und keinen Plan. Wer bietet diese Engagementförderung eigentlich an? Und "
        "kostet das was?\n"
    )
    assert "Kompetenzzentrum Engagement des Paritätischen" in reply["text"]
    assert "kostenfrei" in reply["text"]
    assert asked_sentences("Wir sind klein. Wer bietet das an?") == "Wer bietet das an?"
    assert asked_sentences("Wir haben keine Struktur – wer macht was, wer entscheidet?") is None
    assert asked_sentences("Wer bietet das an?") is None


def test_who_stands_behind_it_in_an_indirect_question_asks_the_provider(
    matcher: Matcher,
) -> None:
    """"…, wer hinter diesem Programm steckt" (the verb at the end) asks who offers it, like
    "Wer steckt hinter …?"."""
    result = matcher.match("Der Ausschuss fragt, wer hinter diesem Programm steckt.")
    assert result.band == "answer" and result.candidates[0].entry_id == "traeger"


def test_an_item_of_a_numbered_list_asks_and_its_purpose_says_why() -> None:
    """"b) Zeitaufwand, damit ich die Saalvergabe … koordinieren kann." asks the time needed:
    an item of a numbered list asks, and the purpose after its comma is why, not what."""
    reply = reply_to(
        "Für den Vermerk bräuchte ich: a) Kosten der Workshops vor Ort, b) Zeitaufwand, damit "
        "ich die Saalvergabe im Bürgerhaus Wiemershagen koordinieren kann.\n"
    )
    assert "kostenfrei" in reply["text"] and "Auftaktworkshop" in reply["text"]
    assert "keine Angabe" not in reply["text"]


def test_an_aspect_alone_after_a_comma_is_asked_anew() -> None:
    """"Wer macht diese Beratung eigentlich, und die Kosten?": after the comma the aspect alone
    is a second question, so both the provider and the costs are answered; "Inhalte und
    Kosten" without a comma stays one question."""
    reply = reply_to(
        "Wir in Wiemershagen planen gerade unser Ehrenamtskonzept. Wer macht diese Beratung "
        "eigentlich, und die Kosten?\n"
    )
    assert "Kompetenzzentrum Engagement des Paritätischen" in reply["text"]
    assert "kostenfrei" in reply["text"]
    assert len(split_questions("Was sind Inhalte und Kosten?")) == 1


def test_rausfinden_frames_two_indirect_questions() -> None:
    """"soll rausfinden ob … und ob …" (no comma, no capitals) frames two indirect questions:
    the costs and the formats are both answered."""
    reply = reply_to(
        "ich soll für die amtsleitung rausfinden ob das kostenlos ist und ob man das per telefon "
        "machen kann\n"
    )
    assert "kostenfrei" in reply["text"] and "telefonisch" in reply["text"]


def test_a_part_after_a_statement_naming_a_topic_is_read_in_that_topic() -> None:
    """"Wir haben … von der Entwicklungswerkstatt gelesen. Was passiert da, und wie fragen wir
    die an?": "da" is the workshop the statement names, answered beside the request."""
    reply = reply_to(
        "Wir haben im Kulturausschuss von der Entwicklungswerkstatt gelesen. Was passiert da, "
        "und wie fragen wir die an?\n"
    )
    assert "Entwicklungswerkstatt" in reply["text"] and "Anfrage" in reply["text"]
    assert "keine Angabe" not in reply["text"]


def test_the_offer_named_with_its_provider_asks_what_it_is(matcher: Matcher) -> None:
    """"was es mit der kommunalen Engagementförderung vom Paritätischen auf sich hat" asks what
    the offer is; the provider's name only says whose it is."""
    result = matcher.match(
        "Der Bürgermeister möchte wissen, was es mit der kommunalen Engagementförderung vom "
        "Paritätischen auf sich hat."
    )
    assert result.band == "answer" and result.candidates[0].entry_id == "angebot"


def test_ach_and_genauso_carry_no_topic(matcher: Matcher) -> None:
    """"Ach ja, und ist die genauso kostenlos …?": "Ach" and "genauso" are no unknown nouns
    that weigh the question about costs down."""
    units = matcher.units("Ach ja, und ist die genauso kostenlos?")
    assert [u.term for u in units] == ["kost"]


def test_a_committee_meeting_before_the_questions_is_their_purpose_not_their_topic() -> None:
    """"Für die Sitzung des Kulturausschusses brauche ich zwei Angaben: 1) Wer bietet …? 2)
    Fallen Kosten an?": the meeting (a topic outside the offer) says why the writer asks;
    the first question alone names the offer and is answered beside the second. A question
    that refers back to such a statement ("Was kostet das?") does not stand alone."""
    reply = reply_to(
        "Für die Sitzung des Kulturausschusses in Wiemershagen brauche ich zwei Angaben: 1) Wer "
        "bietet die kommunale Engagementförderung an? 2) Fallen Kosten an?\n"
    )
    assert reply["kind"] == "answer"
    assert "Kompetenzzentrum Engagement des Paritätischen" in reply["text"]
    assert "kostenfrei" in reply["text"]
    assert refers_back("Was kostet das?") and refers_back("Geht so was auch online?")
    assert not refers_back("Wer bietet die kommunale Engagementförderung an?")


def test_officialese_request_for_an_explanation_frames_the_indirect_question() -> None:
    """"… wird um Erläuterung gebeten, was unter den Workshops vor Ort zu verstehen ist":
    the request frames the indirect question, and the decision before it ("hat beschlossen")
    is the situation, no question about a council decision."""
    reply = reply_to(
        "Der Hauptausschuss hat beschlossen, das Ehrenamt zu stärken. Vor diesem Hintergrund "
        "wird um Erläuterung gebeten, was unter den Workshops vor Ort zu verstehen ist.\n"
    )
    assert reply["kind"] == "answer" and "Workshops vor Ort" in reply["text"]


def test_sending_people_there_asks_about_taking_part() -> None:
    """"Hätten wir … mehrere Ehrenamtliche … hinschicken dürfen?" after the Lernwerkstatt asks
    whether several people could take part: the participation answer, not the fallback."""
    replies = ask(
        "Für wen war die Lernwerkstatt gedacht?\nHätten wir auch mehrere Ehrenamtliche aus "
        "unseren Dörfern hinschicken dürfen?\n",
        conversations=True,
    )
    assert replies[1]["kind"] == "answer" and "mehrerer Vertreter" in replies[1]["text"]


def test_dafuer_asks_about_what_the_statement_before_it_sets_out() -> None:
    """"… an einen Tisch bringen. Habt ihr dafür ein geeignetes Format?": "dafür" points back
    to the statement, which is what is asked about (the workshops bringing both together)."""
    reply = reply_to(
        "Wir möchten unsere Vereine und die Gemeindeverwaltung an einen Tisch bringen. Habt ihr "
        "dafür ein geeignetes Format?\n"
    )
    assert reply["kind"] == "answer" and "Workshops vor Ort" in reply["text"]


def test_parts_of_the_state_ask_whether_the_offer_reaches_everywhere(matcher: Matcher) -> None:
    """"Gilt euer Angebot in allen Landesteilen?" asks whether it is limited to a region ("teil"
    of "Landesteil" is no module)."""
    result = matcher.match("Gilt euer Angebot in allen Landesteilen?")
    assert result.band == "answer" and result.candidates[0].entry_id == "zielgruppe"


def test_who_you_are_asks_the_provider_and_a_writing_part_is_the_writing_workshop(
    matcher: Matcher,
) -> None:
    """"Und wer ist ihr überhaupt?" asks who offers it (not who takes part in the workshops);
    "Schreibteil" is the writing workshop, not a module ("teil") of writing."""
    result = matcher.match("Und wer ist ihr überhaupt?")
    assert result.band == "answer" and result.candidates[0].entry_id == "traeger"
    assert any(u.term == "schreibwerkstatt" for u in matcher.units("Gab es einen Schreibteil?"))


def test_file_references_of_a_memo_carry_no_topic(matcher: Matcher) -> None:
    """"Az. … – Prüfauftrag gem. GO:" is the memo's reference line: no unknown nouns that push
    the question after it into the fallback."""
    terms = {u.term for u in matcher.units("Az. – Prüfauftrag gem. GO: Wer bietet das an?")}
    assert terms.isdisjoint({"az", "pruefauftrag", "gem", "go"})


def test_the_modules_of_a_year_ask_for_the_overview(matcher: Matcher) -> None:
    """"Welche Module hattet ihr 2022?" asks which modules the programme had: the year says
    when, not which dated course (the certificate course of eleven modules in 2022)."""
    result = matcher.match("Welche Module hattet ihr 2022?")
    assert result.band == "answer" and result.candidates[0].entry_id == "angebot"


def test_your_team_and_registrations_so_far(matcher: Matcher) -> None:
    """"Und wer ist euer Team eigentlich?" asks who offers it; whether some have registered for
    the course so far is a detail the offer does not state."""
    result = matcher.match("Und wer ist euer Team eigentlich?")
    assert result.band == "answer" and result.candidates[0].entry_id == "traeger"
    result = matcher.match("Sind für den Zertifikatskurs schon welche angemeldet?")
    assert result.band == "fallback" and result.near_miss


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        # "Bezirk" before a name names a place: a district of Berlin gets the region answer.
        ("Gilt das auch für den Bezirk Pankow in Berlin?", "zielgruppe"),
        # "Themawechsel:" announces a new topic and is none itself.
        ("Themawechsel: wer bietet das eigentlich an?", "traeger"),
        # An office ("…büro") before the colon says who asks.
        ("Seniorenbüro Neuwittenbek: Welche Themen hat die Beratung?", "m2_themen"),
        # Low German "bütt … an" is "bietet … an".
        ("Wokeen bütt dat an?", "traeger"),
    ],
)
def test_district_topic_change_office_and_low_german_are_read_as_meant(
    matcher: Matcher, question: str, entry: str
) -> None:
    """Words that say where, who asks or that the topic changes are no topic of their own."""
    result = matcher.match(question)
    assert result.band == "answer" and result.candidates[0].entry_id == entry


def test_a_council_meeting_is_the_occasion_not_a_foreign_topic(matcher: Matcher) -> None:
    """"Sitzung" is where the writer reports (municipal staff name it all the time), not a
    topic outside the offer; "Tagesordnung" still is."""
    assert not any(u.foreign for u in matcher.units("Für die Sitzung am Dienstag"))
    assert any(u.foreign for u in matcher.units("Was steht auf der Tagesordnung?"))


def test_themawechsel_changes_the_topic() -> None:
    """"Themawechsel:" (a common slip for "Themenwechsel") leaves the conversation's topic."""
    assert changes_topic("Themawechsel: wer trägt das?")
    assert changes_topic("Themenwechsel: wer trägt das?")


def test_an_elliptic_question_naming_another_topic_is_answered_as_a_second_part() -> None:
    """"Was ist Modul II? Und Modul III?": the elliptic question names another topic and gets
    its own answer beside the first; one that names no topic ("Und Verwaltung und Vereine?")
    goes on with the question before it."""
    reply = reply_to("Was ist Modul II? und Modul III?\n")
    assert "Beratung für Kommunen" in reply["text"] and "Workshops vor Ort" in reply["text"]
    reply = reply_to("Was ist die Lernwerkstatt? Und die Entwicklungswerkstatt?\n")
    assert "Lernwerkstatt" in reply["text"] and "Entwicklungswerkstatt" in reply["text"]
    assert split_questions("Was kostet das? Und Verwaltung und Vereine?") == [
        "Was kostet das? Und Verwaltung und Vereine?"
    ]


def test_frag_mich_ob_after_a_question_is_a_second_question() -> None:
    """"… und frag mich außerdem, ob das Ganze was kostet" asks like "frage mich": both the
    course's start and the cost are answered."""
    message = (
        "Wann beginnt eigentlich der Zertifikatskurs? – Moin erstmal, ich bin Kassenwartin im "
        "Dorfverein und frag mich außerdem, ob das Ganze für uns was kostet.\n"
    )
    reply = reply_to(message)
    assert "16. März 2022" in reply["text"] and "kostenfrei" in reply["text"]


@pytest.mark.parametrize(
    ("message", "kind", "fragment"),
    [
        # fire brigade and village fair in the story, then the workshops and a question
        # about them: read in the workshops' topic
        ("Wir haben Probleme, Leute für Feuerwehr und Dorffest zu finden. Ein Workshop vor Ort "
         "klingt gut – wie viel Zeit muss man dafür einplanen?", "answer", "Auftaktworkshop"),
        # a question that itself asks something foreign stays unanswered
        ("Wir planen ein Dorffest und haben von der Beratung gehört. Wie viele Parkplätze gibt "
         "es da?", "fallback", None),
        # a story weighing its question down to a suggestion: read alone, it is answered
        ("Moin aus Midlum! Ich bin Vorsitzende vom Tourismusverein hier auf der Insel und wir "
         "wollen das Ehrenamt neu aufstellen. Was bietet ihr Gemeinden an?", "answer", "Modul I"),
        # a question referring back to a story that names no topic of the offer is not
        ("Wir suchen dringend Wohnraum für geflüchtete Familien aus der Ukraine. Wer ist dafür "
         "im Kreis zuständig?", "fallback", None),
    ],
)
def test_a_question_after_a_story_is_read_alone_when_the_story_weighs_it_down(
    message: str, kind: str, fragment: str | None
) -> None:
    """A story weighs its question down: the question is read alone (in the topic the story
    names, even beside a foreign one: "Feuerwehr … Ein Workshop vor Ort klingt gut – wie viel
    Zeit …?"; or on its own: "Moin aus Midlum! … Was bietet ihr Gemeinden an?"). A question
    that asks something foreign itself, or refers back to a story naming no topic of the offer
    ("Wohnraum … Wer ist dafür zuständig?"), stays unanswered."""
    reply = reply_to(message + "\n")
    assert reply["kind"] == kind
    assert fragment is None or fragment in reply["text"]


@pytest.mark.parametrize(
    ("message", "parts"),
    [
        # a lead-in before the second question ("Und noch was:", "Und bitte ehrlich:") and a
        # verb first that opens no question elsewhere ("Müsst ihr", "entstehen")
        ("Wer bietet das an? Und noch was: Müsst ihr für die Beratung zu uns rausfahren?", 2),
        ("Wer bietet das an? Und bitte ehrlich: entstehen der Gemeinde dadurch Kosten?", 2),
        # an interjection before "und" and an aspect after it
        ("Das Angebot ist doch nicht nur für große Städte, oder? Ach ja, und die Kosten?", 2),
        # an interjection before an indirect question without a question mark
        ("Ich würde gern wissen, welche Themen die Beratung hat. Ach ja, und wie lange so ein "
         "Termin ungefähr dauert.", 2),
        # "es wird gefragt, welche …" in the passive voice of a letter
        ("Seitens der Gemeinde wird um Auskunft gebeten, an welchen Kreis sich das Angebot "
         "richtet. "
         "Darüber hinaus wird gefragt, welche Themen die Beratung behandelt.", 2),
    ],
)
def test_lead_ins_interjections_and_passive_frames_open_a_second_question(
    message: str, parts: int
) -> None:
    """A lead-in with a colon, "Ach ja, und …" and "es wird gefragt, welche …" open a second
    question; verb-first questions with "müsst" or "entstehen" open one too."""
    assert len(split_questions(message)) == parts


def test_childcare_at_the_course_is_a_near_miss() -> None:
    """Childcare during the certificate course is a detail the offer does not state."""
    reply = reply_to(
        "Gibt es beim Zertifikatskurs eine Kinderbetreuung, damit auch Alleinerziehende "
        "teilnehmen können?\n"
    )
    assert reply["kind"] == "fallback" and "keine Angabe" in reply["text"]


def test_a_pronoun_then_its_verb_asks_about_the_topic() -> None:
    """"Und die findet auch statt?" after the Lernwerkstatt asks whether it takes place, as
    "Findet die statt?" does; "Die Lernwerkstatt findet statt?" names a noun, no pronoun."""
    replies = ask(
        "Was wird in der Lernwerkstatt gemacht?\nUnd die findet auch statt?\n",
        conversations=True,
    )
    assert replies[1]["kind"] == "answer" and "abgesagt" in replies[1]["text"]
    assert not asks_yes_no_about_it("Die Lernwerkstatt findet statt?")


def test_a_question_after_a_story_naming_its_topic_is_read_alone_in_that_topic() -> None:
    """"Wir planen einen Workshop vor Ort mit Kirche, Vereinen und Feuerwehr. Wie viele Termine
    muss man dafür einrechnen?": when the whole part is no answer in the topic the story names,
    the question alone is read in it; the cost part after it is answered too."""
    reply = reply_to(
        "Wir planen einen Workshop vor Ort mit Kirche, Vereinen und Feuerwehr. Wie viele "
        "Termine muss man dafür einrechnen? Nebenbei: fallen dafür Kosten an?\n"
    )
    assert "Auftaktworkshop" in reply["text"] and "kostenfrei" in reply["text"]


def test_a_part_after_an_answer_of_no_topic_stays_in_the_topic_its_part_named() -> None:
    """"Wie melden wir uns für einen Workshop vor Ort an bzw. was wird da inhaltlich
    bearbeitet?": the first part's answer (the request) has no topic, so the second part is
    read in the workshops the first part named."""
    reply = reply_to(
        "Wie melden wir uns für einen Workshop vor Ort an bzw. was wird da inhaltlich "
        "bearbeitet?\n"
    )
    assert "Anfrage" in reply["text"] and "Fragestellungen" in reply["text"]


def test_an_adverb_set_off_by_a_comma_before_a_yes_no_question_asks() -> None:
    """"außerdem, kann man sich … anmelden" (no question mark) asks a second question; without
    the comma, "Außerdem kann man sich anmelden." is a statement."""
    assert Clause("außerdem, kann man sich für die lernwerkstatt noch anmelden", "").asks
    assert not Clause("Außerdem kann man sich anmelden", ".").asks
    assert len(split_questions(
        "kursbeginn organisationsberatung? außerdem, kann man sich für die lernwerkstatt noch "
        "anmelden"
    )) == 2


def test_a_limit_of_participants_is_a_near_miss() -> None:
    """"Gibt es eine Teilnehmerbegrenzung?" after the Lernwerkstatt asks a detail the offer does
    not state."""
    replies = ask(
        "Für wen ist die Lernwerkstatt?\nGibt es eine Teilnehmerbegrenzung?\n",
        conversations=True,
    )
    assert replies[1]["kind"] == "fallback" and "keine Angabe" in replies[1]["text"]
