"""The permission matrix for crisis plans, web and API: every persona × action, asserted cell by cell.

Reading (and the driver, ``tests/matrix.py``): outside the view gate is a 404; visible but not changeable is a 403; a
web page sends anonymous to log in («login»), the API answers 401. «edit» is a POST of the edit form (302 when
saved); «patch» a PATCH with the current version; «sign» a sign-off (``sign-off/``) of the current version.

Personas beyond the core world: ``emergency_before`` is a member of Trondheim legevakt who has not stated a
reason; ``emergency_after`` has (an active grant); ``emergency_expired`` had one that has run out.
``partner_wrong_scope`` has a consent in force without the crisis-plan scope; ``partner_expired`` and
``partner_withdrawn`` had one with it.
"""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from koordinator import access
from koordinator.models import DeputyArrangement
from plans.crisis import services
from plans.models import CrisisContact, CrisisPlan, CrisisSignOff, EmergencyAccess
from tests import factories as f
from tests.conftest import login
from tests.matrix import Action, Scene, Table, check_table, tables
from tests.plans.helpers import fresh

pytestmark = pytest.mark.django_db

MATRIX = """
    persona              view  edit  pdf   list  get   patch  sign
    trust_person         200   302   200   yes   200   200    200
    deputy               200   302   200   yes   200   200    200
    leader               200   302   200   yes   200   200    200
    other_leader         404   404   404   no    404   404    404
    other_trust_person   404   404   404   no    404   404    404
    partner_valid        200   403   200   yes   200   403    200
    partner_org_member   200   403   200   yes   200   403    200
    partner_wrong_scope  404   404   404   no    404   404    404
    partner_expired      404   404   404   no    404   404    404
    partner_withdrawn    404   404   404   no    404   404    404
    partner_none         404   404   404   no    404   404    404
    owner                200   302   200   yes   200   200    200
    other_owner          404   404   404   no    404   404    404
    admin                404   404   404   no    404   404    404
    emergency_before     404   404   404   no    404   404    404
    emergency_after      200   403   200   yes   200   403    403
    emergency_expired    404   404   404   no    404   404    404
    anonymous            login login login 401   401   401    401
"""


REASON = "Innlagt på legevakten i natt, trenger å vite hvem vi skal ringe."


def persona(world, name: str, emergency_member):
    if name.startswith("emergency_"):
        if name == "emergency_after":
            services.open_emergency_access(emergency_member, world.owner_su, REASON)
        elif name == "emergency_expired":
            now = timezone.now()
            EmergencyAccess.objects.create(
                person=emergency_member, organisation=emergency_member.memberships.get().organisation,
                service_user=world.owner_su, reason=REASON, started_at=now - datetime.timedelta(hours=13),
                expires_at=now - datetime.timedelta(hours=1))
        return emergency_member
    return world.persona(name)


EMERGENCY = ("emergency_before", "emergency_after", "emergency_expired")


@pytest.fixture
def scene(world, crisis_plan, emergency_member) -> Scene:
    extra = {name: (lambda s, name=name: persona(s.world, name, emergency_member)) for name in EMERGENCY}
    return Scene(world, crisis_plan, extra=extra)


def _pk(s: Scene) -> list:
    return [s.o.pk]


def _version(s: Scene) -> int:
    return fresh(s.o).version


# Every write is made with the version as it is now.
CRISIS = Table("crisis", MATRIX, {
    "view": Action("crisis_plan_detail", args=_pk),
    "edit": Action("crisis_plan_edit", "post", args=_pk, history_of=lambda s: s.o, kept=_version,
                   data=lambda s: {"what_helps": "Endret på nettsiden.", "version": _version(s)}),
    "pdf": Action("crisis_pocket_pdf", args=_pk),
    "list": Action("api-crisis-plan-list", target=lambda s: s.o),
    "get": Action("api-crisis-plan-detail", args=_pk),
    "patch": Action("api-crisis-plan-detail", "patch", args=_pk, history_of=lambda s: s.o, kept=_version,
                    data=lambda s: {"what_helps": "Endret i API-et.", "version": _version(s)}),
    "sign": Action("api-crisis-plan-sign-off", "post", args=_pk, data=lambda s: {}),
}, personas=[line.split()[0] for line in MATRIX.strip().splitlines()[1:]])


def test_an_expired_or_withdrawn_consent_is_a_404_on_the_next_request(world, crisis_plan):
    web = login(Client(), world.partner_valid)
    url = reverse("crisis_plan_detail", args=[crisis_plan.pk])
    assert web.get(url).status_code == 200
    world.consent_valid.withdrawn_at = timezone.now()
    world.consent_valid.save()
    assert web.get(url).status_code == 404
    web = login(Client(), world.partner_org_member)
    assert web.get(url).status_code == 200
    world.consent_org.valid_until = timezone.localdate() - datetime.timedelta(days=1)
    world.consent_org.valid_from = world.consent_org.valid_until - datetime.timedelta(days=10)
    world.consent_org.save()
    assert web.get(url).status_code == 404


