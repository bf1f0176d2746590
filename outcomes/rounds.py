"""Quality-of-life rounds: the services (every write, DESIGN.md rule 2), the «due» rule and the reads the pages,
the worklist, the reminder and the API share (issue 14, point 1; ../shared/docs/OUTCOMES.md).

**Services.** Each takes the acting user, checks everything before anything is saved (a bad value is a
``ServiceError`` naming the field, and nothing is saved), saves with the history user and reason and re-checks the
gate, in one transaction:

* :func:`start_round` ``(case, by, taken_on=None, kind=None, *, objective=None, subjective=None,
  answered_by=None)``: a new round, by the case's staff; both parts may come along (the staff form has both).
* :func:`record_objective` ``(qol_round, by, answers)``: the trust person's part (O1–O18: ``"ja"``, ``"nei"``,
  ``"vet_ikke"``; ``""`` or ``None`` = not answered), by the case's staff.
* :func:`record_subjective` ``(qol_round, by, answers, answered_by=None)``: the user's part (S1–S14: 1–5 in the
  item's own words; ``None`` = not answered, «Hopp over»), by the staff or by the owner in their own open round.
* :func:`change_round` ``(qol_round, by, *, taken_on=…, objective=None, subjective=None, answered_by=None)``: the
  staff's edit form, all of it in one save (one history row).
* :func:`record_my_answers` ``(by, answers, case=None)``: the owner's part on Min side: into the open round (one
  the trust person started lately with the user's part empty, or the user's own of lately), or a new round today
  when one is due.

``answers`` are dicts keyed by the item's field (``"o1"``, ``"s13"``; ``"O1"`` works too). Only the keys given
change; the rest stay as they are.

**Kind** (:func:`next_kind`): a case's first round is «Ved oppstart», a round on an ended case «Ved avslutning»,
otherwise «Underveis». :func:`round_due_at_end` tells the case-ending flow whether the ended case still lacks its
end round; the staff's «Ny runde» page (``qol_round_create``) on an ended case takes it.

**Due** (:func:`is_due`): the case is in intake or active, and has no round or its last round is
``QOL_ROUND_MONTHS`` months old. :func:`due_cases` reads every due case in one query (the reminder, and the worklist
with :func:`due_cases_for`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from koordinator import access, continuity
from koordinator.forms import add_months
from koordinator.models import FollowUp, User
from koordinator.timeutil import no_date
from koordinator.toolkit import ServiceError, check_fields, clean_date, ensure_inside_gate, save_with_history
from outcomes.instrument import DONT_KNOW, NO, OBJECTIVE, SUBJECTIVE, YES
from outcomes.models import QualityOfLifeRound

Kind = QualityOfLifeRound.Kind
AnsweredBy = QualityOfLifeRound.AnsweredBy

OBJECTIVE_FIELDS = tuple(item.field for item in OBJECTIVE)
SUBJECTIVE_FIELDS = tuple(item.field for item in SUBJECTIVE)
OBJECTIVE_VALUES = (YES, NO, DONT_KNOW)
# Cases a round can be due for: intake and active (a paused case is not asked; an ended one has its end round).
DUE_STATUSES = (FollowUp.Status.INTAKE, FollowUp.Status.ACTIVE)
# A round whose user part is still empty (the trust person took their part) stays open for the user's answers on
# Min side this many days; so does the user's own answer, for changes.
OPEN_ROUND_DAYS = 14

MESSAGES = {
    "future": gettext_lazy("Datoen kan ikke være fram i tid."),
    "before_start": gettext_lazy("Datoen kan ikke være før oppfølgingen startet (%(date)s)."),
    "same_day": gettext_lazy(
        "Saken har allerede en livskvalitetsrunde %(date)s. Åpne den runden i stedet for å lage en ny."
    ),
    "objective": gettext_lazy("Svaret på %(code)s må være «Ja», «Nei» eller «Vet ikke» (ja, nei, vet_ikke)."),
    "subjective": gettext_lazy(
        "Svaret på %(code)s må være et tall fra 1 til 5, eller tomt når det ikke er besvart."
    ),
    "kind": gettext_lazy("Velg hva slags runde det er: ved oppstart, underveis eller ved avslutning."),
    "start_taken": gettext_lazy("Saken har allerede en runde ved oppstart (%(date)s)."),
    "answered_by": gettext_lazy("Velg hvem som svarte på brukerens del."),
    "answered_by_choice": gettext_lazy(
        "Velg «Brukeren sammen med tillitspersonen», «Brukeren alene» eller «Ikke besvart ennå»."
    ),
    "answered_by_empty": gettext_lazy(
        "Brukerens del har ingen svar. Velg «Ikke besvart ennå», eller fyll inn svarene."
    ),
    "owner_alone": gettext_lazy("Her svarer du selv, alene."),
    "empty_round": gettext_lazy("Svar på minst ett spørsmål før du lagrer."),
    "nothing_answered": gettext_lazy(
        "Svar på minst ett av spørsmålene. Du kan hoppe over dem du ikke vil svare på."
    ),
    "not_open": gettext_lazy("Denne runden er ikke åpen for svarene dine lenger."),
    "none_due": gettext_lazy("Det er ingen runde å svare på nå."),
    "not_your_case": gettext_lazy("Du kan bare svare i din egen oppfølging."),
}


# --- the rule: kind, due, open ---------------------------------------------------------------------------------


def round_months() -> int:
    return int(settings.QOL_ROUND_MONTHS)


def next_kind(case: FollowUp, has_rounds: bool) -> str:
    """The kind of a new round for ``case``: «Ved avslutning» on an ended case, «Ved oppstart» for its first round,
    otherwise «Underveis»."""
    if case.status == FollowUp.Status.ENDED:
        return Kind.END
    return Kind.FOLLOW_UP if has_rounds else Kind.START


def due_cutoff(day: datetime.date) -> datetime.date:
    """A case whose last round is on or before this day is due on ``day``."""
    return add_months(day, -round_months())


def is_due(case: FollowUp, last_taken_on: datetime.date | None, day: datetime.date | None = None) -> bool:
    """Is a round due for ``case`` on ``day``, its last round taken on ``last_taken_on`` (``None``: no round)?"""
    day = day or timezone.localdate()
    if case.status not in DUE_STATUSES:
        return False
    return last_taken_on is None or last_taken_on <= due_cutoff(day)


def next_due_on(case: FollowUp, last_taken_on: datetime.date | None) -> datetime.date | None:
    """When the next round is due (``None`` for a paused or ended case): at once without a round, else
    ``QOL_ROUND_MONTHS`` months after the last."""
    if case.status not in DUE_STATUSES:
        return None
    return case.started_on if last_taken_on is None else add_months(last_taken_on, round_months())


def round_due_at_end(case: FollowUp) -> bool:
    """Does the ended ``case`` still lack its round «Ved avslutning»? (Its latest round is not an end round.) For
    the case-ending flow's «Ta en siste livskvalitetsrunde», which links to ``qol_round_create``. One query."""
    if case.status != FollowUp.Status.ENDED:
        return False
    latest = (
        QualityOfLifeRound.objects.filter(follow_up_id=case.pk)
        .order_by("-taken_on", "-pk")
        .values_list("kind", flat=True)
        .first()
    )
    return latest != Kind.END


