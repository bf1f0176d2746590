from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "exchange"
    verbose_name = _("Utlevering av data")

    def ready(self) -> None:
        # Each part registers here what it puts on the core's pages, the gate, the worklist and run_reminders.
        pass
