"""Match a German question against the knowledge base and decide answer / suggest / fallback.

The question is read into weighted content units (question.py), every entry is scored against
them (scorer.py), and the scores decide the band: confident and clearly ahead → answer;
middling → suggestions; low → fallback.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from bot.config import MatchingSettings
from bot.knowledge.models import KnowledgeBase
from bot.matching.analyzer import Analyzer
from bot.matching.clauses import Clause, split_clauses
from bot.matching.dialect import high_german
from bot.matching.foreign import ForeignLexicon
from bot.matching.index import SearchIndex
from bot.matching.nearmiss import DetailFinder, states_a_count
from bot.matching.normalize import retokenize, tokenize
from bot.matching.params import ScoringParams
from bot.matching.places import PLACE_ENDINGS, PlaceFinder
from bot.matching.question import ClauseTokens, QuestionReader, WordClassGuess
from bot.matching.recent import Recent
from bot.matching.resolver import TermResolver, Unit
from bot.matching.result import Band, Candidate, MatchResult
from bot.matching.scorer import Scorer
from bot.matching.smalltalk import SmallTalkRecognizer, without_words

# Words that stand for a named place in the reading of a question: the synonym table maps them
# to the region the offer serves.
_ELSEWHERE = "ausserhalb"
_IN_REGION = "landesweit"
# The term of a question whether the offer is limited ("nur für", "beschränkt").
_SCOPE = "beschraenkt"
# The words of the offer's name, "Kommunale Engagementförderung" (synonym canonicals).
_OFFER_NAME = frozenset(("kommun", "engagementfoerderung"))
# "Who runs it" (wer bietet, wer führt … durch, welche Organisation, Anbieter) asked with a
# question word of who or which: the same team runs every module, so none has its own answer.
_WHO_RUNS = "anbiet"
_FOR_WHOM = "zielgrupp"  # whom the offer is for ("für wen", "gedacht für", "richtet sich an")
# Offering, and the names of who offers it (terms).
_OFFERS = frozenset(("anbiet", "angebot"))
_PROVIDER = frozenset(("paritaetisch", "kompetenzzentrum"))
# The offer as a whole, by a general word ("Welche Module gibt es?" asks for all of them).
_WHOLE_OFFER = frozenset(("angebot", "programm", "modul"))
_WHO = frozenset((
    "wer", "wem", "wessen", "organisation", "verband", "stelle", "traeger", "einrichtung",
    "anbieter", "anbieters", "veranstalter", "institution",
))
# Words that call the offer a whole ("dieses Angebot", "das Programm", its name).
_THE_WHOLE = _OFFER_NAME | {"angebot", "programm"}
# "Gilt euer Angebot auch bei uns auf Hallig Gröde?": a verb of validity with a named place
# asks whether the offer reaches that place; the offer itself ("euer Angebot", "das für
# Gemeinden") and "bei uns" name no other topic then.
_VALIDITY = frozenset(("gilt", "gelten", "gelte", "galt", "gueltig"))
_THE_OFFER_HERE = _OFFER_NAME | {"angebot", "vorort"}
# Context texts read and kept (they are the entries' topics; the bound only guards memory).
_MAX_CONTEXTS = 1024
# Sentences whose reading is kept: the parts of one message and the message as a whole.
_RECENT = 64
# Words whose answer to "is it a word of the bot's own?" is kept (the place scan asks it).
_MAX_KNOWN_WORDS = 65536


# A sentence that opens with these greets or signs off ("Grüße aus dem Amt Geltinger Bucht"):
# it says who writes, nothing the question is about.
# ("Viele Grüße …", "Mit freundlichen Grüßen …": within its first three words).
_SIGN_OFF = frozenset(("gruesse", "gruessen", "gruss", "gruessle", "lg", "vg", "mfg", "bg"))


# A message as read: small-talk id, clauses, spelling, whether it named a place (and its units).
_Raw = tuple[str | None, list[ClauseTokens], WordClassGuess, bool]
_Reading = tuple[str | None, list[ClauseTokens], WordClassGuess, bool, list[Unit]]


class Matcher:
    def __init__(
        self,
        kb: KnowledgeBase,
        settings: MatchingSettings,
        params: ScoringParams | None = None,
    ) -> None:
        self._settings = settings
        self._params = params or ScoringParams()
        foreign = ForeignLexicon(
            kb.foreign.words, kb.foreign.phrases, kb.foreign.heads, kb.foreign.groups
        )
        analyzer = Analyzer(kb.synonyms, foreign)
        self._index = SearchIndex(kb, analyzer)
        self._smalltalk = SmallTalkRecognizer(kb.smalltalk)
        resolver = TermResolver(self._index, self._params, analyzer.variants())
        self._reader = QuestionReader(analyzer, resolver, self._params)
        self._analyzer = analyzer
        self._resolver = resolver
        self._known_words: dict[str, bool] = {}
        self._places = PlaceFinder(
            kb.places.schleswig_holstein, kb.places.elsewhere, self._is_known_word
        )
        self._scorer = Scorer(self._index, self._params)
        self._titles = {e.id: e.title for e in kb.entries.values()}
        # Entries that start something (the request dialogue) are what users do, not a topic
        # a conversation is about: a follow-up after them still means the topic before.
        self._actions = frozenset(e.id for e in kb.entries.values() if e.action)
        self._title_terms = {
            e.id: frozenset(analyzer.terms(_title_name(e.title))) for e in kb.entries.values()
        }
        # The head word of each topic's name ("Beratung" of "Modul II: Beratung für Kommunen"):
        # a question that names it is about that topic even when an aspect entry answers it.
        self._topic_heads: dict[str, str] = {}
        for e in kb.entries.values():
            if self.names_a_topic(e.id) and not e.title.startswith("Überblick"):
                head = analyzer.terms(_title_name(e.title))[:1]
                if head:
                    self._topic_heads.setdefault(head[0], e.id)
            # "Modul I" names the module as well as its name does.
            if e.title.startswith("Modul") and ":" in e.title:
                number = analyzer.terms(e.title.split(":", 1)[0])
                if len(number) == 1 and number[0] != "modul":
                    self._topic_heads.setdefault(number[0], e.id)
        # Each entry's topic as the topic entry of the first head word its topic names
        # (the Lernwerkstatt's contents belong to Modul I).
        self._families: dict[str, str] = {}
        for e in kb.entries.values():
            topic = self.topic_of(e.id)
            name = _title_name(e.title) if self.names_a_topic(e.id) else (topic or "")
            family = next(
                (self._topic_heads[t] for t in analyzer.terms(name) if t in self._topic_heads),
                None,
            )
            if family is not None:
                self._families[e.id] = family
        # The topics with entries of their own (the modules), not an entry's head word alone.
        members = Counter(self._families.values())
        self._modules = frozenset(f for f, n in members.items() if n >= 2)
        # The overview's key terms that name the whole offer ("Kommunale Engagementförderung",
        # "Programm"), and the aspects the other general entries answer about the whole (who
        # runs it, for whom, what it costs): asked together, the name stands for "it".
        overview = next(
            (e.id for e in kb.entries.values() if e.title.startswith("Überblick")), None
        )
        whole = self._index.key_terms.get(overview, frozenset()) if overview else frozenset()
        self._offer_name = frozenset(whole & _OFFER_NAME)
        self._aspects_of_the_whole = frozenset(
            t
            for e in kb.entries.values()
            if e.id != overview and self._families.get(e.id) is None
            for t in self._index.key_terms.get(e.id, ())
        ) - whole
        # What "it" may be called when asked who runs it: a module's name or the offer's.
        self._names_of_it = frozenset(self._topic_heads) | self._offer_name | _THE_WHOLE
        self._memo: tuple[str, _Reading] | None = None
        self._last_read: tuple[str, _Raw] | None = None
        self._contexts: dict[str, list[Unit]] = {}
        self._sentences: Recent[str, tuple[tuple[str, ...], bool, bool]] = Recent(_RECENT)
        self._named: Recent[str, frozenset[str]] = Recent(_RECENT)
        years = [fact.date.year for e in kb.entries.values() for fact in e.dates]
        f = kb.foreign
        self._details = DetailFinder(
            f.details,
            max(years, default=9999),
            f.date_asks,
            f.named_only,
            f.detail_asks,
            f.place_asks,
            f.elsewhere_asks,
            f.count_asks,
        )
        # Entries that name dates answer "an welchem Tag …?"; the others do not know the day.
        self._dated = frozenset(e.id for e in kb.entries.values() if e.dates)
        # Entries that say where (vor Ort, by phone) answer "wo findet … statt?"; the others
        # do not know the venue.
        self._placed = frozenset(e.id for e in kb.entries.values() if e.says_where)
        # Entries whose answer states a number (of days, hours, sessions) answer "wie viele
        # Termine …?"; the others do not know it.
        self._counted = frozenset(
            e.id for e in kb.entries.values() if e.dates or states_a_count(e.answer)
        )

    def _is_known_word(self, token: str) -> bool:
        """Whether the bot reads ``token`` as a word of its own (so it is no place name); the
        answers are kept, bounded (they depend on the word and the knowledge base alone)."""
        known = self._known_words.get(token)
        if known is None:
            known = self._reads_as_known(token)
            if len(self._known_words) < _MAX_KNOWN_WORDS:
                self._known_words[token] = known
        return known

    def _reads_as_known(self, token: str) -> bool:
        terms = self._analyzer.analyse(token)
        if not terms:
            return True  # a function word or an everyday word
        term = terms[0]
        if term.mapped or term.foreign or self._details.names(token):
            return True
        unit = self._resolver.resolve(term.text)
        # "in Kasseedorf": a compound of known words (Kasse, Dorf) with the ending of a place
        # name is read as the place it names.
        return unit.known and not (unit.how == "+" and token.endswith(PLACE_ENDINGS))

    def units(self, text: str) -> list[Unit]:
        """The content units of ``text`` read as a single clause (for tests and tools)."""
        return self._reader.units_of_text(text)

    def _names_title(self, units: list[Unit], entry_id: str) -> bool:
        """Whether the question holds every term of the entry's title name (two at least)."""
        title = self._title_terms.get(entry_id, frozenset())
        asked = {t for u in units for t in (*u.terms(), *u.parts)}
        return len(title) >= 2 and title <= asked

    def _named_family_candidate(
        self, units: list[Unit], candidates: tuple[Candidate, ...]
    ) -> Candidate | None:
        """A close candidate of the one topic the question names, when the best one belongs
        to another topic: None otherwise."""
        named = self._topics_named_by(units)
        if len(named) != 1:
            return None
        (topic,) = named
        # Only a module ("Lernwerkstatt"), not an entry's head word alone ("einzelne" of the
        # individual support).
        if topic not in self._modules:
            return None
        top = candidates[0]
        top_family = self.family(top.entry_id)
        if top_family is None or top_family == topic or self.akin(topic, top.entry_id):
            return None  # (an entry akin to the topic, the support instead of it, may answer)
        for candidate in candidates[1:]:
            if (
                self.family(candidate.entry_id) == topic
                and candidate.score >= self._settings.answer_threshold
                and candidate.score >= _NAMED_FAMILY_SHARE * top.score
            ):
                return candidate
        return None

    def _close(self, top: str, runner_up: str) -> bool:
        related = self._index.related
        return runner_up in related.get(top, ()) and top in related.get(runner_up, ())

    def _read(self, question: str) -> _Raw:
        """Small-talk id when the message is only small talk, else its clauses without it
        and their place names, and whether it named a place (the last reading is kept: a
        part of a message is read again right after its match, for a detail it asks; the
        reading is shared, so no caller changes it)."""
        if self._last_read is not None and self._last_read[0] == question:
            return self._last_read[1]
        raw = self._read_fresh(question)
        self._last_read = (question, raw)
        return raw

    def _read_fresh(self, question: str) -> _Raw:
        clauses = split_clauses(question)
        tokens: list[list[str]] = []
        named_place = elsewhere = False
        for n, clause in enumerate(clauses):
            read, found, outside = self._clause_tokens(clause.text)
            greets = (
                len(clauses) > 1 and clause.end != "?" and not _SIGN_OFF.isdisjoint(read[:3])
            )
            signature = _signs(clauses, n)
            tokens.append([] if greets or signature else list(read))
            # A place in the signature ("… Findet die statt? Gemeinde Mustin") says where the
            # writer sits, not what the question asks; in a greeting ("Grüße aus Husum") it
            # still tells where "bei uns" is.
            named_place |= found and not signature
            elsewhere |= outside
        if elsewhere:
            # A place outside Schleswig-Holstein asks whether the offer reaches it, wherever the
            # place stands: its own clause, never weighed down as scene-setting.
            clauses.append(Clause(_ELSEWHERE, "?"))
            tokens.append([_ELSEWHERE])
        talk_id, start, end = self._smalltalk.span([t for ts in tokens for t in ts])
        kept: list[ClauseTokens] = []
        position = 0
        for clause, clause_tokens in zip(clauses, tokens, strict=True):
            low = max(start - position, 0)
            high = min(end - position, len(clause_tokens))
            if low < high:
                kept.append(ClauseTokens(clause, clause_tokens[low:high]))
            position += len(clause_tokens)
        return talk_id, kept, WordClassGuess(clauses), named_place

    def _named_offer(self, units: list[Unit], clauses: list[ClauseTokens]) -> list[Unit]:
        """``units`` with the words that only stand for "it" weighed as context.

        Asked who runs a module ("Wer führt die Beratung durch?"), the module stands for "it":
        one team runs them all. The offer's full name beside an aspect that a general entry
        answers about the whole offer ("Wer steckt hinter der Kommunalen
        Engagementförderung?", "Für wen ist das Programm …?") stands for "it" too; asked what
        it comprises, or alone, the name is what the question is about."""
        terms = {t for u in units if u.known for t in u.terms()}
        if not _WHOLE_OFFER.isdisjoint(terms) and any(_is_year(u.term) for u in units):
            # "Was gibt es 2022 alles im Angebot?": the programme year says when, not which
            # dated event.
            units = self._as_context(units, lambda u: _is_year(u.term))
        offered = not (_OFFERS | _WHOLE_OFFER).isdisjoint(terms) or terms >= _OFFER_NAME
        if offered and not _PROVIDER.isdisjoint(terms):
            asking = _asking_tokens(clauses)
            if "was" in asking and _WHO.isdisjoint(asking):
                # "Was bietet der Paritätische den Gemeinden an?", "was es mit der
                # Engagementförderung vom Paritätischen auf sich hat" ask what is offered: the
                # provider's name only says by whom (and a year, "… 2022 an?", when).
                return self._as_context(
                    units, lambda u: _PROVIDER.issuperset(u.terms()) or _is_year(u.term)
                )
        if _WHO_RUNS in terms and not _WHO.isdisjoint(_asking_tokens(clauses)):
            names = self._names_of_it
            # (a compound of such names counts too: "Kommunal-beratung")
            return self._as_context(
                units,
                lambda u: names.issuperset(u.terms())
                or (bool(u.parts) and names.issuperset(u.parts)),
            )
        name = self._offer_name
        aspects = self._aspects_of_the_whole
        if not name or not name <= terms or not any(
            u.known and not aspects.isdisjoint(u.terms()) for u in units
        ):
            return units
        return self._as_context(units, lambda u: name.issuperset(u.terms()))

    def _for_whom(self, units: list[Unit]) -> list[Unit]:
        """``units`` without the groups the offer is not for (foreign.yaml), when the question
        asks whom the offer is for ("Ist euer Angebot auch für Schulen gedacht?"): the answer
        says whom it is for; the school is no topic of its own there."""
        groups = self._analyzer.foreign
        if not any(u.foreign and groups.is_group(u.term) for u in units) or not any(
            u.known and _FOR_WHOM in u.terms() for u in units
        ):
            return units
        return [u for u in units if not (u.foreign and groups.is_group(u.term))]

    def _as_context(self, units: list[Unit], stands_for_it: Callable[[Unit], bool]) -> list[Unit]:
        """``units`` with the known ones that ``stands_for_it`` weighed as context."""
        factor = self._params.context_weight
        return [
            u.weighed(u.weight * factor) if u.known and stands_for_it(u) else u for u in units
        ]

    def _asks_of_an_unknown_thing(self, units: list[Unit], clauses: list[ClauseTokens]) -> bool:
        """Whether a place elsewhere was named and the question's own subject is an unknown
        noun (full weight): then the place is where that thing is, not where the offer is."""
        if not any(c.tokens == [_ELSEWHERE] for c in clauses):
            return False
        full = self._params.unknown_weight * self._index.max_idf
        return any(u.how == "?" and u.weight >= full * 0.99 for u in units)

    def _asks_validity_here(self, clauses: list[ClauseTokens], spelling: WordClassGuess) -> bool:
        """Whether the sentence that asks asks with a verb of validity ("gilt") and names
        nothing but the offer itself, "bei uns" and who asks: with a named place, the question
        is then whether the offer reaches that place (what the sentences before it set out,
        "wir sind nur eine Handvoll Leute", does not change that)."""
        asking = [c for c in clauses if c.clause.asks]
        if not asking or _VALIDITY.isdisjoint(t for c in asking for t in c.tokens):
            return False
        full = self._params.unknown_weight * self._index.max_idf
        return all(
            (u.known and _THE_OFFER_HERE.issuperset(u.terms()))
            or (u.how == "?" and u.weight < full * 0.99)
            for u in self._reader.units(asking, spelling)
        )

    def _clause_tokens(self, text: str) -> tuple[tuple[str, ...], bool, bool]:
        """A sentence's tokens without its place names, whether it named a place, and whether
        one outside Schleswig-Holstein (the sentences of a message are read more than once)."""
        known = self._sentences.get(text)
        if known is None:
            scan = self._places.scan(text)
            # A text without its place names is made of normalised words already.
            tokens = retokenize(scan.kept) if scan.found else tokenize(scan.text)
            known = (tuple(tokens), scan.found, scan.elsewhere)
            self._sentences.put(text, known)
        return known

    def entry_context(self, entry_id: str) -> str:
        """What a follow-up to ``entry_id`` carries over: the topic of the entry's title.

        Titles name the topic before a colon ("Beratung: Themen"): a follow-up keeps the
        topic, not the aspect ("welche Formate?" after the topics of the consultation).
        """
        return self._titles.get(entry_id, "").split(":")[0]

    def entry_aspect(self, entry_id: str) -> str:
        """What an elliptic follow-up ("und die Workshops?") asks again: the aspect of the
        entry's title (after the colon, or the whole title); an overview has none."""
        title = self._titles.get(entry_id, "")
        if title.startswith(("Modul", "Überblick")):
            return ""
        return title.split(":", 1)[1] if ":" in title else title

    def topic_of(self, entry_id: str) -> str | None:
        """The topic an entry's title names ("Beratung" of "Beratung: Themen", a module's
        title), or None when the title is a question about an aspect ("Was kostet das?")."""
        title = self._titles.get(entry_id, "")
        if ":" in title:
            return title.split(":")[0]
        return title if self.names_a_topic(entry_id) else None

    def names_a_topic(self, entry_id: str) -> bool:
        """Whether the entry is a topic of its own (a module, the certificate course) rather
        than an aspect of one ("Beratung: Themen", "Was kostet das?"), by its title."""
        if entry_id in self._actions:
            return False
        title = self._titles.get(entry_id, "")
        return title.startswith(("Modul", "Überblick")) or not (":" in title or "?" in title)

    def family(self, entry_id: str) -> str | None:
        """The topic entry ``entry_id`` belongs to (m1 for the Lernwerkstatt's contents), or
        None for an entry without a topic (the cost)."""
        return self._families.get(entry_id)

    @property
    def answer_threshold(self) -> float:
        return self._settings.answer_threshold

    @property
    def margin(self) -> float:
        """How far the best entry must lead the next for a clear answer."""
        return self._settings.margin

    def named_topic(self, text: str) -> str | None:
        """The topic entry whose name ``text`` names ("Was kostet die Beratung?" → the
        consultation's module), when it names exactly one."""
        named = self.named_topics(text)
        return next(iter(named)) if len(named) == 1 else None

    def named_topics(self, text: str) -> frozenset[str]:
        """The topic entries whose names ``text`` names (the units' weights play no part;
        a message's texts are asked several times while it is answered: the last are kept)."""
        known = self._named.get(text)
        if known is None:
            known = self._topics_named_by(self._reader.resolved_units_of_text(text))
            self._named.put(text, known)
        return known

    def _topics_named_by(self, units: list[Unit]) -> frozenset[str]:
        """The topic entries whose head words ``units`` name."""
        return frozenset(
            self._topic_heads[t]
            for u in units
            if u.known
            for t in (*u.terms(), *u.parts)
            if t in self._topic_heads
        )

    def unstated_detail(self, text: str, entry_id: str) -> str | None:
        """The detail ``text`` asks for that ``entry_id`` does not state (a listed detail, a
        day, date or start ("wann beginnt …") when the entry names none, or where when it does
        not say where), or None: "an welchem Datum findet er statt?" about the workshops, which
        have no dates."""
        _, clauses, _, _ = self._read(text)
        return self._unstated(clauses, entry_id, asks_when=True)

    def unstated_count(self, text: str, entry_id: str) -> str | None:
        """The count ``text`` asks for ("wie viele Termine …?") when ``entry_id`` states no
        number, or None."""
        if entry_id in self._counted:
            return None
        _, clauses, _, _ = self._read(text)
        return self._details.asks_count(_asked_words(clauses))

    def akin(self, entry_id: str, other: str) -> bool:
        """Whether two entries belong together: one topic's family, or one of them (or its
        family's head) related to the other or to the other's family (the Lernwerkstatt's
        participants and the support offered instead, the further workshops and the
        workshops' length)."""
        related = self._index.related
        ours = {e for e in (entry_id, self.family(entry_id)) if e is not None}
        theirs = {e for e in (other, self.family(other)) if e is not None}
        if ours & theirs:
            return True
        return any(not related.get(e, frozenset()).isdisjoint(theirs) for e in ours) or any(
            not related.get(e, frozenset()).isdisjoint(ours) for e in theirs
        )

    def asks_place(self, text: str) -> bool:
        """Whether ``text`` asks where something takes place ("wo findet das statt?")."""
        _, clauses, _, _ = self._read(text)
        return self._details.asks_place(_asked_words(clauses)) is not None

    def _unstated(
        self, clauses: list[ClauseTokens], entry_id: str, asks_when: bool = False
    ) -> str | None:
        """The detail the asking sentences of ``clauses`` ask for that ``entry_id`` does not
        state; ``asks_when``: a bare "wann" counts as asking for a date."""
        asking = _asked_words(clauses)
        details = self._details
        detail = details.find(asking)
        if detail is None and entry_id not in self._dated:
            detail = details.asks_date(asking) or (
                details.asks_when(asking) if asks_when else None
            )
        if detail is None and entry_id not in self._placed:
            detail = details.asks_place(asking)
        if detail is None and entry_id not in self._counted:
            detail = details.asks_count(asking)
        if detail is None and any(c.tokens == [_ELSEWHERE] for c in clauses):
            detail = details.asks_elsewhere(asking)
        return detail

    def covers(self, entry_id: str, text: str) -> bool:
        """Whether the entry's vocabulary holds every known content word of ``text``."""
        terms = self._index.entry_terms.get(entry_id, frozenset())
        known = [u for u in self._reader.units_of_text(text) if u.known]
        return bool(known) and all(not terms.isdisjoint((*u.terms(), *u.parts)) for u in known)

    def only_about(self, entry_id: str, text: str) -> bool:
        """Whether every content word of ``text`` (if any) is a known word of the entry: "mehr
        zum zweiten Modul" may point to a module, "die zweite Rechnung" to nothing offered."""
        terms = self._index.entry_terms.get(entry_id, frozenset())
        return all(
            u.known and not terms.isdisjoint((*u.terms(), *u.parts))
            for u in self._reader.units_of_text(text)
        )

    def _with_context(self, units: list[Unit], context: str) -> list[Unit]:
        """The question's units plus the weak context of the conversation's last topic.

        The context counts like a scene-setting statement, so "und wie lange dauert das?"
        finds the duration of the last topic while an explicit new topic still wins.
        """
        own = {u.terms() or (u.term,) for u in units}
        extra = [u for u in self._context_units(context) if (u.terms() or (u.term,)) not in own]
        return units + extra

    def _context_units(self, context: str) -> list[Unit]:
        """The known units of a context text, weighed as context: read once per text (the
        contexts are the entries' topics, a handful)."""
        cached = self._contexts.get(context)
        if cached is None:
            factor = self._params.context_weight
            cached = [
                u.weighed(u.weight * factor)
                for u in self._reader.units_of_text(context)
                if u.known
            ]
            if len(self._contexts) < _MAX_CONTEXTS:
                self._contexts[context] = cached
        return cached

    def match(self, question: str, context: str | None = None) -> MatchResult:
        """Match ``question``; ``context`` is the text of the conversation's last topic."""
        result = self._match(question, context, 0.0)
        assert result is not None  # without a floor every match has a result
        return result

    def match_unless_fallback(self, question: str, context: str | None) -> MatchResult | None:
        """The match of ``question``, or None when it can only be a fallback.

        A question read again with its context is of use only when that reading answers or
        suggests; most such readings are fallbacks, known from the entries' coverage before
        their example questions are scored (the costly part).
        """
        s = self._settings
        # Candidates' scores are rounded to four places before they meet the thresholds.
        return self._match(question, context, min(s.answer_threshold, s.suggest_threshold) - 1e-4)

    def _match(self, question: str, context: str | None, floor: float) -> MatchResult | None:
        """``match``; None when no entry can score ``floor`` (only with a floor above 0)."""
        if without_words(question):
            # Emoji or punctuation only: small talk ("👍") or, without an id, a help reply;
            # never a question for the knowledge base or the team.
            talk_id = self._smalltalk.recognise_symbols(question)
            return MatchResult("smalltalk", (), smalltalk_id=talk_id, reason="no words")
        # A follow-up is matched twice, alone and with its context: the reading is reused.
        if self._memo is not None and self._memo[0] == question:
            talk_id, clauses, spelling, named_place, units = self._memo[1]
        else:
            talk_id, clauses, spelling, named_place = self._read(question)
            units = [] if talk_id is not None else self._reader.units(clauses, spelling)
            if units and self._asks_of_an_unknown_thing(units, clauses):
                # "Was ist die Hauptstadt von Dänemark?": the place belongs to a thing the
                # offer does not know, so the question is not whether the offer reaches it.
                clauses = [c for c in clauses if c.tokens != [_ELSEWHERE]]
                units = self._reader.units(clauses, spelling)
            units = self._for_whom(self._named_offer(units, clauses))
            self._memo = (question, (talk_id, clauses, spelling, named_place, units))
        if talk_id is not None:
            return MatchResult("smalltalk", (), smalltalk_id=talk_id, reason="small-talk phrase")
        if context:
            units = self._with_context(units, context)
        if named_place and self._asks_validity_here(clauses, spelling):
            units = []
        if named_place and (not units or any(u.term == _SCOPE for u in units)):
            # Only a place and function words ("Gilt das auch für Pellworm?"): the question is
            # whether the offer reaches that place. Asked whether the offer is limited ("nur
            # für große Städte wie Kiel oder auch für uns auf der Hallig?"), the place hints at
            # that question as weakly as a statement around it would. (Read only then: most
            # messages that name a place ask something else.)
            region = Clause(_IN_REGION, "?")
            reach = self._reader.units([ClauseTokens(region, [_IN_REGION])], spelling)
            if not units:
                units = reach
            elif all(u.term != reach[0].term for u in units):
                units = [*units, reach[0].weighed(reach[0].weight * self._params.context_weight)]
        foreign = any(u.foreign for u in units)
        ranked = self._scorer.rank(units, floor)
        if ranked is None:
            return None
        candidates = tuple(Candidate(r.entry_id, round(r.score, 4), r.describe) for r in ranked)
        if not candidates:
            return MatchResult("fallback", (), reason="no known content word", foreign=foreign)
        s = self._settings
        top = candidates[0]
        second = candidates[1] if len(candidates) > 1 else None
        ahead = second is None or top.score - second.score >= s.margin
        close = (
            second is not None
            and self._params.related_is_close
            and self._close(top.entry_id, second.entry_id)
        )
        by_title = False
        if not ahead and not close and second is not None:
            # A tie where the question names one of the two by its title ("Beratung für
            # Kommunen"): that entry is what the question is about.
            named = self._names_title(units, top.entry_id), self._names_title(
                units, second.entry_id
            )
            if named == (False, True):
                top, second = second, top
                candidates = (top, second, *candidates[2:])
            by_title = ahead = named[0] != named[1]
        if by_title is False and top.score >= s.answer_threshold:
            own = self._named_family_candidate(units, candidates)
            if own is not None:
                # "Wer sollte an der Lernwerkstatt teilnehmen?": the question names the
                # Lernwerkstatt; the workshops' "wer … teilnehmen" does not outweigh that.
                candidates = (own, *(c for c in candidates if c is not own))
                top = own
                second = candidates[1] if len(candidates) > 1 else None
                ahead = True
        band: Band
        # Numbers alone ("3", "15.6.") say too little to answer with confidence.
        only_numbers = all(u.term.isdigit() for u in units)
        if top.score >= s.answer_threshold and (ahead or close) and only_numbers:
            band, reason = "suggest", "only numbers: too little to answer with confidence"
        elif top.score >= s.answer_threshold and (ahead or close):
            band = "answer"
            reason = f"score ≥ {s.answer_threshold}, " + (
                "a tie, but the question names its title"
                if by_title
                else f"ahead by ≥ {s.margin}" if ahead else "runner-up is a related entry"
            )
        elif top.score >= s.suggest_threshold:
            band, reason = "suggest", f"score ≥ {s.suggest_threshold} but not a clear winner"
        else:
            band, reason = "fallback", f"score < {s.suggest_threshold}"
        if band != "smalltalk":
            detail = self._unstated(clauses, candidates[0].entry_id)
            if detail is not None:
                reason = f"near miss: asks for '{detail}', which the offer does not state"
                return MatchResult(
                    "fallback", candidates, reason=reason, near_miss=detail, foreign=foreign
                )
        if band == "suggest" and foreign:
            # Unsure, and a topic outside the offer is named: say so rather than "Meinten Sie".
            band, reason = "fallback", "not a clear winner, and a foreign topic is named"
        return MatchResult(band, candidates, reason=reason, foreign=foreign)


