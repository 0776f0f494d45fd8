"""The documentation's relative links point to files that exist; the handbook is split in two."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def _relative_links(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [target for target in _LINK.findall(text) if "://" not in target
            and not target.startswith("mailto:")]


def test_relative_links_in_readme_and_docs_exist() -> None:
    """Every relative Markdown link in README.md and docs/*.md names an existing file."""
    broken = [
        f"{path.relative_to(ROOT)} -> {target}"
        for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
        for target in _relative_links(path)
        if not (path.parent / target).exists()
    ]
    assert broken == []


def test_handbook_index_points_to_team_and_server_guides() -> None:
    """docs/handbuch.md is a short index of the team guide and the server guide; the team
    guide has the step-by-step content update and the teaching flow, the server guide
    install, configuration, reverse proxy, backups, updates, database checks and time zone."""
    index = (ROOT / "docs" / "handbuch.md").read_text(encoding="utf-8")
    assert set(_relative_links(ROOT / "docs" / "handbuch.md")) >= {
        "handbuch-team.md", "handbuch-betrieb.md"}
    assert len(index.splitlines()) < 30
    team = (ROOT / "docs" / "handbuch-team.md").read_text(encoding="utf-8")
    server = (ROOT / "docs" / "handbuch-betrieb.md").read_text(encoding="utf-8")
    for heading in ("Schritt für Schritt", "Karten und Schaltflächen", "Befehle in der Team-Gruppe",
                    "Datenschutz im Alltag"):
        assert re.search(rf"(?m)^##.*{re.escape(heading)}", team), heading
    assert "Dem Bot etwas beibringen" in team
    for heading in ("Installation", "Konfiguration", "Reverse-Proxy", "Sicherung", "Updates",
                    "Wenn die Datenbank streikt"):
        assert re.search(rf"(?m)^##.*{re.escape(heading)}", server), heading
    assert "secret_token" in server and "Zeitzone" in server
