"""What the other serializer modules share: ``ChoiceRelatedField`` and the gated choices it offers (every id a
caller sends is resolved through them), the small read-only pieces (a person, a name, a case in brief), the
date fields bounded to dates the system can compute with, and the error body the schema describes.
"""

from __future__ import annotations

import copy
import functools
import inspect
import re
from collections.abc import Callable, Mapping

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model, Q, QuerySet
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.utils import html

from koordinator import access, services
from koordinator.continuity_forms import staff_of_leader
from koordinator.models import FollowUp, Membership, Organisation, ServiceUser, User
from koordinator.models.base import choice_labels
from koordinator.timeutil import EARLIEST, LATEST, OUT_OF_RANGE, within_calendar  # noqa: F401 (re-exported)

# --- gated choices --------------------------------------------------------------------------------------------


class ChoiceRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary-key field whose choices depend on who is asking.

    ``choices_for(user)`` returns the queryset of allowed objects: a gated ``for_user`` queryset or a services
    helper. ``queryset`` holds an empty queryset of the model only so the schema knows the id type.
    """

    default_error_messages = {
        "does_not_exist": _("Finnes ikke, eller er ikke et valg du kan gjøre her."),
        "incorrect_type": _("Skriv et tall (id), ikke {data_type}."),
        "repeated": _("Send bare én verdi her."),
    }
    # A form body with the field more than once («goal=1&goal=2»): one id is meant, so which one is not guessed.
    _REPEATED = object()

    def get_value(self, dictionary):
        if html.is_html_input(dictionary) and len(dictionary.getlist(self.field_name)) > 1:
            return self._REPEATED
        return super().get_value(dictionary)

    def to_internal_value(self, data):
        if data is self._REPEATED:
            self.fail("repeated")
        return super().to_internal_value(data)

    def __init__(self, model: type[Model], choices_for: Callable[[User | None], QuerySet], **kwargs):
        self.choices_for = choices_for
        kwargs["queryset"] = model._default_manager.none()
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet:
        request = self.context.get("request")
        return self.choices_for(getattr(request, "user", None))


def visible_service_users(user) -> QuerySet:
    return ServiceUser.objects.for_user(user, access.VIEW)


def trust_persons_for(user) -> QuerySet:
    """Trust persons working in a unit where ``user`` may register cases."""
    units = services.units_for(user).values("pk")
    return User.objects.filter(
        is_active=True,
        pk__in=Membership.objects.filter(role=Membership.Role.TRUST_PERSON, organisation__in=units).values(
            "user_id"
        ),
    )


def units_for(user) -> QuerySet:
    return services.units_for(user)


def active_organisations(user) -> QuerySet:
    # Organisations are not personal data: any active one may be named as referrer or successor.
    return Organisation.objects.filter(is_active=True)


def changeable_cases(user) -> QuerySet:
    """Cases the caller may change: the only ones they may book an appointment in."""
    return FollowUp.objects.for_user(user, access.CHANGE)


def absence_people_for(user) -> QuerySet:
    """Whose absence the caller may register: their own, and a leader's trust persons."""
    if user is None or not user.is_authenticated:
        return User.objects.none()
    return User.objects.filter(Q(pk=user.pk) | Q(pk__in=staff_of_leader(user).values("pk")))


def leader_staff(user) -> QuerySet:
    """Trust persons in the leader's municipalities (empty for everyone else)."""
    return staff_of_leader(user)


def consent_grantee_users(user) -> QuerySet:
    return services.consent_grantee_users()


def consent_grantee_organisations(user) -> QuerySet:
    return services.consent_grantee_organisations()


# --- small read-only pieces ----------------------------------------------------------------------------------


class PersonSerializer(serializers.Serializer):
    """A staff member as the other side sees them: who, and how to reach them."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="display_name", read_only=True)
    phone = serializers.CharField(read_only=True)


_DISPLAY = re.compile(r"^get_(\w+)_display$")


@functools.cache
def _choice_labels(model: type[Model], method: str):
    """The field and its labels by value, when ``model.<method>`` is Django's own ``get_<field>_display`` for a
    field with fixed choices; None otherwise (a method the model defines itself, choices from a callable)."""
    match = _DISPLAY.match(method)
    if not match or not issubclass(model, Model):
        return None
    try:
        field = model._meta.get_field(match[1])
    except FieldDoesNotExist:
        return None
    static = inspect.getattr_static(model, method, None)
    if not (isinstance(static, functools.partialmethod) and static.func is Model._get_FIELD_display
            and static.keywords.get("field") is field):
        return None
    return choice_labels(model, field.name)


class DisplayField(serializers.CharField):
    """A choice's label, ``source="get_<field>_display"``: the same text as Django's method gives, without DRF's
    ``inspect.signature`` of the bound method and the choices' dictionary being built again for every row."""

    def get_attribute(self, instance):
        if len(self.source_attrs) == 1 and not isinstance(instance, Mapping):
            labels = _choice_labels(type(instance), self.source_attrs[0])
            if labels is not None:
                field, choices = labels
                value = make_hashable(getattr(instance, field.attname))
                # Translated once per value and language for this field (the field lives as long as its serializer).
                key = (get_language(), type(value), value)
                try:
                    return self._labels[key]
                except AttributeError:
                    self._labels = {}
                except KeyError:
                    pass
                label = self._labels[key] = force_str(choices.get(value, value), strings_only=True)
                return label
        return super().get_attribute(instance)


# A read-only ``ModelSerializer`` whose fields are built from the model's metadata once per class, then copied for
# each serializer (as DRF copies the declared fields), instead of being built again on every request. Only for
# serializers whose fields do not depend on the request (``read_only_fields = fields``, no ``get_fields`` reading
# the context): the fields are the ones DRF would build, made from the same arguments. (A comment, not a docstring:
# the schema would show it as the description of every serializer without its own.)
class ReadModelSerializer(serializers.ModelSerializer):
    def get_fields(self):
        cls = type(self)
        prototype = cls.__dict__.get("_prototype_fields")
        if prototype is None:
            prototype = super().get_fields()
            cls._prototype_fields = prototype
        return copy.deepcopy(prototype)


class NamedSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class StaffNameSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="display_name", read_only=True)


# Dates the rest of the system can compute with (``koordinator.timeutil``). Only the shape is checked here; the
# services decide what is sensible.
class BoundedDateField(serializers.DateField):
    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not within_calendar(day):
            raise serializers.ValidationError(OUT_OF_RANGE)
        return day


class BoundedDateTimeField(serializers.DateTimeField):
    def to_internal_value(self, value):
        moment = super().to_internal_value(value)
        if not within_calendar(moment):
            raise serializers.ValidationError(OUT_OF_RANGE)
        return moment


class CaseSummarySerializer(ReadModelSerializer):
    class Meta:
        model = FollowUp
        fields = ["id", "status", "started_on", "ended_on"]
        read_only_fields = fields


# --- errors, for the schema -------------------------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    """Every error the API answers with, whatever the status (``koordinator/api/errors.py``)."""

    detail = serializers.CharField(read_only=True)
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        read_only=True,
        help_text=_(
            "Feilmeldinger per felt (ved 400); «non_field_errors» for feil som gjelder hele forespørselen. "
            "En feil i en del av et felt står under feltet, med hvor i det først (for eksempel «1.phone: …»). "
            "Tomt ved andre feil enn 400."
        ),
    )