def _is_open(qol_round: QualityOfLifeRound, latest_pk: int | None, day: datetime.date) -> bool:
    """Open for the owner's answers: the case's latest round, lately, with the user's part empty or their own."""
    return (
        qol_round.pk == latest_pk
        and qol_round.taken_on >= day - datetime.timedelta(days=OPEN_ROUND_DAYS)
        and qol_round.subjective_by in (AnsweredBy.NOT_ANSWERED, AnsweredBy.USER_ALONE)
    )


def user_part_empty(qol_round: QualityOfLifeRound) -> bool:
    return qol_round.subjective_by == AnsweredBy.NOT_ANSWERED and not any(
        getattr(qol_round, name) is not None for name in SUBJECTIVE_FIELDS
    )


def last_round_on() -> Subquery:
    """For a query on cases: the date of the case's last round (``None`` without one). On the (case, date) index."""
    return Subquery(
        QualityOfLifeRound.objects.filter(follow_up_id=OuterRef("pk"))
        .order_by("-taken_on")
        .values("taken_on")[:1]
    )


def due_cases(day: datetime.date | None = None) -> QuerySet:
    """Every case a round is due for on ``day``, system-wide, each with ``last_round_on``: one query."""
    day = day or timezone.localdate()
    return (
        FollowUp.objects.filter(status__in=DUE_STATUSES)
        .annotate(last_round_on=last_round_on())
        .filter(Q(last_round_on__isnull=True) | Q(last_round_on__lte=due_cutoff(day)))
    )


