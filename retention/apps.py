from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "retention"
    verbose_name = _("Sletting etter oppbevaringstid")

    def ready(self) -> None:
        # Each part registers here what it puts on the core's pages, the gate, the worklist and run_reminders.
        pass
