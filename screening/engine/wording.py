"""Small helpers for the sentences that validation messages are made of."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable

from .cleaning import shown_name


def did_you_mean(given: object, options: Iterable[str]) -> str:
    """``"; did you mean 'vitiligo'?"`` when ``given`` is close to an option, else ``""``."""
    if not isinstance(given, str):
        return ""
    close = difflib.get_close_matches(given, list(options), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def quoted(values: Iterable[object]) -> str:
    """``'a', 'b', 'c'`` for a list of allowed values."""
    return ", ".join(f"'{value}'" for value in values)


def shown(value: object, limit: int = 80) -> str:
    """A given value as the person wrote it, in JSON notation (``true``, ``null``, ``'x'``).

    Long values are cut after ``limit`` characters; text that cannot be printed is escaped.
    """
    if isinstance(value, str):
        return f"'{shown_name(value, limit)}'"
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 256:
        return "a number too long to show"
    try:
        text = json.dumps(value, ensure_ascii=True)
    except (TypeError, ValueError, RecursionError):
        text = "a value that cannot be shown"
    return text if len(text) <= limit else text[:limit] + "..."


def sentence(message: str) -> str:
    """End a message with a full stop unless it ends with a "did you mean" question."""
    return message if message.endswith("?") else message + "."
