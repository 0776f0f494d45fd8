"""Turn a text into canonical terms: normalise, stem, map synonyms and phrases, drop stop words."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.matching.dialect import high_german
from bot.matching.foreign import ForeignLexicon
from bot.matching.lexicon import FRAME_NOUNS, GENERAL_WORDS
from bot.matching.normalize import tokenize
from bot.matching.stemming import stem
from bot.matching.stopwords import STOP_PHRASES, STOP_WORDS, words

_DROP = ""  # phrase target meaning "no topic here"
_MAX_SINGLE = 65536  # words whose single-word term is kept (see Analyzer._single)


def stems_of(text: str) -> tuple[str, ...]:
    return tuple(stem(token) for token in tokenize(text))


# Function words and everyday words that never name a topic are dropped alike; inflected
# forms ("bekomme", "welchem", "meinte") are caught through their stems too.
_IGNORED = STOP_WORDS | GENERAL_WORDS
_STOP_STEMS = frozenset(s for s in (stem(w) for w in _IGNORED) if len(s) >= 3)


def is_stop_word(token: str, stem_: str) -> bool:
    return token in _IGNORED or stem_ in _STOP_STEMS


_FRAME_STEMS = FRAME_NOUNS | frozenset(stem(w) for w in FRAME_NOUNS)


def is_frame_noun(term: str) -> bool:
    """A noun that frames a question ("Fragen", "Sache", "Themen"-less "Punkt"), as written or
    stemmed; the last part of "Ehrenamtsfragen". (Not any everyday word: the stem "meist" would
    make "Bürgermeister" a kind of Bürger.)"""
    return term in _FRAME_STEMS


# Long everyday words by first letter: a typo keeps the first letter, and only words with the
# token's own first letter may count. (One list searched for the best hit let the set's
# hash-seeded order decide between "bekommen" and "genommen" for "gekommen".)
_LONG_IGNORED: dict[str, tuple[str, ...]] = {}
for _word in sorted(w for w in _IGNORED if len(w) >= 8):
    _LONG_IGNORED[_word[:1]] = (*_LONG_IGNORED.get(_word[:1], ()), _word)


@lru_cache(maxsize=65536)
def is_misspelt_stop_word(token: str) -> bool:
    """A long everyday word with one typo ("insgesammt", "eigendlich") is still no topic."""
    if len(token) < 8 or not token.isalpha():
        return False
    hit = process.extractOne(
        token, _LONG_IGNORED.get(token[:1], ()), scorer=OSA.distance, processor=None,
        score_cutoff=1,
    )
    return hit is not None


# Modal particles carry nothing and would break a phrase apart ("steckt eigentlich hinter").
MODAL_PARTICLES = words(
    "eigentlich eigentl denn eben halt ueberhaupt wirklich uebrigens bitte konkret"
)


def _phrase_stems(text: str) -> tuple[str, ...]:
    """A phrase of the tables as the reading meets it: the modal particles are gone before
    phrases are looked up ("bitte um Mitteilung" is met as "um Mitteilung")."""
    return tuple(stem(t) for t in tokenize(text) if t not in MODAL_PARTICLES)


# Separable verbs: the particle at the end of the clause belongs to the verb before it
# ("findet … statt" = take place, not "statt" = instead; "nimmt … teil" = take part, not
# "Teil" = a part of the programme; "fragen wir … an" = to request, not the preposition).
# particle -> (forms of the verb, the whole verb, whether the verb's own form goes), one
# triple per verb. The form goes where it alone means something else ("wer macht da mit?" =
# who takes part, "wer macht das?" = who runs it; "wer führt das durch?" = who runs it, not
# "fährt"): then the whole verb takes the form's place, next to the question word, so "wer
# durchführen" reads as one phrase. Elsewhere the form stays for the phrases that hold it.
_SEPARABLE: dict[str, tuple[tuple[frozenset[str], str, bool], ...]] = {
    "statt": ((words("findet finden fand fanden findest"), "stattfinden", False),),
    "teil": ((words("nimmt nehmen nehme nahm nahmen nimmst nehmt"), "teilnehmen", False),),
    "zusammen": (
        (words("haengt hangt haengen hing hingen haengst"), "zusammenhaengen", False),
        (words("setzt setzen setzte setzten"), "zusammensetzen", False),
    ),
    "an": (
        (words("frag frage fragen fragt fragst fragte fragten"), "anfragen", False),
        (words("melde melden meldet meldest meldete meldeten"), "anmelden", False),
        (words("rufe rufst ruft rufen rief riefen"), "anrufen", False),
        (words("stosse stoesst stossen stiess stiessen"), "anstossen", False),
        # "Wen spricht es an?" asks whom it addresses ("Wen spreche ich an?" whom to contact).
        (words("spricht sprach"), "anspricht", True),
    ),
    "mit": (
        (words("mache machst macht machen machte machten"), "mitmachen", True),
        (words("bringe bringst bringt bringen brachte brachten"), "mitbringen", False),
        (words("nehme nimmst nimmt nehmen nehmt nahm nahmen"), "mitnehmen", False),
        (words("schicke schickst schickt schicken schickte schickten"), "mitschicken", False),
    ),
    "aus": ((words("faellt fallen falle fiel fielen faellst"), "ausfallen", False),),
    "ran": ((words("komm komme kommst kommt kommen kam kamen"), "rankommen", False),),
    "heran": ((words("komm komme kommst kommt kommen kam kamen"), "herankommen", False),),
    "ab": (
        (words("sage sagst sagt sagen sagte sagten"), "absagen", False),
        (words("laeuft laufen lief liefen"), "ablaufen", False),
    ),
    "durch": ((words("fuehrt fuehren fuehre fuehrte fuehrten fuehrst"), "durchfuehren", True),),
    "um": ((words("setzt setzen setze setzte setzten setzst"), "umsetzen", True),),
    # "Wie trägt man sein Anliegen vor?" submits a request: no "Träger" is asked.
    "vor": ((words("traegt tragen trage trug trugen traegst"), "vortragen", True),),
    # "Welche Angebote hält das Kompetenzzentrum bereit?" asks what is offered.
    "bereit": ((words("haelt haltet halten halte hielt hielten haeltst"), "bereithalten", False),),
}
# These are mostly prepositions ("Fragen an das Team", "mit dem Amt", "aus Kiel", "ab Juni"):
# only as the clause's last word are they the particle of a verb.
_FINAL_ONLY = frozenset(
    ("an", "mit", "aus", "ab", "ran", "heran", "durch", "um", "vor", "bereit")
)


# "Arten von", "eine Art von": "bei welchen Arten von Fragen" asks "bei welchen Fragen".
_KIND = frozenset(("art", "arten", "sorte", "sorten"))


def _without_kind_of(tokens: list[str]) -> list[str]:
    """``tokens`` without "Art(en) von" in front of what it names."""
    if "von" not in tokens or _KIND.isdisjoint(tokens):
        return tokens
    kept: list[str] = []
    skip = False
    for n, token in enumerate(tokens):
        if skip:
            skip = False
            continue
        if token in _KIND and n + 1 < len(tokens) and tokens[n + 1] == "von":
            skip = True
            continue
        kept.append(token)
    return kept


# Nouns that number the writer's questions ("Rückfrage 3", "Frage 2", "Punkt 4"): the number
# after them is no module.
_NUMBERED = frozenset(("frage", "fragen", "rueckfrage", "nachfrage", "punkt", "nachtrag"))


def _without_numbering(tokens: list[str]) -> list[str]:
    """``tokens`` without the number that follows a noun numbering the writer's questions."""
    if _NUMBERED.isdisjoint(tokens):
        return tokens
    return [
        t for n, t in enumerate(tokens) if not (n and t.isdigit() and tokens[n - 1] in _NUMBERED)
    ]


