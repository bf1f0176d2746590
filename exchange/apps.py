from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "exchange"
    verbose_name = _("Utlevering av data")

    def ready(self) -> None:
        # Each part registers here what it puts on the core's pages, the gate, the worklist and run_reminders.
        # «Last ned alt om meg»: its policy in the gate, its section on Min side and link on the case page, and its
        # work in run_reminders (building what is asked for, emptying what has passed its time).
        from exchange import archive, archive_access, archive_sections  # noqa: F401

        archive_access.register()
