"""The life cycle of rule-set versions: a draft copied from the version in use, publish, rollback.

One draft at a time. Publishing runs every active scenario against the draft, in the same
transaction, and refuses on any failure. Published versions never change.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from screening import engine

from .models import MedicationClass, MedicationName, Rule, RuleSet, RuleSetStatus
from .scenarios import ScenarioResult, run_scenarios
from .services import compile_rule_set, published_rule_set

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


def lock_versions() -> None:
    """Take the one lock of every version change (start, discard, publish, roll back).

    It is the row of the highest version (the draft when there is one), locked until the
    transaction ends: a second request waits, then sees what the first one did. On SQLite,
    which has no row locks, writes are serialised by the database itself.
    """
    newest = RuleSet.objects.order_by("-version").values_list("pk", flat=True)
    for _ in range(5):  # a row deleted while we waited (a discarded draft): lock the next one
        locked = newest.select_for_update().first()
        if locked == newest.first():
            return


def current_draft() -> RuleSet | None:
    return RuleSet.objects.filter(status=RuleSetStatus.DRAFT).first()


def _next_version() -> int:
    return (RuleSet.objects.aggregate(top=Max("version"))["top"] or 0) + 1


def copy_rule_set(source: RuleSet, *, status: str, **extra) -> RuleSet:
    """A new version with copies of `source`'s rules (keys kept), classes and names."""
    copy = RuleSet(version=_next_version(), status=status, copied_from=source.version, **extra)
    copy.save()
    Rule.objects.bulk_create(
        Rule(rule_set=copy, position=rule.position, key=rule.key, **_rule_values(rule))
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
def start_draft() -> RuleSet:
    """The draft, created as a copy of the version in use when there is none."""
    lock_versions()
    draft = current_draft()
    if draft is None:
        draft = copy_rule_set(published_rule_set(), status=RuleSetStatus.DRAFT)
    return draft


@transaction.atomic
def discard_draft() -> None:
    lock_versions()
    draft = current_draft()
    if draft is not None:
        draft.delete()


def check_publishable(rule_set: RuleSet) -> list[ScenarioResult]:
    """Compile `rule_set` and run the scenarios; raise PublishRefused on any problem."""
    try:
        compiled = compile_rule_set(rule_set)
    except (engine.RuleSetInvalid, engine.VocabularyInvalid) as error:
        raise PublishRefused(f"The rule set cannot be compiled: {error}") from error
    results = run_scenarios(compiled)
    failures = [result for result in results if not result.passed]
    if failures:
        raise PublishRefused(
            f"{len(failures)} of {len(results)} scenarios failed; nothing was published.",
            failures,
        )
    return results


def _publish(rule_set: RuleSet, *, user, note: str) -> RuleSet:
    if not note.strip():
        raise PublishRefused("Write a change note: what changed, and why.")
    check_publishable(rule_set)
    rule_set.status = RuleSetStatus.PUBLISHED
    rule_set.note = note.strip()
    rule_set.published_at = timezone.now()
    rule_set.published_by = user
    rule_set.save()
    return rule_set


@transaction.atomic
def publish_draft(*, user, note: str) -> RuleSet:
    """Make the draft the version in use. Raises PublishRefused (and publishes nothing)."""
    lock_versions()
    draft = current_draft()
    if draft is None:
        raise PublishRefused("There is no draft to publish.")
    return _publish(draft, user=user, note=note)


@transaction.atomic
def roll_back_to(*, version: int, user, note: str, seen_in_use: int | None = None) -> RuleSet:
    """Publish a copy of published version `version` as a new version, in one step.

    `seen_in_use` is the version in use when the admin chose to roll back (the page sends it):
    when another version was published since (a second click, or two admins at once), the
    rollback is refused, so one rollback makes one version.
    """
    lock_versions()
    source = RuleSet.objects.filter(version=version, status=RuleSetStatus.PUBLISHED).first()
    if source is None:
        raise VersionRefused(f"Version {version} is not a published version.")
    if current_draft() is not None:
        raise VersionRefused("Publish or discard the draft before rolling back.")
    in_use = published_rule_set().version
    if seen_in_use is not None and in_use != seen_in_use:
        raise VersionRefused(
            f"Version {in_use} was published since this page was opened (perhaps by a second "
            f"click): nothing more was published. Check the versions before rolling back again."
        )
    if not note.strip():
        raise PublishRefused("Write a change note: why roll back.")
    copy = copy_rule_set(source, status=RuleSetStatus.DRAFT)
    return _publish(copy, user=user, note=note)


def needs_review(rule: Rule, *, today: datetime.date | None = None) -> bool:
    """Not reviewed in the last 12 months (or never)."""
    today = today or timezone.localdate()
    return rule.reviewed_on is None or (today - rule.reviewed_on).days > REVIEW_AFTER_DAYS
