from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReachConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reach"
    verbose_name = _("Kontakt med brukeren")

    def ready(self) -> None:
        # Each part registers what it puts on the core's pages, the gate, the worklist and run_reminders.
        from reach import checks, wiring_callbacks, wiring_inbound, wiring_messages  # noqa: F401
