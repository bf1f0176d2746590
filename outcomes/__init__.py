"""Outcomes: the quality-of-life instrument, the end-of-follow-up evaluation, the half-year report and anonymous
feedback (issue 14; ../shared/docs/OUTCOMES.md)."""
