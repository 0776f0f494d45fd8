"""The team side's rules, independent of Telegram: cards, reports, export, references."""
