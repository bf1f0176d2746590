"""The access gate (DESIGN.md rule 1): the one place that decides who may see and change personal data.

Every read of personal data goes through ``Model.objects.for_user(user, action)``, which lands in
:func:`restrict` here. Views, API viewsets, form choice fields, PDF and exports all use it.

Rules, in plain words:

* The user's **trust person**, the case's **deputy** and a **leader** in the case's municipality see the case
  and everything about the user, and may change it.
* The **owner** (the service user with a login) sees everything about themselves and may change their own
  contact details, consents and next of kin.
* A **partner** sees only what the owner has consented to, only while the consent is in force: any consent
  shows the person's name and contact details; the *follow-up log* scope shows the case and its log; the
  *crisis plan* scope shows the supportive next of kin (never the people the user wants kept away). Partners
  change nothing.
* An **administrator** manages accounts and organisations, and reads no personal data.
* **Anonymous** gets nothing.

Default is deny. Policies return ``Q`` objects built from ``__in`` sub-queries, so they never join
many-valued relations and never duplicate rows. Anything outside the gate is a 404 for the caller;
visible but not changeable is a 403.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils import timezone

VIEW = "view"
CHANGE = "change"
ACTIONS = (VIEW, CHANGE)


@dataclass(frozen=True)
class Actor:
    """What the gate needs to know about a user, read once per request."""

    user_id: int | None
    service_user_id: int | None
    trust_person_unit_ids: frozenset[int]
    leader_municipality_ids: frozenset[int]
    partner_organisation_ids: frozenset[int]
    is_admin: bool
    # (role, organisation name) of each membership, in the memberships' order, as ``actor_for`` read them: the
    # access log's description of the actor (``role_label``) without a query of its own. None: not read.
    memberships: tuple[tuple[str, str], ...] | None = field(default=None, compare=False)

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def is_staff_worker(self) -> bool:
        """A trust person or leader: may register new service users."""
        return bool(self.trust_person_unit_ids or self.leader_municipality_ids)

    @property
    def is_partner(self) -> bool:
        return bool(self.partner_organisation_ids)


ANONYMOUS = Actor(None, None, frozenset(), frozenset(), frozenset(), False)


def actor_for(user) -> Actor:
    """The user's roles, cached on the user object for the rest of the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    cached = getattr(user, "_koordinator_actor", None)
    if cached is not None:
        return cached
    from koordinator.models import Membership, ServiceUser

    trust_units: set[int] = set()
    leader_munis: set[int] = set()
    partner_orgs: set[int] = set()
    is_admin = False
    memberships: list[tuple[str, str]] = []
    for role, org_id, muni_id, org_name in Membership.objects.filter(user_id=user.pk).values_list(
        "role", "organisation_id", "organisation__municipality_id", "organisation__name"
    ):
        memberships.append((role, org_name))
        if role == Membership.Role.TRUST_PERSON:
            trust_units.add(org_id)
        elif role == Membership.Role.LEADER and muni_id is not None:
            leader_munis.add(muni_id)
        elif role == Membership.Role.PARTNER:
            partner_orgs.add(org_id)
        elif role == Membership.Role.ADMIN:
            is_admin = True
    service_user_id = ServiceUser.objects.filter(user_id=user.pk).values_list("pk", flat=True).first()
    actor = Actor(
        user_id=user.pk,
        service_user_id=service_user_id,
        trust_person_unit_ids=frozenset(trust_units),
        leader_municipality_ids=frozenset(leader_munis),
        partner_organisation_ids=frozenset(partner_orgs),
        is_admin=is_admin or user.is_superuser,
        memberships=tuple(memberships),
    )
    user._koordinator_actor = actor
    return actor


def forget(user) -> None:
    """Drop the cached roles (after a membership change in the same request or test)."""
    if hasattr(user, "_koordinator_actor"):
        del user._koordinator_actor