def due_cases_for(user: User, day: datetime.date | None = None) -> QuerySet:
    """The cases ``user`` is trust person on that a round is due for (*Min arbeidsliste*), through the gate."""
    day = day or timezone.localdate()
    return (
        due_cases(day)
        .filter(pk__in=FollowUp.objects.for_user(user, access.CHANGE).filter(trust_person=user).values("pk"))
        .select_related("service_user")
        .order_by("last_round_on", "started_on", "pk")
    )


# --- reads for the pages ---------------------------------------------------------------------------------------


def reaches_rounds(user: User, case: FollowUp) -> bool:
    """Would the gate show ``user`` the rounds of ``case`` (``outcomes.access``): the case's staff and the owner.
    The one answer for the case page's «Livskvalitet» link and the pages it leads to. One query at most."""
    return access.is_case_staff(user, case.pk) or access.is_owner(user, case.service_user_id)


def rounds_for_case(user: User, case: FollowUp) -> QuerySet:
    """The case's rounds ``user`` may see, newest first. One query."""
    return (
        QualityOfLifeRound.objects.for_user(user)
        .filter(follow_up_id=case.pk)
        .select_related("recorded_by")
        .order_by("-taken_on", "-pk")
    )


def answered_counts(qol_round: QualityOfLifeRound) -> tuple[int, int]:
    """(objective items answered, «Vet ikke» included; subjective items answered)."""
    objective = sum(1 for name in OBJECTIVE_FIELDS if getattr(qol_round, name))
    subjective = sum(1 for name in SUBJECTIVE_FIELDS if getattr(qol_round, name) is not None)
    return objective, subjective


@dataclass
class MyRound:
    """The owner's part on Min side: their open case, the round their answers go into (``None``: a new one today),
    whether answers are asked for (``asked``: a round is due, or the open one has the user's part empty), and when
    the next round is due."""

    case: FollowUp | None
    open_round: QualityOfLifeRound | None
    due: bool
    next_due_on: datetime.date | None

    @property
    def asked(self) -> bool:
        return self.due or (self.open_round is not None and user_part_empty(self.open_round))

    @property
    def can_answer(self) -> bool:
        return self.case is not None and (self.due or self.open_round is not None)


def my_case(user: User) -> FollowUp | None:
    """The owner's open case (intake or active), the newest. One query."""
    actor = access.actor_for(user)
    if actor.service_user_id is None:
        return None
    # The owner's cases, newest first, as Min side has read them (once per request).
    return next((case for case in continuity.owner_cases(user) if case.status in DUE_STATUSES), None)


def _state(case: FollowUp, rounds: list[QualityOfLifeRound], day: datetime.date) -> MyRound:
    latest = max(rounds, key=lambda r: (r.taken_on, r.pk)) if rounds else None
    open_round = latest if latest is not None and _is_open(latest, latest.pk, day) else None
    last_on = latest.taken_on if latest else None
    return MyRound(case, open_round, is_due(case, last_on, day), next_due_on(case, last_on))


def my_round(user: User, day: datetime.date | None = None) -> MyRound:
    """What Min side asks the owner (:class:`MyRound`). Two queries."""
    day = day or timezone.localdate()
    case = my_case(user)
    if case is None:
        return MyRound(None, None, False, None)
    rounds = list(QualityOfLifeRound.objects.for_user(user).filter(follow_up_id=case.pk))
    return _state(case, rounds, day)


# --- cleaning ------------------------------------------------------------------------------------------------------


def _keys(answers: dict | None, fields: tuple[str, ...]) -> dict:
    if answers is None:
        return {}
    if not isinstance(answers, dict):
        raise ServiceError(str(gettext_lazy("Svarene må komme som felt og verdi.")))
    given = {str(key).lower(): value for key, value in answers.items()}
    check_fields(given, fields)
    return given


def clean_objective(answers: dict | None) -> dict[str, str]:
    """The trust person's answers, checked: ``"ja"``, ``"nei"``, ``"vet_ikke"``, or ``""`` (``None``) = not
    answered."""
    clean = {}
    for name, value in _keys(answers, OBJECTIVE_FIELDS).items():
        if value is None:
            value = ""
        if value != "" and value not in OBJECTIVE_VALUES:
            raise ServiceError(str(MESSAGES["objective"]) % {"code": name.upper()}, name)
        clean[name] = value
    return clean


