"""``manage.py reset_second_factor <username>``: for someone who has lost both the phone and the recovery codes.

Removes the person's authenticator app and recovery codes (django-otp's devices are not in the admin: their pages
show the keys). At the next log-in with the password, an account that must have a second factor sets one up again;
a service user logs in with the password alone until they turn it on again.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from koordinator.models import User


class Command(BaseCommand):
    help = "Fjerner autentiseringsappen og reservekodene til en bruker som har mistet begge."

    def add_arguments(self, parser):
        parser.add_argument("username", help="brukernavnet")

    def handle(self, *args, username: str, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError("Finner ingen konto med det brukernavnet.")
        with transaction.atomic():
            apps, _ = TOTPDevice.objects.filter(user=user).delete()
            StaticDevice.objects.filter(user=user).delete()
        if apps:
            self.stdout.write(
                "Innlogging med to faktorer er nullstilt. Neste innlogging setter den opp på nytt."
            )
        else:
            self.stdout.write("Kontoen hadde ingen autentiseringsapp. Ingenting endret.")
