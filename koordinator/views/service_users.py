"""Service users, seen by staff: intake (register), the person's page, editing contact details, and the national
identity number (masked on the page; «Vis hele fødselsnummeret» shows it once and logs the read)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from koordinator import access, selectors, services
from koordinator.forms import ServiceUserEditForm, ServiceUserRegisterForm
from koordinator.models import AccessEvent, ServiceUser
from koordinator.sections import PERSON_LINKS, page_links
from koordinator.signin import national_id


def back_to_person(user, service_user: ServiceUser) -> str:
    """Where to go after changing something about a person: the owner's own page, or the staff page."""
    if service_user.user_id is not None and service_user.user_id == user.pk:
        return reverse("my_page")
    return reverse("service_user_detail", args=[service_user.pk])


# The national identity number is in no error report: not in the POST it shows, not in any frame's variables.
@login_required
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("national_id")
@sensitive_variables()
def register(request: HttpRequest) -> HttpResponse:
    if not access.may_register_service_users(request.user):
        raise Http404
    form = ServiceUserRegisterForm(request.POST if request.method == "POST" else None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            # The person, their case and their number, or none of them.
            with transaction.atomic():
                case = services.register_service_user(request.user, **form.service_kwargs())
                if form.cleaned_data["national_id"]:
                    national_id.set_national_id(request.user, case.service_user, form.cleaned_data["national_id"])
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
    context = {
        "page": page,
        "person": service_user,
        "person_links": links,
        # Masked, for those who may change the person; the whole number only through «Vis hele fødselsnummeret».
        "shows_national_id": national_id.may_see(request.user, service_user, changes=page.can_change),
        "national_id_masked": national_id.masked(service_user.national_id),
    }
    return render(request, "koordinator/service_users/detail.html", context)


@never_cache
@login_required
@require_POST
@sensitive_variables()
def reveal_national_id(request: HttpRequest, pk: int) -> HttpResponse:
    """«Vis hele fødselsnummeret»: the whole number in this answer only (a POST, never cached), and one line in the
    owner's access log. Outside the gate a 404; a partner who sees the person a 403, as on every page that changes
    them (``national_id.reveal``)."""
    service_user = access.get_visible_or_404(ServiceUser.objects, request.user, pk=pk)
    number = national_id.reveal(request.user, service_user)
    context = {"person": service_user, "number": national_id.readable(number)}
    return render(request, "koordinator/service_users/national_id.html", context)


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
@sensitive_post_parameters("national_id")
@sensitive_variables()
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    service_user = access.get_visible_or_404(ServiceUser.objects, request.user, pk=pk)
    access.require_change(request.user, service_user)
    is_owner = service_user.user_id == request.user.pk
    fields = services.OWNER_EDITABLE_FIELDS if is_owner else services.SERVICE_USER_FIELDS
    initial = {name: getattr(service_user, name) for name in fields}
    form = ServiceUserEditForm(request.POST if request.method == "POST" else None, initial=initial, fields=fields,
                               person=None if is_owner else service_user)
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        new_number = form.national_id_change()
        if not changes and new_number is None:
            messages.info(request, _("Du endret ingenting."))
            return redirect(back_to_person(request.user, service_user))
        try:
            with transaction.atomic():
                if changes:
                    services.update_service_user(request.user, service_user, **changes)
                if new_number is not None:
                    national_id.set_national_id(request.user, service_user, new_number)
        except services.ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Opplysningene er lagret."))
            return redirect(back_to_person(request.user, service_user))
    context = {"form": form, "person": service_user, "cancel_url": back_to_person(request.user, service_user)}
    return render(request, "koordinator/service_users/edit.html", context)