def clean_subjective(answers: dict | None) -> dict[str, int | None]:
    """The user's answers, checked: a whole number 1–5 on the item's own steps, or ``None`` = not answered."""
    clean = {}
    for name, value in _keys(answers, SUBJECTIVE_FIELDS).items():
        if value == "":
            value = None
        if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
            value = int(value.strip())
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5
        ):
            raise ServiceError(str(MESSAGES["subjective"]) % {"code": name.upper()}, name)
        clean[name] = value
    return clean


def _clean_day(case: FollowUp, value) -> datetime.date:
    day = clean_date(value, "taken_on") or timezone.localdate()
    if day > timezone.localdate():
        raise ServiceError(str(MESSAGES["future"]), "taken_on")
    if day < case.started_on:
        raise ServiceError(str(MESSAGES["before_start"]) % {"date": no_date(case.started_on)}, "taken_on")
    return day


def _clean_answered_by(value, has_answers: bool) -> str:
    if value is None:
        value = ""
    if value not in AnsweredBy.values:
        raise ServiceError(str(MESSAGES["answered_by_choice"]), "subjective_by")
    if has_answers and not value:
        raise ServiceError(str(MESSAGES["answered_by"]), "subjective_by")
    if value and not has_answers:
        raise ServiceError(str(MESSAGES["answered_by_empty"]), "subjective_by")
    return value


def _others(case: FollowUp, exclude_pk: int | None = None) -> list[tuple[int, datetime.date, str]]:
    """The case's other rounds: (pk, date, kind). A few a year."""
    rows = QualityOfLifeRound.objects.filter(follow_up_id=case.pk)
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    return list(rows.values_list("pk", "taken_on", "kind"))


def _check_free_day(day: datetime.date, others) -> None:
    if any(taken_on == day for _pk, taken_on, _kind in others):
        raise ServiceError(str(MESSAGES["same_day"]) % {"date": no_date(day)}, "taken_on")


def _clean_kind(case: FollowUp, value, others) -> str:
    if value in (None, ""):
        return next_kind(case, bool(others))
    if value not in Kind.values:
        raise ServiceError(str(MESSAGES["kind"]), "kind")
    starts = sorted(taken_on for _pk, taken_on, kind in others if kind == Kind.START)
    if value == Kind.START and starts:
        raise ServiceError(str(MESSAGES["start_taken"]) % {"date": no_date(starts[0])}, "kind")
    return value


def _save(qol_round: QualityOfLifeRound, by: User, reason) -> None:
    """Save with history; a second round the same day saved by someone else at the same moment is refused as one
    found before (the database's constraint, in a savepoint so the caller's transaction stays usable)."""
    try:
        with transaction.atomic():
            save_with_history(qol_round, by, reason)
    except IntegrityError:
        raise ServiceError(
            str(MESSAGES["same_day"]) % {"date": no_date(qol_round.taken_on)}, "taken_on"
        ) from None


def _lock_case(case: FollowUp) -> FollowUp:
    """The case, read afresh and locked: two rounds for it are written one after the other."""
    return FollowUp.objects.select_for_update(of=("self",)).select_related("service_user").get(pk=case.pk)


# --- writing ---------------------------------------------------------------------------------------------------


@transaction.atomic
def start_round(
    case: FollowUp,
    by: User,
    taken_on: datetime.date | str | None = None,
    kind: str | None = None,
    *,
    objective: dict | None = None,
    subjective: dict | None = None,
    answered_by: str | None = None,
) -> QualityOfLifeRound:
    """A new round for ``case``, by its staff (anyone else: ``PermissionDenied``). ``taken_on`` defaults to today
    (not in the future, not before the case started, not a day the case already has a round); ``kind`` to
    :func:`next_kind`. ``objective`` and ``subjective`` (with ``answered_by``: ``"together"`` or ``"user"``) fill
    in either part at once; at least one answer in one of them (an empty round is refused, nothing saved)."""
    if not access.is_case_staff(by, case.pk):
        raise PermissionDenied
    case = _lock_case(case)
    day = _clean_day(case, taken_on)
    others = _others(case)
    _check_free_day(day, others)
    kind = _clean_kind(case, kind, others)
    objective_answers = clean_objective(objective)
    subjective_answers = clean_subjective(subjective)
    has_answers = any(value is not None for value in subjective_answers.values())
    subjective_by = _clean_answered_by(answered_by, has_answers)
    if not has_answers and not any(objective_answers.values()):
        # A round without a single answer is no round: it would count as taken and put off the next one.
        raise ServiceError(str(MESSAGES["empty_round"]))
    qol_round = QualityOfLifeRound(
        follow_up=case,
        taken_on=day,
        kind=kind,
        recorded_by=by,
        subjective_by=subjective_by,
        **objective_answers,
        **subjective_answers,
    )
    _save(
        qol_round,
        by,
        lambda: (
            _("Livskvalitetsrunde registrert: %(kind)s %(date)s")
            % {"kind": qol_round.get_kind_display(), "date": no_date(day)}
        ),
    )
    ensure_inside_gate(by, qol_round)
    return qol_round


