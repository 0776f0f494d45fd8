"""Settings: defaults, YAML file, environment overrides, errors that name file and key."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.config import BUNDLED_KNOWLEDGE, ConfigError, Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent


def test_defaults_need_no_file() -> None:
    """Without a file the bundled knowledge base and a SQLite file under data/ serve."""
    settings = load_settings(None, env={})
    assert settings.knowledge.path == BUNDLED_KNOWLEDGE
    assert settings.database.path == Path("data/bot.sqlite")
    assert settings.telegram.token is None


def test_environment_overrides_file(tmp_path: Path) -> None:
    """BOT_TOKEN, TELEGRAM_BASE_URL, TEAM_CHAT_ID, DATABASE_PATH beat the file."""
    path = tmp_path / "c.yaml"
    path.write_text("telegram: {token: from-file}\nteam: {chat_id: -1}\n", encoding="utf-8")
    env = {"BOT_TOKEN": "env-token", "TELEGRAM_BASE_URL": "http://127.0.0.1:9/bot",
           "TEAM_CHAT_ID": "-100200", "DATABASE_PATH": "x/y.sqlite"}
    settings = load_settings(path, env=env)
    assert settings.telegram.token == "env-token"
    assert settings.telegram.base_url == "http://127.0.0.1:9/bot"
    assert settings.team.chat_id == -100200
    assert settings.database.path == Path("x/y.sqlite")


def test_bot_config_env_names_the_file(tmp_path: Path) -> None:
    """BOT_CONFIG points at the YAML file when --config is not given."""
    path = tmp_path / "c.yaml"
    path.write_text("team: {admins: [5, 6]}\n", encoding="utf-8")
    assert load_settings(None, env={"BOT_CONFIG": str(path)}).team.admins == [5, 6]


def test_unknown_key_is_an_error_naming_file_and_key(tmp_path: Path) -> None:
    """A typo in a key is reported with file and dotted key, not ignored."""
    path = tmp_path / "c.yaml"
    path.write_text("team: {chat_idd: 5}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"c\.yaml: team\.chat_idd"):
        load_settings(path, env={})


def test_example_config_documents_exactly_the_settings() -> None:
    """config.example.yaml loads and has every settings section and key (kept in step)."""
    example = ROOT / "config.example.yaml"
    load_settings(example, env={})
    raw = yaml.safe_load(example.read_text(encoding="utf-8"))
    for section, model in Settings.model_fields.items():
        assert section in raw, section
        annotation = model.annotation
        assert annotation is not None
        for key in annotation.model_fields:  # type: ignore[union-attr]
            assert key in raw[section], f"{section}.{key}"
