"""The life cycle of rule-set versions: a draft copied from the version in use, publish, rollback.

One draft at a time. Publishing runs every active scenario against the draft, in the same
transaction, and refuses on any failure. Published versions never change.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from screening import engine
from screening.accounts.models import Clinic

from . import layers
from .models import MedicationClass, MedicationName, Rule, RuleSet, RuleSetStatus
from .scenarios import ScenarioResult, run_scenarios
from .services import published_layer, published_rule_set, rules_of, screening_rules

REVIEW_AFTER_DAYS = 365
RULE_FIELDS = (
    "code",
    "title",
    "action",
    "message",
    "client_message",
    "wait_days",
    "wait_unit",
    "wait_from",
    "source",
    "source_section",
    "condition",
    "reviewed_on",
)


class VersionRefused(Exception):
    """A version operation was refused; the message is for the rules admin."""


class PublishRefused(VersionRefused):
    def __init__(self, message: str, failures: list[ScenarioResult] | None = None):
        super().__init__(message)
        self.failures = failures or []


def lock_versions(clinic=None) -> None:
    """Take the one lock of every version change (start, discard, publish, roll back).

    For the floor it is the row of the highest version (the draft when there is one); for a
    clinic's layer, the clinic's row (a clinic may have no layer yet). Locked until the
    transaction ends: a second request waits, then sees what the first one did. On SQLite,
    which has no row locks, writes are serialised by the database itself.
    """
    if clinic is not None:
        Clinic.objects.select_for_update().filter(pk=clinic.pk).first()
        return
    newest = RuleSet.objects.filter(clinic=None).order_by("-version").values_list("pk", flat=True)
    for _ in range(5):  # a row deleted while we waited (a discarded draft): lock the next one
        locked = newest.select_for_update().first()
        if locked == newest.first():
            return


def current_draft(clinic=None) -> RuleSet | None:
    """The floor's draft, or with a clinic its layer's draft."""
    return RuleSet.objects.filter(clinic=clinic, status=RuleSetStatus.DRAFT).first()


def in_use(clinic=None) -> RuleSet | None:
    """The floor in use, or with a clinic its layer in use (None when it has none)."""
    return published_layer(clinic) if clinic is not None else published_rule_set()


def _next_version(clinic=None) -> int:
    top = RuleSet.objects.filter(clinic=clinic).aggregate(top=Max("version"))["top"]
    return (top or 0) + 1


def copy_rule_set(source: RuleSet, *, status: str, **extra) -> RuleSet:
    """A new version with copies of `source`'s rules (keys kept), classes and names."""
    copy = RuleSet(
        clinic=source.clinic,
        version=_next_version(source.clinic),
        status=status,
        copied_from=source.version,
        **extra,
    )
    copy.save()
    Rule.objects.bulk_create(
        Rule(
            rule_set=copy,
            position=rule.position,
            key=rule.key,
            overrides=rule.overrides,
            **_rule_values(rule),
        )
        for rule in source.rules.all()
    )
    MedicationClass.objects.bulk_create(
        MedicationClass(rule_set=copy, code=c.code, label=c.label, precaution=c.precaution)
        for c in source.medication_classes.all()
    )
    MedicationName.objects.bulk_create(
        MedicationName(rule_set=copy, name=n.name, generic=n.generic, classes=n.classes)
        for n in source.medication_names.all()
    )
    return copy


def _rule_values(rule: Rule) -> dict:
    return {name: getattr(rule, name) for name in RULE_FIELDS}


@transaction.atomic
def start_draft(clinic=None) -> RuleSet:
    """The draft, created as a copy of the version in use when there is none.

    A clinic's first layer draft starts empty: the floor's rules apply without being copied.
    """
    lock_versions(clinic)
    draft = current_draft(clinic)
    if draft is None:
        source = in_use(clinic)
        if source is None:
            draft = RuleSet.objects.create(clinic=clinic, version=_next_version(clinic))
        else:
            draft = copy_rule_set(source, status=RuleSetStatus.DRAFT)
    return draft


@transaction.atomic
def discard_draft(clinic=None) -> None:
    lock_versions(clinic)
    draft = current_draft(clinic)
    if draft is not None:
        draft.delete()


def check_publishable(rule_set: RuleSet) -> list[ScenarioResult]:
    """Compile `rule_set` and run the scenarios; raise PublishRefused on any problem.

    A clinic's layer is compiled with the floor in use, every rule of it checked against the
    floor (stricter only), and run with the floor's scenarios as well as its own.
    """
    if rule_set.is_layer:
        problems = layers.weakening_problems(rule_set, published_rule_set())
        if problems:
            raise PublishRefused("The layer would weaken the safety floor: " + " ".join(problems))
    results = check_scenarios(rule_set)
    failures = [result for result in results if not result.passed]
    if failures:
        raise PublishRefused(
            f"{len(failures)} of {len(results)} scenarios failed; nothing was published.",
            failures,
        )
    return results


