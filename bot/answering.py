"""Question -> Reply: the Q&A domain on top of the knowledge base and the matcher (no telegram)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from dataclasses import replace

from bot import callbacks
from bot.conversation_context import ConversationContext, Turn
from bot.currency import Currency
from bot.dialogue.kind_hint import kind_named_in
from bot.knowledge import Entry, KnowledgeBase
from bot.knowledge.dates import render_answer
from bot.matching import Matcher, MatchResult
from bot.matching.clauses import split_clauses
from bot.matching.multi import (
    asked_sentences,
    asks_what_next,
    asks_yes_no_about_it,
    changes_topic,
    elliptic_tail,
    is_elliptic,
    question_sentence,
    refers_back,
    split_questions,
)
from bot.matching.ordinals import (
    MAX_QUESTION_TOKENS,
    MAX_TOKENS,
    list_position,
    without_position,
)
from bot.matching.result import Candidate
from bot.replies import Button, Reply, ReplyKind, Suggestion
from bot.stand import Stand
from bot.texts import Texts

MAX_SUGGESTIONS = 3
# A fallback still offers entries from this score on: the matcher was unsure, not lost.
PLAUSIBLE = 0.2
# A follow-up's best entry of the conversation's topic is answered when it scores this many times
# the runner-up's score.
FOLLOW_UP_LEAD = 1.5


def _answered_with(result: MatchResult, chosen: Candidate, why: str) -> MatchResult:
    """``result`` answered with ``chosen`` (put first, the other candidates after it)."""
    others = tuple(c for c in result.candidates if c is not chosen)
    return replace(
        result, band="answer", candidates=(chosen, *others), reason=f"{result.reason}; {why}"
    )


def _offered_entries(reply: Reply) -> tuple[str, ...]:
    """The entries a reply offers as buttons, in the order shown."""
    parsed = (callbacks.parse(b.data) for row in reply.buttons for b in row)
    return tuple(
        dict.fromkeys(c.entry for c in parsed if c and c.kind == "entry" and c.entry)
    )


class Answerer:
    def __init__(
        self,
        kb: KnowledgeBase,
        matcher: Matcher,
        texts: Texts,
        today: Callable[[], dt.date],  # the operator's date (bot.answering_factory builds it)
        context: ConversationContext | None = None,
    ) -> None:
        self.kb = kb
        self.matcher = matcher
        self.texts = texts
        self.today = today
        self.stand = Stand(kb.meta, texts)
        self.context = context or ConversationContext(minutes=30)
        self._buttons: dict[tuple[str, str | None], tuple[tuple[Button, ...], ...]] = {}

    # -- rendering -------------------------------------------------------------------------

    def entry_text(self, entry: Entry) -> str:
        return render_answer(entry, self.today(), self.stand.months)

    def _entry_buttons(
        self, entry: Entry, question: str = ""
    ) -> tuple[tuple[Button, ...], ...]:
        """The entry's buttons; "Anfrage starten" carries the kind ``question`` names."""
        kind = kind_named_in(question) if entry.action == "request" and question else None
        # Kept per entry and kind (a handful): every answer shows them, and they never change
        # for a knowledge base (a reload builds a new answerer).
        rows = self._buttons.get((entry.id, kind))
        if rows is None:
            rows = self._buttons[(entry.id, kind)] = self._new_buttons(entry, kind)
        return rows

    def _new_buttons(self, entry: Entry, kind: str | None) -> tuple[tuple[Button, ...], ...]:
        rows: list[tuple[Button, ...]] = []
        if entry.action == "request":
            start = callbacks.request(kind)
            rows.append((Button(self.texts.plain("btn_start_request"), start),))
        for rel in entry.related:
            related = self.kb.entries[rel]
            rows.append((Button(related.button_label, callbacks.entry(related.id)),))
        rows.append((Button(self.texts.plain("btn_menu"), callbacks.menu()),))
        return tuple(rows)

    def entry_reply(
        self, entry: Entry, currency: Currency | None = None, question: str = ""
    ) -> Reply:
        """The entry's answer, with the Stand note where due; a question about what is current
        (``currency``) also gets the offer to ask the team. "Anfrage starten" carries the kind
        the question named, so the dialogue does not ask for it again."""
        kind: ReplyKind = "action" if entry.action == "request" else "answer"
        note = self.stand.note(entry, currency)
        return Reply(
            kind=kind,
            text=self.entry_text(entry) + (f"\n\n{note}" if note else ""),
            buttons=self._entry_buttons(entry, question),
            entry_id=entry.id,
            start_request=entry.action == "request",
            offer_team=currency is not None,
        )

    def later_date_reply(self, entry: Entry | None) -> Reply:
        """A question about a date after the programme year: no answer, what the offer said,
        and (added by the handler, like every fallback) the team button."""
        text = self.stand.later_date_text(self.entry_text(entry) if entry else None)
        rows: list[tuple[Button, ...]] = []
        if entry is not None:
            rows.append((Button(entry.button_label, callbacks.entry(entry.id)),))
        rows.append((Button(self.texts.plain("btn_menu"), callbacks.menu()),))
        return Reply(
            kind="fallback",
            text=text,
            buttons=tuple(rows),
            entry_id=None,
            about=entry.id if entry is not None else None,
        )

    def show_entry(self, entry_id: str) -> Reply | None:
        entry = self.kb.entry(entry_id)
        return self.entry_reply(entry) if entry else None

    def menu_buttons(self, kind: str | None = None) -> tuple[tuple[Button, ...], ...]:
        """The menu; its "Anfrage stellen" carries a kind the question named (``kind``)."""
        rows: list[tuple[Button, ...]] = [
            (Button(item.label, callbacks.entry(item.entry)),) for item in self.kb.menu
        ]
        rows.append(
            (
                Button(self.texts.plain("btn_ask"), callbacks.ask()),
                Button(self.texts.plain("btn_request"), callbacks.request(kind)),
            )
        )
        return tuple(rows)

    def menu(self, intro_key: str = "menu_prompt") -> Reply:
        return Reply(kind="info", text=self.texts.render(intro_key), buttons=self.menu_buttons())

    # -- answering -------------------------------------------------------------------------

    def sure_answer(self, question: str, min_score: float = 0.0) -> Reply | None:
        """The knowledge entry's reply when the question is answered from the knowledge base
        with at least ``min_score``, else None (for questions typed during the dialogue)."""
        result = self.matcher.match(question)
        if result.band != "answer" or not result.candidates:
            return None
        best = result.candidates[0]
        return self.entry_reply(self.kb.entries[best.entry_id]) if best.score >= min_score else None

    def answer_from(self, user: Hashable, question: str) -> tuple[Reply, MatchResult]:
        """Answer ``question`` in the light of the user's conversation, and remember its topic."""
        turn = self.context.recall(user)
        picked = self._picked_option(question, turn)
        if picked is not None and turn is not None:
            # Walking through a list ("zum zweiten", then "und zum dritten?"): it stays on offer.
            entry_id = picked[0].entry_id or ""
            topical = self.matcher.topic_of(entry_id) is not None
            self.context.remember(user, entry_id, topical, turn.options)
            return picked
        reply, result = self.answer(
            question, (turn.topic or turn.last) if turn else None, last=turn.last if turn else None
        )
        options = _offered_entries(reply)
        if reply.entry_id and reply.kind in ("answer", "action"):
            topical = self.matcher.topic_of(reply.entry_id) is not None
            # The topic the question names besides the answer's own ("eine Beratung" in "wie
            # kommen wir an eine Beratung?", answered with the request).
            others = self.matcher.named_topics(question) - {self.matcher.family(reply.entry_id)}
            named = next(iter(others)) if len(others) == 1 else None
            if topical and named is not None:
                # "wir wollen uns beraten lassen. Was bietet ihr an?" answered with the overview
                # (or "wie kommen wir an eine Beratung?" with the request): the topic the
                # question named outlasts an answer from outside it.
                topical = False
            self.context.remember(
                user, reply.entry_id, topical, options, None if topical else named
            )
        elif reply.about is not None and (
            self.matcher.family(reply.about) in self.matcher.named_topics(question)
        ):
            # "Gibt es die Lernwerkstatt 2026 wieder?" answers nothing, but names what the
            # conversation is about now: "Und welche Inhalte hatte die?" asks of it. (The
            # closest entry of a near miss that names no topic is only a guess.)
            topical = self.matcher.topic_of(reply.about) is not None
            self.context.remember(user, reply.about, topical, options)
        elif (family := self._suggested_family(reply, question)) is not None:
            # "Gibt es eine Beratung für kleine Gemeinden?" offered the consultation's aspects:
            # "Und kommt ihr dafür zu uns raus?" asks of the consultation.
            self.context.remember(user, family, True, options)
        elif options:
            self.context.offer(user, options)
        return reply, result

    def _suggested_family(self, reply: Reply, question: str) -> str | None:
        """The topic a suggestion reply is about: every entry it offers belongs to it, and the
        question names it."""
        if reply.kind != "suggestions" or not reply.suggestions:
            return None
        families = {self.matcher.family(s.entry_id) for s in reply.suggestions}
        family = families.pop() if len(families) == 1 else None
        if family is None or family not in self.matcher.named_topics(question):
            return None
        return family

    def _picked_option(
        self, question: str, turn: Turn | None
    ) -> tuple[Reply, MatchResult] | None:
        """The option of the last reply that a short message points to ("mehr zum zweiten"),
        when the message says nothing that option is not about."""
        if turn is None or not turn.options:
            return None
        position = list_position(question, MAX_QUESTION_TOKENS)
        if position is None or position >= len(turn.options):
            return None
        entry_id = turn.options[position]
        entry = self.kb.entry(entry_id)
        if entry is None:
            return None
        rest = without_position(question)
        if len(question.split()) > MAX_TOKENS or not self.matcher.only_about(entry_id, rest):
            return self._option_aspect(rest, entry_id)
        number = position + 1 if position >= 0 else len(turn.options)
        result = MatchResult(
            "answer",
            (Candidate(entry_id, 1.0),),
            reason=f"points to option {number} of the last reply",
        )
        return self.entry_reply(entry), result

    def _option_aspect(self, rest: str, entry_id: str) -> tuple[Reply, MatchResult] | None:
        """"Was ist der Inhalt des ersten?", "und das zweite – wie lange dauert das?": the
        question without its ordinal, read with the option as the topic, when its answer
        belongs to that option's topic (else the message is no reference to the list)."""
        family = self.matcher.family(entry_id)
        if family is None:
            return None
        reply, result = self._answer_one(rest, entry_id, entry_id, None)
        if reply.kind not in ("answer", "action") or reply.entry_id is None:
            return None
        if self.matcher.family(reply.entry_id) != family:
            return None
        return reply, replace(result, reason=f"{result.reason}; about option of the last reply")

    def forget_conversation(self, user: Hashable) -> None:
        """A new conversation (/start): the next question stands on its own."""
        self.context.forget(user)

    def _match(
        self, question: str, context: str | None, topic: str | None = None
    ) -> MatchResult:
        """The match of ``question``, read with the context when that makes it an answer.

        ``context`` is the text of the last topic. It only helps a question that has content
        words of its own ("Wieso?", "und die Formate"): one without any ("Und wo findet der
        statt?") is not guessed, and a near miss stays one.
        """
        result = self.matcher.match(question)
        if context and topic and result.band == "answer" and result.candidates:
            return self._within_topic(question, result, topic)
        if context and topic and result.band == "suggest" and result.candidates:
            settled = self._settled_tie(question, result, topic)
            if settled is not None:
                return settled
        if (
            not context
            or result.band in ("answer", "smalltalk")
            or result.near_miss
            or not result.candidates
        ):
            return result
        # Only an answer or suggestion with the context replaces the reading without it.
        with_context = self.matcher.match_unless_fallback(question, context)
        if with_context is None:
            return result
        if with_context.band == "suggest":
            with_context = self._clear_follow_up(with_context, context)
        return with_context if with_context.band != "fallback" else result

    def _within_topic(self, question: str, result: MatchResult, topic: str) -> MatchResult:
        """A follow-up that names no topic ("was wird da behandelt?" after the Lernwerkstatt)
        stays in the conversation's topic, though alone it reads as another topic's aspect:
        its best candidate from that topic is answered when it scores as an answer would."""
        family = self.matcher.family(topic)
        answered = self.matcher.family(result.candidates[0].entry_id)
        if (
            family is None
            or answered is None
            or answered == family
            # A topic the question names is its topic, unless it is this one ("… über die
            # Lernwerkstatt informieren. Welche Inhalte werden vermittelt?").
            or any(self.matcher.family(n) != family for n in self.matcher.named_topics(question))
        ):
            return result
        within = [c for c in result.candidates if self.matcher.family(c.entry_id) == family]
        if not within or within[0].score < self.matcher.answer_threshold:
            return result
        return _answered_with(result, within[0], "the conversation's topic settles the follow-up")

    def _kept_in_earlier_topic(
        self, part: str, result: MatchResult, earlier: str, context: str
    ) -> MatchResult:
        """A later part that names no topic ("… Workshops vor Ort, oder? Wie läuft das ab?")
        whose answer is another module's is read again with the earlier part's topic: its best
        entry akin to that topic is answered when it scores as an answer would."""
        if result.band != "answer" or not result.candidates:
            return result
        answered = result.candidates[0].entry_id
        if (
            self.matcher.family(answered) is None
            or self.matcher.akin(earlier, answered)
            or self.matcher.named_topics(part)
        ):
            return result
        again = self.matcher.match(part, context)
        within = [c for c in again.candidates if self.matcher.akin(earlier, c.entry_id)]
        if again.near_miss or not within or within[0].score < self.matcher.answer_threshold:
            return result
        return _answered_with(again, within[0], "read in the earlier part's topic")

    def _answers_for(self, topic: str, entry_id: str) -> bool:
        """Whether ``entry_id`` answers an aspect of ``topic``: an aspect entry akin to it (the
        workshops' length for the further workshops), not a topic of its own (the certificate
        course's start is no date of the workshops)."""
        return self.matcher.akin(topic, entry_id) and not self.matcher.names_a_topic(entry_id)

    def _settled_tie(self, question: str, result: MatchResult, topic: str) -> MatchResult | None:
        """A follow-up tied between an entry akin to the conversation's topic and others ("und
        wie viele Tage müssten wir dafür freihalten?" after the further workshops: the
        workshops' length or the two-day Lernwerkstatt) is about the topic: that entry is
        answered."""
        top = result.candidates[0]
        if self.matcher.family(topic) is None or self.matcher.named_topics(question):
            return None
        if result.foreign:
            return None
        tied = [c for c in result.candidates if top.score - c.score < self.matcher.margin]
        within = [c for c in tied if self._answers_for(topic, c.entry_id)]
        if len(tied) < 2 or len(within) != 1:
            return None
        return _answered_with(result, within[0], "the conversation's topic settles the tie")

    def _clear_follow_up(self, result: MatchResult, context: str) -> MatchResult:
        """A follow-up whose best entry belongs to the conversation's topic and stands far ahead
        of the rest ("und wer sollte da eingeladen werden?" after the workshops) is answered:
        the topic settles what a short follow-up leaves open."""
        top, *rest = result.candidates
        runner_up = rest[0].score if rest else 0.0
        if self.matcher.topic_of(top.entry_id) != context or top.score < FOLLOW_UP_LEAD * runner_up:
            return result
        return replace(result, band="answer", reason=f"{result.reason}; follow-up to its topic")

    def _topic_text(self, topic: str | None) -> str | None:
        return self.matcher.entry_context(topic) if topic else None

    def answer(
        self, question: str, topic: str | None = None, last: str | None = None
    ) -> tuple[Reply, MatchResult]:
        """Decide how to answer a free-text question; also return the match for logging.

        ``topic`` is the entry the conversation is about, ``last`` the last one answered (for
        follow-ups; ``last`` defaults to ``topic``). A message that asks two things gets both
        answers in one reply; a question about what is current is answered as a whole
        (bot/stand.py).
        """
        if changes_topic(question):
            topic = last = None  # "Ganz andere Frage: …" is read on its own
        parts = split_questions(question)
        if len(parts) == 1:
            parts = self._elliptic_parts(question) or parts
        currency = self.stand.classify(question)
        if len(parts) > 1 and currency != "later_date":
            composed = self._answer_parts(parts, topic)
            if composed is not None:
                return composed
        return self._answer_one(question, topic, last or topic, currency)

    def _elliptic_parts(self, question: str) -> list[str] | None:
        """"Was ist Modul II? Und Modul III?": a question and an elliptic one after it that
        names another topic ask twice (the second the first's aspect); an elliptic one that
        names no topic ("Und Verwaltung und Vereine?") goes on with the first."""
        pair = elliptic_tail(question)
        if pair is None:
            return None
        head, tail = pair
        named_head, named_tail = self.matcher.named_topics(head), self.matcher.named_topics(tail)
        if not named_head or not named_tail or not named_head.isdisjoint(named_tail):
            return None
        return [head, tail]

    def _answer_parts(
        self, parts: list[str], topic: str | None
    ) -> tuple[Reply, MatchResult] | None:
        """One reply for several questions, or None when fewer than two parts are answered
        and no part needs the note that it cannot be answered."""
        answered: list[tuple[Entry, MatchResult]] = []
        currencies: dict[str, Currency] = {}  # per answered entry: what is current, asked
        unknown: list[str] = []
        context = self._topic_text(topic)
        earlier: Entry | None = None  # the entry the part before was answered with
        earlier_topic: str | None = None  # its topic, or the topic its part named
        all_answered = 0  # parts answered, by whichever entry
        for part in parts:
            result = self._read_part(part, context, earlier, earlier_topic)
            if not (self._part_answered(result) or result.near_miss):
                stated = self._stated_topic(part)
                result = (
                    self._read_after_statement(part, result, context, earlier, stated) or result
                )
            currency = self.stand.classify(part)
            if currency == "later_date":
                return None  # a later date is answered as a whole (bot/stand.py)
            result = self._about_stated_topic(part, result, currency, earlier) or result
            # "und wie lange dauert sie?" refers to the part before: to the topic of its
            # answer, or to its words when it had none.
            context = part
            if self._misses_earlier_detail(part, result, earlier):
                unknown.append(part)
                continue
            if self._part_answered(result):
                all_answered += 1
                entry = self.kb.entries[result.candidates[0].entry_id]
                # An answer of no topic ("Für wen ist die Beratung?": whom the offer is for)
                # leaves the topic the part named for the parts after it.
                named = None if self.matcher.family(entry.id) else self.matcher.named_topic(part)
                context = self.matcher.topic_of(entry.id) or self._topic_text(named) or part
                earlier = entry
                # ("Kostet die Lernwerkstatt was? Und dürfen wir zu viert anreisen?": the
                # second part is about the Lernwerkstatt, not about costs)
                earlier_topic = named or entry.id
                if all(entry.id != e.id for e, _ in answered):
                    answered.append((entry, result))
                if currency is not None:
                    currencies[entry.id] = currency
            elif result.foreign or currency is not None:
                # One part is about another topic: the message is out of scope. One that asks
                # what is current and is no answer gets the reply about the present as a whole.
                return None
            elif result.band != "smalltalk":
                unknown.append(part)
        if not answered or (len(answered) == 1 and not unknown):
            # Every part answered by one entry ("Angaben zum Anbieter sowie zu dessen Rahmen"):
            # that entry answers the message; else the message is read as a whole.
            if len(answered) == 1 and all_answered == len(parts):
                entry, result = answered[0]
                return self.entry_reply(entry, currencies.get(entry.id)), result
            return None
        texts = [self.entry_reply(entry, currencies.get(entry.id)).text for entry, _ in answered]
        # The note quotes what the part asks, not the writer's situation before it.
        texts += [
            self.texts.render("multi_part_unknown", part=(asked_sentences(p) or p).strip(" ?"))
            for p in unknown
        ]
        result = answered[0][1]
        last = answered[-1][0]
        return (
            Reply(
                kind="action" if any(e.action == "request" for e, _ in answered) else "answer",
                text="\n\n".join(texts),
                buttons=self._entry_buttons(last),
                entry_id=last.id,
                start_request=False,
            ),
            result,
        )

    def _read_part(
        self,
        part: str,
        context: str | None,
        earlier: Entry | None,
        earlier_topic: str | None = None,
    ) -> MatchResult:
        """The match of one part of a longer message, read in the light of the part before
        (``earlier_topic``: the topic that part named when its answer has none)."""
        # A later part that names no topic stays in the earlier part's topic ("Was sind die
        # Inhalte von Modul I und wer ist als Teilnehmende vorgesehen?").
        topic = earlier_topic or (earlier.id if earlier else None)
        result = self._match(part, context, topic)
        if topic is not None and context:
            result = self._kept_in_earlier_topic(part, result, topic, context)
        if earlier is not None:
            # "Was kostet die Beratung? Und die Workshops?": the earlier part's aspect.
            result = self._elliptic(part, earlier.id) or result
        return result

    def _read_after_statement(
        self,
        part: str,
        result: MatchResult,
        context: str | None,
        earlier: Entry | None,
        stated: tuple[str, str] | None,
    ) -> MatchResult | None:
        """A part whose statement weighs its question down, read again: in the topic the
        statement names ("Wir interessieren uns für die Entwicklungswerkstatt. Was passiert
        da?"), else as the question alone ("… wir haben viele Ehrenamtliche, aber keinen
        Plan. 1. Wer bietet das an?"); None unless that answers it.

        A statement that names a topic outside the offer ("Für die Sitzung des Ausschusses
        brauche ich: Wer bietet …?") leaves the question alone only when the question does
        not refer to it ("Wir planen ein Straßenfest. Was kostet das?" stays out of scope)."""
        if stated is not None:  # (``stated``: ``_stated_topic(part)``, read by the caller)
            # Beside a foreign topic ("Leute für die Feuerwehr finden … Ein Workshop vor Ort
            # klingt gut – wie viel Zeit muss man dafür einplanen?") only the question is read
            # in the named topic, and must name nothing foreign itself.
            # Else the question alone is read in the topic when the whole part is not
            # answered there ("Wir planen einen Workshop vor Ort mit Vereinen und Kirche. Wie
            # viele Termine muss man dafür einrechnen?").
            for read in (stated[1],) if result.foreign else (part, stated[1]):
                within = self._match(read, self._topic_text(stated[0]), stated[0])
                if self._part_answered(within) and not (read != part and within.foreign):
                    return within
        asked = asked_sentences(part)
        if asked is None or (result.foreign and refers_back(asked)):
            return None
        alone = self._read_part(asked, context, earlier)
        if alone.foreign or not self._part_answered(alone):
            return None
        return alone

    def _asks_about_the_story(self, question: str, stated: tuple[str, str] | None) -> bool:
        """Whether the question refers back to a story that names no topic of the offer
        (``stated`` is None; "Wir suchen Wohnraum für Geflüchtete. Wer ist dafür
        zuständig?"): then it asks about the story, and is not read alone."""
        if stated is not None:
            return False
        asked = asked_sentences(question)
        return asked is not None and refers_back(asked)

    def _part_answered(self, result: MatchResult) -> bool:
        return (result.band == "answer" and bool(result.candidates)) or self._clear_part(result)

    def _about_stated_topic(
        self, part: str, result: MatchResult, currency: Currency | None, earlier: Entry | None
    ) -> MatchResult | None:
        """"… ich hatte mir die Lernwerkstatt rausgesucht – findet die eigentlich noch statt?":
        a part that asks yes or no only about "it" (or only whether it is still on), after a
        statement that names a topic, and is no answer alone, is about that topic; without
        such a statement, about the earlier part's answer."""
        if result.band == "answer" and result.candidates:
            return None
        about_it = self._asks_about_it(part)
        if not about_it and currency != "current":
            return None  # (checked first: finding the stated topic reads the part again)
        stated = self._stated_topic(part)
        if stated is None:
            # "Was wäre in der Lernwerkstatt drangekommen, und findet die überhaupt statt?":
            # "it" is what the part before was answered with.
            if earlier is None or not about_it:
                return None
            chosen = Candidate(earlier.id, 1.0)
            return _answered_with(result, chosen, "asks about the earlier part's answer")
        if not about_it and not (
            currency == "current"
            and not any(u.known for u in self.matcher.units(self.stand.without_still(stated[1])))
        ):
            return None
        chosen = Candidate(stated[0], 1.0)
        return _answered_with(result, chosen, "asks about the topic its statement names")

    def _clear_part(self, result: MatchResult) -> bool:
        """Whether a part of a longer message that scores only as a suggestion has one clear
        candidate ("Und können wir das auch per Video machen, weil der Weg weit ist?"): the
        situation words of a long message weigh its parts down, and a part far ahead of every
        other entry is answered beside the other parts rather than dropped."""
        if result.band != "suggest" or not result.candidates or result.foreign:
            return False
        top, *rest = result.candidates
        return not rest or top.score >= FOLLOW_UP_LEAD * rest[0].score

    def _misses_earlier_detail(
        self, part: str, result: MatchResult, earlier: Entry | None
    ) -> bool:
        """Whether a later part that names no topic of its own ("… und an welchem Datum findet
        er statt?" after the workshops) asks a detail the earlier part's topic does not state,
        though alone it reads as another topic's answer (or the same answer again): then the
        reply says it cannot answer that part instead of answering the wrong thing."""
        if earlier is None or result.band != "answer" or not result.candidates:
            return False
        answered = result.candidates[0].entry_id
        if answered != earlier.id and self.matcher.family(earlier.id) is None:
            return False  # the part before had no topic ("Was kostet das?"): no clash
        # (an entry akin to the earlier one answers for it: the workshops' length for the
        # further workshops)
        same_topic = answered == earlier.id or self._answers_for(earlier.id, answered)
        if self.matcher.named_topic(part) is not None or (
            same_topic and answered != earlier.id
        ):
            return False
        return self.matcher.unstated_detail(part, earlier.id) is not None

    def _follow_up_detail(
        self, question: str, topic: str, last: str | None, result: MatchResult
    ) -> MatchResult:
        """A follow-up that names no topic and asks a detail ("wann?", "wo findet das statt?",
        "wie viele Leute können mitmachen?"), read for the conversation's topic: where the
        topic does not state it, "Dazu habe ich keine Angabe" with the topic as the closest
        entry (rather than another topic's answer or the plain fallback); where it says where,
        a question only about the place is answered by the topic."""
        answered = result.candidates[0].entry_id if result.candidates else None
        family = self.matcher.family(topic)
        if result.band == "answer" and (
            answered in (topic, last)
            or self.matcher.family(answered or "") in (family, None)
            or self._answers_for(topic, answered or "")
        ):
            # The topic's own family, an aspect akin to it (the workshops' length for the
            # further workshops), a general entry, or the last answer's entry answers it.
            return result
        if result.near_miss and answered is not None and (
            self.matcher.family(answered) == family
        ):
            return result
        detail = self.matcher.unstated_detail(question, topic)
        subject = topic
        if detail is None and last not in (None, topic) and self.matcher.akin(topic, last or ""):
            # "Wie viele Termine umfasst die Begleitung?" after the support offered instead of
            # the Lernwerkstatt: the last answer's entry states no number, though its topic
            # (the two-day Lernwerkstatt) does.
            detail = self.matcher.unstated_count(question, last or "")
            subject = last if detail is not None and last is not None else topic
        demote = (
            detail is None
            and result.band == "answer"
            and family is not None
            and not self.matcher.akin(topic, answered or "")
        )
        place = detail is None and not result.candidates and self.matcher.asks_place(question)
        if not (detail or demote or place) or self.matcher.named_topics(question):
            return result  # (a question that names a topic is read as it stands)
        if demote:
            # "wieso?" after the consultation is no question about the Lernwerkstatt's
            # cancellation: the answer of an unrelated module to a follow-up that names no
            # topic is not given with confidence.
            reason = f"{result.reason}; but it answers a module unrelated to the conversation's"
            return replace(result, band="fallback", reason=reason)
        near = (
            Candidate(subject, 1.0), *(c for c in result.candidates if c.entry_id != subject)
        )
        if detail is not None:
            reason = f"follow-up asks '{detail}', which the conversation's topic does not state"
            return replace(
                result, band="fallback", candidates=near, reason=reason, near_miss=detail
            )
        if place:
            reason = "follow-up asks where; the conversation's topic says where"
            return replace(result, band="answer", candidates=near, reason=reason)
        return result

    def _elliptic(self, question: str, last: str | None) -> MatchResult | None:
        """"und die Workshops?" after the cost of the consultation asks the cost of the
        workshops: the new topic with the last answer's aspect, when that is an answer."""
        if last is None or not is_elliptic(question):
            return None
        aspect = self.matcher.entry_aspect(last)
        alone = self.matcher.match(question)
        # "und die Formate?" names another aspect, not a new topic: the usual reading serves.
        if not aspect or not alone.candidates:
            return None
        if not self.matcher.names_a_topic(alone.candidates[0].entry_id):
            return None
        result = self.matcher.match(f"{question.strip(' ?')} – {aspect}")
        if result.band != "answer" or not result.candidates:
            return None
        # The new topic must be in the answer: "und der Zertifikatskurs?" is not answered
        # with the Lernwerkstatt's participants again.
        return result if self.matcher.covers(result.candidates[0].entry_id, question) else None

    def _asks_about_it(self, question: str) -> bool:
        """Whether the sentence that asks (without thanks before it or an afterthought after
        it: "Danke. Und findet die statt? Ich habe anderes gelesen.") is a yes/no question of
        only a pronoun and a verb, with no word of its own, known or not."""
        core = question_sentence(question)
        return asks_yes_no_about_it(core) and not self.matcher.units(core)

    def _still_on(self, question: str, topic: str) -> bool:
        """"Kann ich mich da noch anmelden?" about a topic with dates (the Lernwerkstatt): the
        question says nothing but "still" and taking part, so it asks whether the topic is
        still on, not how to make a request."""
        entry = self.kb.entry(topic)
        if entry is None or not entry.dates:
            return False
        return not any(u.known for u in self.matcher.units(self.stand.without_still(question)))

    def _stated_topic(self, question: str) -> tuple[str, str] | None:
        """"Ich würde gern an der Lernwerkstatt teilnehmen. Kann ich mich noch anmelden?": the
        topic a statement before the question names, and the question after it, when the
        question names no topic of its own."""
        clauses = split_clauses(question)
        if len(clauses) < 2 or clauses[0].asks or not clauses[-1].asks:
            return None
        first_question = next(n for n, c in enumerate(clauses) if c.asks)
        statement = " ".join(c.text for c in clauses[:first_question])
        asked = " ".join(c.text for c in clauses[first_question:])
        named = self.matcher.named_topic(statement)
        # Taking part ("anmelden") names the request, not a topic of the question's own.
        if named is None or self.matcher.named_topics(self.stand.without_still(asked)):
            return None
        return named, asked

    def _answer_one(
        self, question: str, topic: str | None, last: str | None, currency: Currency | None
    ) -> tuple[Reply, MatchResult]:
        asked = question
        # A question about what is current after a statement that names its topic ("Ich würde
        # gern an der Lernwerkstatt teilnehmen. Kann ich mich noch anmelden?") has that topic,
        # more recent than the conversation's. (Other questions are read with the statement as
        # their scene already.)
        # So does a yes/no question about "it" after a statement that names the topic ("Ich
        # hatte von der Lernwerkstatt gehört – findet die statt?").
        asks_about_it = currency is None and self._asks_about_it(question)
        stated = self._stated_topic(question)
        if stated is not None:
            topic, asked = stated
            last = topic
        text = self.stand.without_later_years(question) if currency else question
        result = self._elliptic(question, last) or self._match(
            text, self._topic_text(topic), topic
        )
        if (
            result.band in ("suggest", "fallback")
            and not result.near_miss
            and result.candidates
            and currency is None
            and not self._asks_about_the_story(question, stated)
        ):
            # A long story weighs its question down ("Bin Bürgermeister in Köhn, 400
            # Einwohner. Was bietet ihr kleinen Gemeinden an?", or names a foreign topic
            # beside the offer's): read as a part would be.
            context = self._topic_text(topic)
            result = self._read_after_statement(question, result, context, None, stated) or result

        if currency is None and topic is not None:
            result = self._follow_up_detail(question, topic, last, result)
        about_it = asks_about_it and (not result.candidates or result.band == "fallback")
        still_on = currency == "current" and (
            not result.candidates or (topic is not None and self._still_on(asked, topic))
        )
        if topic and (about_it or still_on):
            # "findet die noch statt?" names nothing but the present: it asks whether the
            # conversation's topic is still on, which that entry answers with the Stand note.
            # So does a yes/no question of only a pronoun, particles and a verb ("Findet die
            # denn überhaupt statt?"): it asks about the topic as a whole.
            return (
                self.entry_reply(self.kb.entries[topic], currency or "current", question),
                result,
            )
        if (
            currency == "current"
            and result.near_miss
            and self.stand.asks_room(question)
            and result.candidates
            and self.stand.without_later_years(question) == question
        ):
            # "Sind für die Lernwerkstatt noch Plätze frei?": whether a dated event still has
            # room is answered by what became of it (cancelled, begun in 2022) and the Stand
            # (whether it comes again in a later year is a detail the offer does not state).
            dated = self.kb.entries[result.candidates[0].entry_id]
            if dated.dates:
                return self.entry_reply(dated, currency, question), result
        if topic and not result.candidates and asks_what_next(question_sentence(question)):
            # "und danach?" asks what follows in the topic, which its answer tells.
            return self.entry_reply(self.kb.entries[topic], currency, question), result
        if result.band == "smalltalk" and result.smalltalk_id:
            talk = self.kb.smalltalk[result.smalltalk_id]
            return Reply(kind="smalltalk", text=talk.answer), result
        if result.band == "smalltalk":  # no words at all: say how to ask, offer the menu
            text = self.texts.render("no_words")
            return Reply(kind="smalltalk", text=text, buttons=self.menu_buttons()), result
        if currency == "later_date":
            # The offer cannot know later dates, however well the topic matched.
            plausible = result.band in ("answer", "suggest") and result.candidates
            entry = self.kb.entries[result.candidates[0].entry_id] if plausible else None
            return self.later_date_reply(entry), result
        if result.band == "answer" and result.candidates:
            entry = self.kb.entries[result.candidates[0].entry_id]
            return self.entry_reply(entry, currency, question), result
        suggestions = tuple(
            Suggestion(c.entry_id, self.kb.entries[c.entry_id].title,
                       self.entry_text(self.kb.entries[c.entry_id]))
            for c in result.candidates[:MAX_SUGGESTIONS]
        )
        if result.band == "suggest" and suggestions:
            rows = [
                (Button(self.kb.entries[s.entry_id].button_label, callbacks.entry(s.entry_id)),)
                for s in suggestions
            ]
            rows.append((Button(self.texts.plain("btn_menu"), callbacks.menu()),))
            return (
                Reply(
                    kind="suggestions",
                    text=self.texts.render("suggest_intro"),
                    buttons=tuple(rows),
                    suggestions=suggestions,
                ),
                result,
            )
        # Fallback: the team button is added by the handler, which knows the logged question id.
        # The closest entries stay on offer as buttons when they are plausible at all.
        close = tuple(
            s for s, c in zip(suggestions, result.candidates, strict=False)
            if c.score >= PLAUSIBLE
        )
        rows = [
            (Button(self.kb.entries[s.entry_id].button_label, callbacks.entry(s.entry_id)),)
            for s in close
        ]
        about = None
        if result.near_miss and close:
            about = close[0].entry_id
            text = "\n\n".join(
                (
                    self.texts.render("near_miss", title=close[0].title),
                    close[0].text,
                    self.texts.render("near_miss_team"),
                )
            )
        else:
            text = self.texts.render("fallback") + self.stand.fallback_note(currency)
        return (
            Reply(
                kind="fallback",
                text=text,
                buttons=(*rows, *self.menu_buttons(kind_named_in(question))),
                suggestions=close,
                about=about,
            ),
            result,
        )
