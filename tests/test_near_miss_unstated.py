"""What the offer does not state, decided from data (knowledge/foreign.yaml): where something
takes place (only entries marked `says_where` know it), how many fit, a recognition, fares
and grants, an offer like this one elsewhere; and places outside Schleswig-Holstein
(knowledge/places.yaml), which get the region's answer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.answering import Answerer
from bot.config import BUNDLED_KNOWLEDGE, MatchingSettings
from bot.knowledge import KnowledgeBase, KnowledgeError, load_knowledge
from bot.knowledge.models import Entry, ForeignTopics, Places
from bot.matching import Matcher
from bot.matching.nearmiss import MAX_GAP, PhraseSet, states_a_count
from bot.matching.places import PlaceFinder
from bot.matching.stemming import stem
from bot.texts import load_texts
from tests.test_qa_handlers import last
from tests.test_team_harness import running_bot

NO_DETAIL = "Dazu habe ich keine Angabe"


@pytest.fixture(scope="module")
def answerer(kb: KnowledgeBase, matcher: Matcher) -> Answerer:
    return Answerer(kb, matcher, load_texts(), today=lambda: dt.date(2031, 2, 3))


def _near_miss(answerer: Answerer, question: str) -> str:
    """The reply's text, after checking it is a near miss that names the closest topic."""
    reply, result = answerer.answer(question)
    assert reply.kind == "fallback", (question, result.reason)
    assert result.near_miss and result.candidates, (question, result.reason)
    assert reply.text.startswith(NO_DETAIL), reply.text
    return reply.text


# -- where it takes place ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "closest"),
    [
        ("Wo findet die Lernwerkstatt eigentlich statt?", "Lernwerkstatt"),
        ("In welcher Stadt läuft der Kurs Organisationsberatung für Vereine?", "Zertifikatskurs"),
        ("Wo soll der Zertifikatskurs denn stattfinden, eher in Neumünster?", "Zertifikatskurs"),
    ],
)
def test_where_a_course_without_a_venue_takes_place_is_a_near_miss(
    answerer: Answerer, question: str, closest: str
) -> None:
    """The Lernwerkstatt and the certificate course name no venue: "wo findet … statt?" or
    "in welcher Stadt?" gets "Dazu habe ich keine Angabe", the closest topic and the team."""
    text = _near_miss(answerer, question)
    assert closest in text


@pytest.mark.parametrize(
    ("question", "family"),
    [
        ("Wo findet die Beratung für Kommunen statt?", "m2"),
        ("In welcher Stadt finden die Workshops vor Ort statt?", "m3"),
    ],
)
def test_where_is_answered_by_an_entry_that_says_where(
    answerer: Answerer, matcher: Matcher, question: str, family: str
) -> None:
    """The consultation ("persönlich vor Ort") and the workshops ("bei Ihnen vor Ort") say
    where: the same kind of question about them is answered."""
    reply, _ = answerer.answer(question)
    assert reply.kind == "answer" and reply.entry_id is not None
    assert matcher.family(reply.entry_id) == family
    assert "vor Ort" in reply.text


def test_wo_as_a_conjunction_asks_no_place(answerer: Answerer) -> None:
    """"jetzt, wo die Lernwerkstatt nicht stattfindet" is no question about the venue."""
    reply, result = answerer.answer(
        "Jetzt wo die Lernwerkstatt nicht stattfindet: welche Unterstützung bekommen wir "
        "stattdessen?"
    )
    assert result.near_miss is None
    assert reply.kind == "answer" and reply.entry_id == "m1_alternative"


def test_the_place_rule_follows_the_entries_mark_not_a_list_of_entries() -> None:
    """Whether the venue is known is read from the matched entry's `says_where`: the same
    question is a near miss against an unmarked entry and an answer once it is marked."""

    def base(says_where: bool) -> KnowledgeBase:
        entry = Entry(id="kurs", title="Kurs", answer="Der Kurs.", says_where=says_where,
                      questions=["Was ist der Kurs?", "kurs"], keywords=["Kurs"])
        return KnowledgeBase(entries={"kurs": entry}, smalltalk={}, synonyms={}, menu=[],
                             foreign=ForeignTopics(place_asks=["wo … findet … statt"]))

    question = "Wo findet der Kurs statt?"
    unmarked = Matcher(base(False), MatchingSettings()).match(question)
    assert unmarked.band == "fallback" and unmarked.near_miss == "wo … find … statt"
    marked = Matcher(base(True), MatchingSettings()).match(question)
    assert marked.band == "answer" and not marked.near_miss