# --- one request, one build of each piece of the gate -------------------------------------------------------------
#
# Building a policy's ``Q`` (sub-queries within sub-queries) costs milliseconds of Python, and a page asks the gate
# ten or twenty times, with the same pieces (the actor's cases, their consents, their groups) in most policies.
# Within one request (``request_scope``, opened by ``koordinator.middleware.GateScopeMiddleware``) each piece is
# built once per actor and arguments and reused (``per_request``), and a non-leader's small id sets are read once
# and used as lists (``ids``). What a piece fixes when it is built is the actor's roles (read once per request
# anyway, ``actor_for``), the moment (today's consents, an emergency grant not yet expired: one request is one
# moment) and, for a list, its rows: so every write of a model instance in the request (``post_save``,
# ``post_delete``, ``m2m_changed``; connected in ``KoordinatorConfig.ready``) drops what was built, and the next
# question reads afresh. (The services' bulk writes touch appointments and notifications, whose rows no list holds.)
# Outside a request (commands, services called from tests) every call builds afresh and nothing is listed.


@dataclass
class _Scope:
    pieces: dict


_request_scope: ContextVar[_Scope | None] = ContextVar("koordinator_gate_pieces", default=None)


@contextlib.contextmanager
def request_scope():
    token = _request_scope.set(_Scope(pieces={}))
    try:
        yield
    finally:
        _request_scope.reset(token)


def forget_pieces(**_kwargs) -> None:
    """Drop what this request has built (a signal receiver: something was written)."""
    scope = _request_scope.get()
    if scope is not None:
        scope.pieces.clear()


def _lists_ids(actor: Actor) -> bool:
    """May the gate read ``actor``'s id sets once and use them as lists? In a request, for anyone but a leader: a
    trust person's cases, a partner's consents, an owner's groups are tens of rows. A leader's reach is a whole
    municipality: their cases stay one indexed condition on the municipality, and only the sets marked ``small``
    (their own consents and memberships; a municipality's groups and plans, at most a few thousand) are lists."""
    return _request_scope.get() is not None and not actor.leader_municipality_ids


def ids(actor: Actor, qs: QuerySet, field: str = "pk", *, small: bool = False):
    """``qs``'s ``field`` as a sub-query, or in a request (``_lists_ids``, or for a leader too when the set is
    ``small``) as a list read now. A policy filtering on a short list of ids is cheaper to build, to compile and to
    run than one nesting three sub-queries, and PostgreSQL estimates it right: next to sub-queries joined by OR it
    guessed a leader's 25 groups as 26,000 and walked every meeting in the country in date order (7 s for the
    leader's attendance list at the national size). Call it inside a ``per_request`` piece, so the list is read
    once."""
    if _lists_ids(actor) or (small and _request_scope.get() is not None):
        return list(qs.values_list(field, flat=True))
    return qs.values(field)


def any_of(*parts: QuerySet) -> QuerySet:
    """One sub-query for several: ``x IN (a UNION ALL b ...)`` in place of ``x IN a OR x IN b OR ...``. PostgreSQL
    does not turn sub-queries joined by OR into semi-joins: it reads the whole outer table and probes every row (at
    the national size, every person or appointment in the country for a leader's list of one municipality). One
    ``IN`` over a UNION is a semi-join: each arm on its own index, then the outer rows by key. Each part is a
    one-column query set (``values``); their ordering is dropped."""
    first, *rest = [part.order_by() for part in parts]
    return first.union(*rest, all=True) if rest else first


