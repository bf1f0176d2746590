"""Demo data for crisis plans (issue 5), registered with ``koordinator.demo.register_demo_section``.

What it makes
-------------
* **Trondheim legevakt**, an emergency service (organisation kind *legevakt / akuttjeneste*), with the log-in
  ``legevakt1`` (listed in ``koordinator.demo.PARTNERS``; the account, organisation and membership are made here).
  ``legevakt1`` finds a person under «Kriseplan: nødtilgang» by full name and birth date and opens the crisis plan
  by stating a reason.
* **Crisis plans for about half the demo users** (those with an open case, chosen with ``plan_rng("crisis")``),
  always including ``bruker1`` (Kari Nordmann, ``tillit1``) and ``bruker4`` (Geir Solberg), whose trust person
  ``tillit3`` is off sick today, so his plan shows the deputy ``tillit4`` as «Kontakten min nå». Each plan has the
  user's texts, two or three contacts with when they can be reached, and sign-offs: the trust person in the app,
  the user in the portal (users with a log-in) or on paper (recorded by the trust person), and a partner the user
  has given a crisis-plan consent (``lege1`` for ``bruker1``, ``dps1`` for ``bruker2``). Every fourth plan was
  changed after it was signed, so its sign-offs show as being for an earlier version.

Everything is written through ``plans.crisis.services`` by the case's trust person (the owner and the partner for
their own sign-offs), so the history, the version numbers and the notifications are those of real use. Running it
again adds nothing: a user who has a current crisis plan is left as they are.
"""

from __future__ import annotations

import random

from demo.core import PARTNERS, DemoBuilder, register_demo_section
from koordinator import access
from koordinator.models import FollowUp, Membership, NextOfKin, Organisation, ServiceUser
from plans.crisis import services
from plans.models import CrisisPlan

LEGEVAKT = "Trondheim legevakt"
LEGEVAKT_LOGIN = "legevakt1"
# The users who always get a crisis plan: bruker1, and bruker4 whose trust person is sick today.
ALWAYS = ("bruker1", "bruker4")

WARNING_SIGNS = (
    "Jeg sover dårlig flere netter på rad og slutter å svare på telefonen.",
    "Jeg trekker meg unna, holder meg inne og lar posten ligge uåpnet.",
    "Jeg blir rastløs, snakker fort og bruker mye penger.",
    "Jeg slutter å spise ordentlig og begynner å drikke alene igjen.",
    "Jeg blir irritabel og krangler med de nærmeste. Jeg avlyser avtaler.",
)
TRIGGERS = (
    "Når det blir for mye på en gang: brev fra NAV, regninger og avtaler i samme uke.",
    "Bursdager, jul og dager som minner meg om det som var vanskelig.",
    "Krangel med familien.",
    "Når noen jeg har en avtale med, ikke kommer.",
)
SELF_HELP = (
    "Jeg går en tur langs Nidelva og ringer søsteren min.",
    "Jeg legger bort telefonen en stund og hører på musikk.",
    "Jeg går innom A-larm-kaféen og snakker med noen der.",
    "Jeg skriver ned det som plager meg og tar én ting om gangen.",
)
HOW_TO_MEET_ME = (
    "Rolig og direkte. Ikke mange folk på en gang.",
    "Snakk til meg, ikke om meg. Spør hva jeg trenger.",
    "Ikke mas. Gi meg litt tid før jeg svarer.",
)
WHAT_HELPS = (
    "Å ha noen å ringe som svarer. En kopp kaffe og en tur ut.",
    "At noen hjelper meg å åpne posten og lage en liste.",
    "Å få sove og å spise et ordentlig måltid.",
    "Å være sammen med katten min og noen jeg stoler på.",
)
WHAT_DOES_NOT_HELP = (
    "Å bli snakket ned til, eller at mange snakker samtidig.",
    "Å bli sendt fra kontor til kontor.",
    "Trusler om innleggelse.",
)
ADMISSION_WISHES = (
    "Heller en kort time-out på DPS (to–tre døgn) enn en lang innleggelse.",
    "Hvis jeg må legges inn: helst DPS Nidaros, der de kjenner meg.",
    "",
)
MEDICATION = (
    "LAR: metadon hver dag.",
    "Ingen faste medisiner.",
    "Sovemedisin ved behov, etter avtale med fastlegen.",
)
PICKUP = (
    "Apoteket på Solsiden, hverdager kl. 10–14. Hjemmetjenesten henter hvis jeg ikke kommer.",
    "Jeg henter selv på apoteket hver fredag.",
    "",
)
CHILDREN_PETS_KEYS = (
    "Katten Pus: naboen i andre etasje har nøkkel og kan mate den.",
    "Datteren min bor hos moren sin. Søsteren min har reservenøkkel.",
    "Ingen barn eller dyr. Vaktmesteren har nøkkel.",
)


