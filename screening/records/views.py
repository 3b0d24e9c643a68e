import datetime
import secrets

from django.contrib import messages
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from screening import audit
from screening.accounts.access import get_clinic_object_or_404, role_required
from screening.accounts.models import Role
from screening.accounts.ratelimit import rate_limit
from screening.audit.models import AuditAction

from .amendments import corrections_context
from .comparison import changed_answers
from .consents import consent_context
from .forms import ClientSearchForm, RecordFilterForm, RecordSearchForm
from .letters import referral_letter
from .models import Client, Screening, in_force_of
from .presentation import OUTCOME_DISPLAY, answers_by_section, present_decision
from .provenance import sources_on_page
from .selectors import (
    Cursor,
    DueCursor,
    RecordFilters,
    client_history,
    client_search,
    due_rescreens,
    previous_screening,
    screening_page,
)
from .views_next import follow_up_context

RECORD_READERS = (Role.PRACTITIONER, Role.RECORDS_KEEPER)
SEARCHES_KEY = "records_searches"
SEARCHES_KEPT = 10
DUE_PAGE_SIZE = 200


def listed(screening: Screening) -> dict:
    """A row of a list: the outcome in force, marked when it was corrected or overridden."""
    in_force = in_force_of(screening)
    return {
        "screening": screening,
        "outcome": OUTCOME_DISPLAY[in_force["outcome"]],
        "mark": in_force["mark"],
        "rescreen_after": in_force["rescreen_after"],
    }


@role_required(*RECORD_READERS)
def screening_detail(request, pk):
    screening = get_clinic_object_or_404(Screening, request, pk=pk)
    previous = previous_screening(screening)
    in_force = in_force_of(screening)
    sections = answers_by_section(screening.intake, screening.none_applied)
    context = {
        "screening": screening,
        "in_force": {**in_force, "display": OUTCOME_DISPLAY[in_force["outcome"]]},
        "decision": present_decision(screening.decision, screening.screened_on),
        "sections": sections,
        **sources_on_page(screening, sections),
        "previous": previous,
        "changes": changed_answers(previous.intake, screening.intake) if previous else [],
    }
    audit.log(request, AuditAction.VIEWED, screening)
    context.update(corrections_context(screening, request))
    context.update(consent_context(screening, request, in_force["outcome"]))
    context.update(follow_up_context(screening, in_force["outcome"]))
    context["letter"] = referral_letter(screening)
    return render(request, "records/screening_detail.html", context)


@role_required(*RECORD_READERS)
@require_http_methods(["GET", "POST"])
@rate_limit("client_search")
def client_search_view(request):
    """Find a client: the term is posted, never put in the address, and results are ids only."""
    form = ClientSearchForm(request.POST if request.method == "POST" else None)
    results = None
    if form.is_bound and form.is_valid():
        results = client_search(clinic=request.clinic, term=form.cleaned_data["q"])
        audit.log(request, AuditAction.SEARCHED, Client)
    return render(request, "records/client_search.html", {"form": form, "results": results})


@role_required(*RECORD_READERS)
def client_detail(request, pk):
    client = get_clinic_object_or_404(Client, request, pk=pk)
    screenings = [listed(s) for s in client_history(client)]
    audit.log(request, AuditAction.VIEWED, client)
    return render(request, "records/client_detail.html", {"client": client, "rows": screenings})


@role_required(*RECORD_READERS)
@require_http_methods(["GET", "POST"])
@rate_limit("client_search")
def screening_list(request):
    if request.method == "POST":
        return _store_search(request)
    search = posted_search(request)
    if request.GET.get("search") and search is None:
        messages.info(request, "That search has expired: search again.")
    filter_form = RecordFilterForm(request.GET, clinic=request.clinic)
    filters = record_filters(filter_form, search)
    page = screening_page(
        request.clinic,
        filters,
        older_than=Cursor.parse(request.GET.get("older")),
        newer_than=Cursor.parse(request.GET.get("newer")),
    )
    if search is not None:
        audit.log(request, AuditAction.SEARCHED, Screening)
    context = {
        "filter_form": filter_form,
        "search_form": RecordSearchForm(initial=search and _search_initial(search)),
        "searching": search is not None,
        "page": page,
        "rows": [listed(s) for s in page.rows],
        "newer_url": _page_url(request, "newer", page.newer),
        "older_url": _page_url(request, "older", page.older),
        "clear_search_url": _page_url(request, None, None, search=None),
    }
    return render(request, "records/screening_list.html", context)


@role_required(*RECORD_READERS)
def due_rescreen(request):
    after = DueCursor.parse(request.GET.get("after"))
    due = due_rescreens(
        request.clinic, today=timezone.localdate(), limit=DUE_PAGE_SIZE + 1, after=after
    )
    rows = [listed(s) for s in due[:DUE_PAGE_SIZE]]
    context = {
        "rows": rows,
        "paged": after is not None,
        "next": DueCursor.of(due[DUE_PAGE_SIZE - 1]) if len(due) > DUE_PAGE_SIZE else None,
    }
    return render(request, "records/due_rescreen.html", context)


# Helpers of the records list.


def _store_search(request):
    """Keep a posted search in the session under a random token; the address holds the token."""
    form = RecordSearchForm(request.POST)
    if not form.is_valid():
        for error in form.non_field_errors() + form.errors.get("date_of_birth", []):
            messages.error(request, error)
        return redirect(_page_url(request, None, None))
    born = form.cleaned_data["date_of_birth"]
    searches = request.session.get(SEARCHES_KEY, {})
    token = secrets.token_urlsafe(12)
    searches[token] = {"q": form.cleaned_data["q"].strip(), "dob": born and born.isoformat()}
    request.session[SEARCHES_KEY] = dict(list(searches.items())[-SEARCHES_KEPT:])
    return redirect(_page_url(request, None, None, search=token))


def _search_initial(search: dict) -> dict:
    return {"q": search["q"], "date_of_birth": search["dob"]}


def posted_search(request) -> dict | None:
    """The name/date-of-birth search the list's `?search=` token points at in the session."""
    token = request.GET.get("search", "")
    return request.session.get(SEARCHES_KEY, {}).get(token) if token else None


def record_filters(form: RecordFilterForm, search: dict | None) -> RecordFilters:
    """The records list's filters: the query-string form plus the posted search.

    The CSV export calls this too, so that it exports exactly what the list shows.
    """
    cleaned = form.cleaned_data if form.is_valid() else {}
    born = search and search.get("dob")
    return RecordFilters(
        term=search["q"] if search else "",
        date_of_birth=datetime.date.fromisoformat(born) if born else None,
        outcome=cleaned.get("outcome", ""),
        practitioner_id=cleaned.get("practitioner"),
        date_from=cleaned.get("date_from"),
        date_to=cleaned.get("date_to"),
        precaution=cleaned.get("precaution", ""),
    )


def _page_url(request, direction, cursor, **changes) -> str | None:
    """The list's address with the same filters and search, at `cursor` (None: no such page)."""
    if direction and cursor is None:
        return None
    query = QueryDict(mutable=True)
    query.update(request.GET)
    for key in ("older", "newer"):
        query.pop(key, None)
    for key, value in changes.items():
        query.pop(key, None)
        if value:
            query[key] = value
    if direction:
        query[direction] = str(cursor)
    encoded = query.urlencode()
    return reverse("records:screening_list") + (f"?{encoded}" if encoded else "")
