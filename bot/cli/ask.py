"""``python -m bot ask``: questions on stdin, one JSON object per line on stdout (offline)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TextIO

from bot.answering_factory import build_answerer
from bot.config import load_settings
from bot.localtime import Clock, utc_now
from bot.replies import Reply


def reply_json(reply: Reply) -> str:
    payload = {
        "kind": reply.kind,
        "text": reply.text,
        "suggestions": [{"title": s.title, "text": s.text} for s in reply.suggestions],
    }
    return json.dumps(payload, ensure_ascii=False)


def run_ask(
    config_path: Path | None,
    stdin: TextIO,
    stdout: TextIO,
    *,
    explain: bool,
    clock: Clock = utc_now,
    conversations: bool = False,
) -> int:
    """Answer each line; with ``conversations`` the lines up to an empty one are one
    conversation (follow-ups read in its light) and the empty line prints nothing."""
    # Built like the running bot's: the same dates ("vorbei"/"bevorstehend") for the same day.
    answerer = build_answerer(load_settings(config_path), clock=clock)
    conversation = 0
    for line in stdin:
        question = line.rstrip("\n")
        if conversations and not question.strip():
            answerer.forget_conversation(conversation)
            conversation += 1
            continue
        if conversations:
            reply, result = answerer.answer_from(conversation, question)
        else:
            reply, result = answerer.answer(question)
        if explain:
            stdout.write(f"? {question}\n-> {reply.kind}\n{result.explain()}\n\n")
        else:
            stdout.write(reply_json(reply) + "\n")
        stdout.flush()
    return 0
