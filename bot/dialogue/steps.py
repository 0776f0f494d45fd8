"""Which steps each kind of request asks, and what kind of answer each step takes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

StepType = Literal["choice", "multi", "text", "contact", "optional"]

KINDS = ("beratung", "workshop", "begleitung", "sonstiges")
SUMMARY = "summary"


@dataclass(frozen=True)
class Step:
    id: str
    type: StepType
    prompt_key: str
    field_key: str
    options: tuple[str, ...] = ()
    option_prefix: str = ""
    max_len: int = 500
    personal: bool = False
    # Words people type instead of a label ("per Zoom" for "per Video"): option -> phrases.
    synonyms: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def asks_for_text(self) -> bool:
        """Answered by typing (an optional step also by skipping), not by a button."""
        return self.type in ("text", "contact", "optional")

    def option_key(self, option: str) -> str:
        return f"{self.option_prefix}{option}"


STEPS: dict[str, Step] = {
    s.id: s
    for s in (
        Step("kind", "choice", "req_kind_prompt", "req_field_kind", KINDS, "req_kind_"),
        Step(
            "topics",
            "multi",
            "req_topics_prompt",
            "req_field_topics",
            ("engagementkonzept", "strukturen", "beteiligung"),
            "req_topic_",
            max_len=300,
        ),
        Step(
            "support",
            "choice",
            "req_support_prompt",
            "req_field_support",
            ("konzept", "beteiligung", "beides"),
            "req_support_",
        ),
        Step(
            "format",
            "choice",
            "req_format_prompt",
            "req_field_format",
            ("telefon", "video", "vorort", "egal"),
            "req_format_",
            synonyms=(
                ("telefon", ("telefon", "telefonisch", "anrufen", "anruf", "phone")),
                ("video", ("zoom", "teams", "webex", "jitsi", "bigbluebutton", "bbb", "video",
                           "videokonferenz", "videocall", "online", "digital", "virtuell")),
                ("vorort", ("vor ort", "persoenlich", "bei uns", "praesenz", "besuch")),
                ("egal", ("egal", "flexibel", "nach absprache", "beliebig", "alles moeglich",
                          "ist mir gleich", "wie sie moechten")),
            ),
        ),
        Step("need", "text", "req_need_prompt", "req_field_need", max_len=1500),
        Step("concern", "text", "req_concern_prompt", "req_field_concern", max_len=1500),
        Step(
            "organisation",
            "text",
            "req_organisation_prompt",
            "req_field_organisation",
            max_len=200,
            personal=True,
        ),
        Step("person", "text", "req_person_prompt", "req_field_person", max_len=200, personal=True),
        Step(
            "contact",
            "contact",
            "req_contact_prompt",
            "req_field_contact",
            max_len=200,
            personal=True,
        ),
        Step("time", "optional", "req_time_prompt", "req_field_time", max_len=200),
        Step("remarks", "optional", "req_remarks_prompt", "req_field_remarks", max_len=1500),
    )
}

_TAIL = ("organisation", "person", "contact", "time", "remarks")
FLOWS: dict[str, tuple[str, ...]] = {
    "beratung": ("kind", "topics", "format", *_TAIL),
    "workshop": ("kind", "need", *_TAIL),
    "begleitung": ("kind", "support", *_TAIL),
    "sonstiges": ("kind", "concern", *_TAIL),
}
# Before the kind is chosen the length is not known; show the longest so progress never jumps up.
DEFAULT_FLOW = max(FLOWS.values(), key=len)


def flow_for(kind: str | None) -> tuple[str, ...]:
    return FLOWS.get(kind or "", DEFAULT_FLOW)
