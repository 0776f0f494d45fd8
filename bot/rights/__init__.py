"""The user's data rights in words: what /loeschen will delete, what /meinedaten shows (pure)."""
