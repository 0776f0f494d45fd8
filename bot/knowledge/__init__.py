"""The knowledge base: typed entries loaded from YAML files, plus date rendering."""

from bot.knowledge.loader import KnowledgeError, load_knowledge
from bot.knowledge.models import Entry, KnowledgeBase, SmallTalk

__all__ = ["Entry", "KnowledgeBase", "KnowledgeError", "SmallTalk", "load_knowledge"]
