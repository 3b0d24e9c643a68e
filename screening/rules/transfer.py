"""Rule sets as JSON files: export one version, import a file as the draft."""

from __future__ import annotations

import datetime
import hashlib
import json
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction

from screening import engine
from screening.engine.cleaning import unstorable

from . import models, seed
from .models import RuleSet, RuleSetStatus
from .versions import RULE_FIELDS, VersionRefused, _next_version, current_draft

EXTRA_KEYS = ("key", "reviewed_on")


class ImportInvalid(ValueError):
    """The file cannot become a draft; ``errors`` lists every problem, naming the rule and part."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


def export_rule_set(rule_set: RuleSet) -> dict:
    rules = []
    for rule in rule_set.rules.all():
        item = {name: getattr(rule, name) for name in RULE_FIELDS}
        item["wait_from"] = item["wait_from"] or None
        item["reviewed_on"] = rule.reviewed_on.isoformat() if rule.reviewed_on else None
        item["key"] = str(rule.key)
        rules.append(item)
    vocabulary = {
        "classes": [
            {"code": c.code, "label": c.label, "precaution": c.precaution}
            for c in rule_set.medication_classes.order_by("code")
        ],
        "names": [
            {"name": n.name, "generic": n.generic, "classes": list(n.classes)}
            for n in rule_set.medication_names.order_by("name")
        ],
    }
    return {"rules": rules, "vocabulary": vocabulary}


def signature(rule_set: RuleSet) -> str:
    """Changes whenever a rule or the vocabulary of the draft changes."""
    content = json.dumps(export_rule_set(rule_set), sort_keys=True, default=str)
    return hashlib.sha256(content.encode()).hexdigest()


def _check(data: object) -> list[str]:
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        return ['The file must be a JSON object with "rules" (a list) and "vocabulary".']
    refused = [f"{path}: {problem}" for path, problem in unstorable(data)]
    if refused:
        return refused
    errors = _check_engine(data)
    return errors or _check_columns(data)


def _check_engine(data: dict) -> list[str]:
    errors = []
    try:
        vocabulary = engine.MedicationVocabulary.from_dict(data.get("vocabulary") or {})
    except engine.VocabularyInvalid as error:
        errors += [f"vocabulary: {message}" for message in error.errors]
        class_codes: frozenset[str] = frozenset()
    else:
        class_codes = vocabulary.class_codes
    for index, rule in enumerate(data["rules"], start=1):
        name = f"rule {index}"
        if isinstance(rule, dict) and isinstance(rule.get("code"), str):
            name += f" ({rule['code']})"
        spec = (
            {k: v for k, v in rule.items() if k not in EXTRA_KEYS}
            if isinstance(rule, dict)
            else rule
        )
        for problem in engine.validate_rule(spec, class_codes=class_codes):
            errors.append(f"{name}: {problem.part}: {problem.message}")
        if isinstance(rule, dict) and rule.get("reviewed_on") is not None:
            try:
                datetime.date.fromisoformat(rule["reviewed_on"])
            except (TypeError, ValueError):
                errors.append(f"{name}: reviewed_on: must be a date YYYY-MM-DD or null.")
        if isinstance(rule, dict) and not _is_key(rule.get("key")):
            errors.append(f"{name}: key: must be a UUID written as text, or null.")
    return errors


def _is_key(value: object) -> bool:
    if value is None:
        return True
    try:
        return isinstance(value, str) and bool(uuid.UUID(value))
    except ValueError:
        return False


def _check_columns(data: dict) -> list[str]:
    """What the database columns would refuse (lengths, ranges, nulls), by rule and field."""
    errors = []
    rows = [
        (f"rule {index} ({rule['code']})", seed.rule_row(models, None, index, rule))
        for index, rule in enumerate(data["rules"], start=1)
    ]
    vocabulary = data["vocabulary"]
    rows += [
        (f"vocabulary: class {index}", seed.class_row(models, None, item))
        for index, item in enumerate(vocabulary["classes"], start=1)
    ]
    rows += [
        (f"vocabulary: name {index}", seed.name_row(models, None, item))
        for index, item in enumerate(vocabulary["names"], start=1)
    ]
    for name, row in rows:
        try:
            row.full_clean(exclude=["rule_set"], validate_unique=False, validate_constraints=False)
        except ValidationError as invalid:
            errors += [
                f"{name}: {field}: {message}"
                for field, messages in invalid.message_dict.items()
                for message in messages
            ]
    return errors


@transaction.atomic
def import_draft(data: object, *, note: str = "") -> RuleSet:
    """Create the draft from exported JSON; on any problem raise ImportInvalid, creating nothing."""
    errors = _check(data)
    if errors:
        raise ImportInvalid(errors)
    if current_draft() is not None:
        raise VersionRefused(
            "A draft is open: publish it, or discard it with `manage.py rules discard`, "
            "before importing."
        )
    rules = []
    for rule in data["rules"]:
        item = dict(rule)
        if item.get("reviewed_on"):
            item["reviewed_on"] = datetime.date.fromisoformat(item["reviewed_on"])
        rules.append(item)
    return seed.create_rule_set(
        models,
        version=_next_version(),
        rules=rules,
        vocabulary=data["vocabulary"],
        status=RuleSetStatus.DRAFT,
        note=note,
    )