# A candidate of the topic the question names wins over a better one of another topic when
# it scores at least this share of it.
_NAMED_FAMILY_SHARE = 0.9

# A short last line after the question that asks nothing is a signature ("Stadt Reinfeld,
# Fachdienst Soziales"); one that opens with a conjunction goes on asking ("Und die Kosten.").
_SIGNATURE_WORDS = 5
_GOES_ON = frozenset(("und", "oder", "auch", "sowie", "aber", "bzw"))


def _signs(clauses: list[Clause], n: int) -> bool:
    """Whether clause ``n`` is a signature under the message's question."""
    if n == 0 or n != len(clauses) - 1 or clauses[n - 1].end != "?":
        return False
    clause = clauses[n]
    words = clause.text.split()
    return (
        not clause.asks
        and len(words) <= _SIGNATURE_WORDS
        and words[0].casefold() not in _GOES_ON
    )


def _title_name(title: str) -> str:
    """What a title names: a module's name after its number ("Modul II: Beratung für
    Kommunen"), else the whole title."""
    return title.split(":", 1)[1] if title.startswith("Modul") and ":" in title else title


def _asked_words(clauses: list[ClauseTokens]) -> list[str]:
    """The words a near-miss detail is looked for in: those of the sentences that ask, in High
    German ("Gifft dat sowat …" asks as "Gibt das sowas …"). The clause added for a place
    elsewhere asks, but not what the user wrote: without it, a message without "?" ("… sowas
    auch in Hamburg gibt") is read as a whole."""
    return high_german(_asking_tokens([c for c in clauses if c.tokens != [_ELSEWHERE]]))


def _is_year(term: str) -> bool:
    return len(term) == 4 and term.isdigit()


def _asking_tokens(clauses: list[ClauseTokens]) -> list[str]:
    """The words of the sentences that ask (all of them when none does)."""
    asking = [c for c in clauses if c.clause.asks] or clauses
    return [t for c in asking for t in c.tokens]
