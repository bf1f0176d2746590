"""The crisis plan (*kriseplan*, «Plan B»): services (every write), selectors (every read, with the always-current
call list), the two PDFs, the review reminder and the emergency access. Models are in ``plans/models/crisis.py``,
the gate in ``plans/access.py``, pages in ``plans/views/crisis.py`` and the API in ``plans/api/crisis.py``."""
