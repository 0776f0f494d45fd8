"""Internal weights of the scorer; the decision thresholds live in MatchingSettings."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ScoringParams:
    """How much each kind of evidence counts. Tuned on the development questions."""

    example_base: float = 0.5  # share of the score that coverage alone earns
    unknown_weight: float = 1.0  # weight of an unknown word, as a share of the rarest known
    # A word known to name a foreign topic (knowledge/foreign.yaml) is stronger evidence than a
    # merely unknown one: "Was kostet ein Parkausweis?" must not read as a question about costs.
    foreign_weight: float = 2.0
    unknown_minor_weight: float = 0.35  # share for an unknown word that is probably no noun
    known_minor_weight: float = 0.7  # share for a known word that is no noun nor a synonym
    unknown_number_weight: float = 0.3  # numbers are often incidental ("3 Kollegen")
    long_word: int = 8  # in all-lowercase text, unknown words this long count as nouns
    context_weight: float = 0.25  # words of a statement around the actual question
    # A long statement (officialese: who asks, for which committee) counts at most this share
    # of the question's own weight in all, so it cannot drown a short question.
    scene_cap: float = 0.75
    # A foreign word set out before the question keeps this share of its weight at least when
    # the scene is scaled down (0.35 × foreign_weight: about two thirds of an unknown noun).
    scene_foreign_floor: float = 0.35
    # An unknown name of a body or role of the administration ("Seniorenbeirat"): who asks,
    # hardly evidence of another topic (a share of an unknown noun's weight).
    role_weight: float = 0.35
    non_key_factor: float = 0.65  # credit for a matched word that is not a key term of the entry
    fuzzy_penalty: float = 0.1  # quality lost per edit of a typo
    part_quality: float = 0.9  # a compound's parts standing in for the whole word
    prefix_quality: float = 0.8  # a truncated word ("zertifik")
    head_quality: float = 0.6  # a compound with one unknown part ("Grenzgemeinde" → Gemeinde)
    related_is_close: bool = True  # a related runner-up does not block a confident answer
    shortlist: int = 5  # entries whose examples are scored in detail (as good as 8 on all sets)
    max_candidates: int = 5
