"""django-filter filter sets for the API lists.

They narrow a queryset that has already been through the gate, so they never widen what anyone sees.
Ids are plain number filters (not model choice filters): an unknown id gives an empty list rather than
telling the caller whether that person or case exists.
"""

from __future__ import annotations

import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field

from koordinator.models import (
    Absence,
    AccessEvent,
    Appointment,
    Consent,
    FollowUp,
    NextOfKin,
    Notification,
    ServiceUser,
)
from koordinator.timeutil import day_bounds

# The largest id a 64-bit integer column holds: a larger number is a 400, not an overflow in the database.
MAX_ID = 2**63 - 1


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(filters.NumberFilter):
    """A whole-number id: "abc", 1.5 or a number too large for the database is a 400 on the parameter."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class StrictBooleanFilter(filters.ChoiceFilter):
    """``true`` or ``false``; anything else is a 400 (django-filter's own boolean filter ignores it)."""

    def __init__(self, *args, **kwargs):
        kwargs["choices"] = [("true", _("ja")), ("false", _("nei"))]
        super().__init__(*args, **kwargs)


class ArchivedFilterMixin(filters.FilterSet):
    archived = StrictBooleanFilter(method="filter_archived", label=_("arkivert"))

    def filter_archived(self, queryset, name, value):
        return queryset.filter(archived_at__isnull=(value != "true"))


class ServiceUserFilter(ArchivedFilterMixin):
    municipality = IdFilter(field_name="municipality_id", label=_("kommune"))

    class Meta:
        model = ServiceUser
        fields = ["municipality", "archived"]


class FollowUpFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=FollowUp.Status.choices, label=_("status"))
    trust_person = IdFilter(field_name="trust_person_id", label=_("tillitsperson"))
    deputy = IdFilter(field_name="deputy_id", label=_("stedfortreder"))
    service_user = IdFilter(field_name="service_user_id", label=_("tjenestemottaker"))
    unit = IdFilter(field_name="unit_id", label=_("enhet"))

    class Meta:
        model = FollowUp
        fields = ["status", "trust_person", "deputy", "service_user", "unit"]


CONSENT_STATES = [
    ("valid", _("Gjelder")),
    ("future", _("Gjelder fra senere")),
    ("expired", _("Utløpt")),
    ("withdrawn", _("Trukket tilbake")),
]


class ConsentFilter(filters.FilterSet):
    owner = IdFilter(field_name="owner_id", label=_("eier"))
    grantee_user = IdFilter(field_name="grantee_user_id", label=_("person"))
    grantee_organisation = IdFilter(field_name="grantee_organisation_id", label=_("tjeneste"))
    state = filters.ChoiceFilter(choices=CONSENT_STATES, method="filter_state", label=_("tilstand"))

    class Meta:
        model = Consent
        fields = ["owner", "grantee_user", "grantee_organisation", "state"]

    def filter_state(self, queryset, name, value):
        # The same rules as Consent.state, as a query.
        today = timezone.localdate()
        live = Q(withdrawn_at__isnull=True)
        if value == "withdrawn":
            return queryset.filter(withdrawn_at__isnull=False)
        if value == "future":
            return queryset.filter(live, valid_from__gt=today)
        if value == "expired":
            return queryset.filter(live, valid_from__lte=today, valid_until__lt=today)
        return queryset.filter(live, valid_from__lte=today, valid_until__gte=today)


class NextOfKinFilter(ArchivedFilterMixin):
    service_user = IdFilter(field_name="service_user_id", label=_("tjenestemottaker"))
    kind = filters.ChoiceFilter(choices=NextOfKin.Kind.choices, label=_("type"))

    class Meta:
        model = NextOfKin
        fields = ["service_user", "kind", "archived"]


class AccessEventFilter(filters.FilterSet):
    channel = filters.ChoiceFilter(choices=AccessEvent.Channel.choices, label=_("hvordan"))

    class Meta:
        model = AccessEvent
        fields = ["channel"]


# --- continuity ----------------------------------------------------------------------------------------------


def with_public_names(filterset: type[filters.FilterSet], **renames: str) -> type[filters.FilterSet]:
    """Give filters public names that are Python keywords («from»): django-filter names a parameter after the
    attribute, and ``from`` cannot be one."""
    for attribute, public in renames.items():
        filterset.base_filters[public] = filterset.base_filters.pop(attribute)
    return filterset


class AppointmentFilter(filters.FilterSet):
    """``from`` and ``to`` are days (inclusive), in Norwegian time."""

    from_ = filters.DateFilter(method="filter_from", label=_("fra og med dato"))
    to = filters.DateFilter(method="filter_to", label=_("til og med dato"))
    follow_up = IdFilter(field_name="follow_up_id", label=_("sak"))
    service_user = IdFilter(field_name="service_user_id", label=_("tjenestemottaker"))
    trust_person = IdFilter(field_name="trust_person_id", label=_("hvem møter"))
    status = filters.ChoiceFilter(choices=Appointment.Status.choices, label=_("status"))

    class Meta:
        model = Appointment
        fields = ["follow_up", "service_user", "trust_person", "status"]

    def filter_from(self, queryset, name, value):
        # The first days of the calendar mean «no bound» (and no overflow when converting to UTC).
        if value <= datetime.date.min + datetime.timedelta(days=1):
            return queryset
        return queryset.filter(starts_at__gte=day_bounds(value)[0])

    def filter_to(self, queryset, name, value):
        if value >= datetime.date.max - datetime.timedelta(days=1):
            return queryset
        return queryset.filter(starts_at__lt=day_bounds(value)[1])


with_public_names(AppointmentFilter, from_="from")


class AbsenceFilter(filters.FilterSet):
    """``from`` and ``to`` select absences that overlap the period."""

    from_ = filters.DateFilter(field_name="ends_on", lookup_expr="gte", label=_("fra og med dato"))
    to = filters.DateFilter(field_name="starts_on", lookup_expr="lte", label=_("til og med dato"))
    person = IdFilter(field_name="person_id", label=_("hvem er borte"))
    kind = filters.ChoiceFilter(choices=Absence.Kind.choices, label=_("type fravær"))
    cancelled = StrictBooleanFilter(method="filter_cancelled", label=_("slettet"))

    class Meta:
        model = Absence
        fields = ["person", "kind", "cancelled"]

    def filter_cancelled(self, queryset, name, value):
        return queryset.filter(cancelled_at__isnull=(value != "true"))


with_public_names(AbsenceFilter, from_="from")


class NotificationFilter(filters.FilterSet):
    unread = StrictBooleanFilter(method="filter_unread", label=_("ulest"))

    class Meta:
        model = Notification
        fields = ["unread"]

    def filter_unread(self, queryset, name, value):
        return queryset.filter(read_at__isnull=(value == "true"))
