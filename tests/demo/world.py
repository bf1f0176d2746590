"""Looking up the demo's people and plans by log-in name, and counting every table's rows."""

from __future__ import annotations

from django.apps import apps

from koordinator.models import User
from plans.models import Plan


def user(username: str) -> User:
    return User.objects.get(username=username)


def plan_of(username: str) -> Plan:
    return Plan.objects.get(follow_up__service_user__user__username=username)


def row_counts() -> dict[str, int]:
    """Every table Django knows, history tables included."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}
