from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KoordinatorConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "koordinator"
    verbose_name = _("Koordinator")
