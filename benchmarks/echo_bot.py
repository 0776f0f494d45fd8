"""A bare python-telegram-bot echo bot: the baseline for bench_e2e.py.

Polls the Bot API at TELEGRAM_BASE_URL with BOT_TOKEN (both from the environment) and answers
every private text with the same text, with PTB's defaults: updates processed one at a time,
no rate limiter. ``--rate-limit`` adds PTB's AIORateLimiter with its defaults (Telegram's limits,
as the real bot's production settings); ``--concurrent N`` processes N updates at once
(PTB's plain ``concurrent_updates(N)``, no per-chat order); ``--aiohttp`` uses the bot's own
transport (bot/tg/http.py) instead of PTB's httpx.

    BOT_TOKEN=... TELEGRAM_BASE_URL=http://127.0.0.1:PORT/bot python benchmarks/echo_bot.py
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from telegram import Update
from telegram.ext import AIORateLimiter, ApplicationBuilder, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.message
    if message is not None and message.text is not None:
        await context.bot.send_message(message.chat_id, message.text)


def main() -> None:
    parser = argparse.ArgumentParser(description="bare PTB echo bot (benchmark baseline)")
    parser.add_argument("--rate-limit", action="store_true", help="use AIORateLimiter")
    parser.add_argument("--concurrent", type=int, default=1, help="updates processed at once")
    parser.add_argument("--aiohttp", action="store_true",
                        help="use the bot's aiohttp transport (bot/tg/http.py) instead of httpx")
    args = parser.parse_args()
    builder = ApplicationBuilder().token(os.environ["BOT_TOKEN"])
    builder.base_url(os.environ["TELEGRAM_BASE_URL"])
    if args.aiohttp:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        from bot.tg.http import AiohttpRequest

        builder.request(AiohttpRequest()).get_updates_request(AiohttpRequest(1))
    if args.rate_limit:
        builder.rate_limiter(AIORateLimiter(max_retries=0))
    if args.concurrent > 1:
        builder.concurrent_updates(args.concurrent)
    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
