"""Texts are valid Telegram HTML and escape values; callback data is parsed strictly."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import callbacks
from bot.texts import Raw, TextsError, load_texts


def test_bundled_texts_load() -> None:
    """Every bundled text file is valid (HTML subset, no duplicate keys)."""
    texts = load_texts()
    assert "start" in texts and "req_receipt" in texts


def test_render_escapes_values() -> None:
    """Values are escaped so user text cannot inject tags; Raw passes HTML through."""
    texts = load_texts()
    assert "&lt;b&gt;x&lt;/b&gt; &amp;" in texts.render("question_sent", ref="<b>x</b> &")
    assert "<b>x</b>" in texts.render("question_sent", ref=Raw("<b>x</b>"))


def test_broken_texts_name_file_and_key(tmp_path: Path) -> None:
    """A bad tag or a duplicate key is reported with file and key."""
    (tmp_path / "a.yaml").write_text("hello: '<blink>x</blink>'\n", encoding="utf-8")
    with pytest.raises(TextsError, match=r"a\.yaml: 'hello'"):
        load_texts(tmp_path)
    (tmp_path / "a.yaml").write_text("hello: 'x'\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("hello: 'y'\n", encoding="utf-8")
    with pytest.raises(TextsError, match=r"b\.yaml: 'hello': den Schlüssel gibt es zweimal"):
        load_texts(tmp_path)


@pytest.mark.parametrize(
    "data",
    ["", "x", "e:", "e:UPPER", "e:a;drop", "d:1:2", "d:1:2:toolongoperation", "c:1:steal",
     "c:-1:take", "t:abc", "m ", "e:" + "a" * 40, "d:1:2:pick:" + "ä" * 30, None],
)
def test_forged_callback_data_is_rejected(data: str | None) -> None:
    """Anything that is not exactly one of our formats parses to None."""
    assert callbacks.parse(data) is None


def test_callback_round_trip_and_size() -> None:
    """Built callback data parses back and fits 64 bytes."""
    data = callbacks.dialogue(999_999_999_999, 999_999_999_999, "pick", "a" * 24)
    assert len(data.encode()) <= 64
    parsed = callbacks.parse(data)
    assert parsed is not None and parsed.kind == "dialogue" and parsed.arg == "a" * 24
    card = callbacks.parse(callbacks.card(7, "take"))
    assert card is not None and card.id == 7 and card.op == "take"
