"""Honesty about the programme year: the "Stand" note under answers about the programme, and
what the bot says to questions about what is current or about later dates (no telegram).

The knowledge describes one programme year (knowledge/meta.yaml). An answer about that
programme says so; a question about the present state gets the offer's facts plus the note that
the team knows what is current; a question about a later date gets the honest "I don't know",
what the offer said, and the team. Without meta.yaml nothing is added.
"""

from __future__ import annotations

import re

from bot.currency import Currency, CurrencyDetector
from bot.knowledge import Entry
from bot.knowledge.meta import Meta
from bot.texts import Raw, Texts

_LATER_YEAR = re.compile(r"\b20\d\d\b")


class Stand:
    def __init__(self, meta: Meta | None, texts: Texts) -> None:
        self.meta = meta
        self.texts = texts
        self.months = texts.raw("date_months").split()
        self._detector = (
            CurrencyDetector(meta.currency, meta.programme_year) if meta is not None else None
        )

    def classify(self, question: str) -> Currency | None:
        return self._detector.classify(question) if self._detector else None

    def asks_room(self, question: str) -> bool:
        """Whether ``question`` asks whether there is still room (knowledge/meta.yaml)."""
        return self._detector.asks_room(question) if self._detector else False

    def without_still(self, question: str) -> str:
        """The question without "noch" and words of taking part (see CurrencyDetector)."""
        return self._detector.without_still(question) if self._detector else question

    def without_later_years(self, question: str) -> str:
        """The question without years after the programme year: they name no topic of the
        offer, so the matcher should not count them as an unknown subject."""
        if self.meta is None:
            return question
        year = self.meta.programme_year
        return _LATER_YEAR.sub(
            lambda m: "" if int(m.group(0)) > year else m.group(0), question
        )

    def _values(self) -> dict[str, object]:
        assert self.meta is not None
        return {"year": self.meta.programme_year, "stand": self.meta.stand_text(self.months)}

    def note(self, entry: Entry, currency: Currency | None) -> str:
        """The HTML note to append to the entry's answer, or '' when none is due."""
        if self.meta is None:
            return ""
        if currency is not None:
            return self.texts.render("stand_current", **self._values())
        if entry.about_programme:
            return self.texts.render("stand_note", **self._values())
        return ""

    def fallback_note(self, currency: Currency | None) -> str:
        """Under the fallback to a question about the present: which year the bot knows."""
        if self.meta is None or currency is None:
            return ""
        return "\n" + self.texts.render("stand_fallback", **self._values())

    def later_date_text(self, offer_said: str | None) -> str:
        """The honest reply to a question about a later date; ``offer_said`` is the matched
        entry's rendered answer (HTML), if any."""
        text = self.texts.render("stand_later_date", **self._values())
        if offer_said:
            text += "\n\n" + self.texts.render(
                "stand_offer_said", offer=Raw(offer_said), **self._values()
            )
        return text
