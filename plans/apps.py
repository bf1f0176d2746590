from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "plans"
    verbose_name = _("Individuelle planer")

    def ready(self) -> None:
        # The plans' resources join the access gate, the reminders, the deputy's handover list and the follow-up
        # log (an entry's steps).
        # Crisis plans: the review reminder.
        from plans import access, handover, logged_steps, reminders, sections, worklist  # noqa: F401
        from plans.crisis import reminders as crisis_reminders  # noqa: F401

        access.register()
