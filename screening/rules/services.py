"""Rule sets as the engine sees them: specs, vocabulary and compiled, cached evaluators."""

import datetime

from screening import engine

from .models import RuleSet, RuleSetStatus

# Published rule sets never change, so their compiled form is kept for the life of the process.
_compiled_by_version: dict[int, engine.CompiledRuleSet] = {}


class NoPublishedRuleSet(Exception):
    pass


class NoSuchRuleSet(LookupError):
    """A version asked for is not a published rule set (the message lists those that are)."""


def published_rule_set() -> RuleSet:
    """The rule set in use: the newest published version."""
    rule_set = RuleSet.objects.filter(status=RuleSetStatus.PUBLISHED).order_by("-version").first()
    if rule_set is None:
        raise NoPublishedRuleSet("No rule set has been published yet.")
    return rule_set


def published_version(version: int) -> RuleSet:
    """The published rule set `version`, for screening against an earlier version on purpose."""
    rule_set = RuleSet.objects.filter(version=version).first()
    if rule_set is None or rule_set.status != RuleSetStatus.PUBLISHED:
        versions = ", ".join(
            str(v)
            for v in RuleSet.objects.filter(status=RuleSetStatus.PUBLISHED)
            .order_by("version")
            .values_list("version", flat=True)
        )
        raise NoSuchRuleSet(f"no published rule set {version}; published: {versions}.")
    return rule_set


def rule_specs(rule_set: RuleSet) -> list[engine.RuleSpec]:
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
                "condition": rule.condition,
            }
        )
        for rule in rule_set.rules.all()
    ]


def vocabulary(rule_set: RuleSet) -> engine.MedicationVocabulary:
    return engine.MedicationVocabulary(
        classes=[
            engine.MedicationClass(code=c.code, label=c.label, precaution=c.precaution)
            for c in rule_set.medication_classes.all()
        ],
        names=[
            engine.VocabularyName(name=n.name, generic=n.generic, classes=tuple(n.classes))
            for n in rule_set.medication_names.all()
        ],
    )


def compile_rule_set(rule_set: RuleSet) -> engine.CompiledRuleSet:
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


def decide(intake: dict, *, on: datetime.date, rule_set=None) -> tuple[dict, int]:
    """Validate `intake` and evaluate it; return the decision JSON and the rule-set version.

    Raises engine.IntakeInvalid on bad input: nothing is evaluated on half-valid answers.
    Raises NoPublishedRuleSet when no `rule_set` is given and none is published.
    """
    valid = engine.validate_intake(intake)
    rule_set = rule_set or published_rule_set()
    return compiled_rule_set(rule_set).evaluate(valid, on=on), rule_set.version
