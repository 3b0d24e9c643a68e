"""Exports of the clinic's records: the records list as CSV, a client's data for a subject-access
request. (FHIR is in fhir.py.) Every view that serves one also writes an audit event."""

import base64
import csv
from collections.abc import Iterable, Iterator

from django.utils import timezone

from .models import Client, Consent, Screening, in_force_of
from .provenance import sources_for_export

CSV_HEADER = [
    "screened_on",
    "client_name",
    "date_of_birth",
    "reference",
    "practitioner",
    "outcome",
    "precaution_codes",
    "rule_set_version",
    "outcome_in_force",
    "original_outcome",
    "corrected",
    "overridden",
]
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def person(user) -> str:
    return user.get_full_name() or user.get_username()


def precaution_codes(decision: dict) -> str:
    return " ".join(dict.fromkeys(finding["rule"] for finding in decision["findings"]))


def csv_row(screening: Screening) -> list[str]:
    row = in_force_of(screening)["row"]
    return [
        safe_cell(value)
        for value in (
            screening.screened_on.isoformat(),
            screening.client.name,
            screening.client.date_of_birth.isoformat(),
            screening.client.reference,
            person(screening.practitioner),
            screening.outcome,
            precaution_codes(screening.decision),
            screening.rule_set_version,
            row.outcome if row else screening.outcome,
            screening.outcome,
            "yes" if row and row.corrected else "no",
            "yes" if row and row.overridden else "no",
        )
    ]


class _Echo:
    def write(self, value):
        return value


def csv_lines(screenings: Iterable[Screening]) -> Iterator[str]:
    """The CSV text, line by line, for a StreamingHttpResponse."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    for screening in screenings:
        yield writer.writerow(csv_row(screening))


def export_queryset(screenings):
    return screenings.select_related("client", "practitioner", "in_force").order_by(
        "-created_at", "-id"
    )


def _amendment(amendment) -> dict:
    return {
        "id": amendment.pk,
        "created_at": amendment.created_at.isoformat(),
        "author": person(amendment.author),
        "reason": amendment.reason,
        "intake": amendment.intake,
        "decision": amendment.decision,
        "outcome": amendment.outcome,
        "rule_set_version": amendment.rule_set_version,
    }


def _override(override) -> dict:
    return {
        "id": override.pk,
        "created_at": override.created_at.isoformat(),
        "author": person(override.author),
        "computed_outcome": override.computed_outcome,
        "outcome": override.outcome,
        "overridden_rules": override.overridden_rules,
        "reason_code": override.reason_code,
        "comment": override.comment,
    }


def _follow_up(follow_up) -> dict:
    return {
        "due_on": follow_up.due_on.isoformat(),
        "set_by": person(follow_up.author),
        "set_at": follow_up.created_at.isoformat(),
    }


def _consent(screening) -> dict | None:
    try:
        consent = screening.consent
    except Consent.DoesNotExist:
        return None
    return {
        "id": consent.pk,
        "text_version": consent.text_version,
        "text_sha256": consent.text_sha256,
        "text": consent.text.text,
        "cautions": consent.cautions,
        "follows_override": consent.follows_override,
        "client_name": consent.client_name,
        "signature_png_base64": (
            base64.b64encode(bytes(consent.signature_png)).decode()
            if consent.signature_png
            else None
        ),
        "typed_name": consent.typed_name,
        "client_signed_at": consent.client_signed_at.isoformat(),
        "countersigned_by": consent.practitioner_name,
        "countersigned_at": consent.countersigned_at.isoformat(),
    }


def subject_access(client: Client) -> dict:
    """Everything kept about `client`, for a subject-access request."""
    screenings = (
        Screening.objects.for_clinic(client.clinic_id)
        .filter(client=client)
        .select_related("practitioner", "consent__text", "client_answers")
        .prefetch_related("amendments__author", "overrides__author", "follow_ups__author")
        .order_by("created_at", "id")
    )
    return {
        "generated_at": timezone.now().isoformat(),
        "clinic": client.clinic.name,
        "client": {
            "id": client.pk,
            "name": client.name,
            "date_of_birth": client.date_of_birth.isoformat(),
            "reference": client.reference,
            "created_at": client.created_at.isoformat(),
        },
        "client_history": [
            {
                "changed_at": entry.history_date.isoformat(),
                "change": entry.get_history_type_display(),
                "name": entry.name,
                "date_of_birth": entry.date_of_birth.isoformat(),
                "reference": entry.reference,
            }
            for entry in client.history.order_by("history_date", "history_id")
        ],
        "screenings": [
            {
                "id": screening.pk,
                "created_at": screening.created_at.isoformat(),
                "screened_on": screening.screened_on.isoformat(),
                "practitioner": person(screening.practitioner),
                "outcome": screening.outcome,
                "rule_set_version": screening.rule_set_version,
                "rescreen_after": screening.rescreen_after and screening.rescreen_after.isoformat(),
                "intake": screening.intake,
                "decision": screening.decision,
                "amendments": [_amendment(a) for a in screening.amendments.all()],
                "overrides": [_override(o) for o in screening.overrides.all()],
                "follow_ups": [_follow_up(f) for f in screening.follow_ups.all()],
                "answers_given_by": sources_for_export(screening),
                "consent": _consent(screening),
            }
            for screening in screenings
        ],
    }
