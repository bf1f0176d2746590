"""Deliver due notifications from the outbox. Meant for cron (``--once``) or as a long-running loop."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from koordinator.outbox.sender import send_due, worker_name


class Command(BaseCommand):
    help = "Sender varsler som er klare (SMS, e-post, i appen). Brev skrives ut fra utskriftskøen."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Én runde, så avslutt (for cron).")
        parser.add_argument("--interval", type=float, default=30.0, help="Sekunder mellom rundene i løkka.")
        parser.add_argument("--batch-size", type=int, default=100)

    def handle(self, *args, once: bool, interval: float, batch_size: int, **options):
        worker = worker_name()
        while True:
            result = send_due(batch_size=batch_size, worker=worker)
            if result.claimed or result.requeued or options["verbosity"] > 1:
                self.stdout.write(
                    f"sendt {result.sent}, prøver igjen {result.retried}, feilet {result.failed}, "
                    f"gjenopptatt {result.requeued}"
                )
            if once:
                return
            time.sleep(interval)
