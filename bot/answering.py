"""Question -> Reply: the Q&A domain on top of the knowledge base and the matcher (no telegram)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from bot import callbacks
from bot.currency import Currency
from bot.dialogue.kind_hint import kind_named_in
from bot.knowledge import Entry, KnowledgeBase
from bot.knowledge.dates import render_answer
from bot.matching import Matcher, MatchResult
from bot.replies import Button, Reply, ReplyKind, Suggestion
from bot.stand import Stand
from bot.texts import Texts

MAX_SUGGESTIONS = 3


class Answerer:
    def __init__(
        self,
        kb: KnowledgeBase,
        matcher: Matcher,
        texts: Texts,
        today: Callable[[], dt.date],  # the operator's date (bot.answering_factory builds it)
    ) -> None:
        self.kb = kb
        self.matcher = matcher
        self.texts = texts
        self.today = today
        self.stand = Stand(kb.meta, texts)

    # -- rendering -------------------------------------------------------------------------

    def entry_text(self, entry: Entry) -> str:
        return render_answer(entry, self.today(), self.stand.months)

    def _entry_buttons(
        self, entry: Entry, kind: str | None = None
    ) -> tuple[tuple[Button, ...], ...]:
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
            buttons=self._entry_buttons(entry, kind_named_in(question) if question else None),
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
        return Reply(kind="fallback", text=text, buttons=tuple(rows), entry_id=None)

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

    def answer(self, question: str) -> tuple[Reply, MatchResult]:
        """Decide how to answer a free-text question; also return the match for logging."""
        currency = self.stand.classify(question)
        result = self.matcher.match(
            self.stand.without_later_years(question) if currency else question
        )
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
        text = self.texts.render("fallback") + self.stand.fallback_note(currency)
        buttons = self.menu_buttons(kind_named_in(question))
        return Reply(kind="fallback", text=text, buttons=buttons), result
