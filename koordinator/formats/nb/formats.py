"""Norwegian bokmål formats: dates as 23.11.2026, times as 14.00, both as «23.11.2026 kl. 14.00».

Anything not set here falls through to Django's own ``nb`` locale (decimal separator and so on).
"""

from __future__ import annotations

DATE_FORMAT = "d.m.Y"
SHORT_DATE_FORMAT = "d.m.Y"
DATETIME_FORMAT = r"d.m.Y \k\l. H.i"
SHORT_DATETIME_FORMAT = r"d.m.Y \k\l. H.i"
TIME_FORMAT = "H.i"

# Typed dates are read the Norwegian way first; ISO is what <input type="date"> sends.
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y"]
