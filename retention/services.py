"""Placing and lifting legal holds (*slettestopp*): every write of retention's own rows by a person.

Only the municipality's leader and the administrator may place or lift a hold; anyone else is refused
(``PermissionDenied``: the pages answer 404 before they get here). Each write validates, saves with history (who
and why) and re-checks the gate, in one transaction. The removals themselves are written by the run
(``retention.engine``), which is a command, not a person.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from koordinator import access
from koordinator.models import FollowUp, ServiceUser, User
from koordinator.toolkit.services import ServiceError, clean_text, ensure_inside_gate, save_with_history
from retention.models import LegalHold, Removal

REASON_MAX = 1000

MESSAGES = {
    "reason": gettext_lazy("Skriv hvorfor ingenting skal slettes, for eksempel «Klagesak hos Statsforvalteren»."),
    "lift_reason": gettext_lazy("Skriv hvorfor slettestoppen oppheves."),
    "one_target": gettext_lazy("Velg enten saken eller hele personen."),
    "case_held": gettext_lazy("Saken har allerede slettestopp."),
    "person_held": gettext_lazy("Personen har allerede slettestopp."),
    "gone": gettext_lazy("Opplysningene om personen er allerede slettet etter oppbevaringstiden."),
    "lifted": gettext_lazy("Slettestoppen er allerede opphevet."),
}


def may_hold(user, municipality_id: int | None) -> bool:
    """The municipality's leader, or the administrator."""
    return access.leads(user, municipality_id) or access.actor_for(user).is_admin


@transaction.atomic
def place_hold(actor: User, *, reason: str, follow_up: FollowUp | None = None,
               service_user: ServiceUser | None = None) -> LegalHold:
    """Keep everything about ``service_user``, or about ``follow_up`` and its person, until the hold is lifted."""
    if (follow_up is None) == (service_user is None):
        raise ServiceError(str(MESSAGES["one_target"]), "target")
    person = service_user if service_user is not None else follow_up.service_user
    municipality_id = follow_up.municipality_id if follow_up is not None else service_user.municipality_id
    if follow_up is None and not may_hold(actor, municipality_id):
        # A person registered in another municipality: the leader of a municipality where they have a case may keep
        # everything about them (the hold is that municipality's).
        municipality_id = (
            FollowUp.objects.filter(service_user=service_user,
                                    municipality_id__in=access.actor_for(actor).leader_municipality_ids)
            .values_list("municipality_id", flat=True).first()
        )
    if municipality_id is None or not may_hold(actor, municipality_id):
        raise PermissionDenied
    reason = clean_text(reason, "reason", required=str(MESSAGES["reason"]), max_length=REASON_MAX)
    in_force = LegalHold.objects.in_force().select_for_update()
    if follow_up is not None and in_force.filter(follow_up=follow_up).exists():
        raise ServiceError(str(MESSAGES["case_held"]), "target")
    if service_user is not None and in_force.filter(service_user=service_user).exists():
        raise ServiceError(str(MESSAGES["person_held"]), "target")
    if Removal.objects.filter(service_user=person, follow_up__isnull=True, kind="person").exists():
        raise ServiceError(str(MESSAGES["gone"]), "target")
    hold = LegalHold(follow_up=follow_up, service_user=service_user, municipality_id=municipality_id, reason=reason,
                     placed_by=actor, placed_at=timezone.now())
    save_with_history(hold, actor, gettext_lazy("Slettestopp satt"))
    ensure_inside_gate(actor, hold)
    return hold


@transaction.atomic
def lift_hold(actor: User, hold: LegalHold, *, reason: str) -> LegalHold:
    """Lift a hold: from the next run on, what has passed its period goes."""
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if not may_hold(actor, hold.municipality_id):
        raise PermissionDenied
    if hold.lifted_at is not None:
        raise ServiceError(str(MESSAGES["lifted"]), "reason")
    hold.lift_reason = clean_text(reason, "reason", required=str(MESSAGES["lift_reason"]), max_length=REASON_MAX)
    hold.lifted_at = timezone.now()
    hold.lifted_by = actor
    save_with_history(hold, actor, gettext_lazy("Slettestopp opphevet"))
    ensure_inside_gate(actor, hold)
    return hold


def target_text(hold: LegalHold) -> str:
    """What a hold keeps, in plain words (the case number, or the whole person)."""
    if hold.follow_up_id:
        return _("Sak %(number)s") % {"number": hold.follow_up_id}
    return _("Alt om personen")