def per_request(fn):
    """Build ``fn(*args)`` once per request scope (the arguments must be hashable: an ``Actor`` is). A query set
    comes back as a fresh clone each time and a list as a copy, so a caller that evaluates, narrows or changes it
    changes nobody else's."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        scope = _request_scope.get()
        if scope is None:
            return fn(*args, **kwargs)
        cache = scope.pieces
        key = (fn, args, tuple(sorted(kwargs.items())))
        try:
            value = cache[key]
        except KeyError:
            value = cache[key] = fn(*args, **kwargs)
        if isinstance(value, QuerySet):
            return value.all()
        return list(value) if isinstance(value, list) else value

    return wrapper


# --- building blocks -----------------------------------------------------------------------------------


@per_request
def case_staff_q(actor: Actor, prefix: str = "") -> Q:
    """Cases (``FollowUp``) this actor works on: as trust person, deputy, or leader in the municipality.

    In a request the actor's own cases (as trust person or deputy) are a list read once, and a leader's
    municipality is one indexed condition beside it: nothing nested for the database to misjudge."""
    if _request_scope.get() is None:
        return _case_staff_q(actor, prefix)
    own = _own_case_ids(actor)
    q = Q(**{f"{prefix}pk__in": own}) if own else Q(pk__in=[])
    if actor.leader_municipality_ids:
        leads_q = Q(**{f"{prefix}municipality_id__in": sorted(actor.leader_municipality_ids)})
        q = q | leads_q if own else leads_q
    return q


def staff_case_ids(actor: Actor):
    """The cases this actor works on (``case_staff_q``): a sub-query, or in a request of a non-leader the list of ids
    read once."""
    from koordinator.models import FollowUp

    if _lists_ids(actor):
        return _own_case_ids(actor)
    return FollowUp.objects.filter(case_staff_q(actor)).values("pk")


@per_request
def _own_case_ids(actor: Actor) -> list[int]:
    """The cases the actor is trust person or deputy on (own or standing), not those they lead: a short list."""
    from koordinator.models import FollowUp

    return list(FollowUp.objects.filter(_case_staff_q(actor, leads=False)).values_list("pk", flat=True))


def _case_staff_q(actor: Actor, prefix: str = "", *, leads: bool = True) -> Q:
    q = Q(**{f"{prefix}trust_person_id": actor.user_id}) | Q(**{f"{prefix}deputy_id": actor.user_id})
    # The standing deputy of the trust person, unless the case names its own deputy. In a request the trust persons
    # are read first (a handful, once): as a sub-query next to ``deputy_id IS NULL``, PostgreSQL scanned every case
    # in the country without a deputy of its own (31,000 rows at a third of the national size) on every check.
    # Outside a request (commands, services called from tests) nothing is read early: a sub-query, as before.
    if _request_scope.get() is None:
        from koordinator.models import DeputyArrangement

        standing = DeputyArrangement.objects.filter(deputy_id=actor.user_id).values("trust_person_id")
        q |= Q(**{f"{prefix}deputy_id__isnull": True, f"{prefix}trust_person_id__in": standing})
    elif standing := standing_for(actor):
        q |= Q(**{f"{prefix}deputy_id__isnull": True, f"{prefix}trust_person_id__in": standing})
    if leads and actor.leader_municipality_ids:
        q |= Q(**{f"{prefix}municipality_id__in": actor.leader_municipality_ids})
    return q


@per_request
def standing_for(actor: Actor) -> list[int]:
    """The trust persons whose standing deputy the actor is. One query (once per request)."""
    from koordinator.models import DeputyArrangement

    if not actor.is_authenticated:
        return []
    return sorted(DeputyArrangement.objects.filter(deputy_id=actor.user_id).values_list("trust_person_id", flat=True))


# --- the common questions ----------------------------------------------------------------------------------
# Services, selectors and views ask these instead of writing their own; each is one indexed query (or none).


def is_case_staff(user, case_id: int | None) -> bool:
    """Does ``user`` work on the case (trust person, deputy, standing deputy, leader in the municipality)?

    Any status: the staff of an ended case still read and restore its plan and minutes, as the gate lets them.
    """
    actor = actor_for(user)
    if not actor.is_authenticated or case_id is None:
        return False
    return _is_case_staff(actor, case_id)


@per_request
def _is_case_staff(actor: Actor, case_id: int) -> bool:
    """Asked once per request and case: a page's links ask it more than once (the messages, the group)."""
    from koordinator.models import FollowUp

    if _lists_ids(actor):
        return case_id in _own_case_ids(actor)
    return FollowUp.objects.filter(case_staff_q(actor), pk=case_id).exists()


def is_person_staff(user, service_user_id: int | None) -> bool:
    """Does ``user`` work on one of the person's **open** cases?

    For what belongs to the person rather than a case (the crisis plan): it follows them from case to case, and
    the staff of a case that has ended no longer look after it.
    """
    from koordinator.models import FollowUp

    actor = actor_for(user)
    if not actor.is_authenticated or service_user_id is None:
        return False
    return FollowUp.objects.open().filter(case_staff_q(actor), service_user_id=service_user_id).exists()


def has_consent(user, service_user_id: int | None, scope: str) -> bool:
    """Is a consent from the person with ``scope`` (``Consent.Scope``) in force to ``user`` or their service today?

    The partner's question behind what the person page shows them: the contact details (the follow-up scope), and
    the plain sentence that a consented plan or crisis plan does not exist yet. One query at most.
    """
    actor = actor_for(user)
    if not actor.is_authenticated or service_user_id is None:
        return False
    owners = consented_owner_ids(actor, scope)
    if isinstance(owners, list):
        return service_user_id in owners
    return owners.filter(owner_id=service_user_id).exists()


