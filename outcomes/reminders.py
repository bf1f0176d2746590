"""Outcomes: reminders (registered with the core's registries; imported by outcomes.apps)."""
