"""One place where text and JSON from outside are checked before anything else reads them.

Forms, commands and the API call these on what a person or a file gave them. Every failure is an
``InputProblem`` naming the field, so the caller can show it beside the field (or on standard
error) instead of failing later in the database or when printing.
"""

from __future__ import annotations

import json
import math
import re

MAX_JSON_BYTES = 1_000_000
MAX_JSON_DEPTH = 50
MAX_NUMBER_CHARS = 100

# A code point in U+D800..U+DFFF inside a Python str is always a lone surrogate: a valid pair
# decodes to one character outside that range.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class InputProblem(ValueError):
    """Input that cannot be used: ``field`` says where, ``message`` says what is wrong."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


def clean_text(value: object, field: str) -> str:
    """``value`` unchanged when it is text that can be stored and printed; else InputProblem."""
    if not isinstance(value, str):
        raise InputProblem(field, "must be text.")
    problem = text_problem(value)
    if problem:
        raise InputProblem(field, problem)
    return value


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored (a NUL character, a lone surrogate), or None."""
    found = _UNSTORABLE.search(value)
    if found is None:
        return None
    position = found.start() + 1
    if found.group() == "\x00":
        return f"contains a NUL character (at position {position}), which cannot be stored."
    return (
        f"contains an unpaired surrogate (U+{ord(found.group()):04X} at position {position}), "
        "which is not a character and cannot be stored."
    )


def read_json(
    data: str | bytes,
    field: str,
    *,
    max_bytes: int = MAX_JSON_BYTES,
    max_depth: int = MAX_JSON_DEPTH,
) -> object:
    """Parse JSON text (str, or UTF-8 bytes) within limits; every failure an InputProblem.

    Refused: more than ``max_bytes``, bytes that are not UTF-8, invalid JSON (with its line and
    column), nesting deeper than ``max_depth``, numbers longer than 100 characters, NaN and
    Infinity, and strings (keys too) holding a NUL character or a lone surrogate.
    """
    text = _as_text(data, field, max_bytes)
    try:
        value = json.loads(
            text,
            parse_int=lambda digits: _number(digits, int, field),
            parse_float=lambda digits: _number(digits, float, field),
            parse_constant=lambda name: _constant(name, field),
        )
    except json.JSONDecodeError as error:
        raise InputProblem(
            field,
            f"is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno}).",
        ) from None
    except RecursionError:
        raise InputProblem(field, _too_deep(max_depth)) from None
    check_tree(value, field, max_depth=max_depth)
    return value


def check_tree(value: object, field: str, *, max_depth: int = MAX_JSON_DEPTH) -> None:
    """Refuse a parsed JSON value nested deeper than ``max_depth`` or holding unstorable text."""
    for path, problem in unstorable(value, max_depth=max_depth):
        where = f"at {path} " if path else ""
        raise InputProblem(field, where + problem)


def unstorable(value: object, *, max_depth: int = MAX_JSON_DEPTH):
    """Yield ``(path, problem)`` for each string (or key) of a JSON value that cannot be stored.

    The walk is iterative, so a deep value cannot exhaust the stack; a list or object nested
    deeper than ``max_depth`` is one problem and is not walked further.
    """
    if _surely_storable(value, max_depth):
        return  # the common case, found without naming every path on the way
    stack = [(value, 0, "")]
    while stack:
        item, depth, path = stack.pop()
        if isinstance(item, str):
            problem = text_problem(item)
            if problem:
                yield path, problem
        elif isinstance(item, dict | list):
            if depth >= max_depth:
                yield path, _too_deep(max_depth)
                continue
            pairs = item.items() if isinstance(item, dict) else enumerate(item)
            children = []
            for key, child in pairs:
                if isinstance(key, str):
                    child_path = f"{path}.{shown_name(key)}" if path else shown_name(key)
                    problem = text_problem(key)
                    if problem:
                        yield child_path, "the name " + problem
                        continue
                else:
                    child_path = f"{path}[{key}]"
                children.append((child, depth + 1, child_path))
            stack.extend(reversed(children))


def _surely_storable(value: object, max_depth: int) -> bool:
    """True when ``unstorable`` would find nothing (False: walk it to find out).

    Gathers every string and key and searches them at once, naming no path on the way.
    """
    texts: list = []
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if not isinstance(item, _CONTAINERS):
            if isinstance(item, str):
                texts.append(item)
            continue
        if depth >= max_depth:
            return False
        if isinstance(item, dict):
            texts.extend(item)  # the keys; one that is not text ends in the full walk below
            item = item.values()
        for child in item:
            if isinstance(child, str):
                texts.append(child)
            elif isinstance(child, _CONTAINERS):
                stack.append((child, depth + 1))
    try:
        joined = "\n".join(texts)
    except TypeError:
        return False
    return _UNSTORABLE.search(joined) is None


_CONTAINERS = (dict, list)


def shown_name(text: str, limit: int = 40) -> str:
    """``text`` short and printable: cut after ``limit`` characters, escaped where unstorable."""
    if len(text) > limit:
        text = text[:limit] + "..."
    return ascii(text)[1:-1] if _UNSTORABLE.search(text) else text


def _as_text(data: str | bytes, field: str, max_bytes: int) -> str:
    if isinstance(data, bytes | bytearray):
        if len(data) > max_bytes:
            raise InputProblem(field, _too_large(max_bytes))
        try:
            text = bytes(data).decode("utf-8")
        except UnicodeDecodeError as error:
            raise InputProblem(
                field, f"is not UTF-8 text (byte {error.start + 1} cannot be read)."
            ) from None
        return text.removeprefix("\ufeff")
    if not isinstance(data, str):
        raise InputProblem(field, "must be JSON text.")
    if len(data) > max_bytes or len(data.encode("utf-8", "surrogatepass")) > max_bytes:
        raise InputProblem(field, _too_large(max_bytes))
    return data


def _number(digits: str, kind: type, field: str) -> int | float:
    if len(digits) > MAX_NUMBER_CHARS:
        raise InputProblem(
            field, f"holds a number of {len(digits)} characters; at most {MAX_NUMBER_CHARS}."
        )
    try:
        number = kind(digits)
    except (ValueError, OverflowError):
        number = None
    if number is None or not math.isfinite(number):
        raise InputProblem(field, f"holds a number that cannot be read: {digits}.")
    return number


def _constant(name: str, field: str):
    raise InputProblem(field, f"holds {name}, which is not a JSON number.")


def _too_deep(max_depth: int) -> str:
    return f"is nested too deeply: at most {max_depth} levels of lists and objects."


def _too_large(max_bytes: int) -> str:
    return f"is too large: at most {max_bytes:,} bytes."
