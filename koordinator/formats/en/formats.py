"""English pages keep Norwegian-style dates (23.11.2026, 14.00): the service and its users are in Norway,
where «11/23/2026» would be misread. Only «kl.» is left out, as it is a Norwegian word."""

from __future__ import annotations

from koordinator.formats.nb.formats import DATE_FORMAT, DATE_INPUT_FORMATS, SHORT_DATE_FORMAT, TIME_FORMAT

DATETIME_FORMAT = "d.m.Y H.i"
SHORT_DATETIME_FORMAT = "d.m.Y H.i"

__all__ = [
    "DATE_FORMAT",
    "DATE_INPUT_FORMATS",
    "DATETIME_FORMAT",
    "SHORT_DATE_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "TIME_FORMAT",
]
