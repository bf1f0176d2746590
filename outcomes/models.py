"""Outcomes' models: quality-of-life rounds, the end-of-follow-up evaluation, anonymous feedback.

A round and an evaluation belong to a case, have history and are behind the gate (``outcomes.access``).

Anonymous feedback is deliberately different (issue 14, point 5): ``FeedbackAnswer`` holds no user, no timestamp
finer than the month, no IP, a random primary key (no sequence whose order could be matched to anything) and **no
history** (a history row would carry the time and the user who wrote it). ``FeedbackReceipt`` says only that
*someone* answered in a half-year: its key is a keyed one-way hash of the person and the half-year, and nothing in
it points to an answer.
"""

from __future__ import annotations

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from koordinator.models import FollowUp, Organisation, User
from koordinator.models.base import GatedQuerySet
from outcomes.instrument import OBJECTIVE_CHOICES

FIVE_STEPS = [MinValueValidator(1), MaxValueValidator(5)]


class RoundQuerySet(GatedQuerySet):
    gate_name = "quality_of_life_rounds"


class QualityOfLifeRound(models.Model):
    """One taking of the instrument for a case: O1–O18 by the trust person, S1–S14 by the user (raw answers 1–5 on
    the item's own words; ``outcomes.instrument`` scores reverse items). Blank / null = not answered."""

    class Kind(models.TextChoices):
        START = "start", _("Ved oppstart")
        FOLLOW_UP = "follow_up", _("Underveis")
        END = "end", _("Ved avslutning")

    class AnsweredBy(models.TextChoices):
        WITH_TRUST_PERSON = "together", _("Brukeren sammen med tillitspersonen")
        USER_ALONE = "user", _("Brukeren alene")
        NOT_ANSWERED = "", _("Ikke besvart ennå")

    follow_up = models.ForeignKey(
        FollowUp, verbose_name=_("sak"), on_delete=models.PROTECT, related_name="quality_of_life_rounds"
    )
    taken_on = models.DateField(_("dato"), default=timezone.localdate)
    kind = models.CharField(_("runde"), max_length=10, choices=Kind.choices, default=Kind.FOLLOW_UP)
    subjective_by = models.CharField(
        _("brukerens del besvart av"), max_length=10, choices=AnsweredBy.choices, blank=True, default=""
    )
    o1 = models.CharField("O1", max_length=8, choices=OBJECTIVE_CHOICES, blank=True)
    o2 = models.CharField("O2", max_length=8, choices=OBJECTIVE_CHOICES, blank=True)
    o3 = models.CharField("O3", max_length=8, choices=OBJECTIVE_CHOICES, blank=True)
    o4 = models.CharField("O4", max_length=8, choices=OBJECTIVE_CHOICES, blank=True)
    o5 = models.CharField("O5", max_length=8, choices=OBJECTIVE_CHOICES, blank=True)
    o6 = models.CharField("O6", max_length=8, choices=OBJECTIVE_CHOICES, blank=True)
    o7 = models.CharField("O7", max_length=8, choices=OBJECTIVE_CHOICES, blank=True)
    o8 = models.CharField("O8", max_length=8, choices=OBJECTIVE_CHOICES, blank=True)
    o9 = models.CharField("O9", max_length=8, choices=OBJECTIVE_CHOICES, blank=True)
    o10 = models.CharField("O10", max_length=8, choices=OBJECTIVE_CHOICES, blank=True)
    o11 = models.CharField("O11", max_length=8, choices=OBJECTIVE_CHOICES, blank=True)
    o12 = models.CharField("O12", max_length=8, choices=OBJECTIVE_CHOICES, blank=True)
    o13 = models.CharField("O13", max_length=8, choices=OBJECTIVE_CHOICES, blank=True)
    o14 = models.CharField("O14", max_length=8, choices=OBJECTIVE_CHOICES, blank=True)
    o15 = models.CharField("O15", max_length=8, choices=OBJECTIVE_CHOICES, blank=True)
    o16 = models.CharField("O16", max_length=8, choices=OBJECTIVE_CHOICES, blank=True)
    o17 = models.CharField("O17", max_length=8, choices=OBJECTIVE_CHOICES, blank=True)
    o18 = models.CharField("O18", max_length=8, choices=OBJECTIVE_CHOICES, blank=True)
    s1 = models.PositiveSmallIntegerField("S1", null=True, blank=True, validators=FIVE_STEPS)
    s2 = models.PositiveSmallIntegerField("S2", null=True, blank=True, validators=FIVE_STEPS)
    s3 = models.PositiveSmallIntegerField("S3", null=True, blank=True, validators=FIVE_STEPS)
    s4 = models.PositiveSmallIntegerField("S4", null=True, blank=True, validators=FIVE_STEPS)
    s5 = models.PositiveSmallIntegerField("S5", null=True, blank=True, validators=FIVE_STEPS)
    s6 = models.PositiveSmallIntegerField("S6", null=True, blank=True, validators=FIVE_STEPS)
    s7 = models.PositiveSmallIntegerField("S7", null=True, blank=True, validators=FIVE_STEPS)
    s8 = models.PositiveSmallIntegerField("S8", null=True, blank=True, validators=FIVE_STEPS)
    s9 = models.PositiveSmallIntegerField("S9", null=True, blank=True, validators=FIVE_STEPS)
    s10 = models.PositiveSmallIntegerField("S10", null=True, blank=True, validators=FIVE_STEPS)
    s11 = models.PositiveSmallIntegerField("S11", null=True, blank=True, validators=FIVE_STEPS)
    s12 = models.PositiveSmallIntegerField("S12", null=True, blank=True, validators=FIVE_STEPS)
    s13 = models.PositiveSmallIntegerField("S13", null=True, blank=True, validators=FIVE_STEPS)
    s14 = models.PositiveSmallIntegerField("S14", null=True, blank=True, validators=FIVE_STEPS)
    recorded_by = models.ForeignKey(
        User,
        verbose_name=_("registrert av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RoundQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("livskvalitetsrunde")
        verbose_name_plural = _("livskvalitetsrunder")
        ordering = ["follow_up", "taken_on", "pk"]
        constraints = [
            # «A second round the same day»: refused.
            models.UniqueConstraint(fields=["follow_up", "taken_on"], name="qol_round_one_per_day"),
            models.CheckConstraint(
                condition=Q(s1__isnull=True) | Q(s1__gte=1, s1__lte=5), name="qol_s1_scale"
            ),
            models.CheckConstraint(
                condition=Q(s2__isnull=True) | Q(s2__gte=1, s2__lte=5), name="qol_s2_scale"
            ),
            models.CheckConstraint(
                condition=Q(s3__isnull=True) | Q(s3__gte=1, s3__lte=5), name="qol_s3_scale"
            ),
            models.CheckConstraint(
                condition=Q(s4__isnull=True) | Q(s4__gte=1, s4__lte=5), name="qol_s4_scale"
            ),
            models.CheckConstraint(
                condition=Q(s5__isnull=True) | Q(s5__gte=1, s5__lte=5), name="qol_s5_scale"
            ),
            models.CheckConstraint(
                condition=Q(s6__isnull=True) | Q(s6__gte=1, s6__lte=5), name="qol_s6_scale"
            ),
            models.CheckConstraint(
                condition=Q(s7__isnull=True) | Q(s7__gte=1, s7__lte=5), name="qol_s7_scale"
            ),
            models.CheckConstraint(
                condition=Q(s8__isnull=True) | Q(s8__gte=1, s8__lte=5), name="qol_s8_scale"
            ),
            models.CheckConstraint(
                condition=Q(s9__isnull=True) | Q(s9__gte=1, s9__lte=5), name="qol_s9_scale"
            ),
            models.CheckConstraint(
                condition=Q(s10__isnull=True) | Q(s10__gte=1, s10__lte=5), name="qol_s10_scale"
            ),
            models.CheckConstraint(
                condition=Q(s11__isnull=True) | Q(s11__gte=1, s11__lte=5), name="qol_s11_scale"
            ),
            models.CheckConstraint(
                condition=Q(s12__isnull=True) | Q(s12__gte=1, s12__lte=5), name="qol_s12_scale"
            ),
            models.CheckConstraint(
                condition=Q(s13__isnull=True) | Q(s13__gte=1, s13__lte=5), name="qol_s13_scale"
            ),
            models.CheckConstraint(
                condition=Q(s14__isnull=True) | Q(s14__gte=1, s14__lte=5), name="qol_s14_scale"
            ),
        ]
        indexes = [models.Index(fields=["taken_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.taken_on:%d.%m.%Y}"


class EndEvaluationQuerySet(GatedQuerySet):
    gate_name = "end_evaluations"


class EndEvaluation(models.Model):
    """The end-of-follow-up evaluation (*sluttevaluering*): part of ending a case, readable by the user."""

    class UserPart(models.TextChoices):
        TOGETHER = "together", _("Skrevet sammen med brukeren")
        USER_DECLINED = "declined", _("Brukeren ville ikke være med")
        NOT_REACHED = "not_reached", _("Fikk ikke tak i brukeren")

    follow_up = models.OneToOneField(
        FollowUp, verbose_name=_("sak"), on_delete=models.PROTECT, related_name="end_evaluation"
    )
    achieved = models.TextField(_("hva vi har fått til"))
    what_helped = models.TextField(_("hva brukeren mener har hjulpet"), blank=True)
    needs_to_manage = models.TextField(_("hva brukeren trenger for å klare seg uten tjenesten"), blank=True)
    user_part = models.CharField(_("brukerens del"), max_length=12, choices=UserPart.choices)
    written_by = models.ForeignKey(
        User, verbose_name=_("skrevet av"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EndEvaluationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sluttevaluering")
        verbose_name_plural = _("sluttevalueringer")

    def __str__(self) -> str:
        return str(_("Sluttevaluering"))


class FeedbackAnswer(models.Model):
    """One anonymous answer to the feedback questionnaire (``outcomes.feedback``). Nothing in it points to a person.

    Read only as aggregates per service unit and half-year, and only where at least ``REPORT_MIN_PERSONS``
    answered; the free text only after a person has checked it for names (``free_text_shown``)."""

    class Channel(models.TextChoices):
        MY_PAGE = "my_page", _("Min side")
        PAPER = "paper", _("På papir")
        SMS_LINK = "sms_link", _("Lenke i SMS")

    class TextStatus(models.TextChoices):
        NONE = "none", _("Ingen fritekst")
        UNCHECKED = "unchecked", _("Ikke sjekket ennå")
        CHECKED = "checked", _("Sjekket")
        WITHHELD = "withheld", _("Holdt tilbake")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    unit = models.ForeignKey(
        Organisation, verbose_name=_("tjeneste"), on_delete=models.PROTECT, related_name="feedback_answers"
    )
    half_year = models.CharField(_("halvår"), max_length=7)  # "2026-H2"
    # The first of a month; ``outcomes.feedback`` writes the half-year's first, so no month orders the answers.
    month = models.DateField(_("måned"))
    channel = models.CharField(_("hvordan"), max_length=10, choices=Channel.choices)
    q1 = models.PositiveSmallIntegerField("Q1", null=True, blank=True, validators=FIVE_STEPS)
    q2 = models.PositiveSmallIntegerField("Q2", null=True, blank=True, validators=FIVE_STEPS)
    q3 = models.PositiveSmallIntegerField("Q3", null=True, blank=True, validators=FIVE_STEPS)
    q4 = models.PositiveSmallIntegerField("Q4", null=True, blank=True, validators=FIVE_STEPS)
    q5 = models.PositiveSmallIntegerField("Q5", null=True, blank=True, validators=FIVE_STEPS)
    q6 = models.PositiveSmallIntegerField("Q6", null=True, blank=True, validators=FIVE_STEPS)
    q7 = models.PositiveSmallIntegerField("Q7", null=True, blank=True, validators=FIVE_STEPS)
    free_text = models.TextField(_("fritekst"), blank=True)
    # What the leader may read: the free text after a person checked it for names (and removed them), else blank.
    free_text_shown = models.TextField(_("fritekst som kan vises"), blank=True)
    text_status = models.CharField(
        _("fritekst"), max_length=10, choices=TextStatus.choices, default=TextStatus.NONE
    )

    class Meta:
        verbose_name = _("anonym tilbakemelding")
        verbose_name_plural = _("anonyme tilbakemeldinger")
        indexes = [models.Index(fields=["unit", "half_year"])]
        constraints = [
            models.CheckConstraint(condition=Q(month__day=1), name="feedback_month_first_day"),
            models.CheckConstraint(
                condition=Q(q1__isnull=True) | Q(q1__gte=1, q1__lte=5), name="feedback_q1_scale"
            ),
            models.CheckConstraint(
                condition=Q(q2__isnull=True) | Q(q2__gte=1, q2__lte=5), name="feedback_q2_scale"
            ),
            models.CheckConstraint(
                condition=Q(q3__isnull=True) | Q(q3__gte=1, q3__lte=5), name="feedback_q3_scale"
            ),
            models.CheckConstraint(
                condition=Q(q4__isnull=True) | Q(q4__gte=1, q4__lte=5), name="feedback_q4_scale"
            ),
            models.CheckConstraint(
                condition=Q(q5__isnull=True) | Q(q5__gte=1, q5__lte=5), name="feedback_q5_scale"
            ),
            models.CheckConstraint(
                condition=Q(q6__isnull=True) | Q(q6__gte=1, q6__lte=5), name="feedback_q6_scale"
            ),
            models.CheckConstraint(
                condition=Q(q7__isnull=True) | Q(q7__gte=1, q7__lte=5), name="feedback_q7_scale"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.half_year}"


class FeedbackReceipt(models.Model):
    """*Someone* answered the feedback in a half-year: the key is HMAC(secret, person, half-year); no time, no link."""

    token = models.CharField(max_length=64, primary_key=True)
    half_year = models.CharField(max_length=7)

    class Meta:
        verbose_name = _("kvittering for tilbakemelding")
        verbose_name_plural = _("kvitteringer for tilbakemeldinger")

    def __str__(self) -> str:
        return self.half_year
