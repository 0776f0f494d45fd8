"""Shared fixtures: the fake Bot API server (tests/fake_server.py) and a fresh Storage."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage import Storage
from tests.fake_server import fake_server  # noqa: F401  (pytest fixture, re-exported)


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    """The whole storage on a new SQLite file, closed after the test."""
    store = await Storage.open(tmp_path / "bot.sqlite")
    yield store
    await store.close()
