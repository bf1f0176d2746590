"""Anonymous feedback in the users' own spirit (issue 14, point 5; OUTCOMES.md «Anonymous user feedback»).

Seven short questions on five steps and one free-text field. A user answers on Min side, through a signed link
sent by SMS, or on paper (typed in by staff). What is stored (``FeedbackAnswer``) is the unit, the half-year
(its first month in ``month``), how it came in, the answers and the text: no user, no time finer than the
half-year, no IP, a random primary key, and no history; and every answer writes its unit's answers of the
half-year again in a random order, so neither their order on disk nor the transaction that wrote them pairs an
answer with its receipt. One answer per person per half-year is kept without storing who: a
``FeedbackReceipt`` whose key is ``HMAC-SHA256(key, "<service user id>:<half-year>")``
(:func:`receipt_token`), written in the same transaction as the answer, and nothing in either row points to
the other. The signed link is never stored with the answer.

Reading is only in aggregate, per unit and half-year (:func:`results_for`), and only where at least
``settings.REPORT_MIN_PERSONS`` (5) answered; the free text only after a leader has checked it for names
(:func:`check_text`). There is no read of single answers anywhere else (no API, no admin page).

Nothing here logs, writes an access event, a history row or a notification about someone who answers.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import random
import re
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from koordinator import access, outbox
from koordinator.models import FollowUp, Organisation, ServiceUser, User
from koordinator.models.notifications import Notification
from koordinator.services import ServiceError
from koordinator.toolkit.log_paths import HidePaths, hide_paths_in_request_logs
from outcomes.models import FeedbackAnswer, FeedbackReceipt

# --- the questionnaire --------------------------------------------------------------------------------------

OFTEN = (
    gettext_lazy("Aldri"),
    gettext_lazy("Sjelden"),
    gettext_lazy("Av og til"),
    gettext_lazy("Ofte"),
    gettext_lazy("Alltid"),
)
EASIER = (
    gettext_lazy("Mye vanskeligere"),
    gettext_lazy("Litt vanskeligere"),
    gettext_lazy("Som før"),
    gettext_lazy("Litt lettere"),
    gettext_lazy("Mye lettere"),
)
HELPED = (
    gettext_lazy("Ikke i det hele tatt"),
    gettext_lazy("Lite"),
    gettext_lazy("Noe"),
    gettext_lazy("Ganske mye"),
    gettext_lazy("Veldig mye"),
)


@dataclass(frozen=True)
class Question:
    """One question: its field on ``FeedbackAnswer`` (``q1``…``q7``), the words, a short name for the results,
    and the five steps from 1 (worst) to 5 (best)."""

    key: str
    text: str
    short: str
    steps: tuple


QUESTIONS: tuple[Question, ...] = (
    Question(
        "q1",
        gettext_lazy("Blir du møtt med respekt av de som følger deg opp?"),
        gettext_lazy("Møtt med respekt"),
        OFTEN,
    ),
    Question("q2", gettext_lazy("Hører de på det du sier?"), gettext_lazy("Blir hørt"), OFTEN),
    Question(
        "q3",
        gettext_lazy("Får du tak i kontaktpersonen din når du trenger det?"),
        gettext_lazy("Får tak i kontaktpersonen"),
        OFTEN,
    ),
    Question(
        "q4",
        gettext_lazy("Får du beskjed når kontaktpersonen din er borte, for eksempel syk eller på ferie?"),
        gettext_lazy("Får beskjed om fravær"),
        OFTEN,
    ),
    Question(
        "q5",
        gettext_lazy("Får du være med og bestemme det som handler om deg?"),
        gettext_lazy("Med på å bestemme"),
        OFTEN,
    ),
    Question(
        "q6",
        gettext_lazy("Er hverdagen din blitt lettere eller vanskeligere etter at du fikk oppfølging?"),
        gettext_lazy("Hverdagen"),
        EASIER,
    ),
    Question(
        "q7", gettext_lazy("Har kontaktpersonen din hjulpet deg?"), gettext_lazy("Har fått hjelp"), HELPED
    ),
)
QUESTION_KEYS = tuple(q.key for q in QUESTIONS)
FREE_TEXT_LABEL = gettext_lazy("Hva har fungert best, og hva trenger du som du ikke får?")
FREE_TEXT_WARNING = gettext_lazy(
    "Ikke skriv navn, verken ditt eget eller andres. "
    "En leder leser teksten og fjerner navn før den blir vist."
)
FREE_TEXT_MAX = 2000
SCALE = range(1, 6)

# --- half-years ---------------------------------------------------------------------------------------------

HALF_YEAR = re.compile(r"^(\d{4})-H([12])$")


def half_year_of(day: datetime.date) -> str:
    """``"2026-H2"`` for a day in July–December 2026, ``"2026-H1"`` for January–June."""
    return f"{day.year}-H{1 if day.month <= 6 else 2}"


def current_half_year() -> str:
    return half_year_of(timezone.localdate())


def parse_half_year(value: str | None) -> str | None:
    """``value`` if it is a half-year that has begun (``"2026-H1"``), else ``None``."""
    found = HALF_YEAR.match((value or "").strip())
    if not found or not 2000 <= int(found.group(1)) <= 2999:
        return None
    value = found.group(0)
    return value if value <= current_half_year() else None


def half_year_bounds(half_year: str) -> tuple[datetime.date, datetime.date]:
    """The first and the last day of a half-year."""
    year, part = int(half_year[:4]), int(half_year[-1])
    if part == 1:
        return datetime.date(year, 1, 1), datetime.date(year, 6, 30)
    return datetime.date(year, 7, 1), datetime.date(year, 12, 31)


def half_year_label(half_year: str) -> str:
    """«1. halvår 2026»."""
    return _("%(part)s. halvår %(year)s") % {"part": half_year[-1], "year": half_year[:4]}


def recent_half_years(count: int = 6) -> list[str]:
    """The current half-year and the ``count - 1`` before it, newest first."""
    year, part = int(current_half_year()[:4]), int(current_half_year()[-1])
    found = []
    for _i in range(count):
        found.append(f"{year}-H{part}")
        year, part = (year, 1) if part == 2 else (year - 1, 2)
    return found


# --- the receipt: one answer per person per half-year, without storing who ----------------------------------

RECEIPT_SALT = "koordinator.outcomes.feedback.receipt"


def receipt_token(service_user_id: int, half_year: str) -> str:
    """``HMAC-SHA256(key, "<service user id>:<half-year>")`` as 64 hex digits: one way, and keyed, so the
    table of receipts cannot be matched to people without the key. The key is ``settings.FEEDBACK_TOKEN_KEY``,
    or without it one derived from ``SECRET_KEY`` (``salted_hmac``). Changing the key lets everyone answer
    once more."""
    message = f"{service_user_id}:{half_year}"
    key = settings.FEEDBACK_TOKEN_KEY
    if key:
        return hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()
    return salted_hmac(RECEIPT_SALT, message, secret=settings.SECRET_KEY, algorithm="sha256").hexdigest()


def has_answered(service_user_id: int, half_year: str | None = None) -> bool:
    """Has *someone with this person's token* answered in the half-year? (A receipt says no more.)"""
    return FeedbackReceipt.objects.filter(
        pk=receipt_token(service_user_id, half_year or current_half_year())
    ).exists()


