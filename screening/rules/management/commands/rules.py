import json

from django.core.management.base import BaseCommand, CommandError

from screening.rules import transfer, versions
from screening.rules.management.commands.screen import read_input
from screening.rules.models import RuleSet
from screening.rules.scenarios import run_scenarios
from screening.rules.services import NoPublishedRuleSet, published_rule_set, screening_rules

INVALID_INPUT = 2


class Command(BaseCommand):
    help = (
        "Rule sets on the command line: export a version as JSON, import a file as the draft, "
        "run the scenarios, publish the draft."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="print a version (default: the one in use)")
        export.add_argument("--version", type=int, dest="number", help="rule-set version")
        imp = sub.add_parser("import", help="validate a JSON file and create the draft from it")
        imp.add_argument("file", help="a file written by export, or - for standard input")
        imp.add_argument("--note", default="", help="a note on the draft")
        scenarios = sub.add_parser("scenarios", help="run every active scenario; exit 1 on a fail")
        scenarios.add_argument("--draft", action="store_true", help="against the draft")
        sub.add_parser("discard", help="delete the draft (nothing published changes)")
        publish = sub.add_parser("publish", help="publish the draft when its scenarios pass")
        publish.add_argument("--note", required=True, help="what changed, and why")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"do_{action}")(**options)
        except NoPublishedRuleSet as error:
            raise CommandError(str(error)) from error

    def do_export(self, number=None, **options):
        if number is None:
            rule_set = published_rule_set()
        else:
            rule_set = RuleSet.objects.filter(clinic=None, version=number).first()
            if rule_set is None:
                raise CommandError(f"There is no rule set version {number}.")
        data = transfer.export_rule_set(rule_set)
        self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))

    def do_import(self, file, note="", **options):
        data = read_input(file)
        try:
            draft = transfer.import_draft(data, note=note)
        except transfer.ImportInvalid as error:
            for line in error.errors:
                self.stderr.write(line)
            raise CommandError(
                f"{len(error.errors)} problem(s); nothing was imported.", returncode=INVALID_INPUT
            ) from error
        except versions.VersionRefused as error:
            raise CommandError(str(error), returncode=INVALID_INPUT) from error
        self.stdout.write(
            f"Draft version {draft.version} created with {draft.rules.count()} rules."
        )

    def do_discard(self, **options):
        draft = versions.current_draft()
        if draft is None:
            raise CommandError("There is no draft to discard.")
        versions.discard_draft()
        self.stdout.write(f"Draft version {draft.version} was discarded.")

    def do_scenarios(self, draft=False, **options):
        rule_set = versions.current_draft() if draft else published_rule_set()
        if rule_set is None:
            raise CommandError("There is no draft.")
        results = run_scenarios(screening_rules(rule_set))
        failures = [r for r in results if not r.passed]
        for result in failures:
            self.stdout.write(f"FAIL {result.scenario.name}: {' '.join(result.reasons)}")
        self.stdout.write(
            f"v{rule_set.version}: {len(results) - len(failures)} of {len(results)} "
            "scenarios passed."
        )
        if failures:
            raise CommandError(f"{len(failures)} scenario(s) failed.")

    def do_publish(self, note, **options):
        try:
            rule_set = versions.publish_draft(user=None, note=note)
        except versions.PublishRefused as error:
            for result in error.failures:
                self.stderr.write(f"FAIL {result.scenario.name}: {' '.join(result.reasons)}")
            raise CommandError(
                f"{error} The draft is still open: fix it (or the scenarios) and publish again, "
                "or discard it with `manage.py rules discard`."
                if error.failures
                else str(error)
            ) from error
        self.stdout.write(f"Version {rule_set.version} is published and in use.")
