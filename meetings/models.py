"""Models of the meetings app (added by later issues)."""
