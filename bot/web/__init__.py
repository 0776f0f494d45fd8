"""The web door: an aiohttp chat page and widget in front of the conversation core."""
