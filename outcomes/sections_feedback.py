"""Outcomes: sections_feedback (registered with the core's registries; imported by outcomes.apps)."""