# "seit 3 Monaten", "vor zwei Jahren": how long ago, said of the writer, names no topic (the
# number would otherwise weigh like the offer's "3 Std." or "11 Modulen").
_SINCE = words("seit vor")
_SPAN_UNITS = words("tag tage tagen woche wochen monat monate monaten jahr jahre jahren")
_SPAN_COUNTS = words(
    "ein einem einer zwei drei vier fuenf sechs sieben acht neun zehn elf zwoelf paar "
    "einigen wenigen vielen kurzem"
)


def _without_time_spans(tokens: list[str]) -> list[str]:
    """``tokens`` without "seit/vor <count> <unit>" ("seit 3 Monaten", "vor ein paar Jahren")."""
    if _SINCE.isdisjoint(tokens) or _SPAN_UNITS.isdisjoint(tokens):
        return tokens
    kept: list[str] = []
    n = 0
    while n < len(tokens):
        if tokens[n] in _SINCE:
            end = n + 1
            while end < len(tokens) and end - n <= 3 and (
                tokens[end].isdigit() or tokens[end] in _SPAN_COUNTS
            ):
                end += 1
            if end > n + 1 and end < len(tokens) and tokens[end] in _SPAN_UNITS:
                n = end + 1
                continue
        kept.append(tokens[n])
        n += 1
    return kept


