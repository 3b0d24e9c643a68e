"""Rule sets as the engine sees them: specs, vocabulary and compiled, cached evaluators.

A screening is decided by the safety floor (the installation's rules) and, for a clinic that has
one, the clinic's layer on top. Both are compiled with the same vocabulary (the floor's, plus the
layer's names) and evaluated side by side; their findings are merged here, the most severe action
winning as in DESIGN.md section 2, each finding saying which of the two it came from.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from screening import engine
from screening.sql import prepared_cursor

from .models import Action, RuleSet, RuleSetStatus

# Published rule sets never change, so their compiled form is kept for the life of the process:
# the floor alone by its version, the floor with a layer by their rows and publishing times.
_compiled_by_version: dict[int, engine.CompiledRuleSet] = {}
_rules_by_pair: dict[tuple, ScreeningRules] = {}

SEVERITY = {action: rank for rank, action in enumerate(Action.values)}  # refer first
OUTCOME_RANK = {outcome: rank for rank, outcome in enumerate(engine.OUTCOMES)}


class NoPublishedRuleSet(Exception):
    pass


class NoSuchRuleSet(LookupError):
    """A version asked for is not a published rule set (the message lists those that are)."""


def published_rule_set() -> RuleSet:
    """The safety floor in use: its newest published version."""
    rule_set = (
        RuleSet.objects.filter(clinic=None, status=RuleSetStatus.PUBLISHED)
        .order_by("-version")
        .first()
    )
    if rule_set is None:
        raise NoPublishedRuleSet("No rule set has been published yet.")
    return rule_set


def published_layer(clinic) -> RuleSet | None:
    """The clinic's layer in use (its newest published version), or None."""
    if clinic is None:
        return None
    return (
        RuleSet.objects.filter(clinic=clinic, status=RuleSetStatus.PUBLISHED)
        .order_by("-version")
        .first()
    )


def published_version(version: int) -> RuleSet:
    """The published floor `version`, for screening against an earlier version on purpose."""
    floor = RuleSet.objects.filter(clinic=None)
    rule_set = floor.filter(version=version).first()
    if rule_set is None or rule_set.status != RuleSetStatus.PUBLISHED:
        versions = ", ".join(
            str(v)
            for v in floor.filter(status=RuleSetStatus.PUBLISHED)
            .order_by("version")
            .values_list("version", flat=True)
        )
        raise NoSuchRuleSet(f"no published rule set {version}; published: {versions}.")
    return rule_set


def floor_under(rule_set: RuleSet) -> RuleSet:
    """The floor a rule set is read with: itself, or for a layer the floor in use."""
    return published_rule_set() if rule_set.is_layer else rule_set


def rule_specs(rule_set: RuleSet) -> list[engine.RuleSpec]:
    waits = floor_waits(rule_set)
    return [
        engine.RuleSpec.from_dict(
            {
                "code": rule.code,
                "title": rule.title,
                "action": rule.action,
                "message": rule.message,
                "client_message": rule.client_message,
                "wait_days": rule.wait_days,
                "wait_unit": rule.wait_unit,
                "wait_from": rule.wait_from or None,
                "source": rule.source,
                "source_section": rule.source_section,
                "condition": condition_as_decided(rule, waits.get(rule.overrides)),
            }
        )
        for rule in rule_set.rules.all()
    ]


def floor_waits(rule_set: RuleSet) -> dict:
    """For a layer, the wait of each floor rule in use, by key (a stricter copy names its own)."""
    if not rule_set.is_layer:
        return {}
    return dict(floor_under(rule_set).rules.exclude(wait_days=None).values_list("key", "wait_days"))


def condition_as_decided(rule, floor_wait: int | None) -> dict:
    """A stricter copy's condition, its window widened to its longer wait.

    A floor rule with a wait fires only within it (filler: `days_ago < 180`, wait 180 days). A
    clinic's copy keeps the floor's condition but waits longer (365 days): it must then fire until
    its own wait is over too, or a client at day 200 would proceed against the clinic's rule.
    """
    if floor_wait is None or not rule.wait_days or rule.wait_days <= floor_wait:
        return rule.condition
    field = rule.wait_from.rpartition(".")[2]

    def widened(node):
        if isinstance(node, list):
            return [widened(item) for item in node]
        if not isinstance(node, dict):
            return node
        window = (
            node.get("field") == field
            and node.get("op") in ("lt", "lte")
            and node.get("value") == floor_wait
        )
        if window:
            return {**node, "value": rule.wait_days}
        return {key: widened(value) for key, value in node.items()}

    return widened(rule.condition)


