"""manage.py audit verify: check the audit trail's hash chains (see screening/audit/chain.py)."""

import sys

from django.core.management.base import BaseCommand

from screening.audit.chain import verify


class Command(BaseCommand):
    help = "Check the audit trail: `audit verify` exits 1 at a broken link, 0 when intact."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True)
        commands.add_parser(
            "verify",
            help="Recompute every chain; print each chain's last hash, or the first broken link.",
        )

    def handle(self, *args, subcommand, **options):
        report = verify()
        for problem in report.problems:
            self.stderr.write(str(problem))
        for chain, (length, digest) in sorted(report.chains.items()):
            where = f"clinic {chain}" if chain else "no clinic"
            self.stdout.write(f"{where}: {length} events, last hash {digest}")
        if report.problems:
            broken = len(report.problems)
            self.stderr.write(f"The audit trail is broken in {broken} chain(s).")
            sys.exit(1)
        self.stdout.write(
            f"The audit trail is intact: {report.events} events in {len(report.chains)} chain(s)."
        )
