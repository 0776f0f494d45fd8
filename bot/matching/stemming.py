"""A light German suffix stripper.

Snowball German conflates too much for this vocabulary (Bürger → burg), so only inflection
endings are removed, keeping stems long enough to stay distinct. Both the knowledge base and
the questions go through the same function, so a stem only needs to be consistent, not a lemma.
"""

from __future__ import annotations

from functools import lru_cache

# Longest first; (suffix, replacement, minimum length of the remaining stem).
_SUFFIXES: tuple[tuple[str, str, int], ...] = (
    ("ungen", "ung", 3),
    ("heiten", "heit", 3),
    ("keiten", "keit", 3),
    ("ern", "", 4),
    ("ers", "", 4),  # genitive of -er nouns: Trägers = Träger
    ("ens", "", 4),  # genitive of -en nouns: Rahmens = Rahmen
    ("em", "", 4),
    ("en", "", 4),
    ("er", "", 4),
    ("es", "", 4),
    ("et", "", 4),
    ("e", "", 3),
    ("s", "", 4),
)
# A stem is the token's beginning, at most this many letters shorter (a feminine ending, then
# a suffix: "innen" and "ern"); a replacement only keeps the suffix's own first letters.
MAX_CUT = 8
# Feminine forms (Koordinatorin, Kolleginnen) reduce to the base noun first.
_FEMININE: tuple[tuple[str, int], ...] = (("innen", 4), ("erin", 5), ("orin", 5), ("egin", 4))
# The endings by their last letter, in the order above: a word is only tried against the
# endings it can have (the first unknown words of every question are stemmed cold).
_SUFFIXES_BY_LAST: dict[str, tuple[tuple[str, str, int], ...]] = {}
for _suffix in _SUFFIXES:
    _SUFFIXES_BY_LAST[_suffix[0][-1]] = (*_SUFFIXES_BY_LAST.get(_suffix[0][-1], ()), _suffix)


@lru_cache(maxsize=65536)  # pure, and the same few thousand words recur in every question
def stem(token: str) -> str:
    """Strip one inflection ending (after a feminine ending) from a normalised token."""
    if not token.isalpha() or len(token) <= 3:
        return token
    if token[-1] == "n":  # every feminine ending ends in n
        for ending, keep in _FEMININE:
            if token.endswith(ending) and len(token) - len(ending) >= keep:
                cut = len("innen") if ending == "innen" else 2
                token = token[:-cut]
                break
    for suffix, replacement, min_stem in _SUFFIXES_BY_LAST.get(token[-1], ()):
        if token.endswith(suffix):
            base = token[: len(token) - len(suffix)]
            if len(base) < min_stem:
                continue
            if suffix == "s" and base.endswith(("s", "u", "i")):
                continue
            if suffix == "et" and base.endswith("i"):
                continue  # Gebiet, Gebiete: a noun, not a verb ending
            return base + replacement
    return token
