"""Demo data for the messages between a user and their case's staff (issue 16), called from ``DemoBuilder.build`` in
``demo/core.py`` after the other sections.

What it makes
-------------
A thread for **bruker1** (Kari Nordmann) and her trust person **tillit1** over the last five days: a reminder from
tillit1 and Kari's thanks, a letter from Husbanken Kari does not understand and tillit1's answer, a message Kari took
back before it was read («Meldingen ble trukket tilbake»), and yesterday's message from Kari that nobody has read yet,
so tillit1's *Min arbeidsliste* shows «Nye meldinger», the case page «Meldinger (1 ny)», and tillit1 has its alert
under the bell. Kari's Min side shows the thread's newest messages.

Each message is written with its history as it happened: the history row of the writing dated when it was sent and
naming the writer, another when it was read, or taken back, naming who did it. Dates are relative to the day the
demo is seeded (days ago, at fixed times of day, never later than yesterday). A rerun adds nothing: a case with any
message keeps its thread.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.urls import reverse

from koordinator import outbox
from koordinator.models import FollowUp, Notification
from koordinator.timeutil import at
from reach.models import Message

if TYPE_CHECKING:  # pragma: no cover
    from demo.core import DemoBuilder

# (days ago, hour, minute, from Kari, words, read: (days ago, hour, minute) or None, taken back after minutes)
THREAD = [
    (5, 14, 10, False, "Hei Kari! Husk at vi skal til NAV på torsdag klokka 10. Jeg henter deg halv ti.",
     (5, 18, 2), None),
    (5, 18, 5, True, "Takk for at du minner meg på det. Jeg skal være klar.", (4, 8, 15), None),
    (2, 11, 20, True, "Jeg har fått et brev fra Husbanken som jeg ikke skjønner. Kan vi se på det sammen?",
     (2, 12, 40), None),
    (2, 12, 42, False, "Ja, ta det med deg, så ser vi på det etter at vi har vært hos NAV.", (2, 15, 0), None),
    (1, 16, 30, True, "Kan du ringe meg i kveld?", None, 4),
    (1, 16, 41, True, "Glem det, jeg fikk ordnet det selv. Det gikk fint hos NAV. Tusen takk for hjelpen!", None,
     None),
]


def add_messages(builder: DemoBuilder) -> None:
    case = (FollowUp.objects.select_related("service_user", "trust_person")
            .filter(service_user__user__username="bruker1").order_by("-started_on", "-pk").first())
    if case is None or Message.objects.filter(case=case).exists():
        return
    kari = builder.users["bruker1"]
    staff = case.trust_person

    def moment(days: int, hour: int, minute: int) -> datetime.datetime:
        return at(builder.today - datetime.timedelta(days=days), hour, minute)

    last = None
    for days, hour, minute, from_kari, words, read, taken_back in THREAD:
        writer = kari if from_kari else staff
        sent = moment(days, hour, minute)
        message = Message(case=case, service_user=case.service_user, from_service_user=from_kari, author=writer,
                          body=words, via=Message.Via.WEB, sent_at=sent)
        _save(message, writer, sent, "Melding fra brukeren" if from_kari else "Melding til brukeren")
        if read is not None:
            message.read_at = moment(*read)
            message.read_by = staff if from_kari else kari
            _save(message, message.read_by, message.read_at, "Lest")
        if taken_back is not None:
            message.withdrawn_at = sent + datetime.timedelta(minutes=taken_back)
            _save(message, writer, message.withdrawn_at, "Trukket tilbake av den som skrev")
        builder.summary.count(Message)
        last = message
    # The alert of the unread message, under tillit1's bell (as reach.messages writes it, in the app).
    name = case.service_user.full_name
    link = reverse("reach_case_messages", args=[case.pk])
    notification = outbox.build(
        staff,
        f"Ny melding fra {name}",
        f"{name} har skrevet en melding.\n{link}",
        about=last,
        channel=outbox.Channel.IN_APP,
        due_at=last.sent_at,
        dedupe_key=f"reach:message:{last.pk}:u{staff.pk}:in_app",
    )
    notification._history_user = builder.system
    notification._change_reason = "Demodata"
    notification.save()
    builder.summary.count(Notification)


def _save(message: Message, user, when: datetime.datetime, reason: str) -> None:
    message._history_user = user
    message._history_date = when
    message._change_reason = reason
    message.save()
