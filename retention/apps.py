from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "retention"
    verbose_name = _("Sletting etter oppbevaringstid")

    def ready(self) -> None:
        # The system check of the periods; the core apps' kinds (other apps register their own from their ``ready``:
        # retention.kinds); legal holds in the gate; «Oppbevaring og sletting» on the leader's overview.
        from retention import access, builtin, checks, sections  # noqa: F401

        builtin.register_all()
        access.register()
