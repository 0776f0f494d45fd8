"""Command line: ``python -m bot ask | chat | check | backup | knowledge export | run | web``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Engagement-Assistent")
    parser.add_argument("--config", type=Path, help="YAML settings file (default: $BOT_CONFIG)")
    # Every command also takes --config after its name ("python -m bot run --config FILE").
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", dest="sub_config", type=Path, help="YAML settings file")
    sub = parser.add_subparsers(dest="command", required=True)
    ask = sub.add_parser(
        "ask", parents=[common], help="answer questions from stdin as JSON lines (offline)"
    )
    ask.add_argument("--explain", action="store_true", help="human-readable scores instead of JSON")
    ask.add_argument(
        "--conversations",
        action="store_true",
        help="lines are conversations (follow-ups use the earlier lines); an empty line starts "
        "a new one and prints nothing",
    )
    chat = sub.add_parser(
        "chat", parents=[common], help="offline terminal chat with the real handlers"
    )
    chat.add_argument(
        "--fresh", action="store_true", help="delete the chat's database first, then chat"
    )
    chat.add_argument(
        "--reset", action="store_true", help="delete the chat's database and exit"
    )
    sub.add_parser(
        "check", parents=[common], help="validate configuration, texts and knowledge files"
    )
    web = sub.add_parser(
        "web", parents=[common], help="the web chat on 127.0.0.1, offline (no token needed)"
    )
    web.add_argument("--port", type=int, default=None, help="port (default: web.port, 8080)")
    backup = sub.add_parser(
        "backup", parents=[common], help="consistent copy of the database, also while running"
    )
    backup.add_argument("target", type=Path, help="file to write the backup to")
    knowledge = sub.add_parser("knowledge", help="knowledge files and what the team taught")
    knowledge_sub = knowledge.add_subparsers(dest="knowledge_command", required=True)
    knowledge_sub.add_parser(
        "export", parents=[common],
        help="write the phrasings the team taught into the knowledge files",
    )
    run = sub.add_parser(
        "run", parents=[common], help="run the Telegram bot (long polling or webhook)"
    )
    run.add_argument(
        "--new-database", action="store_true",
        help="replace an empty or damaged database file by a new one (the old file is kept)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    config_path: Path | None = args.sub_config or args.config
    if args.command == "ask":
        from bot.cli.ask import run_ask

        return run_ask(
            config_path,
            sys.stdin,
            sys.stdout,
            explain=args.explain,
            conversations=args.conversations,
        )
    if args.command == "check":
        from bot.cli.check import run_check

        return run_check(config_path, sys.stdout, sys.stderr)
    if args.command == "backup":
        from bot.cli.backup import run_backup

        return run_backup(config_path, args.target, sys.stdout, sys.stderr)
    if args.command == "knowledge":
        from bot.cli.knowledge import run_knowledge

        return run_knowledge(args.knowledge_command, config_path, sys.stdout, sys.stderr)
    if args.command == "chat":
        from bot.cli.chat import run_chat

        return run_chat(config_path, sys.stdin, sys.stdout, fresh=args.fresh,
                        reset_only=args.reset, err=sys.stderr)
    if args.command == "web":
        from bot.cli.web import run_web

        return run_web(config_path, args.port, sys.stdout)
    from bot.cli.run import run_bot

    return run_bot(config_path, new_database=args.new_database)


if __name__ == "__main__":
    sys.exit(main())
