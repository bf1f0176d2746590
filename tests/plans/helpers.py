"""Small helpers shared by the plans tests."""

from __future__ import annotations

from koordinator.models import Notification, ServiceUser


def fresh(obj):
    obj.refresh_from_db()
    return obj


def notifications_to(recipient) -> list[Notification]:
    field = "recipient_service_user" if isinstance(recipient, ServiceUser) else "recipient_user"
    return list(Notification.objects.filter(**{field: recipient}).order_by("pk"))
