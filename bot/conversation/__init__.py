"""The channel-independent conversation core: events in, messages out (no telegram, no aiohttp)."""
