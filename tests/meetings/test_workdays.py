"""An action item's default deadline is a working day (issue 12, item 9): two weeks on, or the working day after."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from koordinator.timeutil import at
from meetings.forms import ActionItemForm

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("today, due", [
    (datetime.date(2026, 11, 25), datetime.date(2026, 12, 9)),  # a Wednesday: two weeks on, a Wednesday
    (datetime.date(2026, 12, 5), datetime.date(2026, 12, 21)),  # a Saturday: two weeks on is a Saturday -> Monday
    (datetime.date(2026, 12, 11), datetime.date(2026, 12, 28)),  # two weeks on is Christmas Day, then a weekend
])
def test_the_default_deadline_is_a_working_day(group, today, due):
    with time_machine.travel(at(today, 23, 55), tick=False):
        assert ActionItemForm(group=group).initial["due_on"] == due
