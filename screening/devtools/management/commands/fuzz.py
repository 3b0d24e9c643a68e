import logging

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import setup_test_environment


class Command(BaseCommand):
    help = (
        "Post N generated junk inputs to every page and JSON endpoint (as each role) and to the "
        "screen and rules import commands; print how many were tried and how many gave a 5xx or "
        "a traceback. Runs in one transaction that is rolled back: the database is left as it "
        "was. Needs the test extras (Hypothesis). Exits 1 when any input failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--examples", type=int, default=1000, help="inputs to try")
        parser.add_argument("--seed", type=int, help="a seed, to repeat a run")

    def handle(self, *args, examples, seed=None, **options):
        try:
            from screening.devtools import fuzzing
        except ImportError as missing:
            raise CommandError(f"{missing}: install the test extras (make install).") from None
        setup_test_environment()  # the test client's host, and no mail sent
        # 4xx answers are logged with their traceback by Django; 5xx are counted below.
        logging.getLogger("django.request").setLevel(logging.CRITICAL)
        logging.getLogger("axes").setLevel(logging.WARNING)
        logging.getLogger("django.security").setLevel(logging.CRITICAL)
        self.stdout.write(f"Fuzzing on {connection.vendor} ({connection.settings_dict['NAME']}).")
        report = fuzzing.run(examples, seed=seed)
        fuzzing.print_report(report, out=self.stdout)
        if report.failures:
            raise CommandError(f"{len(report.failures)} of {report.tried} inputs failed.")