def test_a_later_part_asking_the_venue_of_a_course_is_named_unanswered(answerer: Answerer) -> None:
    """Two questions in one: the course is answered, and the reply says it cannot tell
    where the course takes place."""
    reply, _ = answerer.answer("Was ist der Zertifikatskurs und wo findet er statt?")
    assert reply.kind == "answer" and reply.entry_id == "m3_zertifikat"
    assert "wo findet er statt" in reply.text


# -- how many fit, recognition, fares, grants -----------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "Gibt es eine Obergrenze für Teilnehmer bei der Lernwerkstatt?",
        "Wie viele Menschen passen höchstens in einen Workshop hinein?",
        "Ist die Fortbildung zur Organisationsberatung offiziell anerkannt?",
        "Gibt es nach dem Zertifikatskurs ein Zeugnis?",
        "Ist die Beratung für Kommunen auch auf Dänisch möglich?",
        # other languages, the video software, the course's last date written as a compound
        "Kann die Beratung für Kommunen auch auf Türkisch stattfinden?",
        "Gibt es die Beratung für Kommunen auch in Leichter Sprache?",
        "Mit welchem Tool macht ihr die Videoberatung?",
        "Wann war beim Zertifikatskurs der letzte Kurstermin?",
        # the length of one of the course's modules, the team's qualification
        "Wie lange dauert eins der Module beim Zertifikatskurs?",
        "Welche Qualifikation haben die Beraterinnen im Team?",
        "Wer bezahlt uns die Fähre, wenn ihr zur Beratung auf die Hallig kommt?",
        "Bekommt unser Sportverein Geld von euch?",
        "Zahlt ihr Kommunen auch einen Zuschuss zur Engagementförderung?",
        # how long to wait for an appointment, an exam, who issues the certificate
        "Wie lange müssen wir auf einen Termin für die Beratung warten?",
        "Muss man für den Zertifikatskurs zum Schluss eine Prüfung machen?",
        "Von wem wird das Zertifikat am Ende ausgestellt?",
        # how long the written concept is to be
        "Wie viele Seiten hat so ein Engagement-Konzept am Schluss?",
        # a closing event of the course
        "Gibt es zum Zertifikatskurs eine Abschlussveranstaltung?",
        # who exactly comes, an example municipality, dates back to back, a maximum of dates
        "Welche Person kommt denn dann zur Beratung zu uns?",
        "Habt ihr ein Beispiel einer Kommune mit so einem Workshop?",
        "Kann man zwei Beratungen direkt hintereinander buchen?",
        "Wie viele Termine für die Beratung gibt es maximal?",
    ],
)
def test_details_the_offer_does_not_state_are_near_misses(
    answerer: Answerer, question: str
) -> None:
    """A maximum of people, a recognition, a fare or money for a group: the offer states none
    of them, so the bot says so instead of answering with the closest entry."""
    _near_miss(answerer, question)


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("Wie lange dauert die Beratung höchstens?", "m2_dauer"),
        ("Was müssen wir für den Workshop bezahlen?", "kosten"),
        ("Entstehen der Gemeinde Kosten?", "kosten"),
        ("Kostet uns die Beratung Geld?", "kosten"),
    ],
)
def test_what_the_offer_states_stays_an_answer(
    answerer: Answerer, question: str, entry_id: str
) -> None:
    """The maximum the offer does state (three hours) and the costs it speaks of (none) are
    still answered."""
    reply, _ = answerer.answer(question)
    assert reply.kind == "answer" and reply.entry_id == entry_id


