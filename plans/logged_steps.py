"""The plan's steps in the follow-up log: which *delmål* a contact was about.

The plans app plugs this link into the core's log (``koordinator.followup_log.links``): the entry form offers the
case plan's live steps, the services check them and save the link here with history, the reads show the steps
the reader may see («Delmål: Ringe boligkontoret»), and the API lists their ids in ``steps``.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from koordinator import access
from koordinator.followup_log import EntryLink, register_entry_link
from koordinator.models import FollowUp, FollowUpEntry, User
from koordinator.toolkit import ServiceError, record_text, save_with_history
from plans.models import LoggedStep, Step

MESSAGES = {
    "step": gettext_lazy("Velg bare delmål fra planen i denne saken."),
}


def choices(user: User, case: FollowUp) -> QuerySet:
    """The steps of the case's plan an entry may name: live, and visible to ``user``."""
    return (
        Step.objects.for_user(user)
        .live()
        .filter(goal__plan__follow_up=case)
        .select_related("goal")
        .order_by("goal__order", "goal__pk", "due_on", "pk")
    )


def nameable(user: User) -> QuerySet:
    """Live steps ``user`` may see, in any case (the API's choices; ``clean`` checks the case)."""
    return Step.objects.for_user(user, access.VIEW).live()


def visible(user: User) -> QuerySet:
    """The steps ``user`` may see, as the log shows them: a partner without the plan's scope sees none."""
    return Step.objects.for_user(user).order_by("due_on", "pk")


def clean(case: FollowUp, steps: list) -> list:
    """Each step must be a live step of the plan in this case."""
    if not steps:
        return []
    if not all(isinstance(step, Step) for step in steps):
        raise ServiceError(str(MESSAGES["step"]), "steps")
    ids = {step.pk for step in steps}
    valid = set(Step.objects.filter(pk__in=ids, goal__plan__follow_up_id=case.pk).live().values_list("pk", flat=True))
    if valid != ids:
        raise ServiceError(str(MESSAGES["step"]), "steps")
    return steps


def save(actor: User, entry: FollowUpEntry, steps: list) -> None:
    """The entry points at exactly ``steps``: links made and undone one by one, each with a history row."""
    wanted = {step.pk for step in steps}
    current = {link.step_id: link for link in LoggedStep.objects.filter(entry=entry)}
    for step_id, link in current.items():
        if step_id not in wanted:
            link._history_user = actor
            link._change_reason = record_text(gettext_lazy("Delmålet er tatt ut av loggføringen"))
            link.delete()
    for step_id in sorted(wanted - set(current)):
        save_with_history(LoggedStep(entry=entry, step_id=step_id), actor, gettext_lazy("Loggført på delmålet"))


def tag(step: Step) -> str:
    return _("Delmål: %(what)s") % {"what": Truncator(step.what).chars(60)}


LINK = register_entry_link(EntryLink(
    name="steps",
    label=gettext_lazy("delmål"),
    form_label=gettext_lazy("Delmål i planen"),
    help_text=gettext_lazy("Delmålene i planen loggføringen gjelder (de du har tilgang til å se)."),
    write_help_text=gettext_lazy("Delmål i planen i samme sak."),
    model=lambda: Step,
    choices=choices,
    nameable=nameable,
    visible=visible,
    clean=clean,
    save=save,
    tag=tag,
    choice_label=lambda step: step.what,
))
