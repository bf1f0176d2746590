"""``manage.py benchmark``: every main page, PDF and API endpoint per role against a floor (bench/README.md)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bench.benchmark import Options, report, run
from bench.benchmark import targets as t
from bench.benchmark.history import DEFAULT_SCALE

RESULTS = Path(__file__).resolve().parents[2] / "results"


class Command(BaseCommand):
    help = (
        "Måler sidene, PDF-ene og API-et for hver demorolle mot et gulv (en tom side med samme mal), i runder "
        "om hverandre, og kommandoene run_reminders og send_notifications. Skriver <label>.json og <label>.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--label", default="demo", help="Navn på resultatet (filnavn), f.eks. demo-postgresql.")
        parser.add_argument("--out", default=str(RESULTS), help="Mappen resultatene skrives til.")
        parser.add_argument("--rounds", type=int, default=20, help="Målte runder (hver adresse én gang per runde).")
        parser.add_argument("--warmup", type=int, default=3, help="Oppvarmingsrunder som ikke telles.")
        parser.add_argument("--seed", type=int, default=11, help="Frø for rekkefølgen i hver runde.")
        parser.add_argument("--roles", default=",".join(t.ROLES), help="Rollene som måles, kommaseparert.")
        parser.add_argument("--compare", help="Et tidligere resultat (JSON) å sammenligne med, f.eks. demo-størrelsen.")
        parser.add_argument("--command-rounds", type=int, default=5, help="Kjøringer per kommandomåling.")
        parser.add_argument("--items", type=int, default=20, help="Antall saker som gjøres klare per kommandomåling.")
        parser.add_argument("--no-commands", action="store_true", help="Mål bare sidene og API-et.")
        parser.add_argument("--history-scale", type=int, default=DEFAULT_SCALE,
                            help="Hvor mye lenger historikk Kari får for målingen av FHIR $everything (0: ingen).")

    def handle(self, *args, **o):
        roles = tuple(role.strip() for role in o["roles"].split(",") if role.strip())
        unknown = [role for role in roles if role not in t.ROLES]
        if unknown or not roles:
            raise CommandError(f"Ukjente roller: {', '.join(unknown)}. Velg blant {', '.join(t.ROLES)}.")
        if o["rounds"] < 1 or o["warmup"] < 0 or o["command_rounds"] < 1 or o["items"] < 1:
            raise CommandError("--rounds, --command-rounds og --items må være minst 1, --warmup minst 0.")
        if o["history_scale"] < 0:
            raise CommandError("--history-scale må være 0 eller mer.")
        base = None
        if o["compare"]:
            try:
                base = json.loads(Path(o["compare"]).read_text())
            except (OSError, ValueError) as exc:
                raise CommandError(f"Kan ikke lese {o['compare']}: {exc}") from exc
        options = Options(
            label=o["label"], rounds=o["rounds"], warmup=o["warmup"], seed=o["seed"], roles=roles,
            command_rounds=o["command_rounds"], items=o["items"], with_commands=not o["no_commands"], base=base,
            history_scale=o["history_scale"],
        )
        try:
            result = run(options, progress=self._progress if o["verbosity"] > 0 else (lambda line: None))
        except t.SetupError as exc:
            raise CommandError(str(exc)) from exc
        json_path, md_path = report.write(result, Path(o["out"]))
        self.stdout.write(report.markdown(result))
        self.stderr.write(f"Skrev {json_path} og {md_path}")
        if result["errors"]:
            raise CommandError(f"{len(result['errors'])} adresser svarte ikke 200 (se «Errors» i {md_path}).")

    def _progress(self, line: str) -> None:
        self.stderr.write(line)
