"""The medication vocabulary: names (generic, brand, misspelling) -> generic name and classes.

Matching follows docs/rules.md: lower-case, drop dose and unit tokens, then the whole text, then
phrases of several words, then single words, each exact; then a fuzzy match of single words of 6 or
more letters against single-word names.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass, field
from typing import Literal

FUZZY_CUTOFF = 0.8
FUZZY_MIN_LETTERS = 6
MATCH_CACHE_SIZE = 8192

_CLASS_CODE = re.compile(r"[a-z][a-z0-9_]*")
# A comma separates words except inside a number ("0,025%").
_SEPARATORS = re.compile(r"[\s;/+()\[\]{}\"&:*]+|(?<!\d),|,(?!\d)")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_NUMBER_WITH_UNIT = re.compile(r"\d+(?:[.,]\d+)?(?:mg|mcg|µg|ug|g|ml|iu|units?|%|x)|x\d+")
_UNITS = frozenset({"mg", "mcg", "µg", "ug", "g", "ml", "iu", "unit", "units", "%"})
_TIMES = frozenset({"x", "times"})
_FREQUENCIES = frozenset({"daily", "weekly", "monthly", "nightly", "a", "per", "day", "week"})


class VocabularyInvalid(ValueError):
    """The vocabulary is inconsistent; ``errors`` lists every problem as a sentence."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__(" ".join(self.errors))


@dataclass(frozen=True)
class MedicationClass:
    code: str
    label: str
    precaution: str


@dataclass(frozen=True)
class VocabularyName:
    name: str
    generic: str
    classes: tuple[str, ...] = ()


@dataclass(frozen=True)
class MedicationMatch:
    """What an entered text was recognised as. Several drugs in one text are joined."""

    entered: str
    generic: str
    classes: tuple[str, ...]
    matched_by: Literal["exact", "fuzzy"]

    def as_json(self) -> dict:
        return {
            "entered": self.entered,
            "generic": self.generic,
            "classes": list(self.classes),
            "matched_by": self.matched_by,
        }


@dataclass(frozen=True)
class MedicationVocabulary:
    """Classes and names; ``match`` is cached per instance, so share one instance per version.

    Raises ``VocabularyInvalid`` on construction when a name is malformed, repeated, or points at a
    class that does not exist.
    """

    classes: tuple[MedicationClass, ...]
    names: tuple[VocabularyName, ...]
    _index: dict = field(init=False, repr=False, compare=False)
    _single_words: tuple = field(init=False, repr=False, compare=False)
    _longest_phrase: int = field(init=False, repr=False, compare=False)
    _match: object = field(init=False, repr=False, compare=False)
    _named: object = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "classes", tuple(self.classes))
        object.__setattr__(self, "names", tuple(self.names))
        errors = _vocabulary_problems(self.classes, self.names)
        if errors:
            raise VocabularyInvalid(errors)
        index = _index_names(self.names)
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_single_words", tuple(key for key in index if " " not in key))
        object.__setattr__(
            self, "_longest_phrase", max((k.count(" ") + 1 for k in index), default=1)
        )
        # lru_cache is thread-safe and bounded: the same names repeat across many intakes.
        object.__setattr__(self, "_match", functools.lru_cache(MATCH_CACHE_SIZE)(self._match_text))
        object.__setattr__(self, "_named", functools.lru_cache(MATCH_CACHE_SIZE)(self._named_in))

    @classmethod
    def from_dict(cls, data: dict) -> MedicationVocabulary:
        """Build from the form of ``fixtures/medications_v1.json`` (``classes`` and ``names``)."""
        try:
            classes = [MedicationClass(**item) for item in data["classes"]]
            names = [
                VocabularyName(item["name"], item["generic"], tuple(item.get("classes", ())))
                for item in data["names"]
            ]
        except (KeyError, TypeError) as error:
            raise VocabularyInvalid([f"The vocabulary is malformed: {error!r}."]) from error
        return cls(tuple(classes), tuple(names))

    def to_dict(self) -> dict:
        return {
            "classes": [
                {"code": c.code, "label": c.label, "precaution": c.precaution} for c in self.classes
            ],
            "names": [
                {"name": n.name, "generic": n.generic, "classes": list(n.classes)}
                for n in self.names
            ],
        }

    @property
    def class_codes(self) -> frozenset[str]:
        return frozenset(c.code for c in self.classes)

    @property
    def class_labels(self) -> dict[str, str]:
        return {c.code: c.label for c in self.classes}

    def match(self, text: str) -> MedicationMatch | None:
        """The drugs named in an entered text, or None when nothing is recognised."""
        return self._match(text)

    def named_classes(self, text: str) -> frozenset[str]:
        """The classes of the names a sentence contains word for word ("hives after EMLA cream").

        For prose such as ``allergy_details``: exact names only, as a misspelling guessed in a
        sentence would too often be an ordinary word.
        """
        return self._named(text)

    def _named_in(self, text: str) -> frozenset[str]:
        found, _ = _exact_matches(normalised_words(text), self._index, self._longest_phrase)
        return frozenset(code for entry in found.values() for code in entry.classes)

    def _match_text(self, text: str) -> MedicationMatch | None:
        words = normalised_words(text)
        found, covered = _exact_matches(words, self._index, self._longest_phrase)
        fuzzy = _fuzzy_matches(words, covered, self._index, self._single_words)
        if not found and not fuzzy:
            return None
        entries = [entry for _, entry in sorted({**found, **fuzzy}.items())]
        generics = dict.fromkeys(entry.generic for entry in entries)
        classes = dict.fromkeys(code for entry in entries for code in entry.classes)
        return MedicationMatch(
            entered=text,
            generic=", ".join(generics),
            classes=tuple(classes),
            matched_by="fuzzy" if fuzzy else "exact",
        )