def receipt_exists(receipt: str) -> bool:
    """Has the holder of this receipt token (a link's) answered?"""
    return FeedbackReceipt.objects.filter(pk=receipt).exists()


# --- the signed link ----------------------------------------------------------------------------------------

LINK_SALT = "outcomes.feedback.link"
# A link is good for the half-year it was made for; this bounds it in any case (a half-year is at most 184
# days).
LINK_MAX_AGE = datetime.timedelta(days=184)


RECEIPT = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class LinkClaim:
    """What a link carries: the person's receipt token for the half-year (:func:`receipt_token`), not who
    they are, so the link (and any log line with it) names no one and still allows one answer per person."""

    receipt: str
    half_year: str
    unit_id: int


def link_token(service_user_id: int, half_year: str, unit_id: int) -> str:
    """Signed, not encrypted: anyone can read the payload, so it holds the receipt token, never the id."""
    return signing.dumps(
        {"r": receipt_token(service_user_id, half_year), "h": half_year, "u": unit_id},
        salt=LINK_SALT,
        compress=True,
    )


def link_url(service_user_id: int, half_year: str, unit_id: int) -> str:
    path = reverse("feedback_link", args=[link_token(service_user_id, half_year, unit_id)])
    return (getattr(settings, "SITE_URL", "") or "").rstrip("/") + path


