"""Demo data for sign-in (issue 13): national identity numbers, «Nina Ås», staff log-ins and past log-ins.

``demo/sign_in_persons.json`` holds the test persons of the local OpenID provider (``make oidc``), with synthetic
national identity numbers (the month plus 80, so none can be a real person's):

* ``bruker1``–``bruker5`` get their number and birth date from the file, so logging in through the local
  «ID-porten» as one of them reaches their Min side.
* «Nina Ås» is followed up by ``tillit1`` in Trondheim (an active case) and has no account: her first log-in through
  ID-porten makes it and links it.
* The staff in the file get a ``SignInIdentity`` for the staff provider with their number (Ansattporten's ``pid``).
* Everyone else followed up gets a synthetic number made from their birth date, the same on every run.
* ``bruker1`` and ``tillit1`` have a few log-ins behind them, so «Mine innlogginger» has something to show.

Every step looks up before it writes, so a second run changes nothing. «Ukjent Person» and «Ukjent Ansatt» in the file
are nobody here, on purpose (the kind refusal pages); their numbers are never given to anyone.
"""

from __future__ import annotations

import datetime
import json
import random
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from koordinator.models import FollowUp, ServiceUser, SignIn, SignInIdentity
from koordinator.timeutil import at
from koordinator.toolkit import national_id

if TYPE_CHECKING:
    from demo.core import DemoBuilder

PERSONS_FILE = Path(__file__).resolve().parent / "sign_in_persons.json"
# The person followed up who has no account yet: ID-porten links it at her first log-in.
FIRST_LOG_IN = ("Nina", "Ås")


@cache
def persons() -> dict:
    """The file's test persons: ``{"citizens": [...], "staff": [...]}``."""
    return json.loads(PERSONS_FILE.read_text(encoding="utf-8"))


def citizen(username: str = "", name: str = "") -> dict:
    return next(
        p for p in persons()["citizens"] if (username and p["username"] == username) or p["name"] == name
    )


def all_pids() -> set[str]:
    return {p["pid"] for group in persons().values() for p in group}


def links_at_first_log_in(service_user: ServiceUser) -> bool:
    """Is this the person whose account ID-porten makes at her first log-in (Nina Ås)? The plans' and meetings'
    sections leave her out of their draws whether she has logged in yet or not, so a rerun after her first log-in
    draws as the first run did."""
    return (service_user.first_name, service_user.last_name) == FIRST_LOG_IN


# --- the people --------------------------------------------------------------------------------------------------


def add_people(builder: DemoBuilder) -> None:
    """Nina Ås and her case, then every service user's number (before the other sections, which draw on the cases)."""
    nina_case = _nina(builder)
    _give(builder, nina_case.service_user, citizen(name=" ".join(FIRST_LOG_IN)))
    for username in ("bruker1", "bruker2", "bruker3", "bruker4", "bruker5"):
        su = ServiceUser.objects.get(user__username=username)
        _give(builder, su, citizen(username=username))
    _synthetic_numbers(builder)


def _nina(builder: DemoBuilder) -> FollowUp:
    """tillit1's, active, no account. Made with a generator of her own, so the draws for everyone else are as before."""
    from demo.core import Source, Status

    kept, builder.rng = builder.rng, random.Random("demo-nina-aas")
    try:
        return builder.follow_up(
            unit=builder.unit,
            municipality=builder.trondheim,
            first=FIRST_LOG_IN[0],
            last=FIRST_LOG_IN[1],
            trust_person="tillit1",
            deputy="tillit2",
            status=Status.ACTIVE,
            source=Source.SELF,
        )
    finally:
        builder.rng = kept


def _give(builder: DemoBuilder, su: ServiceUser, person: dict) -> None:
    values = {"national_id": person["pid"], "birth_date": datetime.date.fromisoformat(person["birth_date"])}
    changed = [name for name, value in values.items() if getattr(su, name) != value]
    if changed:
        for name in changed:
            setattr(su, name, values[name])
        builder._save(su, "Demodata: fødselsnummer")


def synthetic_number(born: datetime.date, taken: set[str]) -> str | None:
    """A synthetic number for someone born on ``born`` (the month plus 80): the first individual number of the
    century's range that has check digits and is not ``taken``."""
    numbers = range(500, 1000) if born.year >= 2000 else range(100, 500)
    for individual in numbers:
        first_nine = (
            f"{born:%d}{born.month + national_id.SYNTHETIC_MONTH_OFFSET:02d}{born:%y}{individual:03d}"
        )
        try:
            number = national_id.with_check_digits(first_nine)
        except ValueError:  # a check digit of 10: no number with these nine digits
            continue
        if number not in taken and national_id.birth_date(number) == born:
            return number
    return None


def _synthetic_numbers(builder: DemoBuilder) -> None:
    """Everyone followed up without a number gets one from their birth date, in a fixed order (municipality, name),
    never one of the file's."""
    taken = all_pids() | set(
        ServiceUser.objects.exclude(national_id="").values_list("national_id", flat=True)
    )
    people = ServiceUser.objects.filter(national_id="", birth_date__isnull=False).order_by(
        "municipality__number", "last_name", "first_name", "pk"
    )
    for su in people:
        number = synthetic_number(su.birth_date, taken)
        if number is None:
            continue
        taken.add(number)
        su.national_id = number
        builder._save(su, "Demodata: fødselsnummer")


# --- log-ins ----------------------------------------------------------------------------------------------------

M = SignIn.Method
SUBSTANTIAL, HIGH = "idporten-loa-substantial", "idporten-loa-high"
# (username, days ago, hour, minute, method, level, factors): a few log-ins of the last weeks, in the day.
PAST_SIGN_INS = (
    ("bruker1", 2, 19, 42, M.CITIZEN_OIDC, SUBSTANTIAL, "Minid-app"),
    ("bruker1", 9, 8, 15, M.CITIZEN_OIDC, HIGH, "BankID"),
    ("bruker1", 23, 12, 3, M.PASSWORD, "", ""),
    ("tillit1", 1, 7, 58, M.PASSWORD_TOTP, "", ""),
    ("tillit1", 3, 8, 4, M.STAFF_OIDC, SUBSTANTIAL, "pwd otp"),
    ("tillit1", 6, 7, 49, M.PASSWORD_TOTP, "", ""),
)


def add_sign_ins(builder: DemoBuilder) -> None:
    """The staff log-ins to the staff provider, and the past log-ins (only for someone who has none yet: a demo user
    who has logged in keeps their own)."""
    for person in persons()["staff"]:
        user = builder.users.get(person["username"]) if person["username"] else None
        if user is not None:
            builder.ensure(
                SignInIdentity,
                {"provider": SignInIdentity.Provider.STAFF, "subject": person["pid"]},
                {"user": user},
            )
    fresh = {
        username
        for username in {row[0] for row in PAST_SIGN_INS}
        if not SignIn.objects.filter(user=builder.users[username]).exists()
    }
    for username, days, hour, minute, method, level, factors in PAST_SIGN_INS:
        if username not in fresh:
            continue
        day = builder.today - datetime.timedelta(days=days)
        SignIn.objects.create(
            user=builder.users[username],
            at=at(day, hour, minute),
            method=method,
            level=level,
            factors=factors,
        )
        builder.summary.count(SignIn)