def vocabulary(rule_set: RuleSet, layer: RuleSet | None = None) -> engine.MedicationVocabulary:
    """The vocabulary of a floor version, with the names a clinic's layer adds to it.

    A layer's name the floor now has too keeps the floor's meaning; one whose class the floor no
    longer has is left out (so it counts as unrecognised): the layer's check flags both.
    """
    classes = [
        engine.MedicationClass(code=c.code, label=c.label, precaution=c.precaution)
        for c in rule_set.medication_classes.all()
    ]
    names = [
        engine.VocabularyName(name=n.name, generic=n.generic, classes=tuple(n.classes))
        for n in rule_set.medication_names.all()
    ]
    if layer is not None:
        known = {name.name for name in names}
        codes = {c.code for c in classes}
        names += [
            engine.VocabularyName(name=n.name, generic=n.generic, classes=tuple(n.classes))
            for n in layer.medication_names.all()
            if n.name not in known and set(n.classes) <= codes
        ]
    return engine.MedicationVocabulary(classes=classes, names=names)


def compile_rule_set(rule_set: RuleSet) -> engine.CompiledRuleSet:
    """A floor version compiled alone (a layer is compiled with its floor: `screening_rules`)."""
    return engine.compile_rule_set(
        version=rule_set.version, rules=rule_specs(rule_set), vocabulary=vocabulary(rule_set)
    )


def compiled_rule_set(rule_set: RuleSet) -> engine.CompiledRuleSet:
    """The compiled evaluator of `rule_set`, compiled once per published version."""
    if rule_set.status != RuleSetStatus.PUBLISHED:
        return compile_rule_set(rule_set)
    compiled = _compiled_by_version.get(rule_set.version)
    if compiled is None:
        compiled = _compiled_by_version[rule_set.version] = compile_rule_set(rule_set)
    return compiled


@dataclass(frozen=True)
class ScreeningRules:
    """The floor and, when there is one, a clinic's layer, compiled with one vocabulary."""

    floor: engine.CompiledRuleSet
    layer: engine.CompiledRuleSet | None = None

    def evaluate(self, intake: dict, *, on: datetime.date) -> dict:
        """The decision JSON of an intake validated by ``engine.validate_intake``."""
        decision = self.floor.evaluate(intake, on=on)
        layer = self.layer.evaluate(intake, on=on) if self.layer else None
        return merged_decision(decision, layer)

    def outcome(self, intake: dict, *, on: datetime.date) -> str:
        """The outcome alone, without explaining the findings (for counting many screenings)."""
        outcome = self.floor.fired_codes(intake, on=on).outcome
        if self.layer is None:
            return outcome
        return max(outcome, self.layer.fired_codes(intake, on=on).outcome, key=OUTCOME_RANK.get)


def screening_rules(floor: RuleSet, layer: RuleSet | None = None) -> ScreeningRules:
    """Compile a floor version with a layer (published pairs are compiled once per process).

    Raises engine.RuleSetInvalid or engine.VocabularyInvalid when a draft cannot be compiled.
    """
    if layer is None:
        return ScreeningRules(compiled_rule_set(floor))
    published = floor.status == layer.status == RuleSetStatus.PUBLISHED
    pair = (floor.pk, floor.published_at, layer.pk, layer.published_at)
    if published and pair in _rules_by_pair:
        return _rules_by_pair[pair]
    words = vocabulary(floor, layer)
    rules = ScreeningRules(
        engine.compile_rule_set(version=floor.version, rules=rule_specs(floor), vocabulary=words),
        engine.compile_rule_set(version=layer.version, rules=rule_specs(layer), vocabulary=words),
    )
    if published:
        _rules_by_pair[pair] = rules
    return rules


def rules_of(rule_set: RuleSet) -> ScreeningRules:
    """A floor version alone, or a layer with the floor in use."""
    if rule_set.is_layer:
        return screening_rules(published_rule_set(), rule_set)
    return screening_rules(rule_set)


