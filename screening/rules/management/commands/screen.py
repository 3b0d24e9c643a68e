import datetime
import json
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from screening import engine
from screening.accounts.models import Clinic
from screening.engine.cleaning import shown_name as shown
from screening.rules.services import NoSuchRuleSet, decide, published_rule_set, published_version

INVALID_INPUT = 2
EARLIEST, LATEST = engine.EARLIEST_DAY, engine.LATEST_DAY
MAX_INPUT_BYTES = 100_000_000


def read_input(file: str) -> object:
    """The JSON of `file` (or of standard input for -), through the engine's one JSON reader.

    Any problem (unreadable, not UTF-8, not JSON, too deep, too large) is a CommandError that
    exits 2 and names the file.
    """
    name = "standard input" if file == "-" else shown(file)
    try:
        if file == "-":
            stream = getattr(sys.stdin, "buffer", sys.stdin)
            data = stream.read(MAX_INPUT_BYTES + 1)
        else:
            with open(file, "rb") as handle:
                data = handle.read(MAX_INPUT_BYTES + 1)
    except OSError as error:
        raise CommandError(f"cannot read {name}: {error.strerror}", returncode=2) from None
    except UnicodeDecodeError as error:  # a text stream that is not UTF-8
        raise CommandError(
            f"{name}: is not UTF-8 text (byte {error.start + 1} cannot be read).", returncode=2
        ) from None
    try:
        return engine.read_json(data, name, max_bytes=MAX_INPUT_BYTES)
    except engine.InputProblem as problem:
        raise CommandError(str(problem), returncode=INVALID_INPUT) from None


class Command(BaseCommand):
    help = (
        "Screen an intake (a JSON object) or a JSON list of intakes against the published rule set "
        "and print the decision JSON. Saves nothing. Exits 2 on invalid input."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a JSON file, or - for standard input")
        parser.add_argument("--rule-set", type=int, dest="version", help="rule-set version")
        parser.add_argument("--on", dest="on", help="screening date YYYY-MM-DD (default today)")
        parser.add_argument(
            "--clinic", help="the clinic's name: screen with its layer over the floor as well"
        )

    def handle(self, *args, file, version=None, on=None, clinic=None, **options):
        screening_date = self.parse_date(on)
        self.set_up_embedded_database()
        rule_set = self.rule_set(version)
        clinic = self.clinic(clinic)
        data = self.read(file)
        intakes = data if isinstance(data, list) else [data]
        self.reject_invalid(intakes, many=isinstance(data, list))
        decisions = [
            decide(i, on=screening_date, rule_set=rule_set, clinic=clinic)[0] for i in intakes
        ]
        output = decisions if isinstance(data, list) else decisions[0]
        self.stdout.write(json.dumps(output, indent=2, ensure_ascii=False))

    def set_up_embedded_database(self):
        """SQLite needs no set-up: on first use, create its tables and the seeded rules."""
        if connection.vendor != "sqlite":
            return
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            call_command("migrate", verbosity=0)

    def parse_date(self, on):
        if on is None:
            return timezone.localdate()
        try:
            day = datetime.date.fromisoformat(on)
        except ValueError:
            raise CommandError(
                f"--on: '{shown(on)}' is not a date; use YYYY-MM-DD.", returncode=INVALID_INPUT
            ) from None
        if not EARLIEST <= day <= LATEST:
            raise CommandError(
                f"--on: {on} is out of range; give a date from {EARLIEST} to {LATEST}.",
                returncode=INVALID_INPUT,
            )
        return day

    def rule_set(self, version):
        try:
            return published_rule_set() if version is None else published_version(version)
        except NoSuchRuleSet as missing:
            raise CommandError(f"--rule-set: {missing}", returncode=INVALID_INPUT) from None

    def clinic(self, name):
        if name is None:
            return None
        clinic = Clinic.objects.filter(name=name).first()
        if clinic is None:
            raise CommandError(
                f"--clinic: there is no clinic called '{shown(name)}'.", returncode=INVALID_INPUT
            )
        return clinic

    def read(self, file):
        data = read_input(file)
        if not isinstance(data, (dict, list)) or (isinstance(data, list) and not data):
            raise CommandError(
                "expected an intake (a JSON object) or a non-empty JSON list of intakes.",
                returncode=INVALID_INPUT,
            )
        return data

    def reject_invalid(self, intakes, *, many):
        problems = []
        for index, intake in enumerate(intakes):
            where = f"intake {index}: " if many else ""
            if not isinstance(intake, dict):
                problems.append(f"{where}expected a JSON object")
                continue
            try:
                engine.validate_intake(intake)
            except engine.IntakeInvalid as invalid:
                problems += [f"{where}{e.field}: {e.message}" for e in invalid.errors]
        if problems:
            raise CommandError(
                "invalid intake:\n" + "\n".join(f"  {p}" for p in problems),
                returncode=INVALID_INPUT,
            )
