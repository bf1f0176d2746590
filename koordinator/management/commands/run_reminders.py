"""Write due reminders to the outbox. Idempotent; meant for cron every few minutes, on one node or on several:
a second run started while one is going does nothing (``koordinator.reminders.single_run``)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from koordinator.reminders import run_all, single_run


class Command(BaseCommand):
    help = "Lager påminnelser (avtaler, fravær, …) i varselkøen. Trygt å kjøre ofte: ingenting sendes to ganger."

    def handle(self, *args, **options):
        with single_run() as mine:
            if not mine:
                # Another node (or an overlapping cron) is running them now; it writes what is due.
                self.stdout.write("Påminnelsene kjøres allerede et annet sted: ingenting gjort.")
                return
            counts = run_all()
        self.stdout.write(", ".join(f"{name}: {count}" for name, count in counts.items()))
