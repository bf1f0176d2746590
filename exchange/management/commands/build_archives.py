"""Build the archives people have asked for («Last ned alt om meg»), and empty those past their download period.

``run_reminders`` (on cron) does the same every few minutes; this command is for a worker of its own: ``--once``
builds what waits and stops (for cron or by hand); without it, it looks again every ``--interval`` seconds until
stopped. Two workers never build the same archive (``exchange.archive``: a request is claimed first).
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from exchange import archive


class Command(BaseCommand):
    help = "Lager arkivene («Last ned alt om meg») som er bestilt, og sletter dem som har passert fristen."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Lag det som venter, og stopp.")
        parser.add_argument("--interval", type=int, default=30,
                            help="Sekunder mellom hver gang det ses etter nye bestillinger (uten --once).")

    def handle(self, *args, once: bool = False, interval: int = 30, **options):
        while True:
            built = archive.build_requested()
            emptied = archive.expire_due()
            if once or built or emptied:
                self.stdout.write(f"Laget: {built}, slettet etter fristen: {emptied}")
            if once:
                return
            if not built:
                time.sleep(max(interval, 1))
