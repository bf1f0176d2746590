"""Outcomes: sections_end (registered with the core's registries; imported by outcomes.apps)."""
