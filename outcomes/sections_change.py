"""Outcomes: sections_change (registered with the core's registries; imported by outcomes.apps)."""