def test_the_standing_deputy_of_a_case_without_its_own_deputy_is_staff(world):
    standing = f.UserFactory(username="fast_stedfortreder")
    f.MembershipFactory(user=standing, organisation=world.unit)
    DeputyArrangement.objects.create(trust_person=world.other_trust_person, deputy=standing, unit=world.unit,
                                     set_by=world.leader)
    plan = services.create_crisis_plan(world.other_trust_person, world.other_su)
    assert CrisisPlan.objects.for_user(standing, access.CHANGE).filter(pk=plan.pk).exists()


def test_staff_of_an_ended_case_no_longer_see_the_crisis_plan_but_the_owner_does(world, crisis_plan):
    world.case.status = "ended"
    world.case.save()
    for user in (world.trust_person, world.deputy):
        access.forget(user)
        assert not CrisisPlan.objects.for_user(user).filter(pk=crisis_plan.pk).exists()
    assert CrisisPlan.objects.for_user(world.owner).filter(pk=crisis_plan.pk).exists()


# Opening emergency access by name and birth date: only a member of an emergency service, and only with a reason.
# The cells once written out by hand here (emergency_before without and with a reason, partner_valid, trust_person
# and anonymous with one) are in the table.
EMERGENCY_ACCESS = """
    persona              no_reason  with_reason
    trust_person         403        403
    deputy               403        403
    leader               403        403
    other_leader         403        403
    other_trust_person   403        403
    partner_valid        403        403
    partner_org_member   403        403
    partner_wrong_scope  403        403
    partner_expired      403        403
    partner_withdrawn    403        403
    partner_none         403        403
    owner                403        403
    other_owner          403        403
    admin                403        403
    emergency_before     400        201
    emergency_after      400        201
    emergency_expired    400        201
    anonymous            401        401
"""


def _search(reason: str):
    return lambda s: {"full_name": "Kari Nordmann", "birth_date": "1985-03-14", "reason": reason}


EMERGENCY_OPEN = Table("emergency-access", EMERGENCY_ACCESS, {
    "no_reason": Action("api-crisis-plan-emergency-access", "post", data=_search("")),
    "with_reason": Action("api-crisis-plan-emergency-access", "post", data=_search(REASON), creates=EmergencyAccess),
}, personas=CRISIS.personas)


# --- the crisis plan's other pages and API actions -----------------------------------------------------------------


def _contact(s: Scene) -> CrisisContact:
    return CrisisContact.objects.filter(crisis_plan=s.o).order_by("order", "pk").first()


def _first_version(s: Scene) -> int:
    return s.o.history.order_by("history_date", "history_id").first().history_id


def _rewrite(s: Scene) -> None:
    """Change the texts, so the first version is one there is something to restore from."""
    services.update_crisis_plan(s.world.trust_person, fresh(s.o), _version(s), what_helps="Å høre på musikk.")


def _versioned(**data):
    return lambda s: {"version": _version(s), **{k: v(s) if callable(v) else v for k, v in data.items()}}


# Pages of the plan: both PDFs and the history are for everyone who may read the plan (the doctor with emergency
# access too); restoring, recording a paper signature and archiving are the staff's; adding a contact is for whoever
# may change the plan (staff and the owner); confirming (POST) is for staff, partners and the owner, not for a reader
# with emergency access.
CRISIS_PAGES = Table("crisis-pages", """
    persona              plan_pdf  timeline  restore  paper  archive  contact_new  sign_off
    trust_person         200       200       200      200    200      200          302
    deputy               200       200       200      200    200      200          302
    leader               200       200       200      200    200      200          302
    other_leader         404       404       404      404    404      404          404
    other_trust_person   404       404       404      404    404      404          404
    partner_valid        200       200       403      403    403      403          302
    partner_org_member   200       200       403      403    403      403          302
    partner_wrong_scope  404       404       404      404    404      404          404
    partner_expired      404       404       404      404    404      404          404
    partner_withdrawn    404       404       404      404    404      404          404
    partner_none         404       404       404      404    404      404          404
    owner                200       200       403      403    403      200          302
    other_owner          404       404       404      404    404      404          404
    admin                404       404       404      404    404      404          404
    emergency_before     404       404       404      404    404      404          404
    emergency_after      200       200       403      403    403      403          403
    emergency_expired    404       404       404      404    404      404          404
    anonymous            login     login     login    login  login    login        login
""", {
    "plan_pdf": Action("crisis_plan_pdf", args=_pk),
    "timeline": Action("crisis_plan_timeline", args=_pk),
    "restore": Action("crisis_plan_restore", args=lambda s: [s.o.pk, _first_version(s)]),
    "paper": Action("crisis_paper_sign_off", args=_pk),
    "archive": Action("crisis_plan_archive", args=_pk),
    "contact_new": Action("crisis_contact_create", args=_pk),
    "sign_off": Action("crisis_sign_off", "post", args=_pk, data=_versioned(), creates=CrisisSignOff),
}, personas=CRISIS.personas)

