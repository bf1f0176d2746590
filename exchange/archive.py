"""«Last ned alt om meg»: asking for the archive, building it in the background, downloading it, and emptying it.

The life of a :class:`~exchange.models.DataArchive`:

1. **Asked for** (``requested``): by the owner on Min side (:func:`request_own_archive`), or by the staff of the
   person's case for a person who asked on paper, in person or by phone (:func:`request_paper_archive`, recorded as
   such, with how and when the request came, and written to the person's access log). A person has at most one request
   in progress per way of asking: asking again while one is in progress gives back that one (a double press makes
   one).
2. **Built** in the background (``building`` → ``ready``): :func:`build_requested`, run by ``manage.py run_reminders``
   (registered below) and ``manage.py build_archives``. A request is claimed before it is built, so two runs never
   build the same one; a build that died half-way (the process was killed) is picked up again after
   ``STALE_AFTER``. The zip holds ``alt-om-meg.pdf``, ``fhir-bundle.json``, ``annet.json`` and ``LES-MEG.txt``
   (:func:`build_zip`), read as the owner sees their own data (``archive_content.owner_reader``). The owner is told
   through the outbox, in their language and by their preferred channel, that it is ready, with a link and nothing
   else; for a paper request the staff member who asked is told in the app. A build that fails is marked ``failed``
   (the kind of error only, never content) and the one who asked is told.
3. **Downloaded** while ready (:func:`download`): each download is a history row on the archive (who, when), and a
   download by staff is in the person's access log.
4. **Emptied** (``expired``) ``ARCHIVE_KEEP_DAYS`` days after it was built (:func:`expire_due`, also run by
   ``run_reminders``): the zip is removed, the row and its history stay.

Every write saves with history (who and why) in one transaction; bad input is a :class:`ServiceError` with a plain
Norwegian message and changes nothing.
"""

from __future__ import annotations

import datetime
import io
import json
import logging
import traceback
import zipfile
from functools import partial

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exchange import archive_access, archive_content
from exchange.archive_pdf import ArchiveRenderer, section_titles
from exchange.fhir.everything import everything_bundle
from exchange.models import DataArchive
from koordinator import access, outbox
from koordinator.models import AccessEvent, ServiceUser, User
from koordinator.outbox.links import register_link_text
from koordinator.reminders import register_reminder
from koordinator.timeutil import no_date, no_datetime
from koordinator.toolkit.services import ServiceError, clean_date, clean_text, save_with_history

logger = logging.getLogger(__name__)

State = DataArchive.State

# A build still «building» after this long belongs to a run that died: it is asked for again.
STALE_AFTER = datetime.timedelta(hours=1)
# How many archives one run builds at most (the rest wait for the next run, a few minutes later).
BUILDS_PER_RUN = 20
PAPER_NOTE_MAX = 1000

# The module's messages, kept together.
MESSAGES = {
    "not_yours": gettext_lazy("Fant ikke arkivet."),
    "not_ready": gettext_lazy("Arkivet er ikke klart ennå. Du får beskjed når det er klart."),
    "expired": gettext_lazy("Arkivet er slettet, fordi fristen for å laste det ned gikk ut. Du kan be om et nytt."),
    "failed": gettext_lazy("Vi fikk ikke laget dette arkivet. Du kan be om et nytt."),
    "no_date": gettext_lazy("Skriv når personen ba om det, for eksempel 23.11.2026."),
    "future_date": gettext_lazy("Datoen kan ikke være fram i tid."),
    "no_how": gettext_lazy("Velg hvordan personen ba om det."),
}

# What the access log says when the staff ask for the archive, or download it.
PAPER_REQUEST_READ = gettext_lazy("Alt om deg: bestilt for deg, fordi du ba om det på papir, ved oppmøte eller på "
                                  "telefon")
DOWNLOAD_READ = gettext_lazy("Alt om deg: arkivet lastet ned for å skrives ut eller gis til deg")

