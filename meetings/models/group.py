"""The responsibility group (*ansvarsgruppe*) and its members.

A group belongs to one follow-up case. The user and the coordinator (the case's trust person) are always members;
partner services join as a person or as a whole organisation, each with a role in plain words («saksbehandler»,
«fastlege»). A partner can only be added while the owner has consented to them seeing the group (``Consent``
with the *meetings* scope), and sees the group only while that consent is in force (``meetings.access``).

Nothing is deleted: a group is closed with a reason, a member is removed with a date and a reason.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from koordinator.models import FollowUp, Organisation, User
from koordinator.models.base import GatedQuerySet


class GroupQuerySet(GatedQuerySet):
    gate_name = "meeting_groups"

    def open(self):
        """Groups that are not closed (active or paused)."""
        return self.exclude(status=Group.Status.CLOSED)


class Group(models.Model):
    """The user's responsibility group: who takes part, who chairs, and whether it is meeting now."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Aktiv")
        PAUSED = "paused", _("På pause")
        CLOSED = "closed", _("Avsluttet")

    class Chair(models.TextChoices):
        COORDINATOR = "coordinator", _("Koordinatoren")
        USER = "user", _("Brukeren selv")

    follow_up = models.ForeignKey(
        FollowUp, verbose_name=_("oppfølging"), on_delete=models.PROTECT, related_name="meeting_groups"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    status_reason = models.TextField(_("grunn"), blank=True)
    status_changed_at = models.DateTimeField(_("status endret"), null=True, blank=True)
    # *«Kalle inn og skrive referat, og sende inn, så det styrer jeg liksom selv»*: the user may chair their own group.
    chair = models.CharField(_("hvem leder gruppen"), max_length=12, choices=Chair.choices, default=Chair.COORDINATOR)

    created_by = models.ForeignKey(
        User, verbose_name=_("opprettet av"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)

    objects = GroupQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ansvarsgruppe")
        verbose_name_plural = _("ansvarsgrupper")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One group at a time for a case: a new one only after the old one is closed.
            models.UniqueConstraint(
                fields=["follow_up"], condition=~Q(status="closed"), name="meeting_group_one_open_per_follow_up"
            ),
            # Pausing or closing says why.
            models.CheckConstraint(
                condition=Q(status="active") | ~Q(status_reason=""), name="meeting_group_status_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return _("Ansvarsgruppe for %(name)s") % {"name": self.follow_up.service_user.full_name}

    @property
    def coordinator(self) -> User:
        """The coordinator is the case's trust person (whoever that is now)."""
        return self.follow_up.trust_person

    @property
    def user_chairs(self) -> bool:
        return self.chair == self.Chair.USER

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED


class GroupMemberQuerySet(GatedQuerySet):
    gate_name = "group_members"

    def current(self):
        """Members who have not been removed."""
        return self.filter(removed_at__isnull=True)


class GroupMember(models.Model):
    """A member of the group: the user, the coordinator, a person, or a whole organisation, with a role.

    ``kind`` decides what the row points at:

    * ``user``: the case's service user (no link: it is ``group.follow_up.service_user``);
    * ``coordinator``: the case's trust person, whoever that is now (no link either);
    * ``person``: a person with a login, usually a partner; ``organisation`` may name the service they come from
      (attendance and overdue items are counted per organisation);
    * ``organisation``: a whole partner service; any of its partner members may act for it.
    """

    class Kind(models.TextChoices):
        USER = "user", _("Brukeren")
        COORDINATOR = "coordinator", _("Koordinator")
        PERSON = "person", _("Person")
        ORGANISATION = "organisation", _("Tjeneste")

    ALWAYS = (Kind.USER, Kind.COORDINATOR)

    group = models.ForeignKey(Group, verbose_name=_("ansvarsgruppe"), on_delete=models.PROTECT, related_name="members")
    kind = models.CharField(_("type medlem"), max_length=12, choices=Kind.choices)
    person = models.ForeignKey(
        User,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="meeting_memberships",
        null=True,
        blank=True,
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("tjeneste"),
        on_delete=models.PROTECT,
        related_name="meeting_memberships",
        null=True,
        blank=True,
    )
    role = models.CharField(_("rolle"), max_length=200, blank=True, help_text=_("For eksempel «saksbehandler» "
                                                                                  "eller «fastlege»."))
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    added_at = models.DateTimeField(_("lagt til"), auto_now_add=True)
    removed_at = models.DateTimeField(_("fjernet"), null=True, blank=True)
    removed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    removed_reason = models.TextField(_("grunn til at medlemmet ble fjernet"), blank=True)

    objects = GroupMemberQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("medlem av ansvarsgruppen")
        verbose_name_plural = _("medlemmer av ansvarsgruppen")
        ordering = ["added_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind__in=["user", "coordinator"], person__isnull=True, organisation__isnull=True)
                    | Q(kind="person", person__isnull=False)
                    | Q(kind="organisation", organisation__isnull=False, person__isnull=True)
                ),
                name="group_member_kind_matches_link",
            ),
            models.UniqueConstraint(
                fields=["group", "kind"],
                condition=Q(kind__in=["user", "coordinator"], removed_at__isnull=True),
                name="group_member_one_user_and_coordinator",
            ),
            models.UniqueConstraint(
                fields=["group", "person"],
                condition=Q(kind="person", removed_at__isnull=True),
                name="group_member_person_once",
            ),
            models.UniqueConstraint(
                fields=["group", "organisation"],
                condition=Q(kind="organisation", removed_at__isnull=True),
                name="group_member_organisation_once",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_current(self) -> bool:
        return self.removed_at is None

    @property
    def display_name(self) -> str:
        """The member's name in plain words (reads the group's case: in lists use :meth:`name_in`)."""
        return self.name_in(self.group.follow_up)

    def name_in(self, case: FollowUp) -> str:
        """The name, given the group's case with its service user and trust person (no query for lists)."""
        if self.kind == self.Kind.USER:
            return case.service_user.full_name
        if self.kind == self.Kind.COORDINATOR:
            return case.trust_person.display_name
        if self.kind == self.Kind.PERSON:
            name = self.person.display_name
            return f"{name} ({self.organisation.name})" if self.organisation_id else name
        return self.organisation.name

    @property
    def role_display(self) -> str:
        """The role as written, or the kind for the user and the coordinator."""
        return self.role or str(self.get_kind_display())
