from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutcomesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "outcomes"
    verbose_name = _("Resultater og tilbakemeldinger")

    def ready(self) -> None:
        # The rounds and evaluations join the access gate.
        from outcomes import access

        access.register()