def sees_contact_details(user, service_user, *, changes: bool | None = None) -> bool:
    """Does the person page show ``user`` the person's phone, e-mail, address, language and birth date?

    Those who may change the person (the case's staff, the leader, the owner) and a partner while a consent with the
    follow-up scope («Oppfølging og kontaktlogg») is in force: following someone up means reaching them. A partner
    whose consent covers only the plan, the crisis plan or the meetings sees the name (they know whom the consent is
    about) and what the consent covers, not where the person lives or how to reach them (issue 12). ``changes``: the
    caller's answer to ``can_change(user, service_user)`` when it has one (saves the query).
    """
    from koordinator.models import Consent

    if changes is None:
        changes = can_change(user, service_user)
    return changes or has_consent(user, service_user.pk, Consent.Scope.FOLLOWUP_LOG)


def contact_details_ids(user, service_users) -> set[int]:
    """Of ``service_users``, the ids whose contact details ``user`` sees: ``sees_contact_details`` for a page of
    people in two queries at most (the API's lists), whatever the page's length."""
    from koordinator.models import Consent, ServiceUser

    ids = {person.pk for person in service_users}
    actor = actor_for(user)
    if not ids or not actor.is_authenticated:
        return set()
    seen = set(ServiceUser.objects.for_user(user, CHANGE).filter(pk__in=ids).values_list("pk", flat=True))
    if ids - seen:
        owners = consented_owner_ids(actor, Consent.Scope.FOLLOWUP_LOG)
        if isinstance(owners, list):
            seen |= ids & set(owners)
        else:
            seen |= set(owners.filter(owner_id__in=ids - seen).values_list("owner_id", flat=True))
    return seen


def leads(user, municipality_id: int | None) -> bool:
    """Is ``user`` a leader in the municipality (assigns cases, registers absences, sees the figures)?"""
    return municipality_id is not None and municipality_id in actor_for(user).leader_municipality_ids


def is_owner(user, service_user_id: int | None) -> bool:
    """Is ``user`` the service user ``service_user_id`` (the owner of a case, plan or crisis plan)?"""
    actor = actor_for(user)
    return actor.service_user_id is not None and actor.service_user_id == service_user_id


@per_request
def staff_service_user_ids(actor: Actor):
    """Sub-query: ids of service users whose case this actor works on."""
    from koordinator.models import FollowUp

    return ids(actor, FollowUp.objects.filter(case_staff_q(actor)), "service_user_id")


@per_request
def valid_consents_to(actor: Actor, scope: str | None = None) -> QuerySet:
    """Consents in force today that name this actor, or one of their partner organisations."""
    from koordinator.models import Consent

    if not actor.is_authenticated:
        return Consent.objects.none()
    grantee = Q(grantee_user_id=actor.user_id)
    if actor.partner_organisation_ids:
        grantee |= Q(grantee_organisation_id__in=actor.partner_organisation_ids)
    qs = Consent.objects.valid_on().filter(grantee)
    if scope is not None:
        qs = qs.filter(**{Consent.SCOPE_FIELDS[scope]: True})
    return qs


@per_request
def consented_owner_ids(actor: Actor, scope: str | None = None):
    if _request_scope.get() is not None:  # the actor's own consents: a list for a leader too
        from koordinator.models import Consent

        field = Consent.SCOPE_FIELDS[scope] if scope is not None else None
        return sorted({owner for owner, scopes in _consents_in_force(actor) if field is None or scopes[field]})
    return valid_consents_to(actor, scope).values("owner_id")


@per_request
def _consents_in_force(actor: Actor) -> list[tuple[int, dict[str, bool]]]:
    """(owner id, {scope field: given}) for every consent in force to the actor: one query for every scope."""
    from koordinator.models import Consent

    fields = list(Consent.SCOPE_FIELDS.values())
    return [
        (row[0], dict(zip(fields, row[1:], strict=True)))
        for row in valid_consents_to(actor).values_list("owner_id", *fields)
    ]


def _self_service_user_q(actor: Actor, field: str) -> Q:
    if actor.service_user_id is None:
        return Q(pk__in=[])
    return Q(**{field: actor.service_user_id})


# --- policies: one per resource --------------------------------------------------------------------------