# "mit 3 Frauen", "mit zwei Kolleginnen": a group of people coming along is several persons,
# whoever they are (the number alone would weigh like the offer's "3 Std.", the noun like an
# unknown topic).
_WITH = words("mit")
_GROUP_COUNTS = words("zwei drei vier fuenf sechs sieben acht neun zehn paar einigen mehreren")
_PEOPLE = words(
    """
    leute leuten frauen maennern maenner personen kollegen kolleginnen mitarbeitern
    mitarbeiterinnen mitarbeitenden ehrenamtlichen mitgliedern vertretern vertreterinnen damen
    herren helfern helferinnen menschen aktiven
    """
)


def _as_group_of_people(tokens: list[str]) -> list[str]:
    """``tokens`` with "mit <count> <people>" read as "mit mehreren personen"."""
    if _WITH.isdisjoint(tokens) or _PEOPLE.isdisjoint(tokens):
        return tokens
    out = list(tokens)
    for n in range(len(out) - 2):
        count, people = out[n + 1], out[n + 2]
        if (
            out[n] in _WITH
            and (count in _GROUP_COUNTS or (count.isdigit() and 1 < int(count) < 100))
            and people in _PEOPLE
        ):
            out[n + 1], out[n + 2] = "mehreren", "personen"
    return out


# "Vereine wie die Feuerwehr", "Träger wie AWO oder DRK": after a group the offer knows, what
# follows "wie" are examples of it, not a topic of their own (a fire brigade is a club here).
_GROUPS = words(
    """
    vereine vereinen verbaende verbaenden initiativen organisationen einrichtungen traeger
    traegern akteure akteuren gruppen
    """
)
_LIKE = words("wie")
_EXAMPLE_ARTICLES = words("die der das den dem z zb b etwa")
_EXAMPLE_JOINERS = words("und oder")
_MAX_EXAMPLES = 3


def _without_examples(tokens: list[str]) -> list[str]:
    """``tokens`` without the examples after "<group> wie": the group says what is meant."""
    if _LIKE.isdisjoint(tokens) or _GROUPS.isdisjoint(tokens):
        return tokens
    out: list[str] = []
    i = 0
    while i < len(tokens):
        if tokens[i] in _LIKE and out and out[-1] in _GROUPS:
            # Skip "wie [die] X [und|oder [die] Y] …", at most a few examples.
            j, examples = i + 1, 0
            while j < len(tokens) and examples < _MAX_EXAMPLES:
                while j < len(tokens) and tokens[j] in _EXAMPLE_ARTICLES:
                    j += 1
                if j >= len(tokens):
                    break
                j += 1  # the example
                examples += 1
                if j < len(tokens) and tokens[j] in _EXAMPLE_JOINERS:
                    j += 1
                else:
                    break
            i = j
            continue
        out.append(tokens[i])
        i += 1
    return out


def _join_separable(tokens: list[str]) -> list[str]:
    """Tokens with a separated verb particle read as the whole verb (in the particle's place)."""
    for particle, verbs in _SEPARABLE.items():
        if particle not in tokens or (particle in _FINAL_ONLY and tokens[-1] != particle):
            continue
        for forms, verb, replaces_form in verbs:
            if forms.isdisjoint(tokens):
                continue
            first = min(n for n, t in enumerate(tokens) if t in forms)
            last = len(tokens) - 1
            joined = [
                t == particle and n > first and (particle not in _FINAL_ONLY or n == last)
                for n, t in enumerate(tokens)
            ]
            if any(joined) and replaces_form:
                tokens = [verb if n == first else t for n, t in enumerate(tokens)]
                tokens = [t for t, join in zip(tokens, joined, strict=True) if not join]
            elif any(joined):
                tokens = [verb if join else t for t, join in zip(tokens, joined, strict=True)]
            break
    return tokens


@dataclass(frozen=True)
class Term:
    """A canonical term and where it came from."""

    text: str
    mapped: bool  # produced by the synonym table: a recognised concept of the offer
    source: tuple[str, ...]  # the normalised tokens it stands for
    foreign: bool = False  # names a topic outside the offer (knowledge/foreign.yaml)


_UNSEEN = Term("", False, ())  # not yet in Analyzer._single (None there means "dropped")


