"""Write due reminders to the outbox. Idempotent; meant for cron every few minutes."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from koordinator.reminders import run_all


class Command(BaseCommand):
    help = "Lager påminnelser (avtaler, fravær, …) i varselkøen. Trygt å kjøre ofte: ingenting sendes to ganger."

    def handle(self, *args, **options):
        counts = run_all()
        self.stdout.write(", ".join(f"{name}: {count}" for name, count in counts.items()))