# The first contact on the call list: change it (GET the form), move it down, remove it (POSTs with the version).
CONTACT_PAGES = Table("crisis-contact", """
    persona              edit   move_down  remove
    trust_person         200    302        302
    deputy               200    302        302
    leader               200    302        302
    other_leader         404    404        404
    other_trust_person   404    404        404
    partner_valid        403    403        403
    partner_org_member   403    403        403
    partner_wrong_scope  404    404        404
    partner_expired      404    404        404
    partner_withdrawn    404    404        404
    partner_none         404    404        404
    owner                200    302        302
    other_owner          404    404        404
    admin                404    404        404
    emergency_before     404    404        404
    emergency_after      403    403        403
    emergency_expired    404    404        404
    anonymous            login  login      login
""", {
    "edit": Action("crisis_contact_edit", args=lambda s: [_contact(s).pk]),
    "move_down": Action("crisis_contact_move", "post", args=lambda s: [_contact(s).pk, "ned"], data=_versioned(),
                        history_of=_contact),
    "remove": Action("crisis_contact_remove", "post", args=lambda s: [_contact(s).pk], data=_versioned(),
                     history_of=_contact),
}, personas=CRISIS.personas)

# Finding the plan: from the person (staff, and partners who may read it, are sent on to it; someone who sees the person
# but not the plan learns nothing: 404), and the owner's own (the other user gets the page to make hers). Emergency
# access: the search and opening with a reason are for members of an emergency service only; to anyone else the
# pages do not exist.
CRISIS_FIND = Table("crisis-find", """
    persona              for_user  mine   search  open
    trust_person         302       404    404     404
    deputy               302       404    404     404
    leader               302       404    404     404
    other_leader         404       404    404     404
    other_trust_person   404       404    404     404
    partner_valid        302       404    404     404
    partner_org_member   302       404    404     404
    partner_wrong_scope  404       404    404     404
    partner_expired      404       404    404     404
    partner_withdrawn    404       404    404     404
    partner_none         404       404    404     404
    owner                302       302    404     404
    other_owner          404       200    404     404
    admin                404       404    404     404
    emergency_before     404       404    200     302
    emergency_after      404       404    200     302
    emergency_expired    404       404    200     302
    anonymous            login     login  login   login
""", {
    "for_user": Action("crisis_plan_for_user", args=lambda s: [s.world.owner_su.pk]),
    "mine": Action("my_crisis_plan"),
    "search": Action("crisis_emergency_search",
                     query=lambda s: {"full_name": "Kari Nordmann", "birth_date": "1985-03-14"}),
    "open": Action("crisis_emergency_open", "post", creates=EmergencyAccess,
                   data=lambda s: {"full_name": "Kari Nordmann", "birth_date": "1985-03-14",
                                   "service_user": s.world.owner_su.pk, "reason": REASON}),
}, personas=CRISIS.personas)

# The API's other actions: the history (for readers), restore and archive (staff; the owner may change the plan but
# these are not hers, the service's 403).
CRISIS_API = Table("crisis-api", """
    persona              history  restore  archive
    trust_person         200      200      200
    deputy               200      200      200
    leader               200      200      200
    other_leader         404      404      404
    other_trust_person   404      404      404
    partner_valid        200      403      403
    partner_org_member   200      403      403
    partner_wrong_scope  404      404      404
    partner_expired      404      404      404
    partner_withdrawn    404      404      404
    partner_none         404      404      404
    owner                200      403      403
    other_owner          404      404      404
    admin                404      404      404
    emergency_before     404      404      404
    emergency_after      200      403      403
    emergency_expired    404      404      404
    anonymous            401      401      401
""", {
    "history": Action("api-crisis-plan-history", args=_pk),
    "restore": Action("api-crisis-plan-restore", "post", args=_pk, data=_versioned(history_id=_first_version),
                      before=_rewrite, history_of=lambda s: s.o),
    "archive": Action("api-crisis-plan-archive", "post", args=_pk, data=_versioned(), history_of=lambda s: s.o),
}, personas=CRISIS.personas)


# Every table above, one test each (``tests/matrix.py``, ``check_table``: one world per table).
@pytest.mark.parametrize("table", tables(CRISIS, EMERGENCY_OPEN, CRISIS_PAGES, CONTACT_PAGES, CRISIS_FIND, CRISIS_API))
def test_crisis_permission_matrix(scene, table):
    check_table(scene, table)