class HideLinks(HidePaths):
    """Django's own warnings about a request (``django.request``: «Bad Request: /path/», «Method Not Allowed»;
    ``django.security.csrf``) and the web server's access log (``gunicorn.access``: the request line, the path
    and the referrer) print its path, and a link's path holds the signed token, which names the person (its
    payload is readable) and, in the access log, when they answered. This filter, on those loggers, writes
    «/tilbakemelding/…/» instead. gunicorn's atoms are changed in place: they answer «-» for an atom that is
    not there, which a plain dict would not."""

    PATTERN = re.compile(r"/tilbakemelding/(?!papir/)[^/\s]+")
    REPLACEMENT = "/tilbakemelding/…"


def hide_links_in_request_logs() -> None:
    """Put :class:`HideLinks` on Django's request loggers, once (called when the app is ready)."""
    hide_paths_in_request_logs(HideLinks)


def read_link(token: str) -> LinkClaim:
    """What a link says, checked: signed by us, not too old, for the half-year we are in, for a unit that
    exists. A clear Norwegian error otherwise (never naming the token)."""
    try:
        data = signing.loads(token or "", salt=LINK_SALT, max_age=LINK_MAX_AGE)
        if "p" in data and "r" not in data:
            # A link sent before the link stopped carrying the person's id: refused, it names someone.
            raise ServiceError(
                _(
                    "Lenken er fra en eldre utsending og virker ikke lenger. Du kan svare på Min side, "
                    "eller be om et papirskjema."
                ),
                "token",
            )
        if not isinstance(data["r"], str) or not RECEIPT.match(data["r"]):
            raise ValueError
        claim = LinkClaim(data["r"], str(data["h"]), int(data["u"]))
    except signing.SignatureExpired:
        raise ServiceError(
            _("Lenken er for gammel. Du kan svare på Min side, eller be om et papirskjema."), "token"
        ) from None
    except (signing.BadSignature, KeyError, TypeError, ValueError, AttributeError):
        raise ServiceError(_("Lenken er ikke gyldig. Sjekk at hele lenken ble med."), "token") from None
    if claim.half_year != current_half_year() or not HALF_YEAR.match(claim.half_year):
        raise ServiceError(
            _("Lenken gjaldt %(period)s, og det er over. Du får en ny lenke neste gang vi spør.")
            % {"period": half_year_label(claim.half_year) if HALF_YEAR.match(claim.half_year) else "?"},
            "token",
        )
    if not Organisation.objects.filter(pk=claim.unit_id).exists():
        raise ServiceError(_("Lenken er ikke gyldig. Sjekk at hele lenken ble med."), "token")
    return claim


# --- answering ----------------------------------------------------------------------------------------------


class AlreadyAnswered(ServiceError):
    def __init__(self):
        super().__init__(_("Du har allerede svart dette halvåret. Takk!"))


def clean_answers(data: dict) -> dict:
    """The seven answers (1–5, or ``None`` when skipped) and the free text; a ``ServiceError`` naming the
    field for anything else. ``data`` may hold the form's values or raw strings."""
    cleaned: dict = {}
    for key in QUESTION_KEYS:
        value = data.get(key)
        if value in (None, ""):
            cleaned[key] = None
            continue
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = 0
        if number not in SCALE or isinstance(value, bool) or (isinstance(value, float) and value != number):
            raise ServiceError(_("Velg ett av svarene, eller «Hopp over»."), key)
        cleaned[key] = number
    text = data.get("free_text") or ""
    if not isinstance(text, str):
        raise ServiceError(_("Skriv teksten som vanlig tekst."), "free_text")
    text = text.replace("\x00", "").strip()
    if len(text) > FREE_TEXT_MAX:
        raise ServiceError(_("Teksten kan være høyst %(max)s tegn.") % {"max": FREE_TEXT_MAX}, "free_text")
    cleaned["free_text"] = text
    return cleaned


