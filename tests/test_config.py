"""Settings: defaults, YAML file, environment overrides, errors that name file and key."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel
from telegram.ext import AIORateLimiter

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
    path.write_text('telegram: {token: "111:from-file"}\nteam: {chat_id: -1}\n', encoding="utf-8")
    env = {"BOT_TOKEN": "222:env-token", "TELEGRAM_BASE_URL": "http://127.0.0.1:9/bot",
           "TEAM_CHAT_ID": "-100200", "DATABASE_PATH": "x/y.sqlite"}
    settings = load_settings(path, env=env)
    assert settings.telegram.token == "222:env-token"
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
        if not isinstance(annotation, type) or not issubclass(annotation, BaseModel):
            continue  # a top-level value (timezone), not a section
        for key in annotation.model_fields:
            assert key in raw[section], f"{section}.{key}"


def test_rate_limit_and_concurrency_defaults_are_telegrams_limits() -> None:
    """Defaults: 30 messages/s overall, 20/min per group, 64 updates at once."""
    telegram = load_settings(None, env={}).telegram
    assert telegram.rate_limit.overall_per_second == 30
    assert telegram.rate_limit.group_per_minute == 20
    assert telegram.concurrent_updates == 64


def test_rate_limit_settings_reach_the_limiter_and_the_update_processor(tmp_path: Path) -> None:
    """telegram.rate_limit and telegram.concurrent_updates configure the built application."""
    from bot.tg.app import build_application
    from bot.tg.concurrency import PerChatUpdateProcessor

    path = tmp_path / "c.yaml"
    path.write_text("telegram:\n  rate_limit: {overall_per_second: 12, group_per_minute: 7}\n"
                    "  concurrent_updates: 5\n", encoding="utf-8")
    app = build_application(load_settings(path, env={}))
    limiter = app.bot.rate_limiter
    assert isinstance(limiter, AIORateLimiter)
    assert limiter._base_limiter is not None and limiter._base_limiter.max_rate == 12
    assert (limiter._group_max_rate, limiter._group_time_period) == (7, 60)
    assert isinstance(app.update_processor, PerChatUpdateProcessor)
    assert app.update_processor.max_concurrent_updates == 5


def test_rate_limit_zero_switches_a_cap_off(tmp_path: Path) -> None:
    """0 turns one cap off; both 0: no AIORateLimiter at all."""
    from bot.tg.app import build_application, rate_limiter

    no_overall = load_settings(None, env={}).telegram.rate_limit.model_copy(
        update={"overall_per_second": 0})
    limiter = rate_limiter(no_overall)
    assert limiter is not None and limiter._base_limiter is None
    assert limiter._group_max_rate == 20
    path = tmp_path / "c.yaml"
    path.write_text("telegram: {rate_limit: {overall_per_second: 0, group_per_minute: 0}}\n",
                    encoding="utf-8")
    assert build_application(load_settings(path, env={})).bot.rate_limiter is None


@pytest.mark.parametrize("block", ["rate_limit: {overall_per_second: -1}",
                                   "rate_limit: {per_hour: 5}", "concurrent_updates: 0"])
def test_bad_rate_limit_settings_are_errors_naming_the_key(tmp_path: Path, block: str) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(f"telegram: {{{block}}}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"c\.yaml: telegram\."):
        load_settings(path, env={})


def test_check_reports_the_send_limits(tmp_path: Path) -> None:
    """`python -m bot check` shows the rate limits and concurrency in effect."""
    import io

    from bot.cli.check import run_check

    path = tmp_path / "c.yaml"
    path.write_text("telegram: {rate_limit: {overall_per_second: 0}, concurrent_updates: 8}\n",
                    encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert run_check(path, out, err) == 0, err.getvalue()
    assert ("telegram: no overall send limit, 20/min per group; 8 updates at once;"
            " aiohttp, 16 connections") in out.getvalue()
    out = io.StringIO()
    assert run_check(None, out, err) == 0
    assert ("at most 30 messages/s overall, 20/min per group; 64 updates at once;"
            " aiohttp") in out.getvalue()


@pytest.mark.parametrize("where", ["before", "after"])
def test_config_option_works_before_and_after_the_command(
    tmp_path: Path, where: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`python -m bot check --config FILE` and `python -m bot --config FILE check` read FILE."""
    from bot.__main__ import main

    config = tmp_path / "config.yaml"
    config.write_text("matching:\n  answer_threshold: 2\n", encoding="utf-8")
    option = ["--config", str(config)]
    argv = ["check", *option] if where == "after" else [*option, "check"]
    assert main(argv) != 0  # the file was read: its invalid threshold is reported
    assert "answer_threshold" in capsys.readouterr().err
