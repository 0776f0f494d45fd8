"""``python -m bot ask``: questions on stdin, one JSON object per line on stdout (offline)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TextIO

from bot.answering import Answerer
from bot.config import load_settings
from bot.knowledge import load_knowledge
from bot.matching import Matcher
from bot.replies import Reply
from bot.texts import load_texts


def reply_json(reply: Reply) -> str:
    payload = {
        "kind": reply.kind,
        "text": reply.text,
        "suggestions": [{"title": s.title, "text": s.text} for s in reply.suggestions],
    }
    return json.dumps(payload, ensure_ascii=False)


def build_answerer(config_path: Path | None) -> Answerer:
    settings = load_settings(config_path)
    kb = load_knowledge(settings.knowledge.path)
    return Answerer(kb, Matcher(kb, settings.matching), load_texts())


def run_ask(config_path: Path | None, stdin: TextIO, stdout: TextIO, *, explain: bool) -> int:
    answerer = build_answerer(config_path)
    for line in stdin:
        question = line.rstrip("\n")
        reply, result = answerer.answer(question)
        if explain:
            stdout.write(f"? {question}\n-> {reply.kind}\n{result.explain()}\n\n")
        else:
            stdout.write(reply_json(reply) + "\n")
        stdout.flush()
    return 0
