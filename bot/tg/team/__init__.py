"""The team side in Telegram, one module per job: who may act and how the bot posts (common),
the start-up check of the team chat (chat_check), card buttons (cards), the team's replies to
requesters (replies), team commands (commands) and the knowledge reload (reload). The
requester's side lives in the conversation core (bot/conversation/team_link.py).

Everything the team or the requester must receive goes through the outbox (enqueue, then wake
the worker), so a Telegram failure delays a notification but never loses it. Rendering lives in
bot.team (pure); these modules read updates, check who may act, and call storage.
"""
