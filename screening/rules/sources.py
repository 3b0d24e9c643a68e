"""The documents the rules cite: the seed documents, by section, and the external references.

The seeds are kept in fixtures/sources/ (copies of ../shared/seeds/) with a readable title each in
fixtures/sources/sources.json, beside the citations of the external references. A rule's `source`
is a seed's file name or starts with a reference key ("E11 ..."); `source_link` turns it into what
a clinician reads and follows: a title or a citation, and the address of the section on the
sources page. No file name is shown.
"""

from __future__ import annotations

import functools
import json
import re

from django.urls import reverse

from .seed import FIXTURES

SOURCES = FIXTURES / "sources"
_LINES = re.compile(r"lines? (\d+)")
_KEY = re.compile(r"(E\d+b?|P)\b")
_SENTENCE_END = (".", "!", "?", ":", '"')


@functools.cache
def catalogue() -> dict:
    return json.loads((SOURCES / "sources.json").read_text(encoding="utf-8"))


@functools.cache
def seed_documents() -> tuple[dict, ...]:
    """Each seed with its key, title, anchor and sections (heading, anchor, numbered lines)."""
    documents = []
    for seed in catalogue()["seeds"]:
        text = (SOURCES / seed["file"]).read_text(encoding="utf-8")
        anchor = seed["key"].lower()
        sections: list[dict] = [{"heading": "Introduction", "anchor": f"{anchor}-l1", "lines": []}]
        for number, line in enumerate(text.splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            if _is_heading(line) and number > 1:
                heading = {"heading": line, "anchor": f"{anchor}-l{number}", "start": number}
                sections.append({**heading, "lines": []})
            else:
                sections[-1]["lines"].append((number, line))
        sections = [section for section in sections if section["lines"]]
        documents.append({**seed, "anchor": anchor, "sections": sections})
    return tuple(documents)


def _is_heading(line: str) -> bool:
    return len(line) <= 90 and not line.endswith(_SENTENCE_END)


@functools.cache
def references() -> dict[str, dict]:
    return {item["key"]: item for item in catalogue()["references"]}


def citation(reference: dict) -> str:
    """ "Authors (year). Title. Journal." with the parts a reference has."""
    parts = []
    if reference["authors"]:
        year = f" ({reference['year']})" if reference["year"] else ""
        parts.append(reference["authors"] + year)
    elif reference["year"]:
        parts.append(f"({reference['year']})")
    parts.append(reference["title"])
    if reference["journal"]:
        parts.append(reference["journal"])
    return ". ".join(part.rstrip(".") for part in parts) + "."


def source_link(source: str, section: str = "") -> dict:
    """What a finding shows of its source: ``{"title", "citation", "href"}`` (href may be "")."""
    page = reverse("sources")
    for document in seed_documents():
        if source.strip() == document["file"]:
            anchor = _section_anchor(document, section)
            return {"title": document["title"], "citation": "", "href": f"{page}#{anchor}"}
    match = _KEY.match(source.strip())
    reference = references().get(match.group(1)) if match else None
    if reference is not None:
        href = f"{page}#ref-{reference['key'].lower()}"
        return {"title": reference["title"], "citation": citation(reference), "href": href}
    return {"title": source, "citation": "", "href": ""}


def _section_anchor(document: dict, section: str) -> str:
    """The section a rule's source_section points at: by its first line number, else heading."""
    found = _LINES.search(section)
    if found:
        line = int(found.group(1))
        for candidate in document["sections"]:
            numbers = [candidate.get("start")] + [n for n, _ in candidate["lines"]]
            if line in numbers:
                return candidate["anchor"]
    for candidate in document["sections"]:
        if section.lower().startswith(candidate["heading"].lower()):
            return candidate["anchor"]
    return document["anchor"]
