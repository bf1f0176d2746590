"""Send the anonymous feedback's link by SMS to the active users of one or every follow-up unit (the same as
the leader's «Send lenke på SMS»), once per half-year per unit: a unit that already had it this half-year is
skipped. Prints counts per unit, never a person."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from koordinator.models import Organisation
from koordinator.services import ServiceError
from outcomes import feedback


class Command(BaseCommand):
    help = (
        "Sender lenken til de anonyme spørsmålene på SMS til brukerne med aktiv oppfølging i en enhet "
        "(--unit ID, kan gjentas) eller i alle oppfølgingstjenester (--all). Én gang per halvår per enhet."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--unit", type=int, action="append", default=[], help="Enhetens id (kan gjentas)."
        )
        parser.add_argument("--all", action="store_true", help="Alle aktive oppfølgingstjenester.")

    def handle(self, *args, **options):
        units = Organisation.objects.filter(kind=Organisation.Kind.FOLLOW_UP_SERVICE, is_active=True)
        if options["all"]:
            units = list(units.order_by("name", "pk"))
        elif options["unit"]:
            units = list(units.filter(pk__in=options["unit"]).order_by("name", "pk"))
            missing = set(options["unit"]) - {unit.pk for unit in units}
            if missing:
                raise CommandError(
                    f"Finner ingen aktiv oppfølgingstjeneste med id {', '.join(map(str, sorted(missing)))}."
                )
        else:
            raise CommandError("Oppgi --unit ID eller --all.")
        for unit in units:
            try:
                sent = feedback.send_links(None, unit)
            except ServiceError as error:
                self.stdout.write(f"{unit.name}: {error.message}")
            else:
                self.stdout.write(f"{unit.name}: {sent} SMS")