def _service_users(actor: Actor, action: str) -> Q:
    from koordinator.models import ServiceUser

    staff = staff_service_user_ids(actor)
    q = _self_service_user_q(actor, "pk")
    if actor.leader_municipality_ids:
        q |= Q(municipality_id__in=sorted(actor.leader_municipality_ids))
    if action == VIEW:
        q |= Q(pk__in=consented_owner_ids(actor))
    if isinstance(staff, list):
        return q | Q(pk__in=staff)
    # A leader's (or, outside a request, anyone's) staff cases are a sub-query: one IN over a UNION (``any_of``).
    return Q(pk__in=any_of(ServiceUser.objects.filter(q).values("pk"), staff))


def _follow_ups(actor: Actor, action: str) -> Q:
    from koordinator.models import Consent

    q = case_staff_q(actor)
    if action == VIEW:
        q |= _self_service_user_q(actor, "service_user_id")
        q |= Q(service_user_id__in=consented_owner_ids(actor, Consent.Scope.FOLLOWUP_LOG))
    return q


def _consents(actor: Actor, action: str) -> Q:
    q = _self_service_user_q(actor, "owner_id") | Q(owner_id__in=staff_service_user_ids(actor))
    if action == VIEW:
        q |= Q(pk__in=ids(actor, valid_consents_to(actor), small=True))
    return q


def _next_of_kin(actor: Actor, action: str) -> Q:
    from koordinator.models import Consent, NextOfKin

    q = _self_service_user_q(actor, "service_user_id") | Q(service_user_id__in=staff_service_user_ids(actor))
    if action == VIEW:
        q |= Q(
            service_user_id__in=consented_owner_ids(actor, Consent.Scope.CRISIS_PLAN),
            kind=NextOfKin.Kind.SUPPORTIVE,
        )
    return q


def _access_events(actor: Actor, action: str) -> Q:
    # Only the owner reads their own access log; nobody changes it.
    if action != VIEW:
        return Q(pk__in=[])
    return _self_service_user_q(actor, "service_user_id")


def _absences(actor: Actor, action: str) -> Q:
    """Own absences; a leader's staff; colleagues in the same unit may see (not change) who is away.

    The people are one sub-query (``any_of``): ``person_id = me OR person_id IN (members)`` read every absence in
    the country."""
    from koordinator.models import Membership, User

    members = []
    if actor.leader_municipality_ids:
        members.append(Q(organisation__municipality_id__in=sorted(actor.leader_municipality_ids)))
    if action == VIEW and actor.trust_person_unit_ids:
        members.append(Q(organisation_id__in=sorted(actor.trust_person_unit_ids)))
    if not members:
        return Q(person_id=actor.user_id)
    return Q(person_id__in=any_of(
        User.objects.filter(pk=actor.user_id).values("pk"),
        Membership.objects.filter(Q(*members, _connector=Q.OR)).values("user_id"),
    ))


def _appointments(actor: Actor, action: str) -> Q:
    from koordinator.models import Appointment

    cases = staff_case_ids(actor)
    q = Q(trust_person_id=actor.user_id)
    if action == VIEW:
        q |= _self_service_user_q(actor, "service_user_id")
    if isinstance(cases, list):
        return Q(follow_up_id__in=cases) | q
    # A leader's cases are a sub-query (the municipality): one IN over a UNION (``any_of``), not an OR.
    return Q(pk__in=any_of(Appointment.objects.filter(follow_up_id__in=cases).values("pk"),
                           Appointment.objects.filter(q).values("pk")))


def _followup_entries(actor: Actor, action: str) -> Q:
    """The follow-up log: the case's staff read and write it; the owner reads every live entry about them
    (innsyn); a partner reads live entries while a consent with the follow-up-log scope is in force.
    Archived entries are out of the record for everyone but the staff."""
    from koordinator.models import Consent, FollowUp

    q = Q(follow_up_id__in=staff_case_ids(actor))
    if action == VIEW:
        readers = Q(service_user_id__in=consented_owner_ids(actor, Consent.Scope.FOLLOWUP_LOG))
        if actor.service_user_id is not None:
            readers |= Q(service_user_id=actor.service_user_id)
        q |= Q(follow_up_id__in=FollowUp.objects.filter(readers).values("pk"), archived_at__isnull=True)
    return q


POLICIES: dict[str, Callable[[Actor, str], Q]] = {
    "service_users": _service_users,
    "follow_ups": _follow_ups,
    "consents": _consents,
    "next_of_kin": _next_of_kin,
    "access_events": _access_events,
    "absences": _absences,
    "appointments": _appointments,
    "followup_entries": _followup_entries,
}