def normalised_words(text: str) -> list[str]:
    """Lower-case words of an entered text with dose, unit and frequency tokens dropped.

    ``"Xarelto 20 mg"`` -> ``["xarelto"]``; ``"Retin-A 0.025%"`` -> ``["retin-a"]``;
    ``"ibuprofen 2 x daily"`` -> ``["ibuprofen"]``. A lone one-digit number stays (``"omega 3"``).
    """
    raw = [word.strip(".-'") for word in _SEPARATORS.split(text.lower())]
    raw = [word for word in raw if word]
    words: list[str] = []
    index = 0
    while index < len(raw):
        index = _skip_dose(raw, index)
        if index < len(raw):
            words.append(raw[index])
            index += 1
    return words


def _skip_dose(raw: list[str], index: int) -> int:
    """The index of the next word that is not part of a dose at ``index``."""
    start = index
    while index < len(raw):
        word = raw[index]
        if _NUMBER_WITH_UNIT.fullmatch(word) or word in _UNITS and index > start:
            index += 1
        elif _NUMBER.fullmatch(word):
            following = raw[index + 1] if index + 1 < len(raw) else ""
            if following in _UNITS or following in _TIMES:
                index += 2
            elif len(word) > 1:
                index += 1
            else:
                break
        elif word in _TIMES or word in _FREQUENCIES and index > start:
            index += 1
        else:
            break
    return index


def _exact_matches(words, index, longest) -> tuple[dict[int, VocabularyName], list[bool]]:
    """Entries found by exact lookup, keyed by the position of their first word in the text,
    and which words they cover (a word inside a matched phrase is not looked up again)."""
    whole = index.get(" ".join(words)) if words else None
    if whole is not None:
        return {0: whole}, [True] * len(words)
    found: dict[int, VocabularyName] = {}
    used = [False] * len(words)
    for size in range(min(longest, len(words) - 1), 0, -1):
        for start in range(len(words) - size + 1):
            if any(used[start : start + size]):
                continue
            entry = index.get(" ".join(words[start : start + size]))
            if entry is not None:
                found[start] = entry
                used[start : start + size] = [True] * size
    return found, used


def _fuzzy_matches(words, covered, index, single_words) -> dict[int, VocabularyName]:
    """Misspelt words ("warfrin") among the words that no exact match covered."""
    fuzzy: dict[int, VocabularyName] = {}
    for position, word in enumerate(words):
        if covered[position] or sum(char.isalpha() for char in word) < FUZZY_MIN_LETTERS:
            continue
        close = difflib.get_close_matches(word, single_words, n=1, cutoff=FUZZY_CUTOFF)
        if close:
            fuzzy[position] = index[close[0]]
    return fuzzy


def _key(name: str) -> str:
    return " ".join(normalised_words(name))


def _index_names(names: tuple[VocabularyName, ...]) -> dict[str, VocabularyName]:
    """Names keyed by their normalised words, so "urea cream 20%" is found as "urea cream"."""
    index: dict[str, VocabularyName] = {}
    for entry in names:
        key = _key(entry.name)
        known = index.get(key)
        if known is not None:
            # Two names that normalise alike ("omega-3", "omega 3"): every class counts.
            classes = tuple(dict.fromkeys(known.classes + entry.classes))
            entry = VocabularyName(known.name, known.generic, classes)
        index[key] = entry
    return index


def _vocabulary_problems(classes, names) -> list[str]:
    errors = []
    codes = [c.code for c in classes]
    for code in sorted({code for code in codes if codes.count(code) > 1}):
        errors.append(f"The class '{code}' is defined more than once.")
    for c in classes:
        if not isinstance(c.code, str) or not _CLASS_CODE.fullmatch(c.code):
            errors.append(f"The class code {c.code!r} must be lower-case letters, digits and _.")
        if not isinstance(c.label, str) or not c.label.strip():
            errors.append(f"The class '{c.code}' needs a label.")
        if not isinstance(c.precaution, str) or not c.precaution.strip():
            errors.append(f"The class '{c.code}' needs a precaution code.")
    seen = set()
    for entry in names:
        name = entry.name
        if not isinstance(name, str) or not name.strip() or name != name.strip().lower():
            errors.append(f"The name {name!r} must be non-empty lower-case text, trimmed.")
            continue
        if name in seen:
            errors.append(f"The name '{name}' is listed more than once.")
        seen.add(name)
        if not _key(name):
            errors.append(f"The name '{name}' is only a dose; it can never be matched.")
        if not isinstance(entry.generic, str) or not entry.generic.strip():
            errors.append(f"The name '{name}' needs a generic name.")
        for code in entry.classes:
            if code not in codes:
                errors.append(f"The name '{name}' points at the unknown class '{code}'.")
    return errors
