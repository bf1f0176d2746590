"""Models of the plans app (added by later issues)."""
