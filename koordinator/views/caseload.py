"""The trust person's *Min arbeidsliste* and the leader's case overview."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from koordinator import access, selectors
from koordinator.forms import LeaderFilterForm
from koordinator.models import AccessEvent
from koordinator.sections import LEADER_LINKS, page_links
from koordinator.views.paging import one_query_page

LEADER_PAGE_SIZE = 50


@login_required
@require_GET
def worklist(request: HttpRequest) -> HttpResponse:
    # Only trust persons have a worklist; to anyone else the page does not exist.
    if not access.actor_for(request.user).trust_person_unit_ids:
        raise Http404
    include_ended = request.GET.get("avsluttede") == "1"
    worklist = selectors.worklist(request.user, include_ended=include_ended)
    # The people on the worklist go in their access log, as in the API's list of cases (once a day).
    access.record_access(request.user, [case.service_user_id for case in [*worklist.primary, *worklist.as_deputy]],
                         gettext_lazy("Navnet ditt i arbeidslisten til tillitspersonen"), AccessEvent.Channel.WEB,
                         listing=True)
    context = {
        "worklist": worklist,
        "sections": selectors.worklist_sections(request.user),
    }
    return render(request, "koordinator/caseload/worklist.html", context)


@login_required
@require_GET
def leader_overview(request: HttpRequest) -> HttpResponse:
    if not access.actor_for(request.user).leader_municipality_ids:
        raise Http404
    caseload = selectors.caseload(request.user)
    # The filter's choices are the caseload's people (the same query with counts): no second read of them.
    form = LeaderFilterForm(request.GET or None, trust_persons=selectors.trust_persons_for(request.user),
                            listed=caseload)
    status, trust_person_id = "", None
    # Filters that do not validate (a stale link, a hand-edited URL) are ignored, not a 500.
    if form.is_bound and form.is_valid():
        status = form.cleaned_data["status"]
        trust_person = form.cleaned_data["trust_person"]
        trust_person_id = trust_person.pk if trust_person else None
    cases = selectors.leader_cases(request.user, status=status, trust_person_id=trust_person_id)
    page = one_query_page(cases, LEADER_PAGE_SIZE, request.GET.get("side"))
    # Effective deputy and who is away today for the rows on this page: two queries, not two per row.
    rows = selectors.case_rows(request.user, list(page.object_list), with_absences=True)
    # The people named on this page go in their access log, as in the API's list of cases (once a day).
    access.record_access(request.user, [case.service_user_id for case in page.object_list],
                         gettext_lazy("Navnet ditt i lederens oversikt over saker"), AccessEvent.Channel.WEB,
                         listing=True)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "caseload": caseload,
        "is_filtered": bool(status or trust_person_id),
        "app_links": page_links(request, LEADER_LINKS),
    }
    return render(request, "koordinator/caseload/leader_overview.html", context)
