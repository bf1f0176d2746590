"""Shared set-up for the tests of «Last ned alt om meg»: a history for the world's owner (Kari Nordmann), made through
the services, and helpers that open the archive (the zip, the PDF's text, the JSON)."""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from dataclasses import dataclass

from django.utils import timezone
from pypdf import PdfReader

from koordinator import access
from koordinator.followup_log import services as log_services
from koordinator.models import AccessEvent, Consent, SignIn
from meetings import services as meeting_services
from meetings.models import Meeting
from plans import services as plan_services
from plans.crisis import services as crisis_services
from plans.models import LifeArea
from tests import factories as f

GOAL = "Egen leilighet innen sommeren"
STEP = "Ringe boligkontoret"
LOG_NOTE = "Vi gikk en tur langs elva og snakket om leiligheten."
WARNING_SIGNS = "Jeg sover dårlig og slutter å svare på telefonen."
SITUATION = "Kari bor hos søsteren sin inntil videre."
OTHER_NOTE = "Ola hadde en tung uke."  # about someone else: never in Kari's archive


@dataclass
class History:
    plan: object
    crisis_plan: object
    meeting: Meeting
    minutes: object


def later(days: int = 0, *, hour: int = 10) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_current_timezone())


def make_history(world) -> History:
    """Kari's plan with a goal and a step, two log entries, a crisis plan, a responsibility group with a held meeting
    and its minutes, reads by staff and a partner in her access log, and a log-in. Ola (someone else) has a log entry
    and has given Kari's account a consent: neither may show in Kari's archive."""
    tp = world.trust_person
    plan = plan_services.create_plan(tp, world.case, own_words="Jeg vil ha et sted å bo som er mitt.")
    plan = plan_services.activate_plan(tp, plan, consent_given_how="paper")
    goal = plan_services.add_goal(tp, plan, life_area=LifeArea.HOUSING, text=GOAL)
    plan_services.add_step(tp, goal, what=STEP)
    for days_ago, note in ((3, LOG_NOTE), (1, "Telefon om bostøtte.")):
        log_services.create_entry(tp, world.case, kind="conversation", started_at=later(-days_ago), note=note,
                                  life_areas=[LifeArea.HOUSING])
    log_services.create_entry(world.other_trust_person, world.other_case, kind="phone", started_at=later(-2),
                              note=OTHER_NOTE)
    crisis_plan = crisis_services.create_crisis_plan(tp, world.owner_su, warning_signs=WARNING_SIGNS,
                                                     what_helps="Å gå en tur med søsteren min.")
    crisis_services.add_contact(tp, crisis_plan, name="Eva Nordmann", role="søster", phone="900 00 001",
                                reachable=["evening"])
    group = meeting_services.create_group(tp, world.case)
    meeting = meeting_services.schedule_meeting(tp, group, starts_at=later(1), place=Meeting.Place.OFFICE)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=later(-7))
    meeting.refresh_from_db()
    minutes = meeting_services.start_minutes(tp, meeting)
    minutes = meeting_services.write_minutes(tp, minutes, minutes.version, situation=SITUATION)
    access.record_access(world.trust_person, [world.owner_su], "Oppfølgingssak", AccessEvent.Channel.WEB)
    access.record_access(world.partner_valid, [world.owner_su], "Kriseplan", AccessEvent.Channel.WEB,
                         reason="Ringte legevakten")
    SignIn.objects.create(user=world.owner, method=SignIn.Method.CITIZEN_OIDC, level="idporten-loa-high")
    # Ola lets Kari's account see everything of his: Kari's archive is still only about Kari.
    f.ConsentFactory(owner=world.other_su, grantee_user=world.owner, recorded_by=world.other_trust_person,
                     scope_plan=True, scope_crisis_plan=True, scope_meetings=True, scope_followup_log=True)
    for name in ("trust_person", "partner_valid", "owner"):
        access.forget(getattr(world, name))
    return History(plan=plan, crisis_plan=crisis_plan, meeting=meeting, minutes=minutes)


def open_zip(content: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(content))


def pdf_text(content: bytes) -> str:
    """The PDF's words on one line (line breaks fall where the page width says)."""
    with open_zip(content) as archive:
        reader = PdfReader(io.BytesIO(archive.read("alt-om-meg.pdf")))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def other_json(content: bytes) -> dict:
    with open_zip(content) as archive:
        return json.loads(archive.read("annet.json"))


def fhir_json(content: bytes) -> dict:
    with open_zip(content) as archive:
        return json.loads(archive.read("fhir-bundle.json"))


__all__ = ["Consent"]
