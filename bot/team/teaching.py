"""The team's review list (pure): group similar questions, and render a group with its buttons.

Questions are grouped greedily, newest first: a question joins the first group whose shown
question is similar enough (rapidfuzz token_set_ratio of the normalised texts); short
questions are compared as a whole (token_sort_ratio), because token_set_ratio calls "kosten"
identical to any question that contains the word. A group shows its most frequent wording
(ties: the newest), and that question's id is the group's id in the buttons.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot import callbacks
from bot.knowledge import KnowledgeBase
from bot.matching.normalize import normalize
from bot.replies import Button
from bot.storage.feedback import FeedbackCount
from bot.storage.teaching import ReviewQuestion
from bot.team.display import clip
from bot.texts import Raw, Texts

SIMILARITY = 80  # token_set_ratio from which two questions are "the same question"
SHORT_TOKENS = 3  # questions with fewer words are compared as a whole
LABEL_LIMIT = 30  # button labels: short enough for a phone
MAX_CANDIDATES = 3
MAX_GROUPS = 8  # groups sent per /unbeantwortet or digest (one message each)
QUESTION_LIMIT = 300
STATS_LINES = 15

Rows = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class ReviewGroup:
    id: int  # question_log id of the shown question
    text: str
    question_ids: tuple[int, ...]
    downvoted: int  # how many of them got a 👎

    @property
    def count(self) -> int:
        return len(self.question_ids)


def similar(a: str, b: str) -> bool:
    """Two normalised questions ask the same thing (see the module docstring)."""
    if a == b:
        return True
    if min(len(a.split()), len(b.split())) < SHORT_TOKENS:
        return fuzz.token_sort_ratio(a, b) >= SIMILARITY
    return fuzz.token_set_ratio(a, b) >= SIMILARITY


def group_questions(questions: Sequence[ReviewQuestion]) -> list[ReviewGroup]:
    """Similar questions in one group; the biggest groups first, then the most recent."""
    ordered = sorted(questions, key=lambda q: q.id, reverse=True)
    heads: list[str] = []
    members: list[list[tuple[ReviewQuestion, str]]] = []
    for question in ordered:
        norm = normalize(question.text)
        for index, head in enumerate(heads):
            if similar(norm, head):
                members[index].append((question, norm))
                break
        else:
            heads.append(norm)
            members.append([(question, norm)])
    groups = []
    for group in members:
        wording = Counter(norm for _, norm in group)
        # Most frequent wording; among equals the newest (the list is newest first).
        best = max(group, key=lambda item: wording[item[1]])[0]
        groups.append(
            ReviewGroup(
                id=best.id,
                text=best.text,
                question_ids=tuple(q.id for q, _ in group),
                downvoted=sum(1 for q, _ in group if q.downvoted),
            )
        )
    return sorted(groups, key=lambda g: (-g.count, -max(g.question_ids)))


def group_of(groups: Sequence[ReviewGroup], question_id: int) -> ReviewGroup | None:
    """The group that holds a question (the one a button names), if it is still open."""
    return next((g for g in groups if question_id in g.question_ids), None)


def short_label(text: str, limit: int = LABEL_LIMIT) -> str:
    """A plain button label of at most ``limit`` characters, cut at a word where possible."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" :–-,") + "…"


def group_text(group: ReviewGroup, texts: Texts) -> str:
    """The message of one open group: how often, the question, and the prompt to choose."""
    parts = [texts.render("review_group", count=group.count,
                          text=Raw(clip(" ".join(group.text.split()), QUESTION_LIMIT)))]
    if group.downvoted:
        parts.append(texts.render("review_group_downvoted", count=group.downvoted))
    parts.append(texts.render("review_group_prompt"))
    return "\n".join(parts)


def group_buttons(
    group: ReviewGroup, candidates: Sequence[str], kb: KnowledgeBase, texts: Texts
) -> Rows:
    """One button per likely entry (adds the question to it), then "Keins davon"."""
    rows: list[tuple[Button, ...]] = []
    for entry_id in candidates[:MAX_CANDIDATES]:
        entry = kb.entry(entry_id)
        if entry is not None:
            rows.append((Button(short_label(entry.title),
                                callbacks.review(group.id, "add", entry_id)),))
    rows.append((Button(texts.plain("btn_review_none"), callbacks.review(group.id, "no")),))
    return tuple(rows)


def decided_text(
    question: str, entry_title: str | None, count: int, texts: Texts
) -> str:
    """The group's message after the team's tap: what was done, with the question."""
    shown = Raw(clip(" ".join(question.split()), QUESTION_LIMIT))
    if entry_title is None:
        return texts.render("review_dismissed", text=shown, count=count)
    return texts.render("review_taught", text=shown, entry=entry_title, count=count)


def undo_buttons(group_id: int, texts: Texts) -> Rows:
    return ((Button(texts.plain("btn_review_undo"), callbacks.review(group_id, "undo")),),)


def review_head(total_groups: int, shown: int, texts: Texts, key: str) -> str:
    """The first message of /unbeantwortet or of the weekly digest."""
    head = texts.render(key, count=total_groups)
    if total_groups > shown:
        head += "\n" + texts.render("review_more", shown=shown)
    return head


def candidates_for(
    text: str, match: Callable[[str], Sequence[str]], logged_entry: str | None
) -> list[str]:
    """The matcher's top entries for the question; a 👎'd answer's entry is offered too."""
    found = list(match(text))[:MAX_CANDIDATES]
    if logged_entry is not None and logged_entry not in found:
        found = [*found[: MAX_CANDIDATES - 1], logged_entry]
    return found


def feedback_lines(counts: Sequence[FeedbackCount], kb: KnowledgeBase, texts: Texts) -> str:
    """The /statistik section: 👍 and 👎 per entry, most votes first."""
    if not counts:
        return ""
    lines = [texts.render("stats_feedback_title")]
    for count in counts[:STATS_LINES]:
        entry = kb.entry(count.entry_id)
        title = entry.title if entry is not None else count.entry_id
        lines.append(texts.render("stats_feedback_line", entry=Raw(clip(title, 40)),
                                  up=count.up, down=count.down))
    if len(counts) > STATS_LINES:
        lines.append(texts.render("team_more", count=len(counts) - STATS_LINES))
    return "\n".join(lines)
