"""The request dialogue: steps, validation, transitions and rendering (pure, no telegram)."""

from bot.dialogue.engine import DialogueEngine, Outcome
from bot.dialogue.state import DialogueState

__all__ = ["DialogueEngine", "DialogueState", "Outcome"]
