"""Small helpers for the sentences that validation messages are made of."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable


def did_you_mean(given: object, options: Iterable[str]) -> str:
    """``"; did you mean 'vitiligo'?"`` when ``given`` is close to an option, else ``""``."""
    if not isinstance(given, str):
        return ""
    close = difflib.get_close_matches(given, list(options), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def quoted(values: Iterable[object]) -> str:
    """``'a', 'b', 'c'`` for a list of allowed values."""
    return ", ".join(f"'{value}'" for value in values)


def shown(value: object) -> str:
    """A given value as the person wrote it, in JSON notation (``true``, ``null``, ``'x'``)."""
    if isinstance(value, str):
        return f"'{value}'"
    try:
        return json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)


def sentence(message: str) -> str:
    """End a message with a full stop unless it ends with a "did you mean" question."""
    return message if message.endswith("?") else message + "."
