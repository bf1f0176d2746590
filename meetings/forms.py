"""Forms for the responsibility group's pages. They collect input; the rules live in ``meetings.services``.

Choice fields that name people come from the group itself (its current members) or from the case (the partner
services of its municipality, the staff who may chair), never from ``.objects.all()``. A service's error goes next
to its field with ``add_service_error`` (the field names match the services' keyword arguments).
"""

from __future__ import annotations

import datetime

from django import forms
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from koordinator.continuity_forms import TimeInput
from koordinator.form_fields import DayField
from koordinator.forms import DateInput, PartnerChoiceField, StaffForm, UserChoiceField
from koordinator.models import Consent, FollowUp, Membership, Organisation, User
from koordinator.timeutil import at
from koordinator.workdays import day_off, next_working_day
from meetings import notices
from meetings.models import ActionItem, Attendance, Group, GroupMember, Meeting, Minutes
from plans.services import revision_interval_weeks


def _textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


VERSION_ERRORS = {
    "required": _("Siden mangler versjonen. Last siden på nytt."),
    "invalid": _("Siden mangler versjonen. Last siden på nytt."),
    "min_value": _("Siden mangler versjonen. Last siden på nytt."),
}


def version_field() -> forms.IntegerField:
    return forms.IntegerField(widget=forms.HiddenInput, min_value=1, error_messages=VERSION_ERRORS)


# --- the group ------------------------------------------------------------------------------------------------------


CHAIR_DESCRIPTIONS = {
    Group.Chair.COORDINATOR: _("Koordinatoren kaller inn, leder møtene og skriver referatet."),
    Group.Chair.USER: _("Brukeren kaller inn og leder møtene selv, og kan skrive referatet. Koordinatoren hjelper "
                        "til."),
}


