"""The permission matrix for the core app's web pages, through the matrix driver (``tests/matrix.py``).

The same personas and the same reading as the API's matrix (``test_permission_matrix.py``): outside the view gate
is a 404, visible but not changeable is a 403, anonymous is sent to log in. A page for a role one does not have
(*Min arbeidsliste* for a partner, *Min side* for staff) is a 404: to them it does not exist. Every object is the
owner's (Kari Nordmann's); the absence is the trust person's.

Form pages are asked with GET (the gate is the same for the POST that saves, and the POSTs of the case page, the
absence list and the letters are here too). The case, the person, next of kin, consents, appointments and log
entries also have their API rows in ``test_permission_matrix.py`` and ``test_followup_log_matrix.py``; the pages
there (``service_user_detail``, ``followup_detail``, the log) are not repeated here.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from koordinator import access, followup_log, outbox
from koordinator.models import Absence, AccessEvent, Appointment, FollowUp, FollowUpEntry, Notification
from koordinator.timeutil import at
from tests.conftest import World
from tests.matrix import Action, Scene, Table, check_table, tables

pytestmark = pytest.mark.django_db

LETTER = "Brev til Kari om møtet"
READ_BY_GP = "Kriseplanen, lest av fastlegen"


@pytest.fixture
def scene(world: World) -> Scene:
    today = timezone.localdate()
    appointment = Appointment.objects.create(
        follow_up=world.case, service_user=world.owner_su, trust_person=world.trust_person,
        starts_at=at(today + datetime.timedelta(days=1), 10), place=Appointment.Place.HOME,
        created_by=world.trust_person,
    )
    absence = Absence.objects.create(
        person=world.trust_person, kind=Absence.Kind.HOLIDAY, starts_on=today + datetime.timedelta(days=10),
        ends_on=today + datetime.timedelta(days=12), registered_by=world.trust_person,
    )
    entry = followup_log.create_entry(
        world.trust_person, world.case, kind=FollowUpEntry.Kind.HOME_VISIT,
        started_at=timezone.now() - datetime.timedelta(hours=2), note="Hjemmebesøk hos Kari.",
    )
    # A letter to Kari waiting to be printed (and in her own messages, as every notification is).
    letter = outbox.notify(world.owner_su, LETTER, "Tekst", channel=Notification.Channel.LETTER,
                           due_at=timezone.now() - datetime.timedelta(minutes=5))
    # A read of Kari's data by her GP, for her access log.
    access.record_access(world.partner_valid, [world.owner_su], READ_BY_GP, AccessEvent.Channel.WEB)
    return Scene(world, SimpleNamespace(appointment=appointment, absence=absence, entry=entry, letter=letter))


def _case(s: Scene) -> list:
    return [s.world.case.pk]


def _person(s: Scene) -> list:
    return [s.world.owner_su.pk]


def _status(s: Scene) -> str:
    return FollowUp.objects.get(pk=s.world.case.pk).status


# The case's own pages. status: POST «pause» (dormant) · end: the ending form · assign: the case's deputy (the
# leader's) · new_tp: a new trust person (the leader's) · appt_new: book an appointment · entry_new: the full log entry.
CASE_PAGES = Table("case", """
    persona              timeline  status  end    assign  new_tp  appt_new  entry_new
    trust_person         200       302     200    403     403     200       200
    other_trust_person   404       404     404    404     404     404       404
    deputy               200       302     200    403     403     200       200
    leader               200       302     200    200     200     200       200
    other_leader         404       404     404    404     404     404       404
    partner_valid        200       403     403    403     403     403       403
    partner_org_member   200       403     403    403     403     403       403
    partner_none         404       404     404    404     404     404       404
    partner_expired      404       404     404    404     404     404       404
    partner_withdrawn    404       404     404    404     404     404       404
    partner_wrong_scope  404       404     404    404     404     404       404
    owner                200       403     403    403     403     403       403
    other_owner          404       404     404    404     404     404       404
    admin                404       404     404    404     404     404       404
    anonymous            login     login   login  login   login   login     login
