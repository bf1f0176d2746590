from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutcomesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "outcomes"
    verbose_name = _("Resultater og tilbakemeldinger")

    def ready(self) -> None:
        # The rounds and evaluations join the access gate; each part registers its sections on the core's pages
        # (koordinator.sections), its part of the worklist and its reminders.
        from outcomes import (  # noqa: F401
            access,
            reminders,
            sections_change,
            sections_end,
            sections_feedback,
            sections_report,
            sections_rounds,
            worklist,
        )

        access.register()