register_link_text("my_archive", gettext_lazy("Last ned alt om meg"))
register_link_text("person_archive", gettext_lazy("Alt om personen"))


def keep_days() -> int:
    return int(getattr(settings, "ARCHIVE_KEEP_DAYS", 7))


# --- asking for it ---------------------------------------------------------------------------------------------


def in_progress(service_user: ServiceUser, *, on_paper: bool) -> DataArchive | None:
    return (
        DataArchive.objects.listing().in_progress()
        .filter(service_user=service_user, on_paper=on_paper).order_by("-requested_at", "-pk").first()
    )


def _request(actor: User, service_user: ServiceUser, *, on_paper: bool, **paper) -> tuple[DataArchive, bool]:
    """The request in progress, or a new one: ``(archive, made_now)``."""
    with transaction.atomic():
        # The person's row is the lock: two presses at once wait for each other here, and the second finds the first.
        ServiceUser.objects.select_for_update().filter(pk=service_user.pk).first()
        current = in_progress(service_user, on_paper=on_paper)
        if current is not None:
            return current, False
        archive = DataArchive(service_user=service_user, requested_by=actor, on_paper=on_paper, **paper)
        try:
            with transaction.atomic():
                save_with_history(archive, actor, gettext_lazy("Bestilt"))
        except IntegrityError:
            # Asked for at the same moment elsewhere (the unique constraint): that one is the request.
            current = in_progress(service_user, on_paper=on_paper)
            if current is None:
                raise
            return current, False
        if on_paper:
            reason = _paper_reason(archive)
            access.record_access(actor, [service_user], PAPER_REQUEST_READ, AccessEvent.Channel.WEB, reason=reason)
        return archive, True


def request_own_archive(actor: User, service_user: ServiceUser | None = None) -> tuple[DataArchive, bool]:
    """The owner asks for everything about themselves (Min side). Anyone else: ``ServiceError`` (the view never
    gets here for them: the page is theirs only)."""
    owner_id = access.actor_for(actor).service_user_id
    if owner_id is None or (service_user is not None and service_user.pk != owner_id):
        raise ServiceError(str(MESSAGES["not_yours"]))
    service_user = service_user or ServiceUser.objects.get(pk=owner_id)
    return _request(actor, service_user, on_paper=False)


def request_paper_archive(
    actor: User, service_user: ServiceUser, *, how: str, received_on, note: str = "", today: datetime.date | None = None
) -> tuple[DataArchive, bool]:
    """Staff make the archive for a person who asked on paper, in person or by phone: how and when the request came,
    and a note. Only the staff who may change the person (``archive_access.may_produce``); a partner or the person
    themselves gets ``PermissionDenied`` from the view before this."""
    if not archive_access.may_produce(actor, service_user.pk):
        raise ServiceError(str(MESSAGES["not_yours"]))
    if how not in DataArchive.PaperHow.values:
        raise ServiceError(str(MESSAGES["no_how"]), "how")
    received = clean_date(received_on, "received_on")
    if received is None:
        raise ServiceError(str(MESSAGES["no_date"]), "received_on")
    if received > (today or timezone.localdate()):
        raise ServiceError(str(MESSAGES["future_date"]), "received_on")
    note = clean_text(note, "note", max_length=PAPER_NOTE_MAX)
    return _request(actor, service_user, on_paper=True, paper_how=how, paper_received_on=received, paper_note=note)


def _paper_reason(archive: DataArchive) -> str:
    """«Ba om det skriftlig (brev eller skjema) 20.11.2026. Merknad: …», in the record's language."""
    from koordinator.toolkit.services import record_text

    def words() -> str:
        text = _("Ba om det %(how)s %(date)s.") % {
            "how": str(DataArchive.PaperHow(archive.paper_how).label).lower(),
            "date": no_date(archive.paper_received_on),
        }
        if archive.paper_note:
            text += " " + _("Merknad: %(note)s") % {"note": archive.paper_note}
        return text

    return record_text(words)


