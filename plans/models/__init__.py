"""Models of the plans app. Import from here: ``from plans.models import Plan, Goal, Step``."""

from plans.models.content import Goal, LifeArea, Measure, Step, default_due_on
from plans.models.crisis import CrisisContact, CrisisPlan, CrisisSignOff, EmergencyAccess
from plans.models.logged import LoggedStep
from plans.models.notes import Comment, ProgressNote
from plans.models.plan import Plan, PlanRevision

__all__ = [
    "Comment",
    "CrisisContact",
    "CrisisPlan",
    "CrisisSignOff",
    "EmergencyAccess",
    "Goal",
    "LifeArea",
    "LoggedStep",
    "Measure",
    "Plan",
    "PlanRevision",
    "ProgressNote",
    "Step",
    "default_due_on",
]
