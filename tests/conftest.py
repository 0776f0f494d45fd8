"""Shared fixtures: the fake Bot API server (tests/fake_server.py), a fresh Storage, and the
bundled knowledge base with its matcher (per module, so no test sees another module's state)."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import BUNDLED_KNOWLEDGE, MatchingSettings
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.matching import Matcher
from bot.storage import Storage
from tests.fake_server import fake_server  # noqa: F401  (pytest fixture, re-exported)


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    """The whole storage on a new SQLite file, closed after the test."""
    store = await Storage.open(tmp_path / "bot.sqlite")
    yield store
    await store.close()


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    """The bundled knowledge base, as `python -m bot` loads it."""
    return load_knowledge(BUNDLED_KNOWLEDGE)


@pytest.fixture(scope="module")
def matcher(kb: KnowledgeBase) -> Matcher:
    """The matcher over the bundled knowledge base with the default settings."""
    return Matcher(kb, MatchingSettings())
