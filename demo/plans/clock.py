"""Dating things back: ``Clock`` dates the history rows (and notifications) an event writes to the event's
moment, ``correct`` sets a date a service only takes as today or later on the row and its history row, and
``settle_messages`` keeps this week's in-app messages dated to their event and removes the older ones. The
meetings' demo uses all three.
"""

from __future__ import annotations

import datetime
import threading

from django.db.models.signals import post_init
from django.utils import timezone
from simple_history.signals import pre_create_historical_record

from demo.core import DemoBuilder
from demo.plans.shapes import PLAN_MODELS
from koordinator.models import Notification

# In-app messages from events this recent stay under the bell; older messages were delivered back then.
KEEP_MESSAGES_DAYS = 7


# --- dating things back ---------------------------------------------------------------------------------------


class Clock:
    """Dates the history rows an event writes to the event's moment (simple-history's documented hook).

    ``models``: whose history rows (and the notifications') it dates; other demo sections pass their own
    (``demo/meetings/``), with their own ``uid``.
    """

    def __init__(self, models=PLAN_MODELS, uid: str = "plans-demo-clock") -> None:
        self.moment: datetime.datetime | None = None
        self.thread = threading.get_ident()
        self.senders = {model.history.model for model in models} | {Notification.history.model}
        self.uid = uid

    def __call__(self, sender, history_instance, **kwargs) -> None:
        if self.moment is not None and sender in self.senders and threading.get_ident() == self.thread:
            history_instance.history_date = self.moment

    def date_bulk(self, sender, instance, **kwargs) -> None:
        """Notifications written in bulk (``outbox.notify_many``) get no signal: simple-history takes their
        history date from ``_history_date``, set here as they are made."""
        if self.moment is not None and threading.get_ident() == self.thread:
            instance._history_date = self.moment

    def __enter__(self) -> Clock:
        pre_create_historical_record.connect(self, weak=False, dispatch_uid=self.uid)
        post_init.connect(self.date_bulk, sender=Notification, weak=False, dispatch_uid=self.uid)
        return self

    def __exit__(self, *exc) -> None:
        pre_create_historical_record.disconnect(dispatch_uid=self.uid)
        post_init.disconnect(sender=Notification, dispatch_uid=self.uid)
        self.moment = None


def correct(obj, **values) -> None:
    """Set dates the service would only take as today or later: on the row and the history row just written."""
    model = type(obj)
    model._default_manager.filter(pk=obj.pk).update(**values)
    last = (
        model.history.filter(id=obj.pk).order_by("-history_id").values_list("history_id", flat=True).first()
    )
    model.history.filter(history_id=last).update(**values)


def settle_messages(builder: DemoBuilder, after_pk: int) -> None:
    """The notifications written since ``after_pk``: this week's in-app ones are kept and dated to their event
    (their history date, set by :class:`Clock`); the rest were delivered back then and are removed."""
    written = list(Notification.objects.filter(pk__gt=after_pk).values_list("pk", "channel"))
    if not written:
        return
    when = dict(
        Notification.history.filter(id__in=[pk for pk, _ in written], history_type="+").values_list(
            "id", "history_date"
        )
    )
    cutoff = timezone.now() - datetime.timedelta(days=KEEP_MESSAGES_DAYS)
    keep = [
        pk
        for pk, channel in written
        if channel == Notification.Channel.IN_APP and pk in when and when[pk] >= cutoff
    ]
    drop = [pk for pk, _ in written if pk not in keep]
    Notification.history.filter(id__in=drop).delete()
    Notification.objects.filter(pk__in=drop).delete()
    for pk in keep:
        Notification.objects.filter(pk=pk).update(due_at=when[pk], created_at=when[pk])
        Notification.history.filter(id=pk).update(due_at=when[pk], created_at=when[pk])
        builder.summary.count(Notification)
