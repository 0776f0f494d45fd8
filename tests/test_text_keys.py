"""Every text in bot/texts/ is used by code; button labels fit a phone's width."""

from __future__ import annotations

import re
from pathlib import Path

from bot.texts import load_texts

BOT_DIR = Path(__file__).resolve().parents[1] / "bot"

# Keys that code builds from a prefix and a value, so the whole key never appears in the source.
# Each prefix must itself appear in the code (as the start of a string), so a stale entry fails.
DYNAMIC_PREFIXES = {
    "req_kind_": "dialogue summary and team reports: f'req_kind_{kind}' for every kind",
    "req_topic_": "dialogue steps: option_prefix + option for the topic choices",
    "req_support_": "dialogue steps: option_prefix + option for the support choices",
    "req_format_": "dialogue steps: option_prefix + option for the format choices",
    "team_status_": "team reports: f'team_status_{status}', one word per status",
    "team_type_": "export and /meinedaten: f'team_type_{type}' (question or request)",
    "card_answer_": "team card buttons: f'card_answer_{new status}'",
    "feedback_answer_": "'Hat das geholfen?': f'feedback_answer_{vote}'",
    "my_data_field_": "/meinedaten: f'my_data_field_{field}' for each contact field",
}
# rights/counts.counted() appends "_one" or "_many" to a stem that the code names literally.
COUNTED_SUFFIXES = ("_one", "_many")
# Keys kept for work in progress elsewhere; each needs its reason.
AWAITING_USE = {
    "btn_back": "'Zurück' of the browsing navigation (issue 10, done in parallel elsewhere)",
}


def _source() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(BOT_DIR.rglob("*.py")))


def _literal(name: str, source: str) -> bool:
    return re.search(r"[\"']" + re.escape(name) + r"[\"']", source) is not None


def _used(key: str, source: str) -> bool:
    if _literal(key, source) or key in AWAITING_USE:
        return True
    if any(key.startswith(prefix) for prefix in DYNAMIC_PREFIXES):
        return True
    for suffix in COUNTED_SUFFIXES:
        if key.endswith(suffix) and _literal(key.removesuffix(suffix), source):
            return "counted(" in source
    return False


def test_every_text_key_is_used_by_code() -> None:
    """A text no code uses is an error: it would be edited in vain and drift out of date.
    Keys built at run time are matched by a prefix from an explicit list with its reason."""
    source = _source()
    keys = load_texts().keys()
    unused = [key for key in keys if not _used(key, source)]
    assert unused == []


def test_the_allow_list_of_dynamic_keys_is_not_stale() -> None:
    """Every allowed prefix is still built by code and still names texts."""
    source = _source()
    keys = load_texts().keys()
    for prefix in DYNAMIC_PREFIXES:
        assert re.search(r"f?[\"']" + re.escape(prefix), source), prefix
        assert any(key.startswith(prefix) for key in keys), prefix
    for key in AWAITING_USE:
        assert key in keys, key
