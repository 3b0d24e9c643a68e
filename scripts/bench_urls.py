"""The bench-only URLconf (scripts/bench_settings.py): the app's URLs and the bare baseline views
that `manage.py bench_consultation` and `bench_api` compare them with. Never in production URLs.

Each baseline does the same job with nothing around it: no sign-in, session, form or rules, only
Django's middleware; `audited` alone also appends an audit event (waiting for the disk, as a
screening's does).
"""

import functools
import json

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, JsonResponse
from django.template import engines
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from screening import audit
from screening.accounts.models import Clinic
from screening.audit.models import AuditAction
from screening.intake.models import Draft
from screening.urls import urlpatterns as app_urls

_PAGE = engines["django"].from_string(
    '<!doctype html><html lang="en"><head><title>Bench</title></head><body>'
    "{% for line in lines %}<p>{{ line }}</p>{% endfor %}</body></html>"
)
_LINE = "A question & its answer, <escaped> as any text is"
_LINE_BYTES = len(_PAGE.render({"lines": [_LINE, _LINE]})) - len(_PAGE.render({"lines": [_LINE]}))


def _baseline(view):
    return csrf_exempt(login_not_required(view))


@_baseline
def bare(request):
    """Parse the JSON body and answer a little JSON."""
    return JsonResponse({"fields": len(json.loads(request.body))})


@_baseline
def audited(request):
    """`bare`, and one audit event of the clinic appended, as a screening appends one."""
    fields = len(json.loads(request.body))
    audit.log_event(AuditAction.EVALUATED, user=None, clinic=_clinic(request.GET["clinic"]))
    return JsonResponse({"fields": fields})


@functools.cache
def _clinic(pk):
    return Clinic.objects.get(pk=pk)


@_baseline
def page(request):
    """A template page of `bytes` bytes, each line's text escaped as it is rendered."""
    lines = [_LINE] * (int(request.GET["bytes"]) // _LINE_BYTES)
    return HttpResponse(_PAGE.render({"lines": lines}))


@_baseline
def update(request):
    """The posted form as JSON into one row."""
    Draft.objects.filter(pk=request.GET["row"]).update(data=dict(request.POST.lists()))
    return JsonResponse({"saved": True})


@_baseline
def insert(request):
    """The posted form as JSON in a new row."""
    data = dict(request.POST.lists())
    row = Draft.objects.create(
        clinic_id=request.GET["clinic"], practitioner_id=request.GET["user"], data=data
    )
    return JsonResponse({"row": str(row.pk)})


urlpatterns = [
    path("bench/bare", bare),
    path("bench/audited", audited),
    path("bench/page", page),
    path("bench/update", update),
    path("bench/insert", insert),
    *app_urls,
]
