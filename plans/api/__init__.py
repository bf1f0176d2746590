"""The plans API under /api/v1/ (plans, goals, steps, measures, progress notes, comments)."""
