from django.core.management.base import BaseCommand, CommandError

from screening.accounts.models import Clinic
from screening.api.keys import KeyProblem, create_key, parse_scopes, revoke_key
from screening.api.models import ApiKey, Scope


class Command(BaseCommand):
    help = "Create, list and revoke clinic API keys. A new key is printed once, on the last line."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="make a key and print it (shown once)")
        create.add_argument("--clinic", required=True, help="the clinic's name")
        create.add_argument("--name", required=True, help="the key's label, unique in the clinic")
        create.add_argument(
            "--scopes", default=",".join(Scope.values), help="comma-separated; default all"
        )
        listing = actions.add_parser("list", help="list keys (never the keys themselves)")
        listing.add_argument("--clinic", help="only this clinic's keys")
        revoke = actions.add_parser("revoke", help="revoke a key: it answers 401 from now on")
        revoke.add_argument("label")
        revoke.add_argument("--clinic", required=True, help="the clinic's name")

    def handle(self, *args, action, **options):
        getattr(self, action)(**options)

    def clinic(self, name):
        clinic = Clinic.objects.filter(name=name).first()
        if clinic is None:
            raise CommandError(f"--clinic: no clinic named '{name}'.")
        return clinic

    def create(self, *, clinic, name, scopes, **options):
        clinic = self.clinic(clinic)
        try:
            api_key, key = create_key(clinic=clinic, label=name, scopes=parse_scopes(scopes))
        except KeyProblem as problem:
            raise CommandError(str(problem)) from None
        self.stdout.write(
            f"Key '{api_key.label}' for {clinic} (scopes: {', '.join(api_key.scopes)}). "
            "It is shown once: keep it now."
        )
        self.stdout.write(key)

    def list(self, *, clinic=None, **options):
        keys = ApiKey.objects.select_related("clinic").order_by("clinic__name", "label")
        if clinic:
            keys = keys.for_clinic(self.clinic(clinic))
        for api_key in keys:
            used = (
                api_key.last_used_at.isoformat(timespec="seconds")
                if api_key.last_used_at
                else "never"
            )
            state = f"revoked {api_key.revoked_at:%Y-%m-%d}" if api_key.revoked_at else "active"
            self.stdout.write(
                f"{api_key.clinic}\t{api_key.label}\t{','.join(api_key.scopes)}\t"
                f"msk_{api_key.prefix}_…\tlast used {used}\t{state}"
            )

    def revoke(self, *, label, clinic, **options):
        clinic = self.clinic(clinic)
        api_key = ApiKey.objects.for_clinic(clinic).filter(label=label).first()
        if api_key is None:
            raise CommandError(f"{clinic} has no key labelled '{label}'.")
        revoke_key(api_key)
        self.stdout.write(f"Revoked key '{label}' of {clinic}.")