def _rewrite_in_random_order(unit_id: int, half_year: str) -> None:
    """Write the unit's answers of the half-year again, the same rows (keys, answers, texts) in a random order.

    The receipt and the answer are written by one transaction, one after the other, and the n-th receipt sits
    n-th in its table: without this the answer is the row written by the receipt's transaction (PostgreSQL's
    ``xmin``), or the n-th of the unit's answers on disk (SQLite's ``rowid``, PostgreSQL's ``ctid``), and whoever
    holds the key computes whose receipt that is. Afterwards every answer of the group was written by this
    transaction, in an order nobody can predict: a receipt points at most to its unit's half-year. The unit's row
    is locked first, so two answers for one unit are written one after the other."""
    list(Organisation.objects.select_for_update().filter(pk=unit_id).values_list("pk", flat=True))
    group = FeedbackAnswer.objects.filter(unit_id=unit_id, half_year=half_year)
    rows = list(group)
    random.SystemRandom().shuffle(rows)
    group.delete()
    FeedbackAnswer.objects.bulk_create(rows)


def _save(unit_id: int, channel: str, data: dict, receipt: str | None) -> None:
    """The answer, and the receipt when there is a person, in one transaction. Returns nothing: no caller
    needs the answer's id, and none should have it. The month stored is the half-year's first: a month of its
    own would order the answers again (the first receipt of the half-year, the answer of its first month)."""
    answers = clean_answers(data)
    if all(answers[key] is None for key in QUESTION_KEYS) and not answers["free_text"]:
        # Nothing said: not an answer, not counted, and it does not use up the person's one answer.
        raise ServiceError(_("Svar på minst ett spørsmål, eller skriv noe i tekstfeltet."))
    today = timezone.localdate()
    half_year = half_year_of(today)
    text = answers.pop("free_text")
    try:
        with transaction.atomic():
            if receipt is not None:
                if FeedbackReceipt.objects.filter(pk=receipt).exists():
                    raise AlreadyAnswered
                FeedbackReceipt.objects.create(token=receipt, half_year=half_year)
            FeedbackAnswer.objects.create(
                unit_id=unit_id,
                half_year=half_year,
                month=half_year_bounds(half_year)[0],
                channel=channel,
                free_text=text,
                text_status=FeedbackAnswer.TextStatus.UNCHECKED if text else FeedbackAnswer.TextStatus.NONE,
                **answers,
            )
            _rewrite_in_random_order(unit_id, half_year)
    except IntegrityError:
        # Two answers from the same person at once: the second receipt breaks the key, and nothing is saved.
        if receipt is not None and FeedbackReceipt.objects.filter(pk=receipt).exists():
            raise AlreadyAnswered from None
        raise ServiceError(_("Svarene kunne ikke lagres. Prøv igjen.")) from None


def unit_for_service_user(service_user_id: int) -> Organisation | None:
    """The follow-up service the person's feedback is about: the unit of their newest open case, or of the
    case that ended last when none is open."""
    cases = FollowUp.objects.filter(service_user_id=service_user_id).select_related("unit")
    case = (
        cases.exclude(status=FollowUp.Status.ENDED).order_by("-started_on", "-pk").first()
        or cases.order_by("-ended_on", "-pk").first()
    )
    return case.unit if case is not None else None


