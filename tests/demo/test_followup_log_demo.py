"""The demo's follow-up log: months of realistic entries, and exactly one user quiet for three weeks."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.utils import timezone

from koordinator import followup_log
from koordinator.models import FollowUp, FollowUpEntry, User

pytestmark = pytest.mark.django_db
Kind = FollowUpEntry.Kind


def test_the_demo_log_spans_months_spreads_over_kinds_and_has_exactly_one_quiet_user():
    today = timezone.localdate()
    entries = list(FollowUpEntry.objects.select_related("follow_up", "written_by"))
    assert len(entries) > 1000

    # About five months back, nothing in the future.
    days = {timezone.localtime(e.started_at).date() for e in entries}
    assert min(days) <= today - datetime.timedelta(days=140)
    assert max(e.started_at for e in entries) <= timezone.now()

    # Every kind occurs; contacts in person outweigh phone and SMS; most contacts are outside the office.
    kinds = Counter(e.kind for e in entries)
    assert set(kinds) == set(Kind.values)
    in_person = kinds[Kind.HOME_VISIT] + kinds[Kind.CONVERSATION] + kinds[Kind.OUTREACH] + kinds[Kind.ACCOMPANIED]
    assert in_person > kinds[Kind.PHONE] + kinds[Kind.SMS]
    met = [e for e in entries if e.place]
    assert sum(1 for e in met if e.place != "Kontoret") > 0.75 * len(met)
    assert all(e.note for e in entries)

    # Written by the case's trust person, now and then someone else; each with its history row by the writer.
    assert Counter(e.written_by_id == e.follow_up.trust_person_id for e in entries)[True] > 0.85 * len(entries)
    history = FollowUpEntry.history.filter(history_type="+")
    assert history.count() == len(entries)
    assert not history.filter(history_user__isnull=True).exists()

    # Exactly one quiet user, on tillit1's list, with no entry at all for 21 days.
    [(case, quiet)] = followup_log.quiet_cases(today)
    assert case.trust_person.username == "tillit1" and case.status == FollowUp.Status.ACTIVE
    assert quiet.days == 21
    latest = FollowUpEntry.objects.filter(follow_up=case).latest("started_at")
    assert timezone.localtime(latest.started_at).date() == today - datetime.timedelta(days=21)

    # Kari (bruker1) reads a recent log in plain words, and the last one names NAV.
    kari = User.objects.get(username="bruker1")
    mine = list(followup_log.entries_about_me(kari)[:3])
    assert mine[0].kind == Kind.ACCOMPANIED and mine[0].service.name == "NAV Lerkendal"
    # A second run adds nothing: tests/demo/test_seed_demo.py counts every table before and after.
