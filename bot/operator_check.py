"""Is the operator block (who is responsible, shown in /datenschutz) still the placeholder?

A live bot must name a real controller, address and privacy contact. The embedded defaults
are placeholders "(… in der Konfiguration eintragen …)"; a value counts as placeholder when it
equals its default or is empty or, like the defaults, starts with "(".
"""

from __future__ import annotations

from bot.config import OperatorSettings, Settings

# The fields /datenschutz shows that must be real for live use (phone is optional).
REQUIRED_FIELDS = ("name", "address", "email", "privacy_contact")


def _is_placeholder(value: str | None, default: object) -> bool:
    text = (value or "").strip()
    placeholder_default = isinstance(default, str) and default.startswith("(")
    return not text or text.startswith("(") or (placeholder_default and text == default)


def placeholder_fields(settings: Settings) -> list[str]:
    """Dotted names of the operator fields that still need real values."""
    defaults = OperatorSettings()
    return [
        f"operator.{field}"
        for field in REQUIRED_FIELDS
        if _is_placeholder(getattr(settings.operator, field), getattr(defaults, field))
    ]


def operator_problem(settings: Settings) -> str | None:
    """A one-paragraph reason why the bot must not go live, or None."""
    missing = placeholder_fields(settings)
    if not missing:
        return None
    return (
        f"operator data is still a placeholder: {', '.join(missing)}. /datenschutz would show it "
        "to users. Fill in the operator block of the configuration before running with a token. "
        "/ Die Angaben zum Betreiber sind noch Platzhalter: bitte im Abschnitt operator der "
        "Konfiguration eintragen."
    )
