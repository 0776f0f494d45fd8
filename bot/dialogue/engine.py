"""Transitions of the request dialogue and the rendering of each step.

The engine is pure: it takes a state and an input (typed text or a button op) and returns the new
state plus what to say. The Telegram handler persists the state (every step, so a crash loses
nothing) and sends what the engine rendered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from bot import callbacks
from bot.dialogue.state import DialogueState
from bot.dialogue.steps import FLOWS, KINDS, STEPS, SUMMARY, Step, flow_for
from bot.dialogue.validation import (
    clean,
    looks_like_question,
    match_option,
    match_synonym,
    parse_contact,
)
from bot.matching.smalltalk import without_words
from bot.replies import Button, Reply
from bot.texts import Raw, Texts

# Answers a question typed during the dialogue, or None. ``strict``: the text would also be a
# valid answer to the step (free text), so interrupt only when the knowledge base is sure.
QuestionAnswerer = Callable[[str, bool], Reply | None]
MIN_TEXT = 2
MANY_FLAG = "many_"  # answers["many_topics"]: the user chose to select several topics
MAX_ERRORS_SHOWN = 3
# Answers the user typed; a change of kind that leaves no step for them moves them to the
# remarks instead of dropping them (and says so).
TYPED_TEXT = ("topic_text", "need", "concern")


@dataclass(frozen=True)
class Outcome:
    state: DialogueState | None  # None: the draft ends (cancelled)
    notes: tuple[str, ...] = ()  # HTML messages sent before the prompt
    show_prompt: bool = True
    submit: bool = False
    cancelled: bool = False
    interrupted: bool = False  # a question was answered in between: prompt says "Weiter mit …"
    chosen: str | None = None  # label of the pressed choice, to mark the old message
    edit_in_place: bool = False  # multi-select toggles re-render the same message
    extras: dict[str, Any] = field(default_factory=dict)


class DialogueEngine:
    def __init__(self, texts: Texts, notice_version: str) -> None:
        self.texts = texts
        self.notice_version = notice_version

    # -- progress --------------------------------------------------------------------------

    def position(self, state: DialogueState) -> tuple[int, str]:
        """Step number and total. Before the kind is chosen the total is the range ("7–8"),
        so the count never seems to jump when the chosen kind has fewer steps."""
        flow = flow_for(state.kind)
        step = flow.index(state.step) + 1 if state.step in flow else len(flow)
        return step, str(len(flow)) if state.kind else self._length_range()

    @staticmethod
    def _length_range() -> str:
        lengths = sorted({len(f) for f in FLOWS.values()})
        return f"{lengths[0]}–{lengths[-1]}" if len(lengths) > 1 else str(lengths[0])

    def _labels(self, step: Step) -> dict[str, str]:
        return {opt: self.texts.plain(step.option_key(opt)) for opt in step.options}

    # -- inputs ----------------------------------------------------------------------------

    def start(self, kind_hint: str | None = None) -> DialogueState:
        """A new dialogue; a kind the user already named (``kind_hint``) is preselected, so the
        dialogue begins with that kind's first question ("Zurück" still leads to the choice)."""
        if kind_hint in KINDS:
            return DialogueState(step=FLOWS[kind_hint][1], answers={"kind": kind_hint})
        return DialogueState()

    def on_text(
        self, state: DialogueState, raw_text: str, answer_question: QuestionAnswerer
    ) -> Outcome:
        text = clean(raw_text)
        step = STEPS.get(state.step)
        nav = self._typed_navigation(text, state, step)
        if nav is not None:
            return self.on_op(state, nav, None)
        if step is None:  # the summary
            return self._maybe_question(state, text, answer_question) or Outcome(
                state, notes=(self.texts.render("req_err_summary"),), show_prompt=False)
        if step.type == "choice":
            option = match_synonym(text, step.synonyms) or match_option(text, self._labels(step))
            if option is not None:
                return self._pick(state, step, option)
            return self._maybe_question(state, text, answer_question) or self._error(
                state, ("req_err_choice_1", "req_err_choice_2")
            )
        if step.type == "multi":
            option = match_option(text, self._labels(step))
            if option is not None and not self._many(state, step):
                return self._pick_one(state, step, option)
            if option is not None:
                return self._toggle(state, step, option, typed=True)
            if match_option(text, {"next": self.texts.plain("req_btn_next").strip("» ")}):
                return self._next_from_multi(state)
            interruption = self._maybe_question(state, text, answer_question, strict=True)
            if interruption:
                return interruption
            problem = self._length_problem(step, text)
            if problem:
                return Outcome(state, notes=(problem,), show_prompt=False)
            own = state.with_answer("topic_text", text)
            return self._advance(own.with_answer("topics", list(state.answers.get("topics") or [])))
        if step.type == "contact":
            contact = parse_contact(text)
            if contact is not None and len(text) <= step.max_len:
                return self._advance(
                    state.with_answer(
                        "contact",
                        {"email": contact.email, "phone": contact.phone, "telegram_only": False},
                    )
                )
            return self._maybe_question(state, text, answer_question) or self._error(
                state, ("req_err_contact_1", "req_err_contact_2", "req_err_contact_3")
            )
        if step.type == "optional":
            if match_option(text, {"skip": self.texts.plain("req_btn_skip")}):
                return self._advance(state.with_answer(step.id, None))
            if looks_like_question(text) and text.endswith("?"):
                interruption = self._maybe_question(state, text, answer_question, strict=True)
                if interruption:
                    return interruption
            problem = self._length_problem(step, text)
            if problem:
                return Outcome(state, notes=(problem,), show_prompt=False)
            return self._advance(state.with_answer(step.id, text))
        # Free text (need, concern, organisation, person).
        interruption = self._maybe_question(state, text, answer_question, strict=True)
        if interruption:
            return interruption
        problem = self._length_problem(step, text)
        if problem:
            return Outcome(state.with_error(), notes=(problem,), show_prompt=False)
        return self._advance(state.with_answer(step.id, text))

    def _typed_navigation(self, text: str, state: DialogueState, step: Step | None) -> str | None:
        """Typed "Absenden", "Zurück", "Abbrechen", "Überspringen" count as those buttons where
        free text is not the answer (choices, optional steps, the summary)."""
        if step is not None and step.type in ("text", "contact", "multi"):
            return None
        ops = {"back": "req_btn_back", "cancel": "req_btn_cancel"}
        if step is None:
            ops["send"] = "req_btn_send"
        elif step.type == "optional":
            ops["skip"] = "req_btn_skip"
            ops["sum"] = "req_btn_to_summary"
        if step is not None and self.previous_value(state, step) is not None:
            ops["keep"] = "req_btn_keep"
        labels = {op: self.texts.plain(key).strip("«»✅ ") for op, key in ops.items()}
        return match_option(text, labels, threshold=85.0)

    def on_shared_contact(self, state: DialogueState, phone: str, own: bool) -> Outcome:
        """A contact shared with Telegram's button: accepted only if it is the sender's own."""
        if state.step != "contact":
            return Outcome(state, notes=(self.texts.render("req_err_choice_1"),),
                           show_prompt=False)
        if not own:
            return Outcome(state, notes=(self.texts.render("req_err_contact_foreign"),),
                           show_prompt=False)
        return self._advance(
            state.with_answer("contact", {"email": None, "phone": phone, "telegram_only": False})
        )

    def on_op(self, state: DialogueState, op: str, arg: str | None) -> Outcome:
        """A button press (already checked to belong to the current draft revision)."""
        if op == "cancel":
            return Outcome(
                None, cancelled=True, notes=(self.texts.render("req_cancelled"),), show_prompt=False
            )
        if op == "back":
            return Outcome(self._back(state))
        if state.step == SUMMARY:
            if op == "send":
                return Outcome(state, submit=True, show_prompt=False)
            if op == "edit" and arg in flow_for(state.kind):
                return Outcome(replace(state, step=arg, return_to_summary=True))
            return Outcome(state)
        step = STEPS.get(state.step)
        if step is None:
            return Outcome(state)
        if op == "keep" and self.previous_value(state, step) is not None:
            return self._advance(state)
        if op == "pick" and step.type == "choice" and arg in step.options:
            return self._pick(state, step, arg)
        if op == "pick" and step.type == "multi" and arg in step.options:
            return self._pick_one(state, step, arg)
        if op == "many" and step.type == "multi":
            return Outcome(state.with_answer(MANY_FLAG + step.id, True), edit_in_place=True)
        if op == "tog" and step.type == "multi" and arg in step.options:
            return self._toggle(state, step, arg, typed=False)
        if op == "next" and step.type == "multi":
            return self._next_from_multi(state)
        if op == "skip" and step.type == "optional":
            return self._advance(state.with_answer(step.id, None))
        if op == "sum" and step.type == "optional":
            answers = dict(state.answers)
            for later in flow_for(state.kind)[flow_for(state.kind).index(step.id) :]:
                answers.setdefault(later, None)
            return Outcome(replace(state, answers=answers, step=SUMMARY, return_to_summary=False))
        if op == "tgonly" and step.type == "contact":
            return self._advance(
                state.with_answer("contact", {"email": None, "phone": None, "telegram_only": True})
            )
        return Outcome(state)

    # -- transitions -----------------------------------------------------------------------

    def _pick(self, state: DialogueState, step: Step, option: str) -> Outcome:
        chosen = self.texts.plain(step.option_key(option))
        new = state.with_answer(step.id, option)
        notes: tuple[str, ...] = ()
        if step.id == "kind" and state.kind not in (None, option):
            new, notes = self._change_kind(new, option)
        outcome = self._advance(new)
        return replace(outcome, chosen=chosen, notes=notes + outcome.notes)

    def _change_kind(
        self, state: DialogueState, kind: str
    ) -> tuple[DialogueState, tuple[str, ...]]:
        """Another kind asks other questions: answers the new flow has are kept (and not asked
        again from the summary); typed text the new flow has no step for goes to the remarks,
        and the user is told; choices of the old kind are dropped (one tap to give again)."""
        keep = set(FLOWS[kind]) | ({"topic_text", MANY_FLAG + "topics"} if "topics" in FLOWS[kind]
                                   else set())
        answers = {k: v for k, v in state.answers.items() if k in keep}
        moved = [k for k in TYPED_TEXT if k not in keep and state.answers.get(k)]
        if not moved:
            return replace(state, answers=answers), ()
        field_of = {"topic_text": "topics"}
        labels = [self.texts.plain(STEPS[field_of.get(k, k)].field_key) for k in moved]
        parts = [str(answers["remarks"])] if answers.get("remarks") else []
        parts += [f"{label}: {state.answers[k]}" for label, k in zip(labels, moved, strict=True)]
        answers["remarks"] = "\n".join(parts)
        note = self.texts.render(
            "req_moved_to_remarks",
            fields=", ".join(labels),
            remarks=self.texts.plain("req_field_remarks"),
        )
        return replace(state, answers=answers), (note,)

    def _toggle(self, state: DialogueState, step: Step, option: str, typed: bool) -> Outcome:
        selected = list(state.answers.get(step.id) or [])
        if option in selected and not typed:
            selected.remove(option)
        elif option not in selected:
            selected.append(option)
        ordered = [o for o in step.options if o in selected]
        return Outcome(state.with_answer(step.id, ordered), edit_in_place=not typed)

    @staticmethod
    def _many(state: DialogueState, step: Step) -> bool:
        return bool(state.answers.get(MANY_FLAG + step.id))

    def _pick_one(self, state: DialogueState, step: Step, option: str) -> Outcome:
        """The quick path of a multi-select step: one tap picks one option and moves on."""
        outcome = self._advance(state.with_answer(step.id, [option]))
        return replace(outcome, chosen=self.texts.plain(step.option_key(option)))

    def _next_from_multi(self, state: DialogueState) -> Outcome:
        if not state.answers.get("topics") and not state.answers.get("topic_text"):
            return Outcome(
                state, notes=(self.texts.render("req_topics_need_one"),), show_prompt=False
            )
        answers = dict(state.answers)
        answers.setdefault("topics", [])
        return self._advance(replace(state, answers=answers))

    def _advance(self, state: DialogueState) -> Outcome:
        flow = flow_for(state.kind)
        if state.return_to_summary:
            missing = [s for s in flow if s not in state.answers and s != "kind"]
            if not missing:
                return Outcome(replace(state, step=SUMMARY, return_to_summary=False))
            return Outcome(replace(state, step=missing[0]))
        index = flow.index(state.step) if state.step in flow else -1
        next_step = flow[index + 1] if index + 1 < len(flow) else SUMMARY
        return Outcome(replace(state, step=next_step))

    def _back(self, state: DialogueState) -> DialogueState:
        flow = flow_for(state.kind)
        if state.return_to_summary:
            return replace(state, step=SUMMARY, return_to_summary=False)
        if state.step == SUMMARY:
            return replace(state, step=flow[-1])
        index = flow.index(state.step) if state.step in flow else 0
        return replace(state, step=flow[max(index - 1, 0)])

    def _maybe_question(
        self,
        state: DialogueState,
        text: str,
        answer_question: QuestionAnswerer,
        *,
        strict: bool = False,
    ) -> Outcome | None:
        if not looks_like_question(text):
            return None
        reply = answer_question(text, strict)
        if reply is None or reply.start_request:
            return None
        return Outcome(state, notes=(reply.text,), interrupted=True)

    def _error(self, state: DialogueState, keys: tuple[str, ...]) -> Outcome:
        """Name the problem; each further failure explains more. The prompt is not repeated
        word for word, except when the last level adds a way out to its buttons."""
        new = state.with_error()
        level = min(new.errors[state.step], len(keys)) - 1
        way_out = state.step == "contact" and new.errors[state.step] >= MAX_ERRORS_SHOWN
        return Outcome(
            new,
            notes=(self.texts.render(keys[level]),),
            show_prompt=way_out,
            extras={"level": str(level)},
        )

    def _length_problem(self, step: Step, text: str) -> str | None:
        # "🙈" or "..." says nothing the team could work with.
        if step.type != "optional" and (len(text) < MIN_TEXT or without_words(text)):
            return self.texts.render("req_err_text_short")
        if len(text) > step.max_len:
            return self.texts.render("req_err_text_long", limit=step.max_len)
        return None

    # -- rendering -------------------------------------------------------------------------

    def needs_notice(self, state: DialogueState) -> bool:
        step = STEPS.get(state.step)
        return bool(step and step.personal and state.notice_shown_at is None)

    def mark_notice(self, state: DialogueState, now_iso: str) -> DialogueState:
        return replace(state, notice_shown_at=now_iso, notice_version=self.notice_version)

    def intro(self, ttl_days: int, state: DialogueState | None = None) -> str:
        """The dialogue's introduction; names the kind when it was preselected (``start``)."""
        text = self.texts.render("req_intro", steps_hint=self._length_range(), ttl_days=ttl_days)
        if state is not None and state.kind and state.step != "kind":
            text += "\n" + self.texts.render(
                "req_preselected_kind", kind=self.texts.plain(f"req_kind_{state.kind}")
            )
        return text

    def previous_value(self, state: DialogueState, step: Step) -> str | None:
        """The step's earlier answer as text, when the user comes back to it (Zurück, Ändern)."""
        answers = state.answers
        if step.id == "topics":
            given = answers.get("topics") or answers.get("topic_text")
        elif step.id == "contact":
            given = answers.get("contact")
        else:
            given = answers.get(step.id)
        if given is None or given == "" or given == []:
            return None
        return self.field_value(state, step.id)

    def prompt(
        self, state: DialogueState, draft_id: int, *, lead_key: str = "req_progress"
    ) -> Reply:
        """The current step's question (or the summary) with its buttons."""
        rev = state.turn
        if state.step == SUMMARY:
            return self.summary(state, draft_id)
        step = STEPS[state.step]
        number, total = self.position(state)

        def data(op: str, arg: str | None = None) -> str:
            return callbacks.dialogue(draft_id, rev, op, arg)

        rows: list[tuple[Button, ...]] = []
        prompt = self.texts.render(step.prompt_key)
        if step.type == "choice":
            rows += [
                (Button(label, data("pick", opt)),) for opt, label in self._labels(step).items()
            ]
        elif step.type == "multi" and not self._many(state, step):
            rows += [
                (Button(label, data("pick", opt)),) for opt, label in self._labels(step).items()
            ]
            rows.append((Button(self.texts.plain("req_btn_many"), data("many")),))
        elif step.type == "multi":
            selected = set(state.answers.get(step.id) or [])
            for opt, label in self._labels(step).items():
                mark = "☑️ " if opt in selected else "▫️ "
                rows.append((Button(mark + label, data("tog", opt)),))
            rows.append((Button(self.texts.plain("req_btn_next"), data("next")),))
            prompt = self.texts.render("req_topics_many_prompt")
        elif step.type == "optional":
            skip = Button(self.texts.plain("req_btn_skip"), data("skip"))
            flow = flow_for(state.kind)
            # Where skipping leads to the summary anyway, a second button would do the same.
            if state.return_to_summary or step.id == flow[-1]:
                rows.append((skip,))
            else:
                rows.append((skip, Button(self.texts.plain("req_btn_to_summary"), data("sum"))))
        elif step.type == "contact" and state.errors.get("contact", 0) >= MAX_ERRORS_SHOWN:
            rows.append((Button(self.texts.plain("req_btn_telegram_only"), data("tgonly")),))
        previous = self.previous_value(state, step)
        # With several topics the ticked boxes show the earlier choice and "Weiter" keeps it.
        if previous is not None and not (step.type == "multi" and self._many(state, step)):
            prompt += "\n" + self.texts.render("req_previous", value=previous)
            rows.insert(0, (Button(self.texts.plain("req_btn_keep"), data("keep")),))
        nav: list[Button] = []
        if state.step != "kind" or state.return_to_summary:
            nav.append(Button(self.texts.plain("req_btn_back"), data("back")))
        nav.append(Button(self.texts.plain("req_btn_cancel"), data("cancel")))
        rows.append(tuple(nav))
        lead = self.texts.render(lead_key, step=number, total=total)
        return Reply(kind="action", text=f"{lead}\n{prompt}", buttons=tuple(rows),
                     expects_text=step.asks_for_text)

    def field_value(self, state: DialogueState, step_id: str) -> str:
        """A field's answer as plain text (escaped later by the template)."""
        answers = state.answers
        empty = self.texts.plain("req_value_empty")
        step = STEPS[step_id]
        if step_id == "topics":
            labels = [self.texts.plain(step.option_key(o)) for o in answers.get("topics") or []]
            if answers.get("topic_text"):
                labels.append(str(answers["topic_text"]))
            return "; ".join(labels) or empty
        if step_id == "contact":
            contact = answers.get("contact") or {}
            if contact.get("telegram_only"):
                return self.texts.plain("req_value_telegram_only")
            parts = [p for p in (contact.get("email"), contact.get("phone")) if p]
            return ", ".join(parts) or empty
        value = answers.get(step_id)
        if value is None or value == "":
            return empty
        if step.options and value in step.options:
            return self.texts.plain(step.option_key(value))
        return str(value)

    def summary(self, state: DialogueState, draft_id: int) -> Reply:
        rev = state.turn
        lines = [self.texts.render("req_summary_title")]
        rows: list[tuple[Button, ...]] = []
        pair: list[Button] = []
        for step_id in flow_for(state.kind):
            step = STEPS[step_id]
            label = self.texts.plain(step.field_key)
            lines.append(
                self.texts.render(
                    "req_summary_line", field=label, value=self.field_value(state, step_id)
                )
            )
            pair.append(
                Button(
                    self.texts.plain("req_btn_change", field=label),
                    callbacks.dialogue(draft_id, rev, "edit", step_id),
                )
            )
            if len(pair) == 2:
                rows.append(tuple(pair))
                pair = []
        if pair:
            rows.append(tuple(pair))
        rows.append(
            (Button(self.texts.plain("req_btn_send"), callbacks.dialogue(draft_id, rev, "send")),)
        )
        rows.append(
            (
                Button(self.texts.plain("req_btn_back"), callbacks.dialogue(draft_id, rev, "back")),
                Button(
                    self.texts.plain("req_btn_cancel"), callbacks.dialogue(draft_id, rev, "cancel")
                ),
            )
        )
        lines.append(self.texts.render("req_summary_footer"))
        return Reply(kind="action", text="\n".join(lines), buttons=tuple(rows))

    def chosen_note(self, prompt_html: str, chosen: str) -> str:
        return self.texts.render("req_chosen", prompt=Raw(prompt_html), value=chosen)

    # -- result ----------------------------------------------------------------------------

    def ticket_data(self, state: DialogueState) -> dict[str, Any]:
        """The submitted request as stored: ids for choices plus readable labels."""
        answers = state.answers
        contact = answers.get("contact") or {}
        data: dict[str, Any] = {
            "kind": state.kind,
            "kind_label": self.texts.plain(f"req_kind_{state.kind}")
            if state.kind in KINDS
            else None,
        }
        for step_id in flow_for(state.kind):
            if step_id in ("kind", "contact"):
                continue
            data[step_id] = answers.get(step_id)
            data[f"{step_id}_label"] = self.field_value(state, step_id)
        data["email"] = contact.get("email")
        data["phone"] = contact.get("phone")
        data["telegram_only"] = bool(contact.get("telegram_only"))
        data["topic_text"] = answers.get("topic_text")
        return data
