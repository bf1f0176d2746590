"""The demo data (``manage.py seed_demo``): a Django app of its own, outside the product's apps.

The builders are large (about 3,500 lines) and only ``seed_demo`` and the demo tests need them, so nothing loads
them at start-up: the product's apps do not import this package, and this package imports them all. The core's
world is built by :class:`demo.core.DemoBuilder`; the crisis plans, the plans and the meetings add their sections
(``demo.core.register_demo_section``) when :func:`load_sections` imports them, in that order.
"""

from __future__ import annotations


def load_sections() -> None:
    """Import the apps' demo sections, so they register with the builder (in the order they must run)."""
    from demo import crisis, meetings, plans  # noqa: F401