class GroupCreateForm(StaffForm):
    chair = forms.ChoiceField(label=_("Hvem leder gruppen?"), choices=Group.Chair.choices, widget=forms.RadioSelect,
                              initial=Group.Chair.COORDINATOR,
                              error_messages={"required": _("Velg hvem som leder gruppen.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].choice_descriptions = CHAIR_DESCRIPTIONS


class GroupChairForm(GroupCreateForm):
    pass


class GroupStatusForm(StaffForm):
    status = forms.ChoiceField(label=_("Status for gruppen"), choices=Group.Status.choices, widget=forms.RadioSelect,
                               error_messages={"required": _("Velg status for gruppen.")})
    reason = forms.CharField(label=_("Hvorfor?"), required=False, widget=_textarea(3),
                             help_text=_("Må fylles ut når gruppen settes på pause eller avsluttes. Avsluttes gruppen, "
                                         "blir planlagte møter avlyst, og alle får beskjed."))

    def __init__(self, *args, group: Group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(v, label) for v, label in Group.Status.choices if v != group.status]
        self.fields["reason"].sometimes_required = True  # when the group is paused or closed


def partner_choices_for_case(case: FollowUp):
    """Partner services a member can come from (the case's municipality's and regional ones), and the people in
    them, each with (one of) their services' name."""
    organisations = Organisation.objects.filter(is_active=True).exclude(
        kind=Organisation.Kind.FOLLOW_UP_SERVICE
    ).filter(Q(municipality_id=case.municipality_id) | Q(municipality__isnull=True)).order_by("name")
    memberships = Membership.objects.filter(role=Membership.Role.PARTNER, organisation__in=organisations)
    service_name = memberships.filter(user_id=OuterRef("pk")).order_by("organisation__name").values(
        "organisation__name")[:1]
    people = (
        User.objects.filter(is_active=True, pk__in=memberships.values("user_id"))
        .annotate(service_name=Subquery(service_name))
        .order_by("first_name", "last_name", "username")
    )
    return organisations, people


class ConsentMarkedPartnerField(PartnerChoiceField):
    """«Kari Lege (Legesenteret) – mangler samtykke»: before choosing, staff see who the owner has not let in."""

    missing: set[int] = set()

    def label_from_instance(self, obj: User) -> str:
        label = super().label_from_instance(obj)
        return f"{label} – {_('mangler samtykke')}" if obj.pk in self.missing else label


class ConsentMarkedOrganisationField(forms.ModelChoiceField):
    missing: set[int] = set()

    def label_from_instance(self, obj: Organisation) -> str:
        return f"{obj.name} – {_('mangler samtykke')}" if obj.pk in self.missing else obj.name


class MemberAddForm(StaffForm):
    person = ConsentMarkedPartnerField(
        label=_("Person"), queryset=User.objects.none(), required=False, empty_label=_("Velg person"),
        help_text=_("En bestemt person, for eksempel fastlegen eller saksbehandleren i NAV."),
    )
    organisation = ConsentMarkedOrganisationField(
        label=_("Tjeneste"), queryset=Organisation.objects.none(), required=False, empty_label=_("Velg tjeneste"),
        help_text=_("Velg bare en tjeneste for å ha med hele tjenesten. Velg den sammen med en person for å si hvor "
                    "personen kommer fra."),
    )
    role = forms.CharField(label=_("Rolle i gruppen"), max_length=200, required=False,
                           help_text=_("For eksempel «fastlege» eller «saksbehandler»."))

    def __init__(self, *args, group: Group, **kwargs):
        super().__init__(*args, **kwargs)
        case = group.follow_up
        organisations, people = partner_choices_for_case(case)
        self.fields["organisation"].queryset = organisations
        self.fields["person"].queryset = people
        # Who the owner's meetings consent reaches today (two queries), to mark the others in the lists.
        reach_people, reach_services = notices.consent_reach(case.service_user_id)
        through_service = set(Membership.objects.filter(
            role=Membership.Role.PARTNER, organisation_id__in=reach_services).values_list("user_id", flat=True)) \
            if reach_services else set()
        allowed = reach_people | through_service | notices.staff_ids(group)
        self.fields["person"].missing = set(people.exclude(pk__in=allowed).values_list("pk", flat=True))
        self.fields["organisation"].missing = set(
            organisations.exclude(pk__in=reach_services).values_list("pk", flat=True))

    def clean(self):
        data = super().clean()
        person, organisation = data.get("person"), data.get("organisation")
        if person is not None and organisation is None:
            # The service the person works in, when there is only one: attendance is counted per service.
            services = list(Membership.objects.filter(user=person, role=Membership.Role.PARTNER)
                            .values_list("organisation_id", flat=True)[:2])
            if len(services) == 1:
                data["organisation"] = Organisation.objects.get(pk=services[0])
        return data

    def service_kwargs(self) -> dict:
        return {"person": self.cleaned_data.get("person"), "organisation": self.cleaned_data.get("organisation"),
                "role": self.cleaned_data.get("role", "")}


class MemberRoleForm(StaffForm):
    role = forms.CharField(label=_("Rolle i gruppen"), max_length=200, required=False,
                           help_text=_("For eksempel «fastlege» eller «saksbehandler»."))


class MemberRemoveForm(StaffForm):
    reason = forms.CharField(label=_("Hvorfor er medlemmet ikke med lenger?"), required=False, widget=_textarea(3),
                             help_text=_("Oppgavene medlemmet har, blir stående til de er gitt til noen andre."))


# --- meetings -------------------------------------------------------------------------------------------------------


PLACE_DESCRIPTIONS = {
    Meeting.Place.USER_HOME: _("Mange synes det er tryggest å møtes hjemme."),
    Meeting.Place.PARTNER: _("Skriv hvilken tjeneste og adressen under."),
    Meeting.Place.OTHER: _("Skriv hvor under."),
}


class MeetingForm(StaffForm):
    day = DayField(label=_("Dato"), widget=DateInput,
                          error_messages={"required": _("Velg dato for møtet.")})
    time = forms.TimeField(label=_("Klokkeslett"), widget=TimeInput,
                           error_messages={"required": _("Velg klokkeslett for møtet."),
                                           "invalid": _("Skriv klokkeslettet, for eksempel 14.00.")})
    duration_minutes = forms.IntegerField(label=_("Varighet i minutter"), initial=60,
                                          error_messages={"required": _("Skriv varigheten i minutter."),
                                                          "invalid": _("Skriv varigheten i minutter.")})
    place = forms.ChoiceField(label=_("Hvor"), choices=Meeting.Place.choices, widget=forms.RadioSelect,
                              initial=Meeting.Place.USER_HOME,
                              error_messages={"required": _("Velg hvor møtet skal være.")})
    place_detail = forms.CharField(label=_("Stedet nærmere"), max_length=200, required=False,
                                   help_text=_("Adresse, rom eller lenke."))
    note = forms.CharField(label=_("Melding i innkallingen"), required=False, widget=_textarea(3),
                           help_text=_("Kommer med i innkallingen til alle."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].choice_descriptions = PLACE_DESCRIPTIONS
        # In two weeks, moved to the next working day: never a Saturday, a Sunday or a public holiday.
        self.initial.setdefault("day", next_working_day(timezone.localdate() + datetime.timedelta(days=14)))
        self.initial.setdefault("time", datetime.time(10, 0))
        self._ask_about_a_day_off()

    def _ask_about_a_day_off(self) -> None:
        """An office meeting on a weekend or a public holiday is asked about, with a box to tick, instead of taken
        as it is («Møtet er på en søndag. Er det riktig?»). Asked when the day or the place is chosen, not again
        when something else about a meeting already on that day changes."""
        self.day_off_question = ""
        if not self.is_bound:
            return
        try:
            day = self.fields["day"].to_python(self["day"].data)
        except forms.ValidationError:
            return
        kind = day_off(day) if day else None
        if kind is None or self["place"].data != Meeting.Place.OFFICE:
            return
        if not any(self.fields[name].has_changed(self.get_initial_for_field(self.fields[name], name), self[name].data)
                   for name in ("day", "place")):
            return
        self.day_off_question = _("Møtet er på %(day)s. Er det riktig?") % {"day": kind}
        self.fields["confirm_day"] = forms.BooleanField(
            label=_("Ja, møtet skal være på %(day)s") % {"day": kind}, required=False)
        order = list(self.fields)
        order.remove("confirm_day")
        order.insert(order.index("place") + 1, "confirm_day")
        self.order_fields(order)

    def clean(self):
        data = super().clean()
        if self.day_off_question and not data.get("confirm_day"):
            self.add_error("confirm_day", _("%(question)s Kryss av for å bekrefte, eller velg en annen dag.")
                           % {"question": self.day_off_question})
        return data

    @classmethod
    def initial_for(cls, meeting: Meeting) -> dict:
        local = timezone.localtime(meeting.starts_at)
        return {"day": local.date(), "time": local.time().replace(second=0, microsecond=0),
                "duration_minutes": meeting.duration_minutes, "place": meeting.place,
                "place_detail": meeting.place_detail, "note": meeting.note}

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"starts_at": at(data["day"], data["time"].hour, data["time"].minute),
                "duration_minutes": data["duration_minutes"], "place": data["place"],
                "place_detail": data["place_detail"], "note": data["note"]}

    def add_service_error(self, error, field_map=None) -> None:
        super().add_service_error(error, {"starts_at": "day", **(field_map or {})})


class MeetingChangeForm(MeetingForm):
    reason = forms.CharField(label=_("Hvorfor endres møtet?"), max_length=300, required=False,
                             help_text=_("Kommer med i beskjeden til alle når tid eller sted endres."))


class CancelMeetingForm(StaffForm):
    reason = forms.CharField(label=_("Hvorfor avlyses møtet?"), max_length=300, widget=_textarea(3),
                             help_text=_("Alle i gruppen får beskjed, med grunnen."),
                             error_messages={"required": _("Skriv kort hvorfor møtet avlyses.")})


class MemberChoiceField(forms.ModelChoiceField):
    """A member of the group by name (the case is given so the label needs no query)."""

    def __init__(self, *args, case: FollowUp | None = None, **kwargs):
        self.case = case
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: GroupMember) -> str:
        name = obj.name_in(self.case) if self.case is not None else obj.display_name
        return f"{name} – {obj.role_display}"


def current_members(group: Group):
    return GroupMember.objects.current().filter(group=group).select_related("person", "organisation").order_by(
        "added_at", "pk")


class ApologiesForm(StaffForm):
    message = forms.CharField(label=_("Melding til møtelederen"), required=False, widget=_textarea(3),
                              help_text=_("For eksempel hvem som kommer i stedet, eller det du vil ha sagt i møtet."))


class RecordApologiesForm(ApologiesForm):
    """A manager records apologies for a member who phoned in."""

    member = MemberChoiceField(label=_("Hvem melder forfall?"), queryset=GroupMember.objects.none(),
                               empty_label=_("Velg medlem"), error_messages={"required": _("Velg et medlem.")})

    def __init__(self, *args, group: Group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].case = group.follow_up
        self.fields["member"].queryset = current_members(group)
        self.order_fields(["member", "message"])


class AttendanceForm(StaffForm):
    """One choice per member: present, sent apologies, or absent without notice."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            name = f"member_{row.member.pk}"
            self.fields[name] = forms.ChoiceField(
                label=_("%(name)s (%(role)s)") % {"name": row.name, "role": row.role},
                choices=Attendance.Status.choices, widget=forms.RadioSelect, required=False,
            )
            if row.attendance is not None:
                self.initial.setdefault(name, row.attendance.status)

    def statuses(self) -> dict:
        return {row.member: self.cleaned_data[f"member_{row.member.pk}"] for row in self.rows
                if self.cleaned_data.get(f"member_{row.member.pk}")}


class ProposeForm(StaffForm):
    title = forms.CharField(label=_("Punktet"), max_length=300,
                            help_text=_("Det du vil snakke om, kort."),
                            error_messages={"required": _("Skriv punktet.")})
    text = forms.CharField(label=_("Mer om punktet"), required=False, widget=_textarea(3))
    for_user = forms.BooleanField(label=_("Dette er brukerens eget punkt («Brukerens ord»)"), required=False,
                                  help_text=_("Brukerens punkter står først på dagsorden."))

    def __init__(self, *args, may_write_for_user: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_write_for_user:
            del self.fields["for_user"]


class RevisePlanForm(StaffForm):
    what_changed = forms.CharField(label=_("Hva ble endret i planen?"), widget=_textarea(3),
                                   error_messages={"required": _("Skriv kort hva som ble endret.")})
    next_revision_on = DayField(label=_("Neste revisjon"), widget=DateInput,
                                       error_messages={"required": _("Velg når planen skal revideres neste gang.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault(
            "next_revision_on", timezone.localdate() + datetime.timedelta(weeks=revision_interval_weeks()))


class HandOverChairForm(StaffForm):
    chair_person = UserChoiceField(label=_("Hvem leder møtet?"), queryset=User.objects.none(), required=False)

    def __init__(self, *args, candidates, group_chair_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["chair_person"]
        field.queryset = User.objects.filter(pk__in=[c.person.pk for c in candidates]).order_by(
            "first_name", "last_name", "username")
        field.empty_label = _("Gruppens egen møteleder (%(name)s)") % {"name": group_chair_name}
        away = {c.person.pk for c in candidates if c.absence is not None}
        roles = {c.person.pk: c.role for c in candidates}

        def label(user: User) -> str:
            text = f"{user.display_name} ({roles.get(user.pk, '')})"
            return f"{text} – {_('borte den dagen')}" if user.pk in away else text

        field.label_from_instance = label


# --- the minutes ----------------------------------------------------------------------------------------------------


class MinutesForm(StaffForm):
    """The sections of the minutes, one field for each point on the agenda, and the version the writer started
    from (hidden). After the minutes are marked ready a change needs a reason."""

    situation = forms.CharField(label=_("Situasjonen nå"), required=False, widget=_textarea(5),
                                help_text=_("Slik det er «pr dags dato». Teksten fra forrige referat står her til "
                                            "å endre."))
    user_words = forms.CharField(label=_("Brukerens ord"), required=False, widget=_textarea(4),
                                 help_text=_("Det brukeren selv sa, gjerne med brukerens egne ord."))
    decisions = forms.CharField(label=_("Dette ble vi enige om"), required=False, widget=_textarea(5),
                                help_text=_("Oppgaver med hvem og frist legger du inn på møtesiden."))
    # Only on minutes marked ready, and then required (removed from a draft's form).
    reason = forms.CharField(label=_("Hvorfor endres referatet?"), max_length=300,
                             help_text=_("Referatet er markert som klart. Alle i gruppen får beskjed om endringen, "
                                         "med grunnen."),
                             error_messages={"required": _("Referatet er markert som klart. Skriv kort hvorfor det "
                                                           "endres.")})
    version = version_field()

    def __init__(self, *args, minutes: Minutes, points, **kwargs):
        initial = {"situation": minutes.situation, "user_words": minutes.user_words,
                   "decisions": minutes.decisions, "version": minutes.version}
        self.point_fields: dict[str, int] = {}
        for point in points:
            if point.item is not None:
                initial[f"point_{point.item.pk}"] = minutes.note_for(point.item.pk)
        kwargs["initial"] = {**initial, **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        for point in points:
            if point.item is None:
                continue
            name = f"point_{point.item.pk}"
            self.fields[name] = forms.CharField(
                label=_("Punkt: %(title)s") % {"title": point.title}, required=False, widget=_textarea(3),
                help_text=point.kind_label,
            )
            self.point_fields[name] = point.item.pk
        if minutes.is_draft:
            del self.fields["reason"]
        self.order_fields(["situation", "user_words", *self.point_fields, "decisions", "reason", "version"])
        self.text_names = ["situation", "user_words", *self.point_fields, "decisions"]

    def sections(self) -> dict:
        data = self.cleaned_data
        return {
            "situation": data["situation"],
            "user_words": data["user_words"],
            "decisions": data["decisions"],
            "point_notes": {item_id: data[name] for name, item_id in self.point_fields.items()},
        }

    def add_service_error(self, error, field_map=None) -> None:
        if error.field == "point_notes" and self.point_fields:
            field_map = {"point_notes": next(iter(self.point_fields))}
        super().add_service_error(error, field_map)


class MinutesReadyForm(StaffForm):
    version = version_field()


RESPONSE_HOW_CHOICES = [(Consent.GivenHow.PAPER, Consent.GivenHow.PAPER.label),
                        (Consent.GivenHow.ORAL, Consent.GivenHow.ORAL.label)]


class RespondForm(StaffForm):
    """The user's answer to the minutes: approve, or write what they disagree with (staff record an answer given on
    paper or orally)."""

    answer = forms.ChoiceField(
        label=_("Er du enig i referatet?"), widget=forms.RadioSelect,
        choices=[("approve", _("Ja, jeg godkjenner referatet")), ("disagree", _("Nei, jeg er uenig i noe"))],
        error_messages={"required": _("Velg om du godkjenner referatet eller er uenig i noe.")},
    )
    disagreement = forms.CharField(label=_("Hva er du uenig i?"), required=False, widget=_textarea(4),
                                   help_text=_("Skriv med dine egne ord. Det blir tatt vare på sammen med referatet."))
    how = forms.ChoiceField(label=_("Hvordan svarte brukeren?"), choices=RESPONSE_HOW_CHOICES,
                            widget=forms.RadioSelect, required=False)
    version = version_field()

    def __init__(self, *args, staff: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if staff:
            self.fields["answer"].label = _("Hva svarte brukeren?")
            self.fields["answer"].choices = [("approve", _("Brukeren godkjenner referatet")),
                                             ("disagree", _("Brukeren er uenig i noe"))]
            self.fields["disagreement"].label = _("Hva er brukeren uenig i?")
            self.fields["disagreement"].help_text = _("Skriv gjerne med brukerens egne ord.")
            self.fields["how"].required = True
            self.fields["how"].error_messages["required"] = _("Velg hvordan brukeren svarte: på papir eller "
                                                              "muntlig.")
        else:
            del self.fields["how"]

    def clean(self):
        data = super().clean()
        if data.get("answer") == "disagree" and not (data.get("disagreement") or "").strip():
            self.add_error("disagreement", _("Skriv hva du er uenig i."))
        return data


class CommentForm(StaffForm):
    text = forms.CharField(label=_("Kommentar"), widget=_textarea(4),
                           help_text=_("Kommentaren blir stående under referatet. Referatet selv endres ikke."),
                           error_messages={"required": _("Skriv kommentaren.")})


class MinutesRestoreForm(StaffForm):
    confirm = forms.BooleanField(label=_("Ja, gjenopprett denne versjonen"),
                                 error_messages={"required": _("Kryss av for å bekrefte.")})
    # Only when the minutes are marked ready, and then required (removed from a draft's form).
    reason = forms.CharField(label=_("Hvorfor?"), max_length=300,
                             help_text=_("Referatet er markert som klart. Alle i gruppen får beskjed, med grunnen."),
                             error_messages={"required": _("Referatet er markert som klart. Skriv kort hvorfor det "
                                                           "endres.")})
    version = version_field()

    def __init__(self, *args, minutes: Minutes, **kwargs):
        super().__init__(*args, **kwargs)
        if minutes.is_draft:
            del self.fields["reason"]


# --- action items ---------------------------------------------------------------------------------------------------


class ActionItemForm(StaffForm):
    what = forms.CharField(label=_("Hva skal gjøres?"), widget=_textarea(3),
                           error_messages={"required": _("Skriv hva som skal gjøres.")})
    responsible = MemberChoiceField(label=_("Hvem gjør det?"), queryset=GroupMember.objects.none(),
                                    empty_label=_("Velg medlem"),
                                    error_messages={"required": _("Velg hvem som gjør det.")})
    due_on = DayField(label=_("Frist"), widget=DateInput, error_messages={"required": _("Velg en frist.")})

    def __init__(self, *args, group: Group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].case = group.follow_up
        self.fields["responsible"].queryset = current_members(group)
        # Two weeks on, or the working day after if that is a weekend or a public holiday.
        self.initial.setdefault("due_on", next_working_day(timezone.localdate() + datetime.timedelta(days=14)))

    def service_kwargs(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("what", "responsible", "due_on")}


STATUS_DESCRIPTIONS = {
    ActionItem.Status.DONE: _("Oppgaven er gjort."),
    ActionItem.Status.NOT_DONE: _("Oppgaven ble ikke gjort. Skriv gjerne hvorfor."),
    ActionItem.Status.CANCELLED: _("Oppgaven trengs ikke lenger. Skriv hvorfor."),
    ActionItem.Status.OPEN: _("Åpne oppgaven igjen: den kommer tilbake på dagsorden."),
}


class ActionStatusForm(StaffForm):
    status = forms.ChoiceField(label=_("Status"), widget=forms.RadioSelect,
                               error_messages={"required": _("Velg status for oppgaven.")})
    status_note = forms.CharField(label=_("Merknad"), required=False, widget=_textarea(3),
                                  help_text=_("Hvordan gikk det? Koordinatoren får se merknaden."))

    def __init__(self, *args, item: ActionItem, lead: bool, **kwargs):
        super().__init__(*args, **kwargs)
        descriptions = dict(STATUS_DESCRIPTIONS)
        if item.is_open:
            # «Fortsatt åpen» first: a note on how it is going, without closing the item.
            choices = [(ActionItem.Status.OPEN, _("Fortsatt åpen")),
                       *((s, ActionItem.Status(s).label) for s in ActionItem.CLOSED_STATUSES)]
            descriptions[ActionItem.Status.OPEN] = _("Oppgaven er ikke ferdig ennå. Skriv i merknaden hvordan det "
                                                     "går; oppgaven blir stående åpen.")
            self.initial.setdefault("status", ActionItem.Status.OPEN)
        else:
            choices = [(ActionItem.Status.OPEN, ActionItem.Status.OPEN.label)] if lead else []
        self.fields["status"].choices = choices
        self.fields["status"].choice_descriptions = descriptions
        self.fields["status_note"].sometimes_required = True  # for «Fortsatt åpen» and «Ikke aktuell lenger»


# --- the leader -----------------------------------------------------------------------------------------------------


class PeriodForm(forms.Form):
    since = DayField(label=_("Fra og med"), required=False, widget=DateInput)
    until = DayField(label=_("Til og med"), required=False, widget=DateInput)