def answer_on_my_page(user: User, data: dict) -> None:
    """The logged-in service user answers on Min side."""
    service_user_id = access.actor_for(user).service_user_id
    if service_user_id is None:
        raise PermissionDenied
    unit = unit_for_service_user(service_user_id)
    if unit is None:
        raise ServiceError(
            _("Du har ingen oppfølging hos oss, så det er ingen tjeneste å gi tilbakemelding til.")
        )
    _save(unit.pk, FeedbackAnswer.Channel.MY_PAGE, data, receipt_token(service_user_id, current_half_year()))


def answer_by_link(token: str, data: dict) -> None:
    """Someone answers through the link in their SMS (no log-in). The link is checked again here."""
    claim = read_link(token)
    _save(claim.unit_id, FeedbackAnswer.Channel.SMS_LINK, data, claim.receipt)


def paper_units(user: User) -> QuerySet:
    """The units a staff member may type paper answers in for: their own as trust person, or every follow-up
    unit in a leader's municipality."""
    a = access.actor_for(user)
    return Organisation.objects.filter(kind=Organisation.Kind.FOLLOW_UP_SERVICE, is_active=True).filter(
        Q(pk__in=a.trust_person_unit_ids) | Q(municipality_id__in=a.leader_municipality_ids)
    )


def enter_paper(user: User, unit: Organisation, data: dict) -> None:
    """Staff type in a paper form for their unit. Nothing about the person is asked or stored, and no receipt
    can be made (there is no person to make it from)."""
    if not paper_units(user).filter(pk=unit.pk).exists():
        raise ServiceError(_("Du kan bare legge inn svar for din egen enhet."), "unit")
    _save(unit.pk, FeedbackAnswer.Channel.PAPER, data, receipt=None)


# --- the leader: units, results, checking the texts ---------------------------------------------------------


def leader_units(user: User) -> QuerySet:
    """The follow-up units in the leader's municipalities (none for anyone else)."""
    return Organisation.objects.filter(
        kind=Organisation.Kind.FOLLOW_UP_SERVICE,
        municipality_id__in=access.actor_for(user).leader_municipality_ids,
    ).order_by("name", "pk")


def min_persons() -> int:
    return settings.REPORT_MIN_PERSONS


@dataclass
class Step:
    value: int
    label: str
    count: int
    percent: int

    @property
    def bar(self) -> int:
        """The bar's width in steps of 5 % (a class name: the CSP allows no inline style)."""
        return 5 * round(self.percent / 5)


@dataclass
class QuestionResult:
    key: str
    text: str
    short: str
    answered: int | None  # None: fewer than the threshold answered this question
    mean: float | None
    steps: list[Step] = field(default_factory=list)
    # True when a step was chosen by 1 to threshold - 1 people: then only the mean and n are shown (``steps``
    # is empty), as the half-year report shows «under 5»; the other steps would give the small one as n minus
    # their sum.
    distribution_hidden: bool = False

    @property
    def suppressed(self) -> bool:
        return self.answered is None


@dataclass
class FeedbackResults:
    """The aggregates for one unit and half-year. With fewer than the threshold answering, ``suppressed`` and
    nothing else: no count, no question, no text."""

    unit_id: int
    half_year: str
    min_persons: int
    suppressed: bool
    answered: int | None = None
    questions: list[QuestionResult] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    texts_waiting: int = 0