""", {
    "timeline": Action("followup_timeline", args=_case, logs_read=True),
    "status": Action("followup_status", "post", args=_case, data=lambda s: {"status": FollowUp.Status.DORMANT},
                     history_of=lambda s: s.world.case, kept=_status,
                     done=lambda s: _status(s) == FollowUp.Status.DORMANT),
    "end": Action("followup_end", args=_case),
    "assign": Action("followup_assign", args=_case),
    "new_tp": Action("change_trust_person", args=_case),
    "appt_new": Action("appointment_create", args=_case),
    "entry_new": Action("followup_entry_create", args=_case),
})

# The person's forms: contact details, a consent recorded by staff (the owner gives hers in the portal: 302 there),
# a new next of kin. A partner who sees the person may not change anything about them.
PERSON_PAGES = Table("person", """
    persona              edit   consent_new  kin_new
    trust_person         200    200          200
    other_trust_person   404    404          404
    deputy               200    200          200
    leader               200    200          200
    other_leader         404    404          404
    partner_valid        403    403          403
    partner_org_member   403    403          403
    partner_none         404    404          404
    partner_expired      404    404          404
    partner_withdrawn    404    404          404
    partner_wrong_scope  403    403          403
    owner                200    302          200
    other_owner          404    404          404
    admin                404    404          404
    anonymous            login  login        login
""", {
    "edit": Action("service_user_edit", args=_person),
    "consent_new": Action("consent_create", args=_person),
    "kin_new": Action("next_of_kin_create", args=_person),
})

# Next of kin (the supportive one), the owner's consent to partner_valid, the home visit tomorrow, the log entry, and
# the trust person's holiday (POST «slett»: their own and the leader's; colleagues see it but may not).
OBJECT_PAGES = Table("objects", """
    persona              kin_edit  kin_archive  consent_withdraw  appt_cancel  appt_move  entry_archive  absence_cancel
    trust_person         200       200          200               200          200        200            302
    other_trust_person   404       404          404               404          404        404            403
    deputy               200       200          200               200          200        200            403
    leader               200       200          200               200          200        200            302
    other_leader         404       404          404               404          404        404            404
    partner_valid        403       403          403               404          404        403            404
    partner_org_member   403       403          404               404          404        403            404
    partner_none         404       404          404               404          404        404            404
    partner_expired      404       404          404               404          404        404            404
    partner_withdrawn    404       404          404               404          404        404            404
    partner_wrong_scope  404       404          404               404          404        404            404
    owner                200       200          200               403          403        403            404
    other_owner          404       404          404               404          404        404            404
    admin                404       404          404               404          404        404            404
    anonymous            login     login        login             login        login      login          login
""", {
    "kin_edit": Action("next_of_kin_edit", args=lambda s: [s.world.next_of_kin.pk]),
    "kin_archive": Action("next_of_kin_archive", args=lambda s: [s.world.next_of_kin.pk]),
    "consent_withdraw": Action("consent_withdraw", args=lambda s: [s.world.consent_valid.pk]),
    "appt_cancel": Action("appointment_cancel", args=lambda s: [s.o.appointment.pk]),
    "appt_move": Action("appointment_move", args=lambda s: [s.o.appointment.pk]),
    "entry_archive": Action("followup_entry_archive", args=lambda s: [s.o.entry.pk]),
    "absence_cancel": Action("absence_cancel", "post", args=lambda s: [s.o.absence.pk],
                             history_of=lambda s: s.o.absence,
                             done=lambda s: Absence.objects.get(pk=s.o.absence.pk).cancelled_at is not None),
})

# The staff's own pages: to anyone without the role they do not exist. The worklist lists the cases one works on
# (the deputy's too); the print queue the letters to people one may act for.
WORKER_PAGES = Table("worker", """
    persona              worklist  appointments  absences  absence_new  handover  register  print_queue  letters_pdf
    trust_person         yes       200           200       200          200       200       yes          200
    other_trust_person   no        200           200       200          200       200       no           404
    deputy               yes       200           200       200          200       200       yes          200
    leader               404       200           200       200          200       200       yes          200
    other_leader         404       200           200       200          200       200       no           404
    partner_valid        404       404           404       404          404       404       404          404
    partner_org_member   404       404           404       404          404       404       404          404
    partner_none         404       404           404       404          404       404       404          404
    partner_expired      404       404           404       404          404       404       404          404
    partner_withdrawn    404       404           404       404          404       404       404          404
    partner_wrong_scope  404       404           404       404          404       404       404          404
    owner                404       404           404       404          404       404       404          404
    other_owner          404       404           404       404          404       404       404          404
    admin                404       404           404       404          404       404       404          404
    anonymous            login     login         login     login        login     login     login        login
