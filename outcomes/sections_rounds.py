"""Outcomes: sections_rounds (registered with the core's registries; imported by outcomes.apps)."""
