from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "retention"
    verbose_name = _("Sletting etter oppbevaringstid")

    def ready(self) -> None:
        # The system check of the periods; the core apps' kinds (other apps register their own from their ``ready``:
        # retention.kinds); legal holds in the gate; «Oppbevaring og sletting» on the leader's overview.
        from retention import access, builtin, checks, reach_kinds, sections  # noqa: F401

        builtin.register_all()
        reach_kinds.register_all()  # issue 16's messages, «Ring meg» and SMS; the archives of «alt om meg»
        access.register()
