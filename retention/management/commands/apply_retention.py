"""Remove or anonymise the personal data that has passed its retention period (``retention.engine``). For cron, once
a night; safe to run again (a second run finds nothing) and to stop (the next run goes on where it stopped).

``--dry-run`` lists what would go (per case: its number, the day it ended, the kinds and how many rows; never content
or names) and changes nothing but its own record of the run."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from retention import engine


class Command(BaseCommand):
    help = ("Sletter eller anonymiserer personopplysninger som har passert oppbevaringstiden, med historikken. "
            "--dry-run viser hva som ville gått, uten å endre noe.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true",
                            help="Vis hva som ville blitt slettet (saksnummer, dato, hva og hvor mange rader), "
                                 "uten å slette noe.")

    def handle(self, *args, **options):
        dry = options["dry_run"]
        run = engine.run(dry_run=dry, emit=lambda line: self.stdout.write(line))
        counts = run.counts
        rows = sum(kind["rows"] for kind in counts.get("total", {}).values())
        history = sum(kind["history"] for kind in counts.get("total", {}).values())
        if dry:
            self.stdout.write(f"Prøvekjøring: {counts.get('cases', 0)} saker og {counts.get('persons', 0)} personer; "
                              f"{rows} rader og {history} historikkrader ville blitt slettet eller anonymisert. "
                              "Ingenting er endret.")
        else:
            self.stdout.write(f"Ferdig: {counts.get('cases', 0)} saker og {counts.get('persons', 0)} personer; "
                              f"{rows} rader og {history} historikkrader slettet eller anonymisert.")
