"""``manage.py generate_national``: national-size data next to the demo (``bench/generate/``, bench/README.md)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from bench.generate.plan import make_plan
from bench.generate.runner import Generator, GeneratorError, duration, number


class Command(BaseCommand):
    help = (
        "Legger inn generert data i nasjonal skala ved siden av demodataene: kommuner med tjenestemottakere, saker, "
        "kontaktlogg, planer, ansvarsgrupper, varsler og oppslag, med historikk. --scale 1 er 300 kommuner, "
        "100 000 tjenestemottakere og 10 millioner loggføringer. Kan avbrytes og kjøres igjen: ferdige kommuner "
        "hoppes over."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=0.01,
                            help="Andel av nasjonal størrelse (1 = 300 kommuner, 100 000 brukere). Standard 0.01.")
        parser.add_argument("--seed", type=int, default=1, help="Frø: samme frø gir samme data. Standard 1.")
        parser.add_argument("--municipalities", type=int, default=None,
                            help="Antall kommuner (standard: 300 × skala, minst 1). Brukerne fordeles på dem.")
        parser.add_argument("--limit-municipalities", type=int, default=None,
                            help="Stopp etter så mange kommuner i denne kjøringen (fortsett senere).")
        parser.add_argument("--plan", action="store_true", help="Vis bare hva som vil bli laget, og stopp.")

    def handle(self, *args, scale, seed, municipalities, limit_municipalities, plan, **options):
        try:
            run_plan = make_plan(seed, scale, municipalities)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        verbose = options["verbosity"] >= 1
        if verbose or plan:
            self.stdout.write(
                f"Plan (frø {seed}, skala {scale}): {len(run_plan.municipalities)} kommuner, "
                f"{number(run_plan.service_users)} tjenestemottakere, {number(run_plan.log_entries)} loggføringer."
            )
        if plan:
            for m in run_plan.municipalities:
                self.stdout.write(f"  {m.number} {m.name:28s} {m.service_users:6d} brukere {m.log_entries:9d} logg")
            return
        generator = Generator(run_plan, limit=limit_municipalities, progress_stream=self.stderr if verbose else None)
        # The generated world is Norwegian, as the demo's, whatever language happens to be active.
        with translation.override(settings.LANGUAGE_CODE):
            try:
                result = generator.run()
            except GeneratorError as exc:
                raise CommandError(str(exc)) from exc
        if not verbose:
            return
        self.stdout.write(f"Laget {len(result.built)} kommuner ({result.skipped} fantes fra før"
                          + (f", {result.remaining} gjenstår" if result.remaining else "") + ").")
        for table, count in sorted(result.counts.items()):
            self.stdout.write(f"  {count:12,d} {table}".replace(",", " "))
        self.stdout.write(f"Rader skrevet: {number(result.rows)}, av dem {number(result.history_rows)} i historikken. "
                          f"Tid: {duration(result.seconds)}.")
