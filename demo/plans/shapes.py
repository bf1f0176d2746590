"""What a plan is made of, as a script: the dataclasses each plan is played from (``PlanScript`` with its
goals, steps, measures and revisions), the short names for the plans' choices the scripts use (``Area``,
``Who``, ``StepStatus``, ``Decision``, ``Kind``) and ``PLAN_MODELS``, the models whose rows the demo dates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from koordinator.models import FollowUp, Organisation
from plans.models import Comment, Goal, LifeArea, Measure, Plan, PlanRevision, ProgressNote, Step

Area = LifeArea
Who = Step.Who
StepStatus = Step.Status
Decision = Measure.Decision
Kind = Organisation.Kind

PLAN_MODELS = (Plan, Goal, Step, Measure, ProgressNote, Comment, PlanRevision)


# --- what a plan is made of, as a script ---------------------------------------------------------------------
# Days are counted back from today: ``ago=30`` is thirty days ago, ``ago=-2`` the day after tomorrow.


@dataclass(eq=False)
class StepScript:
    what: str
    created: int
    due: int
    who: str = Who.USER
    org: str = ""  # an organisation key (see Section.orgs) when who is «a partner service»
    person: str = ""  # a username when who is «a person in a partner service»
    status: str = StepStatus.PLANNED
    closed: int | None = None
    how: str = ""
    by_owner: bool = False  # closed by the owner herself, in the portal


@dataclass(eq=False)
class GoalScript:
    area: str
    text: str
    steps: list[StepScript] = field(default_factory=list)
    in_users_words: bool = True
    # The owner's own voice: (ago, text) for a comment; (ago, what, due) for a proposed step.
    comment: tuple[int, str] | None = None
    suggestion: tuple[int, str, int] | None = None


@dataclass(eq=False)
class MeasureScript:
    service: str
    org: str
    created: int
    extent: str = ""
    person: str = ""
    needs_decision: bool = False
    applied: int | None = None
    decided: int | None = None
    outcome: str = ""  # granted or refused, on ``decided``
    appealed: int | None = None
    decided_by: str = ""
    period: tuple[int, int | None] | None = None  # (from, until), days ago
    # (ago, author username or "" for the trust person, text)
    notes: list[tuple[int, str, str]] = field(default_factory=list)


@dataclass
class RevisionScript:
    ago: int
    what_changed: str
    participants: str
    next_revision: int


@dataclass(eq=False)
class PlanScript:
    case: FollowUp
    kind: str  # active, slid (active, revision overdue), draft, declined, ended
    created: int
    texts: dict = field(default_factory=dict)
    goals: list[GoalScript] = field(default_factory=list)
    measures: list[MeasureScript] = field(default_factory=list)
    consent: tuple[int, str] | None = None  # (ago, how); Consent.GivenHow.PORTAL: the owner gives it herself
    activated: int | None = None
    period_days: int | None = None
    next_revision: int | None = None  # as set when the plan was taken into use
    revisions: list[RevisionScript] = field(default_factory=list)
    declined: tuple[int, str] | None = None
    ended: tuple[int, str] | None = None
