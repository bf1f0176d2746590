"""The system check that refuses to start with a retention setting that would delete open cases.

Django runs the system checks before every management command (``migrate`` in the release step, ``runserver``,
``run_reminders``, ``send_notifications``, ``apply_retention``) and ``manage.py check``; an Error stops it. A period
that is missing, unreadable, zero or negative, or shorter than the open-door period (``retention.periods``) is an
Error with the setting's name, its value and what to write instead.
"""

from __future__ import annotations

from django.core import checks

from retention import periods

WHY = {
    "missing": ("retention.E001", "{env} is not set (RETENTION_PERIODS has no «{key}»)."),
    "format": ("retention.E002", "{env}={value!r} is not a period: write years as «10y» or days as «3650d»."),
    "not_positive": ("retention.E003", "{env}={value!r} would delete the data of open cases: a period must be "
                                       "longer than zero."),
    "shorter_than_open_door": (
        "retention.E004",
        "{env}={value!r} is shorter than the open-door period ({months} months after a case ends, up to {days} "
        "days): it would delete cases the user may still come back to.",
    ),
}


@checks.register()
def retention_periods(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    values = periods.configured()
    errors = []
    for key, problem in periods.problems(values):
        code, text = WHY[problem]
        env = periods.ENV.get(key, f"RETENTION_PERIODS[{key!r}]")
        errors.append(checks.Error(
            text.format(env=env, key=key, value=values.get(key), months=periods.OPEN_DOOR_MONTHS,
                        days=periods.OPEN_DOOR_MAX_DAYS),
            hint=(f"Set {env} to a positive period such as 90d; see README, «Retention»."
                  if key in periods.OWN_DATE_KEYS else
                  f"Set {env} to at least {periods.OPEN_DOOR_MAX_DAYS}d (the default is 10y); see README, "
                  "«Retention»."),
            id=code,
        ))
    return errors
