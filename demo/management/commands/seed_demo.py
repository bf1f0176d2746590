"""``manage.py seed_demo``: load the demo data (``demo/``). Safe to run again: it changes nothing."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

import demo
from demo import core


class Command(BaseCommand):
    help = (
        "Legger inn demodata: Trondheim kommune med Oppfølgingstjenesten Øst, samarbeidspartnere, "
        "om lag 60 brukere og Malvik kommune. Kan kjøres flere ganger uten å endre noe."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Kjør selv om DEBUG er av (ikke gjør dette i en ekte database med ekte brukere).",
        )

    def handle(self, *args, force: bool = False, **options):
        # Demo accounts share a known password: they must never appear in production by accident.
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo legger inn brukere med et kjent passord og kjører bare med DEBUG=1. "
                "Bruk --force hvis du virkelig vil legge demodata i denne databasen."
            )
        # The demo world is Norwegian, its messages included, whatever language happens to be active.
        with translation.override(settings.LANGUAGE_CODE):
            demo.load_sections()
            summary = core.DemoBuilder().build()
        if options["verbosity"] < 1:
            return
        if summary.created:
            self.stdout.write("Demodata lagt inn:")
            for name, count in sorted(summary.created.items()):
                self.stdout.write(f"  {count:4d} {name}")
        else:
            self.stdout.write("Demodata finnes allerede; ingenting ble endret.")
        self.stdout.write("")
        self.stdout.write(f"Innlogging (passord for alle: {core.PASSWORD}):")
        for login in core.all_logins():
            self.stdout.write(f"  {login.username:14s} {login.what}")
        waiting = core.waiting_to_be_sent()
        if waiting:
            self.stdout.write("")
            self.stdout.write(
                f"{waiting} varsler på SMS og e-post venter i utboksen. Send dem med "
                "`manage.py send_notifications --once` (i utvikling skrives de ut i terminalen)."
            )