@pytest.mark.parametrize(
    ("topic", "follow_up"),
    [
        ("Was sind die Workshops vor Ort?", "Wie viele Personen passen da höchstens hinein?"),
        ("Erzähl mir was über die Lernwerkstatt", "Gibt es da eine Obergrenze an Personen?"),
        ("Was kostet die Beratung?", "und gibt es bei euch auch Geld für unseren Chor?"),
        ("Wer steckt hinter dem Angebot?", "Und wie viel gibt das Land dafür aus?"),
        ("Wie lange dauert die Beratung?", "Wie früh im Voraus müssen wir die Beratung buchen?"),
        ("Wann begann der Zertifikatskurs?", "Lief der Zertifikatskurs online oder in Präsenz?"),
        ("Wie viele Module hat der Zertifikatskurs?", "Wie viele Stunden hat ein Modul davon?"),
        ("Wie lange dauern die Workshops?", "Wie viele Wochen liegen zwischen den Terminen?"),
        ("Für wen war die Lernwerkstatt?", "Welche Vorkenntnisse braucht man für die Teilnahme?"),
        ("Wer kommt zu den Workshops vor Ort?", "Wie viele Personen sollen wir denn einladen?"),
        ("Was ist der Zertifikatskurs?", "Wo sind die Termine, in eurem Büro in Kiel?"),
        ("Wie lange dauert die Beratung?", "Schreibt ihr nach der Beratung für uns ein Protokoll?"),
        # how many sessions of a thing whose answer states no number, how many months
        ("Was gibt es statt der Lernwerkstatt?", "Mit wie vielen Terminen ist da zu rechnen?"),
        ("Was gibt es statt der Lernwerkstatt?", "Und wie viele Monate zieht sich das hin?"),
        ("Was hat das mit der Engagementstrategie zu tun?", "Wer hat die denn beschlossen?"),
        # how many may come, asked with words between; how many had registered
        ("Was sind die Workshops vor Ort?", "Wie viele Personen aus unserem Amt dürfen kommen?"),
        ("Warum fiel die Lernwerkstatt aus?", "Wie viele Anmeldungen lagen denn vor?"),
    ],
)
def test_a_follow_up_asking_an_unstated_detail_is_a_near_miss(
    answerer: Answerer, topic: str, follow_up: str
) -> None:
    """After a topic, a follow-up about how many fit, money for a group, prior knowledge, how
    many to invite, where the dates are held or a report afterwards is no answer about that
    topic's participants, costs, dates or length."""
    user = ("follow-up", topic)
    answerer.forget_conversation(user)
    first, _ = answerer.answer_from(user, topic)
    assert first.kind == "answer"
    reply, _ = answerer.answer_from(user, follow_up)
    assert reply.kind == "fallback" and reply.text.startswith(NO_DETAIL)


def test_a_compound_ending_in_a_listed_detail_asks_that_detail(answerer: Answerer) -> None:
    """"Mindestteilnehmerzahl" is a "Teilnehmerzahl" (German puts the head last): a near
    miss, not the workshops' length; a short listed word ends no compound."""
    _near_miss(answerer, "Gibt es eine Mindestteilnehmerzahl für den Auftaktworkshop vor Ort?")
    phrases = PhraseSet(["teilnehmerzahl", "plätze"])
    assert phrases.find(("gibt", "mindestteilnehmerzahl")) == "teilnehmerzahl"
    assert phrases.find(("sitzplaetz",)) is None


def test_a_change_of_topic_leaves_the_conversation(answerer: Answerer) -> None:
    """"Ganz andere Frage: …" is read on its own: a question outside the offer gets the plain
    fallback, not "Dazu habe ich keine Angabe" about the conversation's topic."""
    user = ("change of topic",)
    answerer.forget_conversation(user)
    first, _ = answerer.answer_from(user, "Erzähl mir was über die Lernwerkstatt")
    assert first.kind == "answer"
    question = "Ganz andere Frage: Wer erteilt bei uns die Genehmigung für einen Flohmarkt?"
    reply, _ = answerer.answer_from(user, question)
    assert reply.kind == "fallback" and not reply.text.startswith(NO_DETAIL)


