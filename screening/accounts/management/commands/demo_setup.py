import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from screening.accounts.models import Clinic, Membership, Role

DEMO_CLINIC = "Demo Clinic"
DEMO_USERS = {
    "demo_practitioner": Role.PRACTITIONER,
    "demo_records": Role.RECORDS_KEEPER,
    "demo_rules": Role.RULES_ADMIN,
    "demo_director": Role.MEDICAL_DIRECTOR,
}


class Command(BaseCommand):
    help = "Create the demo clinic with one user per role. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Give the demo users new passwords and print them.",
        )

    @transaction.atomic
    def handle(self, *args, reset_passwords=False, **options):
        clinic, _ = Clinic.objects.get_or_create(name=DEMO_CLINIC)
        User = get_user_model()
        printed = []
        for username, role in DEMO_USERS.items():
            user, created = User.objects.get_or_create(username=username)
            if created or reset_passwords:
                password = secrets.token_urlsafe(12)  # 16 characters: passwords need 12
                user.set_password(password)
                user.save()
                printed.append((username, role, password))
            # The demo medical director approves the clinic's rules and the safety floor.
            approves_floor = role == Role.MEDICAL_DIRECTOR
            Membership.objects.update_or_create(
                user=user,
                defaults={"clinic": clinic, "role": role, "approves_floor": approves_floor},
            )
        if printed:
            self.stdout.write(f"Demo logins for {DEMO_CLINIC} (shown once; keep them):")
            for username, role, password in printed:
                self.stdout.write(f"  {username:<20} {password:<16} {role.label}")
        else:
            self.stdout.write(
                "Demo users already exist; their passwords were printed when they were created. "
                "For new ones: DEBUG=true .venv/bin/python manage.py demo_setup --reset-passwords"
            )