_UNSET = object()


@transaction.atomic
def change_round(
    qol_round: QualityOfLifeRound,
    by: User,
    *,
    taken_on=_UNSET,
    objective: dict | None = None,
    subjective: dict | None = None,
    answered_by: str | None = None,
) -> QualityOfLifeRound:
    """Change a round: its date, the trust person's part, the user's part. The case's staff change all of it; the
    owner only the user's part, only in their open round (the latest, lately, with the user's part empty or their
    own), and always as «Brukeren alene». Only what is given changes; nothing changed writes nothing."""
    if not access.can_change(by, qol_round):
        if not access.is_owner(by, qol_round.follow_up.service_user_id):
            raise PermissionDenied
        return _owner_change(
            qol_round,
            by,
            taken_on=taken_on,
            objective=objective,
            subjective=subjective,
            answered_by=answered_by,
        )
    case = _lock_case(qol_round.follow_up)
    qol_round = QualityOfLifeRound.objects.select_for_update().get(pk=qol_round.pk)
    values: dict = {}
    if taken_on is not _UNSET:
        values["taken_on"] = _clean_day(case, taken_on)
        if values["taken_on"] != qol_round.taken_on:
            _check_free_day(values["taken_on"], _others(case, exclude_pk=qol_round.pk))
    values.update(clean_objective(objective))
    subjective_answers = clean_subjective(subjective)
    values.update(subjective_answers)
    after = {name: values.get(name, getattr(qol_round, name)) for name in SUBJECTIVE_FIELDS}
    has_answers = any(value is not None for value in after.values())
    if answered_by is None and (subjective_answers or qol_round.subjective_by):
        # Not given: kept, unless the answers are all gone (then the part is not answered) or came for the first
        # time (then who answered must be said).
        answered_by = qol_round.subjective_by if has_answers else ""
    if answered_by is not None:
        values["subjective_by"] = _clean_answered_by(answered_by, has_answers)
    if not has_answers and not any(values.get(name, getattr(qol_round, name)) for name in OBJECTIVE_FIELDS):
        raise ServiceError(str(MESSAGES["empty_round"]))
    return _apply(qol_round, by, values)


def _owner_change(qol_round, by, *, taken_on, objective, subjective, answered_by) -> QualityOfLifeRound:
    given = {str(key).lower() for key in (objective or {})} | (
        {"taken_on"} if taken_on is not _UNSET else set()
    )
    # The owner's part is only the subjective answers.
    check_fields(given, (), known=(*OBJECTIVE_FIELDS, "taken_on"))
    case = _lock_case(qol_round.follow_up)
    qol_round = QualityOfLifeRound.objects.select_for_update().get(pk=qol_round.pk)
    latest = QualityOfLifeRound.objects.filter(follow_up_id=case.pk).order_by("-taken_on", "-pk").first()
    if not _is_open(qol_round, latest.pk if latest else None, timezone.localdate()):
        raise PermissionDenied(str(MESSAGES["not_open"]))
    if answered_by not in (None, "", AnsweredBy.USER_ALONE):
        raise ServiceError(str(MESSAGES["owner_alone"]), "subjective_by")
    values = clean_subjective(subjective)
    after = {name: values.get(name, getattr(qol_round, name)) for name in SUBJECTIVE_FIELDS}
    if not any(value is not None for value in after.values()):
        raise ServiceError(str(MESSAGES["nothing_answered"]))
    values["subjective_by"] = AnsweredBy.USER_ALONE
    return _apply(qol_round, by, values, view=True)


