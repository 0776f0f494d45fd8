"""Telegram adapter: thin handlers and the composition root (app.py)."""