""", {
    "worklist": Action("worklist", marker="Kari Nordmann"),
    "appointments": Action("appointments"),
    "absences": Action("absences"),
    "absence_new": Action("absence_register"),
    "handover": Action("handover"),
    "register": Action("service_user_register"),
    "print_queue": Action("print_queue", marker="Kari Nordmann"),
    "letters_pdf": Action("letters_pdf"),
})

# The leader's pages: each leader sees their own municipality (the other leader: not Kari).
LEADER_PAGES = Table("leader", """
    persona              overview  deputies  coverage  activity
    trust_person         404       404       404       404
    other_trust_person   404       404       404       404
    deputy               404       404       404       404
    leader               yes       200       200       200
    other_leader         no        200       200       200
    partner_valid        404       404       404       404
    partner_org_member   404       404       404       404
    partner_none         404       404       404       404
    partner_expired      404       404       404       404
    partner_withdrawn    404       404       404       404
    partner_wrong_scope  404       404       404       404
    owner                404       404       404       404
    other_owner          404       404       404       404
    admin                404       404       404       404
    anonymous            login     login     login     login
""", {
    "overview": Action("leader_overview", marker="Kari Nordmann"),
    "deputies": Action("deputies"),
    "coverage": Action("coverage"),
    "activity": Action("leader_activity"),
})

# Everyone's own pages. Min side and its pages are for service users, each her own: Kari's page has her letter, her
# access log the GP's read (the other user's has neither); «Mine brukere» is for partners, listing Kari while a
# consent of any scope is in force; the messages are one's own (only Kari has the letter); the front page sends
# everyone to their own home.
OWN_PAGES = Table("own", """
    persona              my_page  access_log  consent_new  contact  partner_home  notifications  home
    trust_person         404      404         404          404      404           no             302
    other_trust_person   404      404         404          404      404           no             302
    deputy               404      404         404          404      404           no             302
    leader               404      404         404          404      404           no             302
    other_leader         404      404         404          404      404           no             302
    partner_valid        404      404         404          404      yes           no             302
    partner_org_member   404      404         404          404      yes           no             302
    partner_none         404      404         404          404      no            no             302
    partner_expired      404      404         404          404      no            no             302
    partner_withdrawn    404      404         404          404      no            no             302
    partner_wrong_scope  404      404         404          404      yes           no             302
    owner                yes      yes         200          200      404           yes            302
    other_owner          no       no          200          200      404           no             302
    admin                404      404         404          404      404           no             302
    anonymous            login    login       login        login    login         login          login
""", {
    "my_page": Action("my_page", marker=LETTER),
    "access_log": Action("my_access_log", marker=READ_BY_GP),
    "consent_new": Action("my_consent_create"),
    "contact": Action("my_contact_edit"),
    "partner_home": Action("partner_home", marker="Kari Nordmann"),
    "notifications": Action("notifications", marker=LETTER),
    "home": Action("home"),
})

# Buttons: mark Kari's letter read (only she can: for everyone else the id is not theirs and nothing changes), and
# mark it printed (the staff who may act for her; other staff have nothing of hers in their queue).
BUTTONS = Table("buttons", """
    persona              mark_read  mark_printed
    trust_person         302=       302
    other_trust_person   302=       302=
    deputy               302=       302
    leader               302=       302
    other_leader         302=       302=
    partner_valid        302=       404
    partner_org_member   302=       404
    partner_none         302=       404
    partner_expired      302=       404
    partner_withdrawn    302=       404
    partner_wrong_scope  302=       404
    owner                302        404
    other_owner          302=       404
    admin                302=       404
    anonymous            login      login
""", {
    "mark_read": Action("notifications_mark_read", "post", data=lambda s: {"id": s.o.letter.pk},
                        history_of=lambda s: s.o.letter,
                        done=lambda s: Notification.objects.get(pk=s.o.letter.pk).read_at is not None),
    "mark_printed": Action("mark_printed", "post", data=lambda s: {"id": s.o.letter.pk},
                           history_of=lambda s: s.o.letter,
                           done=lambda s: Notification.objects.get(pk=s.o.letter.pk).state
                           == Notification.State.SENT),
})

TABLES = [CASE_PAGES, PERSON_PAGES, OBJECT_PAGES, WORKER_PAGES, LEADER_PAGES, OWN_PAGES, BUTTONS]


@pytest.mark.parametrize("table", tables(*TABLES))
def test_core_page_matrix(scene, table):
    check_table(scene, table)
