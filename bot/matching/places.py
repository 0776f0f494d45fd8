"""Recognise place names in a question, so a town or Amt is read as a place, not as a topic.

Almost every user names their town ("Kommt ihr auch nach Eckernförde?"). An unknown name would
count as a foreign noun and push the question into the fallback; a name the bot half-knows
would pull it towards an unrelated entry. Places are therefore taken out of the question
before it is read: names from the gazetteer (knowledge/places.yaml), a listed town's part
("Kiel-Suchsdorf"), and unknown capitalised words after "Amt", "Kreis", "Gemeinde", "Stadt",
"Insel" or after "in", "nach", "aus", "bei", "auf". What remains is whether the message named
a place in or outside Schleswig-Holstein.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.matching.normalize import normalize, word_tokens
from bot.matching.stopwords import words

# Words after which a capitalised unknown word is a place name ("Amt Hüttener Berge").
_UNITS = words(
    "amt amts kreis kreises kreisverwaltung gemeinde stadt stadtverwaltung insel halbinsel hallig "
    "gemeindeverwaltung amtsverwaltung stadtteil kirchengemeinde kirchspiel "
    "rathaus landkreis ortsteil dorf region raum grossraum naehe umgebung umland bezirk "
    "stadtbezirk"
)
# Words that only locate the place after them ("im Raum Husum"): they go with the place.
_LOCATORS = words("raum grossraum ortsteil insel halbinsel hallig naehe umgebung umland")
# Without an article: "in Kappeln" names a place, "im Tierschutz" a topic.
# Words that begin a two-word place name ("Groß Rönnau", "Sankt Margarethen", "Alt Duvenstedt").
_NAME_PREFIXES = words("gross klein alt neu sankt st bad hohen nieder ober")
_PREFIX_TOKENS = frozenset((p,) for p in _NAME_PREFIXES)
_PREPOSITIONS = words("in nach aus bei auf op bi ut")  # (op, bi, ut: Plattdeutsch)
# Endings that make an unknown capitalised word a place name wherever it stands
# ("Vorsitzende des Landfrauenvereins Drelsdorf"), folded; nouns rarely end so.
_NAME_ENDINGS = (
    "dorf", "stedt", "buettel", "fleth", "koog", "rup", "lund", "hagen", "felde", "husen",
    "hausen", "beek", "bek", "hude", "rade", "wisch",
)
# All endings of place names in Schleswig-Holstein, also those of nouns ("Hochmoor",
# "Dorfkirchen"): a compound of known words that ends so names a place only after "in", "aus" …
# ("in Kasseedorf" is no Kasse and Dorf).
PLACE_ENDINGS = (*_NAME_ENDINGS, "horst", "moor", "kirchen", "kamp", "hoern")
# "Bürgermeister von Oldersbek": after an office of a place, "von" names the place.
_OFFICES = words(
    "buergermeister buergermeisterin buergervorsteher buergervorsteherin amtsvorsteher "
    "amtsvorsteherin amtsdirektor amtsdirektorin gemeindevertretung stadtverwaltung "
    "gemeindeverwaltung amtsverwaltung buergermeisters dorfvorsteher dorfvorsteherin "
    "ortsvorsteher ortsvorsteherin"
)
_MIN_ENDED_NAME = 7  # an unknown word this long with a place's ending is a name
_MAX_NAME_WORDS = 3
_LONGEST = 4  # gazetteer names are matched over at most this many words


@dataclass(frozen=True)
class PlaceScan:
    """A text with its place names removed, and which kinds of place it named."""

    text: str
    in_state: bool = False  # named a place in Schleswig-Holstein (or an unlisted one)
    elsewhere: bool = False  # named a place outside Schleswig-Holstein
    kept: tuple[str, ...] = ()  # when a place was found: the normalised words of ``text``

    @property
    def found(self) -> bool:
        return self.in_state or self.elsewhere


def _drop_locators(kept: list[str]) -> None:
    """"in Kiel", "im Raum Husum" go as a whole with the place: the words before it would sit
    between the words around them ("mich in ehrenamtlich engagieren") or read as topics."""
    if kept and kept[-1] in _LOCATORS:
        kept.pop()
    if kept and (kept[-1] in _PREPOSITIONS or kept[-1] in ("im", "der", "von")):
        kept.pop()


def _has_place_ending(token: str) -> bool:
    """Whether an unknown word is long enough and ends like a place name ("drelsdorf")."""
    return len(token) >= _MIN_ENDED_NAME and token.endswith(_NAME_ENDINGS)


def _ends_in_prefix(word: str) -> bool:
    """Whether a hyphenated name ends in the prefix of a name ("Lübeck-St.", "Kiel-Alt")."""
    return "-" in word and word_tokens(word.rsplit("-", 1)[1])[:1] in _PREFIX_TOKENS


def _key(name: str) -> str:
    # Hyphens, spaces and "St." vs "Sankt" vary in how users write names: compare them joined.
    return normalize(name).replace(" ", "")


class PlaceFinder:
    """Finds place names; ``is_known`` tells which words the bot knows as content words."""

    def __init__(
        self,
        in_state: Iterable[str],
        elsewhere: Iterable[str],
        is_known: Callable[[str], bool] = lambda token: False,
    ) -> None:
        self._names: dict[str, bool] = {}  # joined name -> inside Schleswig-Holstein
        for name in elsewhere:
            self._names[_key(name)] = False
        for name in in_state:
            self._names[_key(name)] = True
        self._names.pop("", None)
        # Every beginning of a name, so the lookup stops as soon as no name can follow.
        self._prefixes = {key[:n] for key in self._names for n in range(1, len(key) + 1)}
        # The words a name can begin with (a name's first word, or "Kieler" of Kiel): any other
        # word begins none, which one set lookup tells.
        self._openers = frozenset(self._prefixes | {key + "er" for key in self._names})
        self._is_known = is_known

    def _lookup(self, tokens: list[str], start: int) -> tuple[int, bool] | None:
        """(length, inside SH) of the longest gazetteer name starting at ``start``."""
        if tokens[start] not in self._openers:
            return None
        found: tuple[int, bool] | None = None
        joined = ""
        for length in range(1, min(_LONGEST, len(tokens) - start) + 1):
            joined += tokens[start + length - 1]
            inside = self._names.get(joined)
            if inside is None and length == 1 and joined.endswith("er"):
                inside = self._names.get(joined[:-2])  # "Kieler", "Flensburger"
            if inside is not None:
                found = (length, inside)  # the longest name wins
            if joined not in self._prefixes:
                break
        return found

    def _unknown_name(self, word: str, token: str, after_unit: bool = False) -> bool:
        # After "Amt", "Insel", "Halbinsel" … an unknown word is a name however it is written
        # ("auf der halbinsel holnis"); after a preposition only a capitalised one is.
        return (
            (after_unit or word[:1].isupper())
            and token.isalpha()
            and not self._is_known(token)
        )

    def _name_words(self, words: list[str], tokens: list[str], start: int) -> int:
        """How many unknown capitalised words from ``start`` on go on a name (at most
        _MAX_NAME_WORDS - 1)."""
        n = 0
        while (
            n < _MAX_NAME_WORDS - 1
            and start + n < len(tokens)
            and self._unknown_name(words[start + n], tokens[start + n])
        ):
            n += 1
        return n

    def _district(self, word: str, token: str) -> bool | None:
        """Inside SH or not, when ``word`` names a part of a listed town ("Kiel-Suchsdorf",
        "hamburg-bergedorf", in any case): the town before the hyphen says where it lies."""
        head = word.split("-", 1)[0] if "-" in word else ""
        town = _key(head) if head else ""
        if town not in self._names or len(word_tokens(word)) != 1 or self._is_known(token):
            return None
        return self._names[town]

    def scan(self, text: str) -> PlaceScan:
        words: list[str] = []
        tokens: list[str] = []
        for word in text.split():
            for token in word_tokens(word):
                # "Schleswig Holstein" written apart is the state, not the town Schleswig.
                if token == "holstein" and tokens[-1:] == ["schleswig"]:
                    tokens[-1] = "schleswigholstein"
                    continue
                words.append(word)
                tokens.append(token)
        kept: list[str] = []
        in_state = elsewhere = False
        openers = self._openers
        i = 0
        while i < len(tokens):
            hit = self._lookup(tokens, i) if tokens[i] in openers else None
            if hit is None and "-" in words[i]:
                district = self._district(words[i], tokens[i])
                hit = None if district is None else (1, district)
                if hit is not None and _ends_in_prefix(words[i]):
                    # "Lübeck-St. Lorenz Nord": the part's name goes on after its prefix.
                    hit = (1 + self._name_words(words, tokens, i + 1), hit[1])
            if hit is not None:
                length, inside = hit
                if (
                    not inside
                    and kept[-1:] == [tokens[i - 1]]
                    and tokens[i - 1] in _NAME_PREFIXES
                    and words[i - 1][:1].isupper()
                ):
                    # "Neu Duvenstedt hier": a capitalised prefix makes another place of it.
                    kept.pop()
                    inside = True
                in_state |= inside
                elsewhere |= not inside
                i += length
                _drop_locators(kept)
                continue
            if _has_place_ending(tokens[i]) and self._unknown_name(words[i], tokens[i]):
                in_state = True  # a name with the ending of a place ("… Drelsdorf")
                i += 1
                continue
            kept.append(tokens[i])
            # "Dorfvorsteherin Kankelau.": an office right before a name names its place.
            trigger = (
                tokens[i] in _UNITS
                or tokens[i] in _PREPOSITIONS
                or tokens[i] in _OFFICES
                or (tokens[i] == "von" and i > 0 and tokens[i - 1] in _OFFICES)
            )
            i += 1
            if not trigger:
                continue
            # The unknown capitalised words right after the trigger are a name not listed.
            limit = _MAX_NAME_WORDS if tokens[i - 1] in _UNITS else 1
            # "in fredesdorf": in lower case, after a preposition, the ending of a place name
            # tells a name from a word.
            # (a town's part, "in hamburg-bergedorf", is the town's: read below)
            lower_case_name = (
                tokens[i - 1] in _PREPOSITIONS
                and i < len(tokens)
                and _has_place_ending(tokens[i])
                and "-" not in words[i]
            )
            taken = 0
            prefixed = False
            if (
                i + 1 < len(tokens)
                and tokens[i] in _NAME_PREFIXES
                and self._unknown_name(words[i + 1], tokens[i + 1])
            ):
                # "in Groß Rönnau", "aus Sankt Margarethen": the prefix belongs to the name.
                i += 1
                limit = max(limit, 1)
                prefixed = True
            while (
                i < len(tokens)
                and taken < limit
                # "in Neu Duvenstedt" is no Duvenstedt (a quarter of Hamburg): after its
                # prefix a listed name is part of another, unlisted one.
                and ((prefixed and taken == 0) or self._lookup(tokens, i) is None)
                # (a lower-case name is one word: "amt holnis fragt …")
                and self._unknown_name(
                    words[i],
                    tokens[i],
                    (limit == _MAX_NAME_WORDS or lower_case_name) and taken == 0,
                )
            ):
                i += 1
                taken += 1
            if taken and _ends_in_prefix(words[i - 1]):
                i += self._name_words(words, tokens, i)  # "aus Lübeck-St. Lorenz Nord"
            in_state |= taken > 0
            if taken:
                _drop_locators(kept)
                # "… Sankt Margarethen an der Elbe": the river or coast says where it lies.
                if (
                    i + 2 < len(tokens) + 1
                    and tokens[i : i + 2] in (["an", "der"], ["an", "dem"])
                    and i + 2 < len(tokens)
                    and self._unknown_name(words[i + 2], tokens[i + 2])
                ):
                    i += 3
        if not (in_state or elsewhere):
            return PlaceScan(text)
        return PlaceScan(" ".join(kept), in_state, elsewhere, tuple(kept))
