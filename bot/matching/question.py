"""Read a question into weighted content units: which words count, and how much.

A word's weight is its rarity in the knowledge base, scaled by what kind of word it probably is
(an unknown noun is strong evidence of a foreign topic, an unknown adverb is not) and by where
it stands (a statement that sets the scene counts less than the question itself).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from bot.matching.analyzer import Analyzer, Term
from bot.matching.clauses import Clause
from bot.matching.normalize import retokenize, tokenize, word_tokens
from bot.matching.params import ScoringParams
from bot.matching.recent import Recent
from bot.matching.resolver import TermResolver, Unit

# Sentences whose terms are kept: the parts of one message and the message as a whole.
_RECENT = 64


class WordClassGuess:
    """Guesses from the original spelling whether a word is a noun.

    German capitalises nouns, and nouns carry the topic of a question. When the writer
    capitalises any word that does not open a sentence, a lowercase word is taken as no noun;
    in all-lowercase text nothing can be told from the spelling.
    """

    NOUN, OTHER, UNKNOWN = "noun", "other", "unknown"

    def __init__(self, clauses: list[Clause]) -> None:
        # One pass over the words (every reading of a message makes one of these).
        self._cased = False  # a capitalised word that does not open its clause
        self._capitalised: set[str] = set()
        for clause in clauses:
            for n, word in enumerate(clause.text.split()):
                if word[:1].isupper():
                    self._capitalised.update(word_tokens(word))
                    self._cased = self._cased or n > 0

    def word_class(self, tokens: tuple[str, ...]) -> str:
        if not self._cased:
            return self.UNKNOWN
        if len(tokens) == 1:  # most terms: one word, without a generator
            token = tokens[0]
            noun = token in self._capitalised or not token.isalpha()
        else:
            noun = any(t in self._capitalised or not t.isalpha() for t in tokens)
        return self.NOUN if noun else self.OTHER


@dataclass(frozen=True)
class ClauseTokens:
    """A clause of the question and its tokens left after small talk was stripped."""

    clause: Clause
    tokens: list[str]


# A short fragment before a dash or colon names what the question is about ("Und bei der
# Beratung – welche Themen …?", "Workshops vor Ort: was ist das?"); a statement about the
# writer ("Wir sind klein: …", "Schade, dass sie ausfällt – …") sets the scene.
_FRAGMENT_WORDS = 4
_WRITER = frozenset(
    ("ich", "wir", "mein", "meine", "meinem", "meinen", "meiner", "unser", "unsere", "unserem",
     "unseren", "unserer", "uns", "mir", "mich")
)


def _names_the_topic(clause: Clause) -> bool:
    words = [w.casefold() for w in clause.text.split()]
    return (
        clause.end in ("-", ":")
        and len(words) <= _FRAGMENT_WORDS
        and "," not in clause.text
        and _WRITER.isdisjoint(words)
    )


_POINTERS = frozenset(("sowas", "soetwas", "dafuer", "hierfuer"))
_POINTER_PAIRS = (("so", "etwas"), ("so", "was"))


def _points_back(tokens: list[str]) -> bool:
    """Whether ``tokens`` name their topic by "sowas", "so etwas" or "so was"."""
    if not _POINTERS.isdisjoint(tokens):
        return True
    return "so" in tokens and any(pair in pairwise(tokens) for pair in _POINTER_PAIRS)


# "Ich leite eine Kita", "Wir sind die Feuerwehr": the writer says who they are; with a verb of
# intent ("Wir wollen ein Dorffest organisieren") the statement says what they are after.
_IDENTITY = frozenset(
    ("bin", "sind", "leite", "leiten", "arbeite", "arbeiten", "koordiniere", "koordinieren",
     "vertrete", "vertreten", "engagiere", "betreue", "betreuen")
)
_INTENT = frozenset(
    ("will", "wollen", "moechte", "moechten", "möchte", "möchten", "planen", "plane", "suchen",
     "suche", "brauchen", "brauche", "organisieren", "gruenden", "gründen", "vorhaben")
)


# "Ich mache gerade ein Praktikum in der Kreisverwaltung": a training the writer is in says
# who asks, like a role.
_TRAINING = frozenset(
    ("praktikum", "ausbildung", "studium", "fsj", "bfd", "freiwilligendienst", "volontariat",
     "referendariat", "traineeprogramm", "duales")
)


# A letter's salutation before the writer's first sentence ("Liebe Leute vom Kompetenzzentrum,
# ich bin …", "Moin, wir sind …").
_SALUTATION = frozenset(
    ("liebe", "lieber", "sehr", "hallo", "moin", "guten", "hi", "hey", "servus", "werte")
)


def _says_who_writes(clause: Clause) -> bool:
    text = clause.text
    if text.split(maxsplit=1)[0].casefold() in _SALUTATION and "," in text:
        text = text.split(",", 1)[1]
    words = [w.casefold().strip(",.;:!?") for w in text.split()]
    if not {"ich", "wir"} & set(words[:3]):
        return False
    in_training = not _TRAINING.isdisjoint(words[:8])
    return (not _IDENTITY.isdisjoint(words[:4]) or in_training) and _INTENT.isdisjoint(words)


# "nicht nur …", "ohne dass …", "ohne gleich …": what follows is set apart from what is asked.
_CONTRAST = (("nicht", "nur"), ("ohne", "dass"), ("ohne", "gleich"))


def _contrast(tokens: list[str]) -> int | None:
    """The index after the first contrast marker of ``tokens`` (not at their start), or None."""
    if "nur" not in tokens and "ohne" not in tokens:
        return None
    for n in range(1, len(tokens) - 1):
        if (tokens[n], tokens[n + 1]) in _CONTRAST:
            return n + 2
    return None


class QuestionReader:
    def __init__(self, analyzer: Analyzer, resolver: TermResolver, params: ScoringParams) -> None:
        self._analyzer = analyzer
        self._resolver = resolver
        self._params = params
        self._recent: Recent[tuple[str, ...], list[Term]] = Recent(_RECENT)

    def _share(self, unit: Unit, word_class: str, mapped: bool) -> float:
        """How much a term's rarity counts, given what kind of word it probably is.

        Nouns carry the topic: an unknown noun (Parkausweis, Wetter) is evidence of a question
        outside the offer, an unknown verb or adverb (geklärt, vorbei) mostly is not.
        """
        p = self._params
        if mapped or word_class == WordClassGuess.NOUN:
            return 1.0
        if unit.known:
            return p.known_minor_weight if word_class == WordClassGuess.OTHER else 1.0
        # In all-lowercase text an unknown word that is no everyday word is probably a noun.
        if word_class == WordClassGuess.OTHER or len(unit.term) < p.long_word:
            return p.unknown_minor_weight
        return 1.0

    def _join_compounds(self, terms: list[Term]) -> list[Term]:
        """Neighbouring words that form a known compound, written apart ("Engagement Konzept")
        or paraphrased ("Planung des Prozesses"), become that compound."""
        joined: list[Term] = []
        i = 0
        while i < len(terms):
            pair = terms[i : i + 2]
            if len(pair) == 2 and all(len(t.source) == 1 and not t.foreign for t in pair):
                first, second = pair[0].source[0], pair[1].source[0]
                compound = self._resolver.joined(first, second) or self._resolver.joined(
                    second, first
                )
                if compound:
                    joined.append(Term(compound, False, (first, second)))
                    i += 2
                    continue
            joined.append(terms[i])
            i += 1
        return joined

    def _terms(self, tokens: list[str]) -> list[Term]:
        """The terms of a sentence's tokens, compounds written apart joined (the sentences of a
        message are read more than once: its parts, then maybe the whole)."""
        key = tuple(tokens)
        terms = self._recent.get(key)
        if terms is None:
            # The tokens are normalised already: read as the text they spell, without a
            # second pass of the normalising rules where it cannot change them.
            terms = self._join_compounds(self._analyzer.analyse_tokens(retokenize(tokens)))
            self._recent.put(key, terms)
        return terms

    def _clause_units(self, tokens: list[str], spelling: WordClassGuess) -> list[Unit]:
        cut = _contrast(tokens)
        if cut is None:
            return self._units_of_tokens(tokens, spelling)
        # "ein Coaching für Gemeinden, nicht nur Fortbildungen": what the question sets apart
        # from what it asks about weighs as context.
        factor = self._params.context_weight
        return [
            *self._units_of_tokens(tokens[:cut], spelling),
            *(u.weighed(u.weight * factor) for u in self._units_of_tokens(tokens[cut:], spelling)),
        ]

    def _units_of_tokens(self, tokens: list[str], spelling: WordClassGuess) -> list[Unit]:
        result: list[Unit] = []
        for term in self._terms(tokens):
            if term.foreign:
                result.append(self._resolver.foreign(term.text))
                continue
            unit = self._resolver.resolve(term.text)
            share = self._share(unit, spelling.word_class(term.source), term.mapped)
            result.append(unit.weighed(unit.weight * share) if share != 1.0 else unit)
        return result

    def units(self, clauses: list[ClauseTokens], spelling: WordClassGuess) -> list[Unit]:
        """The question's content units without repeats, context statements weighed less.

        A statement (not a question) counts as context only when the message also asks an
        explicit question with known content words ("Wir liegen ländlich. Kommen Sie zu uns?");
        "Modul I fällt aus. Stimmt das?" keeps the statement as the question's content.
        """
        per_clause = [self._clause_units(c.tokens, spelling) for c in clauses]
        asks = any(
            (c.clause.end == "?" or c.clause.asks) and any(u.known for u in units)
            for c, units in zip(clauses, per_clause, strict=True)
        )
        last_asking = max((n for n, c in enumerate(clauses) if c.clause.asks), default=-1)
        # "Wir möchten vor Ort etwas mit Vereinen machen. Bieten Sie sowas an?": a question that
        # names its topic only by "sowas" asks about what the statement before it sets out.
        pointed = any(
            c.clause.asks and _points_back(c.tokens) and sum(u.known for u in units) <= 1
            for c, units in zip(clauses, per_clause, strict=True)
        )
        # Whether a clause says who writes, read only where a rule asks (most clauses never).
        said: dict[int, bool] = {}

        def who(n: int) -> bool:
            if n not in said:
                said[n] = _says_who_writes(clauses[n].clause)
            return said[n]

        # Without such a question, a statement of who the writer is still says only who asks
        # when another sentence names what ("Ich bin Diakon in X. Wir überlegen, mit drei
        # Leuten zur Lernwerkstatt zu kommen – ist das erwünscht?").
        named_elsewhere = (
            not asks
            and len(clauses) > 1
            and any(
                any(u.known for u in units) and not who(n) for n, units in enumerate(per_clause)
            )
        )
        scene = [
            self._params.context_weight
            if (
                asks
                and not c.clause.asks
                and not _names_the_topic(c.clause)
                and not (pointed and n < last_asking and not who(n))
            )
            or (named_elsewhere and not c.clause.asks and who(n))
            else 1.0
            for n, c in enumerate(clauses)
        ]
        # Per unit: its factor, and whether it stands in a statement around the question.
        # A foreign topic set out before the question is what the question is about
        # ("Wir wollen ein Dorffest organisieren. Wer kann uns dabei beraten?"): full weight,
        # within the scene's share but never below ``scene_foreign_floor``. A statement after
        # the question says who asks ("… Ich arbeite im Bürgerbüro.").
        # A statement of who the writer is ("Ich leite eine Kita.") says who asks, wherever
        # it stands.
        weighed = [
            [(u, 1.0, scene[n] != 1.0)
             if u.foreign and n < last_asking and not who(n)
             else (u, scene[n], scene[n] != 1.0)
             for u in units]
            for n, units in enumerate(per_clause)
        ]
        scale = self._scene_scale(weighed)
        best: dict[tuple[str, ...], Unit] = {}
        for units_of_clause in weighed:
            for unit, f, in_scene in units_of_clause:
                if in_scene:
                    # Only the foreign topic set out before the question has a floor (f is 1).
                    floor = self._params.scene_foreign_floor if f == 1.0 else 0.0
                    f = max(f * scale, floor)
                weighted = unit.weighed(unit.weight * f) if f != 1.0 else unit
                key = unit.terms() or (unit.term,)
                if key not in best or weighted.weight > best[key].weight:
                    best[key] = weighted
        return list(best.values())

    def _scene_scale(self, weighed: list[list[tuple[Unit, float, bool]]]) -> float:
        """How much the statements around the question keep of their weight: all of it, unless
        together they outweigh ``scene_cap`` times the question itself (a long officialese
        preamble full of committees and roles must not drown a short question)."""
        asked = scene = 0.0
        for units in weighed:
            for unit, f, in_scene in units:
                if in_scene:
                    scene += unit.weight * f
                else:
                    asked += unit.weight
        cap = self._params.scene_cap * asked
        return cap / scene if scene > cap > 0 else 1.0

    def resolved_units_of_text(self, text: str) -> list[Unit]:
        """The units of ``text`` as resolved, in order, repeats and weights as they come: what
        the text names, read once."""
        return [
            self._resolver.foreign(term.text) if term.foreign else self._resolver.resolve(term.text)
            for term in self._terms(tokenize(text))
        ]

    def unweighed_units_of_text(self, text: str) -> list[Unit] | None:
        """``units_of_text`` before the weighing, or None when two of its units stand for the
        same terms (then the weights decide which one is kept). The weights apart, the units
        are the same, in the same order: enough to know what the text names."""
        units = self.resolved_units_of_text(text)
        if len({unit.terms() or (unit.term,) for unit in units}) < len(units):
            return None
        return units

    def units_of_text(self, text: str) -> list[Unit]:
        """Units of a plain text taken as one clause (for tests and tools)."""
        clause = Clause(text, "")
        return self.units([ClauseTokens(clause, tokenize(text))], WordClassGuess([clause]))