def check_scenarios(rule_set: RuleSet) -> list[ScenarioResult]:
    """The scenarios' results for a floor version or a layer (with the floor in use)."""
    try:
        rules = rules_of(rule_set)
    except (engine.RuleSetInvalid, engine.VocabularyInvalid) as error:
        raise PublishRefused(f"The rule set cannot be compiled: {error}") from error
    return run_scenarios(rules, clinic=rule_set.clinic)


def publish(rule_set: RuleSet, *, user, note: str) -> RuleSet:
    """Make `rule_set` the version in use, in the caller's transaction under `lock_versions`.

    Pages and commands go through `publish_draft` and `roll_back_to`, which refuse while
    publishing needs a medical director's approval (then `approval.approve` calls this).
    """
    if not note.strip():
        raise PublishRefused("Write a change note: what changed, and why.")
    check_publishable(rule_set)
    rule_set.status = RuleSetStatus.PUBLISHED
    rule_set.note = note.strip()
    rule_set.published_at = timezone.now()
    rule_set.published_by = user
    rule_set.save()
    return rule_set


NEEDS_APPROVAL = (
    "Publishing needs a medical director's approval: ask for it on the Publish page. (A "
    "single-person installation may waive this with RULES_APPROVAL_WAIVED=true.)"
)


def _refuse_without_approval() -> None:
    if not settings.RULES_APPROVAL_WAIVED:
        raise PublishRefused(NEEDS_APPROVAL)


@transaction.atomic
def publish_draft(*, user, note: str, clinic=None) -> RuleSet:
    """Make the draft the version in use. Raises PublishRefused (and publishes nothing)."""
    lock_versions(clinic)
    _refuse_without_approval()
    draft = current_draft(clinic)
    if draft is None:
        raise PublishRefused("There is no draft to publish.")
    return publish(draft, user=user, note=note)


@transaction.atomic
def roll_back_to(
    *, version: int, user, note: str, seen_in_use: int | None = None, clinic=None
) -> RuleSet:
    """Publish a copy of published version `version` as a new version, in one step.

    While publishing needs approval, the copy is left as the draft (returned) to ask for it.

    `seen_in_use` is the version in use when the admin chose to roll back (the page sends it):
    when another version was published since (a second click, or two admins at once), the
    rollback is refused, so one rollback makes one version.
    """
    lock_versions(clinic)
    published = RuleSet.objects.filter(clinic=clinic, status=RuleSetStatus.PUBLISHED)
    source = published.filter(version=version).first()
    if source is None:
        raise VersionRefused(f"Version {version} is not a published version.")
    if current_draft(clinic) is not None:
        raise VersionRefused("Publish or discard the draft before rolling back.")
    newest = in_use(clinic).version
    if seen_in_use is not None and newest != seen_in_use:
        raise VersionRefused(
            f"Version {newest} was published since this page was opened (perhaps by a second "
            f"click): nothing more was published. Check the versions before rolling back again."
        )
    if not note.strip():
        raise PublishRefused("Write a change note: why roll back.")
    copy = copy_rule_set(source, status=RuleSetStatus.DRAFT)
    if not settings.RULES_APPROVAL_WAIVED:
        copy.note = note.strip()
        copy.save(update_fields=["note"])
        return copy  # the draft, to ask a medical director to approve
    return publish(copy, user=user, note=note)


def layer_problems(layer: RuleSet, floor: RuleSet) -> list[str]:
    """What the clinic should look at in its layer over `floor`: duplicates, contradictions, and
    scenarios (the floor's and its own) that fail with the two together."""
    problems = layers.layer_flags(layer, floor)
    try:
        results = run_scenarios(screening_rules(floor, layer), clinic=layer.clinic)
    except (engine.RuleSetInvalid, engine.VocabularyInvalid) as error:
        return [*problems, f"The layer cannot be compiled with the floor: {error}"]
    problems += [
        f"Scenario '{result.scenario.name}' fails: {' '.join(result.reasons)}"
        for result in results
        if not result.passed
    ]
    return problems


def recheck_layers(floor: RuleSet) -> dict:
    """Each clinic's layer in use checked against a newly published floor: clinic -> problems."""
    found = {}
    for clinic in Clinic.objects.filter(rule_layers__status=RuleSetStatus.PUBLISHED).distinct():
        problems = layer_problems(published_layer(clinic), floor)
        if problems:
            found[clinic] = problems
    return found


def needs_review(rule: Rule, *, today: datetime.date | None = None) -> bool:
    """Not reviewed in the last 12 months (or never)."""
    today = today or timezone.localdate()
    return rule.reviewed_on is None or (today - rule.reviewed_on).days > REVIEW_AFTER_DAYS
