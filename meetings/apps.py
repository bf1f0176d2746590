from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "meetings"
    verbose_name = _("Ansvarsgrupper og møter")

    def ready(self) -> None:
        # The meetings' resources join the access gate, the reminders, the deputy's handover list and Min arbeidsliste;
        # e-mails about a meeting carry its calendar invitation; in the app, the invitation's apology link is
        # a short «Meld forfall» (the SMS and the e-mail keep the whole address).
        from koordinator import outbox
        from koordinator.outbox import links
        from meetings import access, handover, ics, reminders, sections, tokens, worklist  # noqa: F401
        from meetings.models import Meeting

        access.register()
        outbox.register_attachments(Meeting, ics.attachments_for_meeting)
        links.register_link_text(tokens.APOLOGY_URL_NAME, _("Meld forfall"))
