"""Models of the core app. Import from here: ``from koordinator.models import FollowUp``."""

from koordinator.models.access_log import AccessEvent
from koordinator.models.cases import Consent, FollowUp
from koordinator.models.continuity import Absence, Appointment, DeputyArrangement, Handover
from koordinator.models.followup_log import FollowUpEntry
from koordinator.models.life_areas import LifeArea
from koordinator.models.notifications import DeliveryAttempt, Notification
from koordinator.models.people import Membership, Municipality, NextOfKin, Organisation, ServiceUser, User
from koordinator.models.signin import SignIn, SignInIdentity

__all__ = [
    "Absence",
    "Appointment",
    "DeputyArrangement",
    "Handover",
    "AccessEvent",
    "Consent",
    "DeliveryAttempt",
    "Notification",
    "FollowUp",
    "FollowUpEntry",
    "LifeArea",
    "Membership",
    "Municipality",
    "NextOfKin",
    "Organisation",
    "ServiceUser",
    "SignIn",
    "SignInIdentity",
    "User",
]
