"""Outcomes: sections_report (registered with the core's registries; imported by outcomes.apps)."""