def test_coming_along_is_no_question_about_the_venue(answerer: Answerer) -> None:
    """"Dürfen wir da zu dritt hinkommen?" asks whether several may come, not where the
    Lernwerkstatt was held: no "Dazu habe ich keine Angabe" about a venue."""
    user = ("coming along",)
    answerer.forget_conversation(user)
    answerer.answer_from(user, "Für wen war die Lernwerkstatt?")
    reply, _ = answerer.answer_from(user, "Dürfen wir da zu dritt hinkommen?")
    assert not reply.text.startswith(NO_DETAIL)


def test_thanks_in_advance_asks_no_detail(answerer: Answerer) -> None:
    """"Haben Sie vielen Dank im Voraus?" after a question thanks, so the reply names no part it
    cannot answer; only "wie früh im Voraus" asks for a lead time the offer does not state."""
    reply, _ = answerer.answer("Was kostet die Beratung? Haben Sie vielen Dank im Voraus?")
    assert reply.kind == "answer" and "kostenfrei" in reply.text
    assert "keine Angabe" not in reply.text
    reply, _ = answerer.answer("Wie früh im Voraus müssen wir die Beratung buchen?")
    assert reply.kind == "fallback"


def test_a_gap_stands_for_at_most_a_few_words() -> None:
    """"passen … rein" finds the two words with a few others between them, in that order,
    and not across a whole paragraph."""
    phrases = PhraseSet(["passen … rein"])

    def stems(text: str) -> tuple[str, ...]:
        return tuple(stem(word) for word in text.split())

    assert phrases.find(stems("wie viele passen da maximal rein")) == "pass … rein"
    assert phrases.find(stems("rein passen")) is None
    far = "passen " + "wort " * (MAX_GAP + 1) + "rein"
    assert phrases.find(stems(far)) is None


def test_a_modal_particle_does_not_hide_a_word_group() -> None:
    """"Wo genau sollte …" asks like "Wo sollte …": a modal particle between the words of a
    group is passed over, unless the group holds the particle itself ("wann genau")."""
    phrases = PhraseSet(["wo sollte … stattfinden"])
    with_particle = PhraseSet(["wann genau", "wann sollte"])

    def stems(text: str) -> tuple[str, ...]:
        return tuple(stem(word) for word in text.split())

    assert phrases.find(stems("wo genau sollte das stattfinden")) == "wo sollt … stattfind"
    assert phrases.find(stems("wo sollte denn das stattfinden")) == "wo sollt … stattfind"
    assert with_particle.find(stems("und wann genau")) == "wann genau"
    assert with_particle.find(stems("wann genau sollte das sein")) == "wann genau"
    assert with_particle.find(stems("wann denn sollte das sein")) == "wann sollt"


def test_a_place_asked_with_a_particle_is_a_near_miss(answerer: Answerer) -> None:
    """Where the Lernwerkstatt was to be held, asked with "genau", is a detail the offer does
    not state: no answer about the cancellation as if it said."""
    assert NO_DETAIL in _near_miss(answerer, "Wo genau sollte die Lernwerkstatt denn stattfinden?")


def test_check_refuses_a_gap_at_the_edge_or_in_a_word_list(tmp_path: Path) -> None:
    """A "…" stands only between two words, and only in the lists of asked details: `check`
    names the word otherwise."""
    for bad in ("foreign:\n  place_asks: ['… statt']\n", "foreign:\n  words: ['geld … für']\n"):
        knowledge = tmp_path / "knowledge"
        knowledge.mkdir(exist_ok=True)
        (knowledge / "extra.yaml").write_text(bad, encoding="utf-8")
        with pytest.raises(KnowledgeError, match="Lücke"):
            load_knowledge(knowledge)


# -- an offer like this one elsewhere; places outside Schleswig-Holstein --------------------------


@pytest.mark.parametrize(
    "question",
    [
        "Gibt es so ein Programm eigentlich auch in Niedersachsen?",
        "weißt du ob es sowas auch in meck-pomm gibt",
        "Bietet der Paritätische in Hamburg auch so eine Beratung für Kommunen an?",
    ],
)
def test_an_offer_like_this_elsewhere_is_a_near_miss(answerer: Answerer, question: str) -> None:
    """Whether something like the offer exists outside Schleswig-Holstein is not known."""
    _near_miss(answerer, question)


