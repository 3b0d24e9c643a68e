"""Exports for records keepers: the filtered records list as CSV, FHIR resources, and a client's
data for a subject-access request. Each writes an audit event before anything is sent."""

import json

from django.contrib import messages
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from screening import audit
from screening.accounts.access import get_clinic_object_or_404, role_required
from screening.accounts.models import Role
from screening.audit.models import AuditAction

from .exports import csv_lines, export_queryset, subject_access
from .fhir import questionnaire, questionnaire_response
from .forms import RecordFilterForm
from .models import Client, Screening
from .selectors import filtered_screenings
from .views import posted_search, record_filters


def json_download(data: dict, filename: str, content_type="application/json") -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type=content_type
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@role_required(Role.RECORDS_KEEPER)
def records_csv(request):
    """The records list as CSV, with the list's filters; streamed, one row per screening."""
    form = RecordFilterForm(request.GET, clinic=request.clinic)
    if not form.is_valid():
        messages.error(request, "Correct the filters before exporting.")
        return redirect(f"{reverse('records:screening_list')}?{request.GET.urlencode()}")
    screenings = export_queryset(
        filtered_screenings(request.clinic, record_filters(form, posted_search(request)))
    )
    audit.log(request, AuditAction.EXPORTED)
    response = StreamingHttpResponse(
        csv_lines(screenings.iterator(chunk_size=500)), content_type="text/csv; charset=utf-8"
    )
    filename = f"screenings-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@role_required(Role.RECORDS_KEEPER)
def screening_fhir(request, pk):
    screening = get_clinic_object_or_404(Screening, request, pk=pk)
    audit.log(request, AuditAction.EXPORTED, screening)
    return json_download(
        questionnaire_response(screening),
        f"screening-{screening.pk}.fhir.json",
        "application/fhir+json",
    )


@role_required(Role.RECORDS_KEEPER)
def questionnaire_fhir(request):
    audit.log(request, AuditAction.EXPORTED)
    return json_download(questionnaire(), "questionnaire.fhir.json", "application/fhir+json")


@role_required(Role.RECORDS_KEEPER)
def client_export(request, pk):
    """A client's complete data, for a subject-access request."""
    client = get_clinic_object_or_404(Client, request, pk=pk)
    audit.log(request, AuditAction.EXPORTED, client)
    return json_download(subject_access(client), f"client-{client.pk}-subject-access.json")