@register_demo_section
def crisis_plans(builder: DemoBuilder) -> None:
    _legevakt(builder)
    rng = builder.plan_rng("crisis")
    cases = list(
        FollowUp.objects.open()
        .select_related("service_user__user", "trust_person", "unit")
        .order_by("service_user__last_name", "service_user__first_name", "pk")
    )
    # One case per user (the newest open one), in a stable order.
    by_user: dict[int, FollowUp] = {}
    for case in cases:
        current = by_user.get(case.service_user_id)
        if current is None or (case.started_on, case.pk) > (current.started_on, current.pk):
            by_user[case.service_user_id] = case
    chosen = [c for c in by_user.values() if c.service_user.user and c.service_user.user.username in ALWAYS]
    others = [c for c in by_user.values() if c not in chosen]
    half = ServiceUser.objects.count() // 2
    chosen += rng.sample(others, max(0, min(len(others), half - len(chosen))))
    for number, case in enumerate(sorted(chosen, key=lambda c: c.pk)):
        # Drawn for every chosen user on every run, so the choices stay the same.
        details = random.Random(f"crisis-{case.service_user_id}")
        if CrisisPlan.objects.filter(service_user_id=case.service_user_id).current().exists():
            continue
        _make_plan(builder, case, details, changed_after_sign_off=number % 4 == 3)


def _legevakt(builder: DemoBuilder) -> Organisation:
    legevakt = builder.ensure(
        Organisation,
        {"name": LEGEVAKT, "kind": Organisation.Kind.EMERGENCY},
        {"municipality": builder.trondheim, "phone": "+4773521000", "duty_phone": "", "is_active": True},
    )
    login = next(login for login in PARTNERS if login.username == LEGEVAKT_LOGIN)
    user = builder.account(login)
    builder.member(LEGEVAKT_LOGIN, legevakt, Membership.Role.PARTNER)
    access.forget(user)
    return legevakt


def _contacts(builder: DemoBuilder, case: FollowUp, rng: random.Random) -> list[dict]:
    contacts = []
    kin = (
        NextOfKin.objects.filter(service_user=case.service_user, kind=NextOfKin.Kind.SUPPORTIVE,
                                 archived_at__isnull=True)
        .exclude(phone="")
        .order_by("pk")
        .first()
    )
    if kin is not None:
        contacts.append({"name": kin.name, "role": kin.relation, "phone": kin.phone,
                         "reachable": ["evening", "weekend"]})
    else:
        contacts.append({"name": rng.choice(("Eva", "Mona", "Tor", "Ali", "Siri")) + " (venn)", "role": "venn",
                         "phone": builder.phone(), "reachable": ["evening", "night", "weekend"],
                         "note": "Ring to ganger hvis det ikke svarer."})
    contacts.append({"name": "DPS Nidaros, akutteamet", "role": "spesialisthelsetjenesten",
                     "phone": builder.dps.phone, "reachable": ["office", "evening", "night", "weekend"]})
    if rng.random() < 0.5:
        contacts.append({"name": "Fastlegen, Lerkendal legesenter", "role": "fastlege", "phone": builder.gp.phone,
                         "reachable": ["office"]})
    return contacts


def _make_plan(builder: DemoBuilder, case: FollowUp, rng: random.Random, *, changed_after_sign_off: bool) -> None:
    tp, su = case.trust_person, case.service_user
    plan = services.create_crisis_plan(
        tp, su,
        warning_signs=rng.choice(WARNING_SIGNS),
        triggers=rng.choice(TRIGGERS),
        self_help=rng.choice(SELF_HELP),
        how_to_meet_me=rng.choice(HOW_TO_MEET_ME),
        what_helps=rng.choice(WHAT_HELPS),
        what_does_not_help=rng.choice(WHAT_DOES_NOT_HELP),
        admission_wishes=rng.choice(ADMISSION_WISHES),
        medication=rng.choice(MEDICATION),
        pickup_arrangements=rng.choice(PICKUP),
        children_pets_keys=rng.choice(CHILDREN_PETS_KEYS),
    )
    for contact in _contacts(builder, case, rng):
        services.add_contact(tp, plan, **contact)
    plan.refresh_from_db()
    builder.summary.count(CrisisPlan)
    # Sign-offs: the trust person in the app; the user in the portal (with a log-in) or on paper.
    services.sign_off(tp, plan)
    if su.user_id:
        services.sign_off(su.user, plan)
    else:
        services.record_paper_sign_off(tp, plan)
    # A partner the user has let see the crisis plan confirms it too.
    for username in ("lege1", "dps1"):
        partner = builder.users.get(username)
        if partner is not None and services.is_consented_partner(partner, plan):
            services.sign_off(partner, plan)
    if changed_after_sign_off:
        plan.refresh_from_db()
        services.update_crisis_plan(tp, plan, plan.version,
                                    what_helps=plan.what_helps + " Å få hjelp med posten en gang i uka.")