def merged_decision(floor: dict, layer: dict | None) -> dict:
    """The floor's decision with the layer's findings added: `layer` marks where each came from.

    A floor finding is left out only when a layer finding of the same precaution fired on the
    same answers and is at least as strict (a layer rule that lengthens a floor rule's wait).
    """
    findings = [dict(finding, layer="floor") for finding in floor["findings"]]
    merged = {}
    for key, value in floor.items():
        merged[key] = value
        if key == "rule_set_version":
            merged["clinic_layer_version"] = layer["rule_set_version"] if layer else None
    merged["findings"] = findings
    if layer is None or not layer["findings"]:
        return merged
    added = [dict(finding, layer="clinic") for finding in layer["findings"]]
    findings = [f for f in findings if not any(_supersedes(a, f) for a in added)] + added
    findings.sort(key=_finding_order)
    merged["findings"] = findings
    merged["outcome"] = max(floor["outcome"], layer["outcome"], key=OUTCOME_RANK.get)
    dates = [d for d in (floor["rescreen_after"], layer["rescreen_after"]) if d is not None]
    merged["rescreen_after"] = max(dates, default=None)  # ISO dates sort as they read
    return merged


def _wait_rank(finding: dict) -> float:
    """A postponement's length; "until resolved" (no wait) is the longest."""
    wait = finding.get("rescreen_after_days")
    return float("inf") if wait is None else wait


def _supersedes(clinic: dict, floor: dict) -> bool:
    if (clinic["rule"], clinic["because"]) != (floor["rule"], floor["because"]):
        return False
    if SEVERITY[clinic["action"]] != SEVERITY[floor["action"]]:
        return SEVERITY[clinic["action"]] < SEVERITY[floor["action"]]
    return floor["action"] != Action.POSTPONE or _wait_rank(clinic) >= _wait_rank(floor)


def _finding_order(finding: dict) -> tuple:
    # As the engine orders them: severity, code, then the longer wait first.
    wait = finding.get("rescreen_after_days")
    return (SEVERITY[finding["action"]], finding["rule"], wait is not None, -(wait or 0))


def decide(
    intake: dict, *, on: datetime.date, rule_set=None, clinic=None, in_use_rows=None
) -> tuple[dict, int]:
    """Validate `intake` and evaluate it; return the decision JSON and the floor's version.

    With a `clinic`, its published layer (if any) is evaluated with the floor. Raises
    engine.IntakeInvalid on bad input: nothing is evaluated on half-valid answers. Raises
    NoPublishedRuleSet when no `rule_set` is given and none is published. `in_use_rows`: the
    rows of IN_USE_SQL, where the caller read them with its own statement.
    """
    valid = engine.validate_intake(intake)
    if rule_set is None:
        rule_set, layer = rules_in_use(clinic, in_use_rows)
    else:
        layer = published_layer(clinic)
    return screening_rules(rule_set, layer).evaluate(valid, on=on), rule_set.version


def rules_in_use(clinic, rows=None) -> tuple[RuleSet, RuleSet | None]:
    """The floor in use and the clinic's layer in use (or None), in one query (IN_USE_SQL),
    unless its `rows` were read already.

    Every API call asks, so the query is SQL written once rather than built by the ORM, and it
    reads only which versions are in use: published rule sets never change, so each one's row is
    read once per process."""
    if rows is None:
        with prepared_cursor() as cursor:
            cursor.execute(IN_USE_SQL, [clinic.pk if clinic else None])
            rows = cursor.fetchall()
    found = {clinic_id: _published(pk, at) for pk, clinic_id, at in rows}
    if None not in found:
        raise NoPublishedRuleSet("No rule set has been published yet.")
    return found[None], found.get(clinic.pk) if clinic else None


IN_USE_SQL = """
SELECT "id", "clinic_id", "published_at" FROM "rules_ruleset" WHERE "id" IN (
    (SELECT "id" FROM "rules_ruleset" WHERE "clinic_id" IS NULL AND "status" = 'published'
        ORDER BY "version" DESC LIMIT 1),
    (SELECT "id" FROM "rules_ruleset" WHERE "clinic_id" = %s AND "status" = 'published'
        ORDER BY "version" DESC LIMIT 1)
)"""


def _published(pk, published_at) -> RuleSet:
    # Keyed by the publishing time too, so that a row that was rolled back (a test's) and a later
    # one given the same id are not taken for each other.
    key = (pk, published_at)
    if key not in _published_rows:
        _published_rows[key] = RuleSet.objects.get(pk=pk)
    return _published_rows[key]


_published_rows: dict[tuple, RuleSet] = {}
