"""The web door keeps the project's layering: nothing in bot/web imports telegram, and only the
HTTP modules (app, security, request_page, access_log, team_routes, and composition, which
returns the aiohttp application) import aiohttp."""

from __future__ import annotations

import ast
from pathlib import Path

from bot.config import PROJECT_ROOT

WEB = PROJECT_ROOT / "bot" / "web"
HTTP_MODULES = {"app.py", "security.py", "request_page.py", "access_log.py", "team_routes.py",
                "composition.py"}


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_web_door_imports_no_telegram_and_aiohttp_only_at_the_edge() -> None:
    """bot/web never imports telegram (it talks to the core's contract only); sanitizer,
    sessions, rendering, pages and the stand-in do not import aiohttp either."""
    modules = sorted(WEB.glob("*.py"))
    assert len(modules) >= 8
    for path in modules:
        imported = _imports(path)
        assert "telegram" not in imported, path.name
        if path.name not in HTTP_MODULES:
            assert "aiohttp" not in imported, path.name


def _modules_imported(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_cli_only_starts_the_web_door_and_the_composition_root_wires_it() -> None:
    """No command-line module builds the web door's parts or the conversation core (the app,
    its outbound and mailboxes, the request pages, the web port's sink, the team notifier):
    they are wired in the composition root (bot/composition.py -> bot/web/composition.py)."""
    wiring = {"bot.web.app", "bot.web.outbound", "bot.web.sessions", "bot.web.composition",
              "bot.delivery.web_outbound", "bot.delivery.queue", "bot.conversation.core",
              "bot.conversation.request_page"}
    for path in sorted((PROJECT_ROOT / "bot" / "cli").glob("*.py")):
        assert not (_modules_imported(path) & wiring), path.name
    composed = _modules_imported(PROJECT_ROOT / "bot" / "composition.py")
    assert "bot.web.composition" in composed