def results_for(unit: Organisation | int, half_year: str) -> FeedbackResults:
    """The suppressed aggregates for ``unit`` and ``half_year``: per question the mean and n, the distribution
    only when no step was chosen by fewer than ``REPORT_MIN_PERSONS`` (a zero is shown), and
    the checked free texts (in no particular order), only when at least ``REPORT_MIN_PERSONS`` answered. Three
    queries at most. For the pages, and for any report or API that wants feedback figures: nothing else reads
    answers."""
    unit_id = unit if isinstance(unit, int) else unit.pk
    threshold = min_persons()
    rows = FeedbackAnswer.objects.filter(unit_id=unit_id, half_year=half_year)
    counts = {
        "n": Count("pk"),
        "waiting": Count("pk", filter=Q(text_status=FeedbackAnswer.TextStatus.UNCHECKED)),
    }
    for key in QUESTION_KEYS:
        for value in SCALE:
            counts[f"{key}_{value}"] = Count("pk", filter=Q(**{key: value}))
    got = rows.aggregate(**counts)
    if got["n"] < threshold:
        return FeedbackResults(unit_id, half_year, threshold, suppressed=True)
    questions = []
    for q in QUESTIONS:
        per_step = [got[f"{q.key}_{value}"] for value in SCALE]
        answered = sum(per_step)
        if answered < threshold:
            questions.append(QuestionResult(q.key, str(q.text), str(q.short), None, None))
            continue
        mean = sum(value * count for value, count in zip(SCALE, per_step, strict=True)) / answered
        small = any(0 < count < threshold for count in per_step)
        steps = (
            []
            if small
            else [
                Step(value, str(q.steps[value - 1]), count, round(100 * count / answered))
                for value, count in zip(SCALE, per_step, strict=True)
            ]
        )
        questions.append(
            QuestionResult(q.key, str(q.text), str(q.short), answered, round(mean, 1), steps, small)
        )
    texts = list(
        rows.filter(text_status=FeedbackAnswer.TextStatus.CHECKED)
        .exclude(free_text_shown="")
        .order_by("pk")
        .values_list("free_text_shown", flat=True)
    )
    return FeedbackResults(
        unit_id,
        half_year,
        threshold,
        suppressed=False,
        answered=got["n"],
        questions=questions,
        texts=texts,
        texts_waiting=got["waiting"],
    )


def _to_check(user: User) -> QuerySet:
    """The unchecked texts in the leader's units, only from a unit's half-year where at least the threshold
    answered: nobody reads a text written by one of fewer than five people, not even to check it."""
    group_size = (
        FeedbackAnswer.objects.filter(unit_id=OuterRef("unit_id"), half_year=OuterRef("half_year"))
        .order_by()
        .values("unit_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        FeedbackAnswer.objects.filter(
            unit__in=leader_units(user), text_status=FeedbackAnswer.TextStatus.UNCHECKED
        )
        .annotate(group_size=Coalesce(Subquery(group_size[:1]), 0))
        .filter(group_size__gte=min_persons())
    )


@dataclass(frozen=True)
class TextToCheck:
    """What the checking leader sees: the text, and which unit and half-year it is from. Nothing else of the
    answer (no answers to the questions, no month, no channel)."""

    id: str
    text: str
    unit_name: str
    half_year: str
    waiting: int


def next_text_to_check(user: User) -> TextToCheck | None:
    """The next text waiting for a check (in random order: the primary key is random), and how many wait. Two
    queries."""
    waiting = _to_check(user)
    row = waiting.order_by("pk").values("pk", "free_text", "unit__name", "half_year").first()
    if row is None:
        return None
    return TextToCheck(str(row["pk"]), row["free_text"], row["unit__name"], row["half_year"], waiting.count())


CHECKED = "checked"
WITHHELD = "withheld"


def check_text(user: User, answer_id, decision: str, shown_text: str = "") -> None:
    """A leader has read one text: «Sjekket» keeps what they left of it (names removed) for the results,
    «Holdes tilbake» shows nothing. Either way the text as written is not kept: only what may be shown
    remains."""
    try:
        answer_id = uuid.UUID(str(answer_id))
    except ValueError:
        raise PermissionDenied from None
    if decision not in (CHECKED, WITHHELD):
        raise ServiceError(_("Velg «Sjekket» eller «Holdes tilbake»."), "decision")
    shown = (shown_text or "").replace("\x00", "").strip()
    if decision == CHECKED and not shown:
        raise ServiceError(_("Teksten er tom. Velg «Holdes tilbake» hvis ingenting skal vises."), "text")
    if len(shown) > FREE_TEXT_MAX:
        raise ServiceError(_("Teksten kan være høyst %(max)s tegn.") % {"max": FREE_TEXT_MAX}, "text")
    with transaction.atomic():
        candidates = _to_check(user).filter(pk=answer_id)
        if not candidates.exists():
            # Checked by someone else in the meantime, or not one this leader may check.
            if (
                FeedbackAnswer.objects.filter(pk=answer_id, unit__in=leader_units(user))
                .exclude(text_status=FeedbackAnswer.TextStatus.UNCHECKED)
                .exists()
            ):
                raise ServiceError(_("Teksten er allerede sjekket."))
            raise PermissionDenied
        status = (
            FeedbackAnswer.TextStatus.CHECKED if decision == CHECKED else FeedbackAnswer.TextStatus.WITHHELD
        )
        kept = shown if decision == CHECKED else ""
        updated = FeedbackAnswer.objects.filter(
            pk=answer_id, text_status=FeedbackAnswer.TextStatus.UNCHECKED
        ).update(text_status=status, free_text_shown=kept, free_text=kept)
        if not updated:
            raise ServiceError(_("Teksten er allerede sjekket."))