class Analyzer:
    """Maps text to canonical terms using the global synonym table.

    Every variant (a word or a phrase) is normalised and stemmed exactly like questions are,
    so the table is written in plain German and still meets what users type.
    """

    def __init__(
        self, synonyms: Mapping[str, Iterable[str]], foreign: ForeignLexicon | None = None
    ) -> None:
        self.foreign = foreign or ForeignLexicon()
        self._words: dict[str, str] = {}
        # Single-word variants as written: an everyday word that only shares its stem with one
        # ("intern" with "Internet") is not that variant.
        self._variant_tokens: set[str] = set()
        self._phrases: dict[tuple[str, ...], str] = {}
        for phrase in STOP_PHRASES:
            self._phrases[_phrase_stems(phrase)] = _DROP
        self._foreign_phrases: set[str] = set()
        for phrase in self.foreign.phrases:
            stems = _phrase_stems(phrase)
            self._phrases[stems] = "".join(stems)
            self._foreign_phrases.add("".join(stems))
        for canonical, variants in synonyms.items():
            target = "".join(stems_of(canonical))
            for variant in [canonical, *variants]:
                stems = _phrase_stems(variant)
                if len(stems) == 1:
                    self._words.setdefault(stems[0], target)
                    self._variant_tokens.update(tokenize(variant))
                elif stems:
                    self._phrases.setdefault(stems, target)
        # The lengths of the phrases that begin with each stem, longest first: a word that
        # begins none is not looked up at every length.
        lengths: dict[str, set[int]] = {}
        for key in self._phrases:
            if len(key) > 1:
                lengths.setdefault(key[0], set()).add(len(key))
        self._phrase_lengths = {
            first: tuple(sorted(found, reverse=True)) for first, found in lengths.items()
        }
        # Per word that begins no phrase: its term, or None when it is dropped (bounded: the
        # words users type are not a closed set).
        self._single: dict[str, Term | None] = {}

    def _misspelt_stop_word(self, token: str) -> bool:
        return token not in self._words and is_misspelt_stop_word(token)

    @property
    def synonym_forms(self) -> frozenset[str]:
        """Every single-word stem the synonym table knows, variants and canonical words."""
        return frozenset(self._words) | frozenset(self._words.values())

    def variants(self) -> dict[str, str]:
        """Single-word variant stems and the canonical term each stands for."""
        return dict(self._words)

    def is_variant(self, stem_: str) -> bool:
        """Whether the synonym table lists this word (so even a short one is a real word)."""
        return stem_ in self._words

    def canonical(self, stem_: str) -> str:
        return self._words.get(stem_, stem_)

    def terms(self, text: str) -> list[str]:
        """Canonical content terms of ``text`` in order (phrases replaced, stop words dropped)."""
        return [term.text for term in self.analyse(text)]

    def analyse(self, text: str) -> list[Term]:
        """Like ``terms``, keeping for each term whether it is a synonym and its tokens."""
        return self.analyse_tokens(tokenize(text))

    def analyse_tokens(self, normalised: list[str]) -> list[Term]:
        """``analyse`` of the text whose tokens (``tokenize``) these are."""
        tokens = [t for t in high_german(normalised) if t not in MODAL_PARTICLES]
        tokens = _join_separable(
            _without_numbering(
                _without_kind_of(
                    _as_group_of_people(_without_examples(_without_time_spans(tokens)))
                )
            )
        )
        stems = [stem(token) for token in tokens]
        single = self._single
        terms: list[Term] = []
        i = 0
        while i < len(tokens):
            for length in self._phrase_lengths.get(stems[i], ()):
                if length > len(tokens) - i:
                    continue
                target = self._phrases.get(tuple(stems[i : i + length]))
                if target is not None:
                    if target:
                        source = tuple(tokens[i : i + length])
                        # The synonym table's phrase says what its words mean together: "aus
                        # welchen Gründen" asks the reason, "an zwei Tagen" is no meeting
                        # ("tagen"), although a word of it alone names a foreign topic.
                        foreign = target in self._foreign_phrases
                        terms.append(Term(target, not foreign, source, foreign))
                    i += length
                    break
            else:
                term = single.get(tokens[i], _UNSEEN)
                if term is _UNSEEN:
                    term = self._single_term(tokens[i], stems[i])
                    if len(single) < _MAX_SINGLE:
                        single[tokens[i]] = term
                if term is not None:
                    terms.append(term)
                i += 1
        return terms

    def _single_term(self, token: str, stem_: str) -> Term | None:
        """The term of a word that begins no phrase, or None when it is dropped (it depends
        on the word alone: ``analyse_tokens`` keeps the answers)."""
        lexicon = self.foreign
        word = self._words.get(stem_)
        if word is not None and (token not in _IGNORED or token in self._variant_tokens):
            return Term(word, True, (token,), lexicon.is_foreign(token))
        # A word naming a foreign topic is never dropped, even where its stem looks
        # like a stop word's (Meister → meist): it is evidence of another topic.
        if token in lexicon or not (
            is_stop_word(token, stem_) or self._misspelt_stop_word(token)
        ):
            return Term(stem_, False, (token,), lexicon.is_foreign(token))
        return None