def register_policy(name: str, policy: Callable[[Actor, str], Q]) -> None:
    """Later apps (plans, meetings) add their resources to the gate here."""
    POLICIES[name] = policy


def restrict(qs: QuerySet, gate_name: str, user, action: str = VIEW) -> QuerySet:
    """Narrow ``qs`` to what ``user`` may ``action``. Unknown names and actions deny."""
    actor = actor_for(user)
    policy = POLICIES.get(gate_name)
    if not actor.is_authenticated or policy is None or action not in ACTIONS:
        return qs.none()
    return qs.filter(_policy_q(policy, gate_name, actor, action))


@per_request
def _policy_q(policy: Callable[[Actor, str], Q], gate_name: str, actor: Actor, action: str) -> Q:
    return policy(actor, action)


# --- helpers for views and services ----------------------------------------------------------------------


def get_visible_or_404(qs: QuerySet, user, **lookup) -> Model:
    """The object if ``user`` may see it; otherwise a 404 that does not reveal it exists."""
    obj = qs.for_user(user, VIEW).filter(**lookup).first()
    if obj is None:
        raise Http404
    return obj


def can_change(user, obj: Model) -> bool:
    return type(obj).objects.for_user(user, CHANGE).filter(pk=obj.pk).exists()


def require_change(user, obj: Model) -> None:
    """Visible but read-only is a 403 (the caller has already seen the object)."""
    if not can_change(user, obj):
        raise PermissionDenied


def may_register_service_users(user) -> bool:
    return actor_for(user).is_staff_worker


def role_label(user) -> str:
    """How an actor is described in the owner's access log, e.g. «Tillitsperson, Oppfølgingstjenesten Øst»."""
    from koordinator.models import Membership

    if not getattr(user, "is_authenticated", False):
        return ""
    memberships = actor_for(user).memberships
    if memberships is None:
        memberships = Membership.objects.filter(user_id=user.pk).values_list("role", "organisation__name")
    labels = dict(Membership.Role.choices)
    parts = [f"{labels.get(role, role)}, {organisation}" for role, organisation in memberships]
    return "; ".join(parts)[:200]


def record_access(
    user, service_users: Iterable, what, channel: str, reason="", *, listing: bool = False
) -> int:
    """Log a read of service users' data by someone other than the owner. Returns how many were logged.

    The one way every page, PDF and API endpoint writes the owner's access log, called by the view (or the section
    function) that decides what is shown, never while a template renders. The policy:

    * **Opening one person's data** (a case, a plan, a PDF, an API detail): one event per read, every time.
    * **A list that names people** (``listing=True``: an API list, the leader's overview, *Mine brukere*, the
      leader's meetings page, *Mine ansvarsgrupper*, *Mine oppgaver*): one event per person shown, at most once
      per reader, list (``what``), channel and day. The owner learns who saw them in which list and when; a
      leader who opens the overview twenty times a day does not write twenty rows per person (one query finds
      who is already logged today).

    The log is written in one language (``settings.LANGUAGE_CODE``), whatever language the reader uses: ``what``
    (and a ``reason`` the app words) must be lazy (``gettext_lazy``) or a builder, not composed with ``gettext``.
    """
    from simple_history.utils import bulk_create_with_history

    from koordinator.models import AccessEvent
    from koordinator.toolkit.services import record_text

    actor = actor_for(user)
    if not actor.is_authenticated:
        return 0
    ids = {su.pk if hasattr(su, "pk") else su for su in service_users}
    ids.discard(actor.service_user_id)
    ids.discard(None)
    what = record_text(what)[:200]
    if ids and listing:
        since = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time()))
        ids -= set(
            AccessEvent.objects.filter(actor_id=user.pk, at__gte=since, what=what, channel=channel,
                                       service_user_id__in=ids).values_list("service_user_id", flat=True)
        )
    if not ids:
        return 0
    name = user.display_name if hasattr(user, "display_name") else str(user)
    role = record_text(lambda: role_label(user))
    reason = record_text(reason)
    events = [
        AccessEvent(
            service_user_id=pk,
            actor_id=user.pk,
            actor_name=name,
            actor_role=role,
            what=what,
            channel=channel,
            reason=reason[:500],
        )
        for pk in sorted(ids)
    ]
    bulk_create_with_history(events, AccessEvent, default_user=user)
    return len(events)
