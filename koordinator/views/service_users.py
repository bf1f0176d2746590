"""Service users, seen by staff: intake (register), the person's page, and editing contact details."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from koordinator import access, selectors, services
from koordinator.forms import ServiceUserEditForm, ServiceUserRegisterForm
from koordinator.models import AccessEvent, ServiceUser
from koordinator.sections import PERSON_LINKS, page_links


def back_to_person(user, service_user: ServiceUser) -> str:
    """Where to go after changing something about a person: the owner's own page, or the staff page."""
    if service_user.user_id is not None and service_user.user_id == user.pk:
        return reverse("my_page")
    return reverse("service_user_detail", args=[service_user.pk])


@login_required
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    if not access.may_register_service_users(request.user):
        raise Http404
    form = ServiceUserRegisterForm(request.POST if request.method == "POST" else None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.register_service_user(request.user, **form.service_kwargs())
        except services.ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request, _("%(name)s er registrert.") % {"name": case.service_user.full_name}
            )
            return redirect(case.get_absolute_url())
    return render(request, "koordinator/service_users/register.html", {"form": form})


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    service_user = access.get_visible_or_404(ServiceUser.objects, request.user, pk=pk)
    page = selectors.person_page(request.user, service_user)
    # A reader who does not work with the person (a partner) gets links to what the owner's consent lets them open,
    # each asking the question its page asks; staff and the owner reach those from the case page and Min side.
    links = [] if page.can_change else page_links(request, PERSON_LINKS, service_user=service_user)
    access.record_access(request.user, [service_user], what_the_person_page_showed(page), AccessEvent.Channel.WEB)
    context = {"page": page, "person": service_user, "person_links": links}
    return render(request, "koordinator/service_users/detail.html", context)


def what_the_person_page_showed(page: selectors.PersonPage):
    """The access log says what the page showed (issue 12): a partner whose consent covers only the plan or the crisis
    plan saw the name and the consent, not «Personopplysninger»; the supportive next of kin, when shown."""
    if page.can_change:
        return gettext_lazy("Personopplysninger og sak")
    if page.shows_contact:
        if page.next_of_kin:
            return gettext_lazy("Personopplysninger, sak og pårørende")
        return gettext_lazy("Personopplysninger og sak")
    if page.next_of_kin:
        return gettext_lazy("Navnet ditt, samtykket og pårørende")
    return gettext_lazy("Navnet ditt og samtykket")


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    service_user = access.get_visible_or_404(ServiceUser.objects, request.user, pk=pk)
    access.require_change(request.user, service_user)
    is_owner = service_user.user_id == request.user.pk
    fields = services.OWNER_EDITABLE_FIELDS if is_owner else services.SERVICE_USER_FIELDS
    initial = {name: getattr(service_user, name) for name in fields}
    form = ServiceUserEditForm(request.POST if request.method == "POST" else None, initial=initial, fields=fields)
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        if not changes:
            messages.info(request, _("Du endret ingenting."))
            return redirect(back_to_person(request.user, service_user))
        try:
            services.update_service_user(request.user, service_user, **changes)
        except services.ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Opplysningene er lagret."))
            return redirect(back_to_person(request.user, service_user))
    context = {"form": form, "person": service_user, "cancel_url": back_to_person(request.user, service_user)}
    return render(request, "koordinator/service_users/edit.html", context)
