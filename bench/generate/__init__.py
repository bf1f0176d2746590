"""The national-size data generator (issue 11): ``manage.py generate_national --scale 0.01 --seed 1``.

It adds generated municipalities next to the demo (``manage.py seed_demo`` first), each with its units, leaders,
trust persons, partner services, service users, cases in every status, consents, the follow-up log, plans,
crisis plans, responsibility groups with meetings and minutes, appointments, absences, notifications and access
events, with their history rows. ``--scale 1`` is the national size: 300 municipalities, 100,000 service users,
10 million log entries and about 30 million history rows. See ``bench/README.md``.

* :mod:`bench.generate.plan` — how many municipalities, their names and sizes, from the seed and the scale;
* :mod:`bench.generate.writer` — bulk writes (``COPY`` on PostgreSQL), ids in blocks, history rows;
* :mod:`bench.generate.people`, :mod:`~bench.generate.cases`, :mod:`~bench.generate.plans`,
  :mod:`~bench.generate.meetings`, :mod:`~bench.generate.log`, :mod:`~bench.generate.events` — what each
  municipality holds;
* :mod:`bench.generate.runner` — one transaction per municipality, resuming, the progress line.

Nothing generated points at the demo's people or services, so the demo's pages show the same as before: the
benchmark compares them at demo size and at generated size.
"""
