"""Filters for the meetings lists. They narrow a queryset that has already been through the gate.

Ids are plain number filters (``IdFilter``): an unknown id gives an empty list, a malformed one a 400.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from koordinator.api.filters import AppointmentFilter, IdFilter, StrictBooleanFilter, with_public_names
from meetings import selectors
from meetings.models import ActionItem, Attendance, Group, GroupMember, Meeting, Minutes


class GroupFilter(filters.FilterSet):
    follow_up = IdFilter(field_name="follow_up_id", label=_("sak"))
    service_user = IdFilter(field_name="follow_up__service_user_id", label=_("tjenestemottaker"))
    status = filters.ChoiceFilter(choices=Group.Status.choices, label=_("status"))

    class Meta:
        model = Group
        fields = ["follow_up", "service_user", "status"]


class GroupMemberFilter(filters.FilterSet):
    group = IdFilter(field_name="group_id", label=_("ansvarsgruppe"))
    kind = filters.ChoiceFilter(choices=GroupMember.Kind.choices, label=_("type medlem"))
    current = StrictBooleanFilter(method="filter_current", label=_("er med nå (ikke fjernet)"))

    class Meta:
        model = GroupMember
        fields = ["group", "kind", "current"]

    def filter_current(self, queryset, name, value):
        return queryset.filter(removed_at__isnull=(value == "true"))


class MeetingFilter(filters.FilterSet):
    """``from`` and ``to`` are days (inclusive), in Norwegian time."""

    from_ = filters.DateFilter(method="filter_from", label=_("fra og med dato"))
    to = filters.DateFilter(method="filter_to", label=_("til og med dato"))
    group = IdFilter(field_name="group_id", label=_("ansvarsgruppe"))
    service_user = IdFilter(field_name="group__follow_up__service_user_id", label=_("tjenestemottaker"))
    status = filters.ChoiceFilter(choices=Meeting.Status.choices, label=_("status"))

    class Meta:
        model = Meeting
        fields = ["group", "service_user", "status"]

    # Meetings start at ``starts_at`` like appointments: the same day bounds (and the same care at the calendar's
    # ends).
    filter_from = AppointmentFilter.filter_from
    filter_to = AppointmentFilter.filter_to


with_public_names(MeetingFilter, from_="from")


class MinutesFilter(filters.FilterSet):
    meeting = IdFilter(field_name="meeting_id", label=_("møte"))
    group = IdFilter(field_name="meeting__group_id", label=_("ansvarsgruppe"))
    status = filters.ChoiceFilter(choices=Minutes.Status.choices, label=_("status"))

    class Meta:
        model = Minutes
        fields = ["meeting", "group", "status"]


class ActionItemFilter(filters.FilterSet):
    meeting = IdFilter(field_name="meeting_id", label=_("besluttet i møtet"))
    group = IdFilter(field_name="group_id", label=_("ansvarsgruppe"))
    status = filters.ChoiceFilter(choices=ActionItem.Status.choices, label=_("status"))
    responsible = IdFilter(field_name="responsible_id", label=_("hvem (medlem)"))
    overdue = StrictBooleanFilter(method="filter_overdue", label=_("åpne oppgaver over fristen"))
    mine = StrictBooleanFilter(method="filter_mine", label=_("«Mine oppgaver»: de du har ansvaret for"))

    class Meta:
        model = ActionItem
        fields = ["meeting", "group", "status", "responsible", "overdue", "mine"]

    def filter_overdue(self, queryset, name, value):
        overdue = queryset.overdue(timezone.localdate())
        return overdue if value == "true" else queryset.exclude(pk__in=overdue.values("pk"))

    def filter_mine(self, queryset, name, value):
        # «Mine oppgaver»: personally or for one's service, as the user, or as the coordinator (closed ones too).
        mine = selectors.my_action_items(getattr(self.request, "user", None), include_closed=True).values("pk")
        return queryset.filter(pk__in=mine) if value == "true" else queryset.exclude(pk__in=mine)


class AttendanceFilter(filters.FilterSet):
    meeting = IdFilter(field_name="meeting_id", label=_("møte"))
    group = IdFilter(field_name="meeting__group_id", label=_("ansvarsgruppe"))
    member = IdFilter(field_name="member_id", label=_("medlem"))
    status = filters.ChoiceFilter(choices=Attendance.Status.choices, label=_("oppmøte"))

    class Meta:
        model = Attendance
        fields = ["meeting", "group", "member", "status"]
