"""German question matching: normalisation, synonyms, rarity-weighted fuzzy matching (pure)."""

from bot.matching.matcher import Matcher
from bot.matching.params import ScoringParams
from bot.matching.result import Candidate, MatchResult

__all__ = ["Candidate", "MatchResult", "Matcher", "ScoringParams"]