@pytest.mark.parametrize(
    "question",
    [
        "Gilt das auch für eine Gemeinde in Meck-Pomm?",
        "wir sind aus dem kreis nordwestmecklenburg, geht das?",
        "Können Kommunen aus Niedersachsen mitmachen?",
        "gilt das für uns in hamburg-bergedorf?",
        "Wir sitzen in Tønder, gilt das für uns?",
        "geht das auch für uns im landkreis rotenburg",
        # "dänisch" of the side of the border is a place; of a language, a near miss (below)
        "Geht das auch bei uns auf der dänischen Seite?",
    ],
)
def test_a_place_outside_schleswig_holstein_gets_the_region_answer(
    answerer: Answerer, question: str
) -> None:
    """A Land (or its short form), a Landkreis or town of a neighbouring Land, a part of
    Hamburg or a Danish border town, in any case: the answer about the region served."""
    reply, _ = answerer.answer(question)
    assert reply.kind == "answer" and reply.entry_id == "zielgruppe"
    assert "Schleswig-Holstein" in reply.text


def test_every_land_and_its_short_forms_are_places_elsewhere() -> None:
    """All sixteen Länder but Schleswig-Holstein, and the usual short forms, lower case too."""
    kb = load_knowledge(BUNDLED_KNOWLEDGE)
    finder = PlaceFinder(kb.places.schleswig_holstein, kb.places.elsewhere)
    lands = [
        "Hamburg", "Bremen", "Niedersachsen", "Mecklenburg-Vorpommern", "Berlin", "Brandenburg",
        "Sachsen", "Sachsen-Anhalt", "Thüringen", "Hessen", "Nordrhein-Westfalen",
        "Rheinland-Pfalz", "Saarland", "Baden-Württemberg", "Bayern",
        "MV", "Meck-Pomm", "NRW", "Nds", "BaWü", "RLP",
    ]
    for land in lands:
        for written in (land, land.lower()):
            scan = finder.scan(f"gilt das auch in {written}")
            assert scan.elsewhere and not scan.in_state, written


def test_a_part_of_a_listed_town_is_that_town() -> None:
    """"Kiel-Suchsdorf" lies in Schleswig-Holstein, "hamburg-bergedorf" outside; a known
    word joined to a town ("Schleswig-Holstein") is not a district."""
    places = Places(schleswig_holstein=["Kiel", "Schleswig"], elsewhere=["Hamburg"])
    finder = PlaceFinder(places.schleswig_holstein, places.elsewhere,
                         is_known=lambda token: token == "schleswigholstein")
    inside = finder.scan("Wir sind aus Kiel-Suchsdorf")
    assert inside.in_state and not inside.elsewhere and inside.text == "wir sind"
    outside = finder.scan("gilt das in hamburg-bergedorf")
    assert outside.elsewhere and outside.text == "gilt das"
    assert not finder.scan("gilt das in ganz Schleswig-Holstein").found


# -- through Telegram -----------------------------------------------------------------------------


async def test_the_venue_of_the_lernwerkstatt_in_telegram(tmp_path: Path) -> None:
    """Through Telegram: "keine Angabe" for the Lernwerkstatt's venue, with the team button;
    a municipality in Mecklenburg gets the region."""
    async with running_bot(tmp_path) as h:
        await h.user_says("Wo findet die Lernwerkstatt eigentlich statt?")
        message = last(h)
        assert message["text"].startswith(NO_DETAIL)
        assert "Frage an das Team senden" in str(message.get("reply_markup"))
        await h.user_says("/start")
        await h.user_says("gilt das auch für unsere gemeinde im kreis ludwigslust-parchim?")
        assert "ganz Schleswig-Holstein" in last(h)["text"]


def test_staff_of_the_municipality_and_budgeting_are_no_near_misses(answerer: Answerer) -> None:
    """"Personal" in a statement is the municipality's own staff, and "ob wir dafür
    Haushaltsmittel bereitstellen müssen" asks about the costs; whether the team hires staff
    ("Sucht ihr gerade Personal?") is a detail the offer does not state."""
    reply, _ = answerer.answer(
        "Hauptamtliches Personal haben wir dafür nicht. Für wen ist das Angebot gedacht?"
    )
    assert (reply.kind, reply.entry_id) == ("answer", "zielgruppe")
    reply, _ = answerer.answer("Müssen für die Beratung Haushaltsmittel bereitgestellt werden?")
    assert (reply.kind, reply.entry_id) == ("answer", "kosten")
    _near_miss(answerer, "Sucht ihr beim Kompetenzzentrum gerade Personal?")


