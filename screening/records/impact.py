"""Impact preview: what a draft would decide for past screenings.

Computed a chunk at a time (``advance``), each chunk in its own short transaction with the run's row
locked, so the progress page can drive it with plain reloads: no thread or worker to lose, two tabs
never count a chunk twice, and a restart resumes where the last chunk ended.
"""

from __future__ import annotations

import datetime
import json
import time

from django.db import transaction
from django.db.models import F, Func, TextField
from django.utils import timezone

from screening import engine
from screening.rules.models import ImpactRun, RuleSet
from screening.rules.services import ScreeningRules, published_layer, rules_of, screening_rules
from screening.rules.transfer import signature

from .models import Screening

CHUNK_SIZE = 2000
SECONDS_PER_STEP = 2.0
OWN_CHANGES_SHOWN = 500
ON = datetime.date(2026, 6, 1)
MEMO_SIZE = 100_000
ORDER = {outcome: rank for rank, outcome in enumerate(engine.OUTCOMES)}


class AnswersText(Func):
    """A stored intake as JSON text, without its "client" block where the database can drop it."""

    arity = 1
    output_field = TextField()
    template = "CAST(%(expressions)s AS text)"

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="((%(expressions)s) - 'client')::text")

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="json_remove(%(expressions)s, '$.client')"
        )


def start_run(*, rule_set: RuleSet, user, clinic) -> ImpactRun:
    """A run of a floor draft over every clinic's screenings (each with its clinic's layer in
    use), or of a layer over its clinic's."""
    return ImpactRun.objects.create(
        rule_set=rule_set,
        started_by=user,
        clinic_id=clinic.pk if clinic else None,
        signature=signature(rule_set),
        total=_screenings(rule_set).count(),
    )


def _screenings(rule_set: RuleSet):
    if rule_set.is_layer:
        return Screening.objects.filter(clinic_id=rule_set.clinic_id)
    return Screening.objects.all()


def outcome_of(compiled: ScreeningRules, intake: object) -> str | None:
    """The outcome the rules give a stored intake; None when it no longer validates."""
    try:
        valid = engine.validate_intake(intake)
    except engine.IntakeInvalid:
        return None
    return compiled.outcome(valid, on=ON)  # the outcome only: no findings built


class Evaluator:
    """Outcomes of stored intakes (their JSON text), remembered: identical answers repeat."""

    def __init__(self, compiled: ScreeningRules):
        self.compiled = compiled
        self.seen: dict[str, str | None] = {}

    def __call__(self, text: str) -> str | None:
        try:
            return self.seen[text]
        except KeyError:
            pass
        try:
            intake = json.loads(text)
        except (TypeError, ValueError):
            intake = None
        outcome = outcome_of(self.compiled, intake)
        if len(self.seen) >= MEMO_SIZE:
            self.seen.clear()
        self.seen[text] = outcome
        return outcome


class ClinicEvaluators:
    """The Evaluator of each clinic's screenings, made when its first one comes.

    A layer's run judges its clinic's screenings with the floor in use and the layer. A floor
    draft's run judges each clinic's screenings as that clinic decides: with its layer in use
    over the draft (else a clinic's stricter rules would show as changes the draft makes).
    """

    def __init__(self, rule_set: RuleSet):
        self.rule_set = rule_set
        self.by_clinic: dict[int, Evaluator] = {}
        self.alone: Evaluator | None = None  # shared by the clinics without a layer to add

    def __call__(self, text: str, clinic_id: int) -> str | None:
        evaluator = self.by_clinic.get(clinic_id)
        if evaluator is None:
            evaluator = self.by_clinic[clinic_id] = self._evaluator(clinic_id)
        return evaluator(text)

    def _evaluator(self, clinic_id: int) -> Evaluator:
        layer = None if self.rule_set.is_layer else published_layer(clinic_id)
        if layer is not None:
            try:
                return Evaluator(screening_rules(self.rule_set, layer))
            except (engine.RuleSetInvalid, engine.VocabularyInvalid):
                pass  # the layer no longer fits the draft: its re-check after a publish says so
        if self.alone is None:
            self.alone = Evaluator(rules_of(self.rule_set))
        return self.alone


def evaluate_rows(evaluator: ClinicEvaluators, rows, run: ImpactRun) -> None:
    """Count the outcome changes of `rows` (id, intake text, outcome, clinic_id) into `run`."""
    changes = run.changes
    own = []
    for pk, text, before, clinic_id in rows:
        after = evaluator(text, clinic_id)
        run.done += 1
        run.last_id = pk
        if after is None:
            run.unreadable += 1
            continue
        if after != before:
            key = f"{before}->{after}"
            changes[key] = changes.get(key, 0) + 1
            if clinic_id == run.clinic_id:
                own.append((pk, before, after))
    if own and len(run.own_changes) < OWN_CHANGES_SHOWN:
        dates = dict(
            Screening.objects.filter(pk__in=[pk for pk, _, _ in own]).values_list(
                "pk", "screened_on"
            )
        )
        room = OWN_CHANGES_SHOWN - len(run.own_changes)
        run.own_changes += [
            {"id": pk, "screened_on": dates[pk].isoformat(), "before": b, "after": a}
            for pk, b, a in own[:room]
        ]


def _rows(rule_set: RuleSet, after_id: int):
    return (
        _screenings(rule_set)
        .filter(pk__gt=after_id)
        .order_by("pk")
        # The JSON text without the client's identity, not the decoded intake: repeated answers
        # are then neither decoded nor validated again.
        .annotate(intake_text=AnswersText(F("intake")))
        .values_list("id", "intake_text", "outcome", "clinic_id")
    )


def advance(run_id: int, *, seconds: float | None = None) -> ImpactRun:
    """Evaluate chunks of the run until it is finished or `seconds` have passed."""
    seconds = SECONDS_PER_STEP if seconds is None else seconds
    started = time.monotonic()
    with transaction.atomic():
        run = ImpactRun.objects.select_for_update().get(pk=run_id)
        if run.finished:
            return run
        evaluator = ClinicEvaluators(run.rule_set)
        while True:  # at least one chunk per call
            chunk = list(_rows(run.rule_set, run.last_id)[:CHUNK_SIZE])
            evaluate_rows(evaluator, chunk, run)
            if len(chunk) < CHUNK_SIZE:
                run.finished_at = timezone.now()
                run.total = run.done
                break
            if time.monotonic() - started >= seconds:
                break
        run.save()
    return run


def run_to_end(run: ImpactRun) -> ImpactRun:
    """The whole run in one go, streaming rows (the command line and the benchmark)."""
    evaluator = ClinicEvaluators(run.rule_set)
    rows = _rows(run.rule_set, run.last_id).iterator(chunk_size=CHUNK_SIZE)
    evaluate_rows(evaluator, rows, run)
    run.finished_at = timezone.now()
    run.total = run.done
    run.save()
    return run


def summary(run: ImpactRun) -> list[tuple[str, str, int]]:
    """(before, after, count), most severe change first."""
    items = []
    for key, count in run.changes.items():
        before, _, after = key.partition("->")
        items.append((before, after, count))
    return sorted(items, key=lambda i: (-ORDER.get(i[1], 0), ORDER.get(i[0], 0), -i[2]))
