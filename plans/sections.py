"""The plans' parts of the core's pages (``koordinator.sections``): «Min plan» and «Kriseplanen min» at the top of
Min side (``MY_PAGE_FIRST``: within the first two screens of a phone), and the emergency-access link on the partner's
home."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from koordinator import access
from koordinator.models import AccessEvent, Consent
from koordinator.sections import (
    CASE_LINKS,
    MY_PAGE_FIRST,
    PARTNER_HOME_TOP,
    PERSON_LINKS,
    Link,
    Section,
    register_page_link,
    register_page_section,
)
from plans import access as plans_access
from plans import selectors
from plans.crisis import selectors as crisis_selectors
from plans.crisis import services as crisis_services
from plans.models import CrisisPlan, EmergencyAccess, Plan, Step

# How many of the owner's next steps Min side shows; the plan page has them all.
NEXT_STEPS_SHOWN = 3


@register_page_section(MY_PAGE_FIRST, order=10)
def my_plan(request) -> Section:
    """The owner's plan in a few lines: status, the next open steps (an overdue one gently marked), progress.

    Three queries: the plan, its next steps, and how many were done this month.
    """
    user = request.user
    plan = selectors.plan_for_owner(user)
    today = timezone.localdate()
    steps: list[Step] = []
    done_this_month = 0
    if plan is not None and plan.status == Plan.Status.ACTIVE:
        live = Step.objects.for_user(user).live().filter(goal__plan=plan)
        # All the plan's open steps (a few dozen at most), cut in Python: with LIMIT in the query the database may
        # walk the (status, due_on) index of every plan in the country looking for three of this one (issue 11).
        steps = list(live.open().select_related("goal").order_by("due_on", "pk"))[:NEXT_STEPS_SHOWN]
        done_this_month = live.filter(status=Step.Status.DONE, closed_on__gte=today.replace(day=1)).count()
    context = {"plan": plan, "steps": steps, "today": today, "done_this_month": done_this_month}
    return Section("plans/partials/my_plan_section.html", context)


@register_page_section(MY_PAGE_FIRST, order=20)
def my_crisis_plan(request) -> Section:
    """A link to the owner's crisis plan («Plan B»). No query."""
    return Section("plans/crisis/partials/my_crisis_plan_section.html")


@register_page_section(PARTNER_HOME_TOP, order=10)
def emergency_search_link(request) -> Section | None:
    """For members of an emergency service (legevakt), first on their home: the action «Åpne en kriseplan med
    nødtilgang», and the emergency accesses they opened that are still open, each with a link to the crisis plan and
    when it ends (issue 12). Nothing for others. Three queries for a member; the names shown go to the owners' access
    logs as a list."""
    user = request.user
    if not crisis_services.is_emergency_member(user):
        return None
    grants = list(
        EmergencyAccess.objects.for_user(user).active().filter(person_id=user.pk)
        .select_related("service_user").order_by("expires_at", "pk")
    )
    plans = {
        plan.service_user_id: plan
        for plan in CrisisPlan.objects.for_user(user).current().filter(
            service_user_id__in=[grant.service_user_id for grant in grants]
        )
    } if grants else {}
    latest = {}  # ordered by when they end: a person's last grant decides
    for grant in grants:
        if grant.service_user_id in plans:
            latest[grant.service_user_id] = grant
    rows = sorted(
        ({"person": g.service_user, "ends_at": g.expires_at, "url": plans[pk].get_absolute_url()}
         for pk, g in latest.items()),
        key=lambda row: row["ends_at"],
    )
    if latest:
        access.record_access(user, sorted(latest), gettext_lazy("Nødtilgang som fortsatt er åpen, på «Mine brukere»"),
                             AccessEvent.Channel.WEB, listing=True)
    return Section("plans/crisis/partials/emergency_link.html", {"show": True, "open_grants": rows})


# A link is shown only to someone it opens something for: each asks the question its page asks (issue 12).


@register_page_link(CASE_LINKS, order=10)
def plan_link(request, case) -> Link | None:
    if not plans_access.reaches_case(request.user, case.pk):
        return None
    return Link(_("Individuell plan"), reverse("plan_for_case", args=[case.pk]))


@register_page_link(CASE_LINKS, order=20)
def crisis_plan_link(request, case) -> Link | None:
    if crisis_selectors.opening_for(request.user, case.service_user_id) is None:
        return None
    return Link(_("Kriseplan"), reverse("crisis_plan_for_user", args=[case.service_user_id]))


# The person page, for a partner (issue 12): what the owner's consent lets them open, by the same gate the pages ask
# (a partner may not see the case, so the link goes to the plan itself), and a plain sentence when what the consent
# covers does not exist yet.


@register_page_link(PERSON_LINKS, order=10)
def person_plan_link(request, service_user) -> Link | None:
    """The person's open plan if the gate shows it to the reader; «no plan yet» under a plan consent. Two queries
    at most."""
    plan = (
        selectors.visible_plans(request.user)
        .filter(follow_up__service_user_id=service_user.pk)
        .open()
        .order_by("-created_at", "-pk")
        .first()
    )
    if plan is not None:
        return Link(_("Individuell plan"), plan.get_absolute_url())
    if access.has_consent(request.user, service_user.pk, Consent.Scope.PLAN):
        return Link(_("Det finnes ingen individuell plan ennå."))
    return None


@register_page_link(PERSON_LINKS, order=20)
def person_crisis_plan_link(request, service_user) -> Link | None:
    """«Kriseplan» when it opens for the reader (``opening_for``, as the page asks); «no crisis plan yet» under a
    crisis-plan consent. Two queries at most."""
    if crisis_selectors.opening_for(request.user, service_user.pk) is not None:
        return Link(_("Kriseplan"), reverse("crisis_plan_for_user", args=[service_user.pk]))
    if access.has_consent(request.user, service_user.pk, Consent.Scope.CRISIS_PLAN):
        return Link(_("Det finnes ingen kriseplan ennå."))
    return None
