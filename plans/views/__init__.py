"""The plan pages: the plan itself (``pages``), its content (``content``), notes and comments (``notes``),
progress and history (``history``)."""