# --- the link by SMS ----------------------------------------------------------------------------------------

LINK_KEY = "feedback-link"


def _link_prefix(unit_id: int, half_year: str) -> str:
    return f"{LINK_KEY}:{half_year}:{unit_id}:"


@dataclass(frozen=True)
class LinksSent:
    count: int
    first_at: datetime.datetime | None


def links_sent(unit: Organisation, half_year: str | None = None) -> LinksSent:
    """How many links went to the unit's users in the half-year, and when (one query)."""
    got = Notification.objects.filter(
        about_type=ContentType.objects.get_for_model(Organisation),
        about_id=unit.pk,
        dedupe_key__startswith=_link_prefix(unit.pk, half_year or current_half_year()),
    ).aggregate(n=Count("pk"), first=Min("created_at"))
    return LinksSent(got["n"], got["first"])


def _message(url: str, until: datetime.date):
    def words() -> tuple[str, str]:
        subject = _("Hva synes du om oppfølgingen?")
        body = _(
            "Hei! Vi vil gjerne høre hva du synes om oppfølgingen du får. Sju korte spørsmål, og du er "
            "anonym: vi lagrer ikke hvem som svarer. Svar her: %(url)s Lenken virker til og med %(until)s."
        ) % {"url": url, "until": until.strftime("%d.%m.%Y")}
        return subject, body

    return words


def may_send_links(user: User | None, unit: Organisation) -> bool:
    return user is None or leader_units(user).filter(pk=unit.pk).exists()


def link_recipients(unit: Organisation) -> QuerySet:
    """Who «Send lenke på SMS» writes to: the unit's active users with a mobile number (not archived)."""
    return (
        ServiceUser.objects.filter(
            archived_at__isnull=True,
            pk__in=FollowUp.objects.filter(unit=unit, status=FollowUp.Status.ACTIVE).values(
                "service_user_id"
            ),
        )
        .exclude(phone="")
        .order_by("pk")
    )


def send_links(user: User | None, unit: Organisation) -> int:
    """An SMS with a personal link to every active user of ``unit`` who has a mobile number, once per
    half-year per unit; ``user`` is the leader (``None`` from the command). Everyone gets it, whether they
    have answered or not: a list of who was left out would tell who answered. Returns how many were written to
    the outbox.
    """
    if not may_send_links(user, unit):
        raise PermissionDenied
    half_year = current_half_year()
    prefix = _link_prefix(unit.pk, half_year)
    if outbox.written_keys(Organisation, [unit.pk], prefix):
        raise ServiceError(
            _("Lenken er allerede sendt til brukerne i %(unit)s dette halvåret.") % {"unit": unit.name}
        )
    people = link_recipients(unit)
    until = half_year_bounds(half_year)[1]
    notes = [
        outbox.build(
            person,
            words=_message(link_url(person.pk, half_year, unit.pk), until),
            about=unit,
            channel=Notification.Channel.SMS,
            dedupe_key=f"{prefix}{person.pk}",
        )
        for person in people
    ]
    if not notes:
        raise ServiceError(
            _("Ingen aktive brukere i %(unit)s har mobilnummer. Ingen SMS er sendt.") % {"unit": unit.name}
        )
    with transaction.atomic():
        return len(outbox.notify_many(notes))
