"""The screening engine: the intake schema, rule compilation and evaluation. Pure Python.

Nothing here imports Django: the engine is unit tested without a database, and the Django layer
calls it with plain dicts and gets the decision JSON of DESIGN.md back.
"""

from .cleaning import InputProblem, clean_text, read_json, text_problem
from .compiler import ConditionInvalid, compile_condition
from .conditions import (
    OPERATOR_WORDS,
    OPERATORS,
    ConditionProblem,
    describe_condition,
    validate_condition,
)
from .decision import OUTCOMES
from .intake import FieldError, IntakeInvalid, validate_intake
from .rules import PRECAUTION_CODE, WAIT_ANCHORS, RuleProblem, RuleSpec, validate_rule
from .ruleset import CompiledRuleSet, FiredCodes, RuleSetInvalid, compile_rule_set
from .schema import (
    CONDITION_FIELDS,
    DERIVED_FIELDS,
    INTAKE_FIELDS,
    INTAKE_SECTIONS,
    FieldSpec,
    field_label,
    field_spec,
    value_label,
)
from .vocabulary import (
    MedicationClass,
    MedicationMatch,
    MedicationVocabulary,
    VocabularyInvalid,
    VocabularyName,
)
from .waits import EARLIEST_DAY, LATEST_DAY

__all__ = [
    "CONDITION_FIELDS",
    "DERIVED_FIELDS",
    "EARLIEST_DAY",
    "INTAKE_FIELDS",
    "INTAKE_SECTIONS",
    "LATEST_DAY",
    "OPERATORS",
    "OPERATOR_WORDS",
    "OUTCOMES",
    "PRECAUTION_CODE",
    "WAIT_ANCHORS",
    "CompiledRuleSet",
    "ConditionInvalid",
    "ConditionProblem",
    "FieldError",
    "FieldSpec",
    "FiredCodes",
    "InputProblem",
    "IntakeInvalid",
    "MedicationClass",
    "MedicationMatch",
    "MedicationVocabulary",
    "RuleProblem",
    "RuleSetInvalid",
    "RuleSpec",
    "VocabularyInvalid",
    "VocabularyName",
    "clean_text",
    "compile_condition",
    "compile_rule_set",
    "describe_condition",
    "field_label",
    "field_spec",
    "read_json",
    "text_problem",
    "validate_condition",
    "validate_intake",
    "validate_rule",
    "value_label",
]