# --- building it --------------------------------------------------------------------------------------------------


README = """\
{title}

{intro}

alt-om-meg.pdf
  {pdf}

fhir-bundle.json
  {fhir}

annet.json
  {other}

{sections_title}
{sections}

{made}
"""


def readme_text(service_user: ServiceUser, made_at: datetime.datetime) -> str:
    return README.format(
        title=_("Alt om meg – %(name)s") % {"name": service_user.full_name},
        intro=_("Dette arkivet har alt vi har lagret om deg. Det er laget fordi du (eller noen på dine vegne) ba om "
                "det. Ta godt vare på det: det er personopplysninger."),
        pdf=_("Alt samlet i ett dokument du kan lese og skrive ut."),
        fhir=_("Planen, målene, kriseplanen, hvem som er med og samtykkene dine i formatet HL7 FHIR R4 (en "
               "samling, Bundle), som andre helsesystemer kan lese."),
        other=_("Det FHIR ikke har plass til, i JSON: oppfølgingene, avtalene, loggen, meldingene med de som "
                "følger deg opp, «Ring meg», ansvarsgruppene med referatene, pårørende, hvem som har sett "
                "opplysningene dine, innloggingene og beskjedene du har fått."),
        sections_title=_("Dette står i alt-om-meg.pdf:"),
        sections="\n".join(f"  {n}. {title}" for n, title in enumerate(section_titles(), start=1)),
        made=_("Laget %(when)s.") % {"when": no_datetime(made_at)},
    )


def build_zip(service_user: ServiceUser, made_at: datetime.datetime | None = None) -> bytes:
    """The archive of everything ``service_user`` may see about themselves, as a zip. Written in bokmål (the
    recipient's language, ``outbox.language_of``)."""
    from django.utils import translation

    made_at = made_at or timezone.now()
    reader = archive_content.owner_reader(service_user)
    buffer = io.BytesIO()
    with translation.override(outbox.language_of(service_user)), \
            zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("LES-MEG.txt", readme_text(service_user, made_at))
        archive.writestr("alt-om-meg.pdf", ArchiveRenderer(reader, service_user, made_at).generate())
        bundle = everything_bundle(reader, service_user, bundle_type="collection")
        with archive.open("fhir-bundle.json", "w") as raw, io.TextIOWrapper(raw, encoding="utf-8") as out:
            json.dump(bundle, out, ensure_ascii=False, indent=2)
        with archive.open("annet.json", "w") as raw, io.TextIOWrapper(raw, encoding="utf-8") as out:
            archive_content.write_other_json(out, reader, service_user, made_at)
    return buffer.getvalue()