def test_the_name_of_whoever_leads_is_not_stated(answerer: Answerer) -> None:
    """Who leads the team or a course by name is not in the offer: a near miss."""
    _near_miss(answerer, "Wie heißt denn eigentlich die Leitung beim Kompetenzzentrum?")


@pytest.mark.parametrize(
    "question",
    [
        "Wie lang ist denn jedes Modul vom Zertifikatskurs?",
        "In welcher Stadt sitzt ihr eigentlich?",
    ],
)
def test_the_length_of_each_module_and_the_teams_seat_are_not_stated(
    answerer: Answerer, question: str
) -> None:
    """How long each of the course's modules is, and where the team sits, are near misses."""
    _near_miss(answerer, question)


@pytest.mark.parametrize(
    "question",
    [
        "Werden beim Zertifikatskurs die Reisekosten erstattet?",
        "Ist der Zertifikatskurs von der IHK anerkannt?",
        "Kann man die Beratung aus einem Förderprogramm des Bundes bezahlen?",
        "Wer gehört denn zum Team des Kompetenzzentrums?",
        "Wie lange geht beim Zertifikatskurs ein Modul?",
        "Und wie ist das in Niedersachsen geregelt?",
    ],
)
def test_refunds_recognition_funding_sources_and_names_are_not_stated(
    answerer: Answerer, question: str
) -> None:
    """Refunds, a recognition by a chamber, other funding programmes, who is on the team, the
    length of one course module and how another Land does it are near misses."""
    _near_miss(answerer, question)


def test_the_length_of_one_follow_up_workshop_is_not_stated(answerer: Answerer) -> None:
    """The offer names one day for the kick-off and one or two follow-up workshops, but not how
    long a follow-up lasts: asking that is a near miss, asking the workshops' time is not."""
    _near_miss(answerer, "Und wie lange geht dann so ein Folgeworkshop?")
    reply, _ = answerer.answer("Wie viel Zeit brauchen die Workshops vor Ort?")
    assert (reply.kind, reply.entry_id) == ("answer", "m3_dauer")


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("Wie viele Termine haben die Workshops vor Ort?", "m3_dauer"),
        ("Wie viele Stunden dauert eine Beratung?", "m2_dauer"),
    ],
)
def test_a_count_the_entry_states_stays_an_answer(
    answerer: Answerer, question: str, entry_id: str
) -> None:
    """An entry whose answer states a number (the workshops' days, the consultation's hours)
    answers "wie viele …?"; only entries that state none make it a near miss."""
    reply, _ = answerer.answer(question)
    assert reply.kind == "answer" and reply.entry_id == entry_id


def test_an_answer_states_a_count_by_digits_or_number_words_but_not_by_a_year() -> None:
    """A digit that is no year, a number word or "zweitägig" state a count; a year, a date
    field or "helfen" (which holds "elf") do not."""
    assert states_a_count("Zeitumfang: halber Tag (max. 3 Std.)")
    assert states_a_count("Zweitägige Fortbildung")
    assert states_a_count("1 Tag Auftaktworkshop, 1–2 Folgeworkshops")
    assert not states_a_count("Die Lernwerkstatt im Juni 2022 wurde abgesagt.")
    assert not states_a_count("am {date:termin1,termin2}: wir helfen gern")


def test_a_quota_per_year_is_a_detail_the_offer_does_not_state() -> None:
    """"Wie viele Workshops kann eine Gemeinde pro Jahr bekommen?" asks a yearly quota, which
    the offer never states: "Dazu habe ich keine Angabe", not the workshops' length."""
    kb = load_knowledge(BUNDLED_KNOWLEDGE)
    result = Matcher(kb, MatchingSettings()).match(
        "Wie viele Workshops kann eine Gemeinde pro Jahr bekommen?"
    )
    assert result.band == "fallback" and result.near_miss == "pro jahr"
