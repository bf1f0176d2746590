from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KoordinatorConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "koordinator"
    verbose_name = _("Koordinator")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from koordinator import access
        from koordinator.middleware import note_login

        user_logged_in.connect(note_login, dispatch_uid="koordinator-note-login")

        # What the gate built in this request may hold rows that a write just changed (access.request_scope).
        for name, signal in (("save", post_save), ("delete", post_delete), ("m2m", m2m_changed)):
            signal.connect(access.forget_pieces, dispatch_uid=f"koordinator-gate-{name}")