def _claim(now: datetime.datetime) -> DataArchive | None:
    """The oldest waiting request, marked as being built (with history), or ``None``. On PostgreSQL a row another
    run has claimed but not committed is skipped (``skip_locked``); on SQLite writes are one at a time anyway."""
    with transaction.atomic():
        qs = DataArchive.objects.listing().filter(state=State.REQUESTED).order_by("requested_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True, of=("self",))
        archive = qs.select_related("service_user", "requested_by").first()
        if archive is None:
            return None
        archive.state = State.BUILDING
        archive.build_started_at = now
        save_with_history(archive, None, gettext_lazy("Lages"), update_fields=["state", "build_started_at"])
        return archive


def _reclaim_stale(now: datetime.datetime) -> int:
    """Builds that have been «building» longer than ``STALE_AFTER`` (their run died) are asked for again."""
    stale = list(
        DataArchive.objects.listing().filter(state=State.BUILDING, build_started_at__lt=now - STALE_AFTER)
        .order_by("pk")
    )
    for archive in stale:
        archive.state = State.REQUESTED
        save_with_history(archive, None, gettext_lazy("Bestilt på nytt: forrige forsøk ble ikke ferdig"),
                          update_fields=["state"])
    return len(stale)


def build_one(archive: DataArchive, now: datetime.datetime | None = None) -> DataArchive:
    """Build a claimed archive (``building``) and tell the one who asked. A failure marks it ``failed`` and tells
    them that instead; what went wrong is logged for the operator without any of the content."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            content = build_zip(archive.service_user, now)
            archive.content = content
            archive.size = len(content)
            archive.state = State.READY
            archive.built_at = now
            archive.expires_at = now + datetime.timedelta(days=keep_days())
            save_with_history(archive, None, gettext_lazy("Klar til nedlasting"),
                              update_fields=["content", "size", "state", "built_at", "expires_at"])
            _tell_ready(archive)
            _empty_older(archive, now)
    except Exception as error:  # noqa: BLE001 - one broken archive must not stop the others
        # Where it failed, not what it said: an error's message may quote the person's data.
        logger.error("Arkiv %s: bygging feilet (%s)\n%s", archive.pk, type(error).__name__,
                     "".join(traceback.format_tb(error.__traceback__)))
        with transaction.atomic():
            archive.content = None
            archive.size = 0
            archive.state = State.FAILED
            archive.failed_at = now
            archive.failure = type(error).__name__[:200]
            save_with_history(archive, None, gettext_lazy("Feilet"),
                              update_fields=["content", "size", "state", "failed_at", "failure"])
            _tell_failed(archive)
    return archive


def build_requested(now: datetime.datetime | None = None, *, limit: int = BUILDS_PER_RUN) -> int:
    """Build what is asked for, oldest first, at most ``limit``. Returns how many were built (or failed)."""
    now = now or timezone.now()
    _reclaim_stale(now)
    done = 0
    while done < limit:
        archive = _claim(now)
        if archive is None:
            break
        build_one(archive, now)
        done += 1
    return done


def _empty_older(archive: DataArchive, now: datetime.datetime) -> None:
    """A new archive replaces the person's earlier ready one asked for the same way: that one is emptied now."""
    older = list(
        DataArchive.objects.listing()
        .filter(service_user_id=archive.service_user_id, on_paper=archive.on_paper, state=State.READY)
        .exclude(pk=archive.pk)
    )
    for old in older:
        _empty(old, now, gettext_lazy("Slettet: erstattet av et nyere arkiv"))


def _empty(archive: DataArchive, now: datetime.datetime, reason) -> None:
    archive.content = None
    archive.state = State.EXPIRED
    archive.expired_at = now
    save_with_history(archive, None, reason, update_fields=["content", "state", "expired_at"])


def expire_due(now: datetime.datetime | None = None) -> int:
    """Empty the archives whose download period has passed. Returns how many."""
    now = now or timezone.now()
    due = list(DataArchive.objects.listing().filter(state=State.READY, expires_at__lte=now).order_by("pk"))
    for archive in due:
        with transaction.atomic():
            _empty(archive, now, gettext_lazy("Slettet etter fristen"))
    return len(due)


@register_reminder("alt om meg")
def archive_work(now: datetime.datetime) -> int:
    """``run_reminders``: build what is asked for, and empty what has passed its download period. Two queries when
    there is nothing to do."""
    return build_requested(now) + expire_due(now)


# --- telling the one who asked -------------------------------------------------------------------------------


def _site(path: str) -> str:
    return getattr(settings, "SITE_URL", "").rstrip("/") + path


def _owner_ready_words(archive: DataArchive) -> tuple[str, str]:
    """Nothing personal: an SMS or an e-mail may be read by someone else. Composed in the recipient's language."""
    subject = _("Arkivet ditt er klart")
    body = _("Arkivet med alt vi har lagret om deg er klart. Du kan laste det ned på Min side til %(date)s: "
             "%(link)s") % {"date": no_date(timezone.localtime(archive.expires_at).date()),
                            "link": _site(reverse("my_archive"))}
    return subject, body


def _owner_failed_words(archive: DataArchive) -> tuple[str, str]:
    subject = _("Vi fikk ikke laget arkivet ditt")
    body = _("Vi fikk ikke laget arkivet med alt vi har lagret om deg. Be om det på nytt på Min side, eller si fra "
             "til kontaktpersonen din: %(link)s") % {"link": _site(reverse("my_archive"))}
    return subject, body


def _staff_words(archive: DataArchive, *, ready: bool) -> tuple[str, str]:
    name = archive.service_user.full_name
    link = _site(reverse("person_archive", args=[archive.service_user_id]))
    if ready:
        return (
            _("Alt om %(name)s er klart") % {"name": name},
            _("Arkivet med alt om %(name)s, som du bestilte fordi personen ba om det, er klart. Du kan laste det ned "
              "til %(date)s: %(link)s") % {
                "name": name, "date": no_date(timezone.localtime(archive.expires_at).date()), "link": link},
        )
    return (
        _("Alt om %(name)s: noe gikk galt") % {"name": name},
        _("Vi fikk ikke laget arkivet med alt om %(name)s. Bestill det på nytt: %(link)s") % {
            "name": name, "link": link},
    )


def _tell_ready(archive: DataArchive) -> None:
    key = f"archive:{archive.pk}:ready"
    if archive.on_paper:
        outbox.notify(archive.requested_by, words=partial(_staff_words, archive, ready=True), about=archive,
                      channel=outbox.Channel.IN_APP, dedupe_key=key)
    else:
        outbox.notify(archive.service_user, words=partial(_owner_ready_words, archive), about=archive,
                      dedupe_key=key)


def _tell_failed(archive: DataArchive) -> None:
    key = f"archive:{archive.pk}:failed"
    if archive.on_paper:
        outbox.notify(archive.requested_by, words=partial(_staff_words, archive, ready=False), about=archive,
                      channel=outbox.Channel.IN_APP, dedupe_key=key)
    else:
        outbox.notify(archive.service_user, words=partial(_owner_failed_words, archive), about=archive,
                      dedupe_key=key)


# --- downloading it --------------------------------------------------------------------------------------------


def download(actor: User, archive: DataArchive) -> bytes:
    """The zip, for someone the gate shows the archive to (the caller has checked that). Not ready, emptied or
    failed: ``ServiceError`` with what to do. Each download is a history row on the archive (who, when), and a
    download by anyone but the owner goes to the person's access log."""
    with transaction.atomic():
        locked = DataArchive.objects.select_for_update().filter(pk=archive.pk).first()
        now = timezone.now()
        problem = _why_not(actor, locked)
        if problem is None and locked.expires_at <= now:
            # Its time is up, and run_reminders has not emptied it yet: it is emptied now (that is kept), not handed
            # out.
            _empty(locked, now, gettext_lazy("Slettet etter fristen"))
            problem = "expired"
        if problem is None:
            locked.downloads += 1
            locked.last_downloaded_at = now
            locked.last_downloaded_by = actor
            save_with_history(locked, actor, gettext_lazy("Lastet ned"),
                              update_fields=["downloads", "last_downloaded_at", "last_downloaded_by"])
            access.record_access(actor, [locked.service_user_id], DOWNLOAD_READ, AccessEvent.Channel.WEB)
            content = bytes(locked.content)
    if problem is not None:
        raise ServiceError(str(MESSAGES[problem]))
    return content


def _why_not(actor: User, archive: DataArchive | None) -> str | None:
    """Why ``archive`` cannot be handed to ``actor`` now (a key of ``MESSAGES``), or ``None``."""
    if archive is None or not DataArchive.objects.for_user(actor).filter(pk=archive.pk).exists():
        return "not_yours"
    if archive.state == State.EXPIRED:
        return "expired"
    if archive.state == State.FAILED:
        return "failed"
    if archive.state != State.READY or archive.content is None:
        return "not_ready"
    return None
