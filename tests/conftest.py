"""Shared fixtures: the fake Bot API server (tests/fake_server.py)."""

from tests.fake_server import fake_server  # noqa: F401  (pytest fixture, re-exported)
