"""factory_boy factories for the core models. Services are bypassed here on purpose: tests set up state."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from koordinator.models import (
    Consent,
    FollowUp,
    Membership,
    Municipality,
    NextOfKin,
    Organisation,
    ServiceUser,
    User,
)

PASSWORD = "test-passord-123"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"bruker{n:04d}")
    first_name = factory.Faker("first_name", locale="no_NO")
    last_name = factory.Faker("last_name", locale="no_NO")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.no")
    password = factory.django.Password(PASSWORD)


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Kommune {n}")
    # Kommunenummer has four digits; the 9xxx range is not used by the fixed fixtures (5001, 4601 …).
    number = factory.Sequence(lambda n: f"9{n % 1000:03d}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Enhet {n}")
    kind = Organisation.Kind.FOLLOW_UP_SERVICE
    municipality = factory.SubFactory(MunicipalityFactory)
    duty_phone = "+4773000000"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.TRUST_PERSON


class ServiceUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceUser

    first_name = factory.Faker("first_name", locale="no_NO")
    last_name = factory.Faker("last_name", locale="no_NO")
    municipality = factory.SubFactory(MunicipalityFactory)
    phone = "+4791234567"
    preferred_channel = ServiceUser.Channel.SMS


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    service_user = factory.SubFactory(ServiceUserFactory)
    unit = factory.SubFactory(OrganisationFactory)
    municipality = factory.LazyAttribute(lambda f: f.unit.municipality)
    trust_person = factory.SubFactory(UserFactory)
    status = FollowUp.Status.ACTIVE
    referral_source = FollowUp.ReferralSource.SELF


class NextOfKinFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NextOfKin

    service_user = factory.SubFactory(ServiceUserFactory)
    name = factory.Faker("name", locale="no_NO")
    relation = "søster"
    kind = NextOfKin.Kind.SUPPORTIVE
    phone = "+4790000001"


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    owner = factory.SubFactory(ServiceUserFactory)
    valid_from = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=335))
    given_how = Consent.GivenHow.PAPER
    recorded_by = factory.SubFactory(UserFactory)
    scope_plan = True
    scope_crisis_plan = True
    scope_meetings = True
    scope_followup_log = True
