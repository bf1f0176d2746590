"""SMS held for the administrator: what the gateway delivered that no municipality could be found for (no ``to``, or
one that is no follow-up service's number, from a number that is nobody's or several people's in different
municipalities). No leader sees these (``reach.sms_inbound``: telling the wrong leader would show a person's words to
the wrong person), so the administrator does, here, read-only: to find out which number the gateway should send to
(the unit's phone or duty phone, under «Organisasjoner»), or to pass it on by hand.

Only these: an SMS matched to a user is in their case's thread, one with a municipality in its leader's inbox; neither
is listed here. Nothing can be added, changed or deleted.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from koordinator.admin import RoleAdminPermissions
from reach import sms_inbound
from reach.models import InboundSms

TITLE = _("Innkommende SMS uten kommune")


@admin.register(InboundSms)
class HeldSmsAdmin(RoleAdminPermissions, admin.ModelAdmin):
    list_display = ["received_at", "from_number", "to_number", "state", "short_text"]
    list_filter = ["state"]
    fields = ["received_at", "from_number", "to_number", "state", "text", "provider_message_id"]
    readonly_fields = fields
    list_per_page = 50

    @admin.display(description=_("tekst"))
    def short_text(self, obj: InboundSms) -> str:
        return obj.text if len(obj.text) <= 60 else obj.text[:59] + "…"

    def get_queryset(self, request):
        return sms_inbound.held()

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {**(extra_context or {}), "title": TITLE})

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