def _apply(
    qol_round: QualityOfLifeRound, by: User, values: dict, *, view: bool = False
) -> QualityOfLifeRound:
    changed = [name for name, value in values.items() if getattr(qol_round, name) != value]
    if not changed:
        return qol_round
    for name in changed:
        setattr(qol_round, name, values[name])

    def reason() -> str:  # the parts' names, in the history's one language
        parts = []
        if "taken_on" in changed:
            parts.append(_("dato"))
        if any(name in OBJECTIVE_FIELDS for name in changed):
            parts.append(_("tillitspersonens del"))
        if any(name in SUBJECTIVE_FIELDS or name == "subjective_by" for name in changed):
            parts.append(_("brukerens del"))
        return _("Livskvalitetsrunden er endret: %(parts)s") % {"parts": ", ".join(parts)}

    _save(qol_round, by, reason)
    ensure_inside_gate(by, qol_round, access.VIEW if view else access.CHANGE)
    return qol_round


def record_objective(qol_round: QualityOfLifeRound, by: User, answers: dict) -> QualityOfLifeRound:
    """The trust person's part (O1–O18), by the case's staff."""
    if not access.can_change(by, qol_round):
        raise PermissionDenied
    return change_round(qol_round, by, objective=answers)


def record_subjective(
    qol_round: QualityOfLifeRound, by: User, answers: dict, answered_by: str | None = None
) -> QualityOfLifeRound:
    """The user's part (S1–S14): by the case's staff (``answered_by``: ``"together"``, ``"user"``), or by the owner
    in their own open round (always ``"user"``)."""
    return change_round(qol_round, by, subjective=answers, answered_by=answered_by)


@transaction.atomic
def record_my_answers(by: User, answers: dict, case: FollowUp | None = None) -> QualityOfLifeRound:
    """The owner answers their part alone (Min side, the API): into the open round, or into a new round today
    (kind by :func:`next_kind`) when one is due. ``case``: the owner's open case (default :func:`my_case`).
    At least one answer; a skipped question is missing, not zero."""
    actor = access.actor_for(by)
    if case is None:
        case = my_case(by)
    if case is None or actor.service_user_id is None:
        raise ServiceError(str(MESSAGES["none_due"]))
    if case.service_user_id != actor.service_user_id:
        raise ServiceError(str(MESSAGES["not_your_case"]), "follow_up")
    case = _lock_case(case)
    day = timezone.localdate()
    rounds = list(QualityOfLifeRound.objects.filter(follow_up_id=case.pk))
    state = _state(case, rounds, day)
    if state.open_round is not None:
        return _owner_change(
            state.open_round,
            by,
            taken_on=_UNSET,
            objective=None,
            subjective=answers,
            answered_by=AnsweredBy.USER_ALONE,
        )
    if not state.due:
        raise ServiceError(str(MESSAGES["none_due"]))
    values = clean_subjective(answers)
    if not any(value is not None for value in values.values()):
        raise ServiceError(str(MESSAGES["nothing_answered"]))
    _check_free_day(day, [(r.pk, r.taken_on, r.kind) for r in rounds])
    qol_round = QualityOfLifeRound(
        follow_up=case,
        taken_on=day,
        kind=next_kind(case, bool(rounds)),
        recorded_by=by,
        subjective_by=AnsweredBy.USER_ALONE,
        **values,
    )
    _save(
        qol_round,
        by,
        lambda: (
            _("Brukeren svarte på sin del på Min side: %(kind)s %(date)s")
            % {"kind": qol_round.get_kind_display(), "date": no_date(day)}
        ),
    )
    ensure_inside_gate(by, qol_round, access.VIEW)
    return qol_round


__all__ = [
    "DUE_STATUSES",
    "MESSAGES",
    "OBJECTIVE_FIELDS",
    "OPEN_ROUND_DAYS",
    "SUBJECTIVE_FIELDS",
    "MyRound",
    "answered_counts",
    "change_round",
    "clean_objective",
    "clean_subjective",
    "due_cases",
    "due_cases_for",
    "is_due",
    "last_round_on",
    "my_case",
    "my_round",
    "next_due_on",
    "next_kind",
    "reaches_rounds",
    "record_my_answers",
    "record_objective",
    "record_subjective",
    "round_due_at_end",
    "rounds_for_case",
    "start_round",
    "user_part_empty",
]
