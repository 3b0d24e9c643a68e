"""Rule administration pages: versions, the draft's rules and vocabulary, scenarios."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from screening import engine
from screening.accounts.access import role_required
from screening.accounts.models import Role
from screening.audit import client_address

from . import approval, editing, layers, versions
from .diff import diff_versions
from .forms import (
    MedicationClassForm,
    MedicationNameForm,
    RuleForm,
    ScenarioForm,
    rule_initial,
    scenario_initial,
)
from .models import PublishRequest, Rule, RuleSet, RuleSetStatus, Scenario
from .presentation import LAYER_NAMESPACE, editor_schema, rule_rows
from .scenarios import run_scenarios
from .services import (
    NoPublishedRuleSet,
    floor_under,
    published_rule_set,
    rules_of,
)

rules_admin = role_required(Role.RULES_ADMIN)
rules_readers = role_required(Role.RULES_ADMIN, Role.MEDICAL_DIRECTOR)  # pages without edits


def _clinic(request):
    """The clinic whose layer these pages edit (under /rules/clinic/), or None for the floor."""
    return request.clinic if request.resolver_match.namespace == LAYER_NAMESPACE else None


def _go(request, name: str, *args):
    """Redirect to a page of the same scope (the floor's, or the clinic's layer's)."""
    namespace = request.resolver_match.namespace
    return redirect(reverse(f"rules:{name}", args=args, current_app=namespace))


def _rule_set_or_404(request, version) -> RuleSet:
    return get_object_or_404(RuleSet, clinic=_clinic(request), version=version)


def _draft_or_404(request) -> RuleSet:
    draft = versions.current_draft(_clinic(request))
    if draft is None:
        raise Http404("There is no draft.")
    return draft


@rules_readers
def version_list(request):
    clinic = _clinic(request)
    rule_sets = list(RuleSet.objects.filter(clinic=clinic).select_related("published_by"))
    try:
        in_use = versions.in_use(clinic)
    except NoPublishedRuleSet:
        in_use = None
    context = {
        "rule_sets": rule_sets,
        "in_use": in_use.version if in_use else None,
        "draft": versions.current_draft(clinic),
        "versions": [rs.version for rs in rule_sets],
        "flags": versions.layer_problems(in_use, published_rule_set()) if clinic and in_use else [],
    }
    return render(request, "rules/version_list.html", context)


@rules_admin
@require_POST
def draft_start(request):
    draft = versions.start_draft(_clinic(request))
    messages.success(request, f"Draft v{draft.version} is open for editing.")
    return _go(request, "version", draft.version)


@rules_admin
@require_POST
def draft_discard(request):
    versions.discard_draft(_clinic(request))
    messages.success(request, "The draft was discarded.")
    return _go(request, "versions")


@rules_readers
def version_detail(request, version):
    rule_set = _rule_set_or_404(request, version)
    floor = floor_under(rule_set)
    context = {"rule_set": rule_set, "rows": rule_rows(rule_set, floor), "floor_rows": []}
    if rule_set.is_layer:
        stricter = set(rule_set.rules.values_list("overrides", flat=True))
        context["floor"] = floor
        context["floor_rows"] = [
            dict(row, made_stricter=row["rule"].key in stricter) for row in rule_rows(floor)
        ]
    return render(request, "rules/version_detail.html", context)


def _render_rule_form(request, draft, form, rule, status=200, conflict=None):
    context = {
        "draft": draft,
        "form": form,
        "rule": rule,
        "conflict": conflict,
        "schema": editor_schema(floor_under(draft)),
        "problems": form.condition_problems,
        "stricter": rule.overrides if rule else form["overrides"].value(),
    }
    return render(request, "rules/rule_form.html", context, status=status)


def _initial(request, draft, rule) -> dict:
    """A rule's values; for a new one, a floor rule's to make stricter (`?stricter=<id>`)."""
    if rule is not None:
        return rule_initial(rule)
    wanted = request.GET.get("stricter", "")
    floor_rule = None
    if draft.is_layer and _is_id(wanted):
        floor_rule = published_rule_set().rules.filter(pk=int(wanted)).first()
    if floor_rule is None:
        return {"condition": '{"all": []}'}
    return dict(rule_initial(floor_rule), overrides=floor_rule.key, revision=None)


@rules_admin
def rule_edit(request, pk=None):
    draft = _draft_or_404(request)
    rule = get_object_or_404(Rule, pk=pk, rule_set=draft) if pk else None
    codes = list(floor_under(draft).medication_classes.values_list("code", flat=True))
    if request.method != "POST":
        form = RuleForm(initial=_initial(request, draft, rule), class_codes=codes)
        return _render_rule_form(request, draft, form, rule)
    form = RuleForm(request.POST, class_codes=codes)
    if not form.is_valid():
        return _render_rule_form(request, draft, form, rule, status=400)
    try:
        saved = editing.save_rule(
            draft=draft,
            rule=rule,
            values=form.rule_values(),
            revision=form.cleaned_data["revision"],
        )
    except layers.LayerRefused as refused:
        for field, message in refused.problems.items():
            form.add_error(None if field == "__all__" else field, message)
        return _render_rule_form(request, draft, form, rule, status=400)
    except editing.EditConflict as conflict:
        data = request.POST.copy()
        data["revision"] = conflict.current.revision  # saving again overwrites, knowingly
        form = RuleForm(data, class_codes=codes)
        form.is_valid()
        return _render_rule_form(request, draft, form, rule, status=409, conflict=conflict.current)
    messages.success(request, f"Rule {saved.code} saved.")
    return _go(request, "version", draft.version)


@rules_admin
@require_POST
def rule_delete(request, pk):
    draft = _draft_or_404(request)
    try:
        editing.delete_rule(draft=draft, rule_id=pk)
    except Rule.DoesNotExist as error:
        raise Http404("No such rule in the draft.") from error
    except layers.LayerRefused as refused:
        messages.error(request, f"Nothing was deleted. {refused}")
    else:
        messages.success(request, "Rule deleted from the draft.")
    return _go(request, "version", draft.version)


def _name_form(rule_set, data=None):
    return MedicationNameForm(
        data,
        rule_set=rule_set,
        classes_from=floor_under(rule_set),
        initial={"revision": rule_set.revision},
    )


@rules_readers
def vocabulary_page(request, version):
    rule_set = _rule_set_or_404(request, version)
    editor = request.role == Role.RULES_ADMIN
    if request.method == "POST" and not editor:
        raise PermissionDenied("Only rules admins edit the vocabulary.")
    form = _name_form(rule_set, request.POST or None) if rule_set.is_draft and editor else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise Http404("Published versions are read-only.")
        status = _add_to_vocabulary(request, form, rule_set, editing.add_medication_name, "name")
        if status is None:
            return _go(request, "vocabulary", version)
    return _vocabulary_page(request, rule_set, form, status=status)


def _add_to_vocabulary(request, form, draft, add, key) -> int | None:
    """Add what a vocabulary form holds: None when added, else the status to show it again with."""
    if not form.is_valid():
        return 400
    data = form.cleaned_data
    try:
        add(draft=draft, **data)
    except editing.EditConflict:
        messages.error(request, "Someone else changed the vocabulary; check and add again.")
        return 409
    except (engine.VocabularyInvalid, layers.LayerRefused) as error:
        form.add_error(None, str(error))
        return 400
    messages.success(request, f"'{data[key]}' added to the draft's vocabulary.")
    return None


def _vocabulary_page(request, rule_set, name_form, class_form=None, status=200):
    editable = rule_set.is_draft and not rule_set.is_layer and request.role == Role.RULES_ADMIN
    if editable and class_form is None:
        class_form = MedicationClassForm(rule_set=rule_set, initial={"revision": rule_set.revision})
    context = {
        "rule_set": rule_set,
        "form": name_form,
        "class_form": class_form,
        "classes": floor_under(rule_set).medication_classes.all(),
        "names": rule_set.medication_names.all(),
    }
    return render(request, "rules/vocabulary.html", context, status=status)


@rules_admin
@require_POST
def vocabulary_class_add(request):
    draft = _draft_or_404(request)
    form = MedicationClassForm(request.POST, rule_set=draft)
    status = _add_to_vocabulary(request, form, draft, editing.add_medication_class, "code")
    if status is None:
        return _go(request, "vocabulary", draft.version)
    return _vocabulary_page(request, draft, _name_form(draft), form, status=status)


@rules_admin
@require_POST
def vocabulary_remove(request, pk):
    draft = _draft_or_404(request)
    try:
        revision = int(request.POST.get("revision", ""))
        editing.remove_medication_name(draft=draft, name_id=pk, revision=revision)
    except (ValueError, editing.EditConflict):
        messages.error(request, "Someone else changed the vocabulary; nothing was removed.")
    else:
        messages.success(request, "Name removed from the draft.")
    return _go(request, "vocabulary", draft.version)


@rules_readers
def version_diff(request):
    scope = RuleSet.objects.filter(clinic=_clinic(request))
    top = scope.aggregate(top=Max("version"))["top"]
    if top is None:
        messages.info(request, "There is no version to compare yet.")
        return _go(request, "versions")
    try:
        old_v = int(request.GET.get("old", max(top - 1, 1)))
        new_v = int(request.GET.get("new", top))
    except ValueError as error:
        raise Http404("Unknown version.") from error
    old = get_object_or_404(scope, version=old_v)
    new = get_object_or_404(scope, version=new_v)
    context = {
        "diff": diff_versions(old, new),
        "versions": list(scope.values_list("version", flat=True)),
    }
    return render(request, "rules/diff.html", context)


@rules_readers
def scenario_run(request):
    clinic = _clinic(request)
    target = request.GET.get("target", "draft")
    rule_set = versions.current_draft(clinic) if target == "draft" else None
    if rule_set is None:
        target, rule_set = "published", versions.in_use(clinic)
    rule_set = rule_set or published_rule_set()  # a clinic without a layer: the floor alone
    try:
        results, error = run_scenarios(rules_of(rule_set), clinic=clinic), None
    except (engine.RuleSetInvalid, engine.VocabularyInvalid) as problem:
        results, error = [], str(problem)
    failures = [r for r in results if not r.passed]
    context = {
        "rule_set": rule_set,
        "target": target,
        "results": sorted(results, key=lambda r: r.passed),
        "failures": failures,
        "error": error,
        "inactive": _scenarios_seen(clinic).filter(active=False),
    }
    return render(request, "rules/scenarios.html", context)


def _scenarios_seen(clinic):
    """The floor's scenarios, and with a clinic its own ones (never another clinic's)."""
    return Scenario.objects.filter(Q(clinic=None) | Q(clinic=clinic) if clinic else Q(clinic=None))


@rules_admin
@require_http_methods(["GET", "POST"])
def scenario_edit(request, pk=None):
    """A new scenario (from a copy of `?copy=<id>`, or of a clean baseline), or an edit.

    Under a clinic's layer only the clinic's own scenarios are edited; the floor's are read.
    """
    clinic = _clinic(request)
    scenario = get_object_or_404(Scenario, pk=pk, clinic=clinic) if pk is not None else None
    codes = Rule.objects.filter(Q(rule_set__clinic=None) | Q(rule_set__clinic=clinic))
    form = ScenarioForm(
        request.POST if request.method == "POST" else None,
        scenario=scenario,
        clinic=clinic,
        known_codes=codes.values_list("code", flat=True).distinct(),
        initial=scenario_initial(scenario or _scenario_to_copy(request, clinic)),
    )
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, f"Scenario '{saved.name}' saved; the results below include it.")
        return _go(request, "scenarios")
    return render(request, "rules/scenario_form.html", {"form": form, "scenario": scenario})


def _scenario_to_copy(request, clinic) -> Scenario:
    """The scenario `?copy=<id>` names, else a clean baseline: a proceed with no precautions."""
    wanted = request.GET.get("copy", "").strip()
    seen = _scenarios_seen(clinic)
    copied = seen.filter(pk=int(wanted)).first() if _is_id(wanted) else None
    if copied is not None:
        copied.name = f"{copied.name} (copy)"
        return copied
    baseline = Scenario.objects.filter(expected_outcome="proceed", required_codes=[]).first()
    return baseline or Scenario(name="", intake={}, expected_outcome="proceed")


def _is_id(text: str) -> bool:
    """A row id as a link gives it: up to 18 digits, which fit the database's integer."""
    return text.isascii() and text.isdigit() and len(text) <= 18


@rules_admin
def publish(request):
    """Publish the draft, or (while a medical director must approve) ask for it."""
    clinic = _clinic(request)
    draft = _draft_or_404(request)
    context = {
        "draft": draft,
        "note": request.POST.get("note", draft.note),
        "refused": None,
        "latest_impact": draft.impact_runs.first(),
        "needs_approval": not approval.approval_waived(),
        "pending": PublishRequest.objects.filter(clinic=clinic, status="pending").first(),
    }
    if request.method != "POST":
        return render(request, "rules/publish.html", context)
    try:
        if context["needs_approval"]:
            asked = approval.request_publish(
                user=request.user,
                note=context["note"],
                clinic=clinic,
                remote_addr=client_address(request),
            )
        else:
            published = versions.publish_draft(
                user=request.user, note=context["note"], clinic=clinic
            )
    except versions.PublishRefused as refused:
        context["refused"] = refused
        return render(request, "rules/publish.html", context, status=400)
    if context["needs_approval"]:
        messages.success(request, "Asked: a medical director other than you must approve it.")
        return _go(request, "request", asked.pk)
    messages.success(request, f"Version {published.version} is published and in use.")
    _tell_about_layers(request, published)
    return _go(request, "versions")


def _tell_about_layers(request, published: RuleSet) -> None:
    """After a floor change, name the clinics whose own rules now need a look."""
    if published.is_layer:
        return
    for clinic, problems in versions.recheck_layers(published).items():
        messages.warning(
            request,
            f"{clinic.name}'s own rules need a look with floor v{published.version} "
            f"({len(problems)} problem{'s' if len(problems) != 1 else ''}); they see them on "
            f"their rules page.",
        )


@rules_admin
def rollback(request, version):
    clinic = _clinic(request)
    source = get_object_or_404(
        RuleSet, clinic=clinic, version=version, status=RuleSetStatus.PUBLISHED
    )
    refused = None
    if request.method == "POST":
        try:
            new = versions.roll_back_to(
                version=version,
                user=request.user,
                note=request.POST.get("note", ""),
                seen_in_use=_version_number(request.POST.get("in_use", "")),
                clinic=clinic,
            )
        except versions.VersionRefused as error:
            refused = error
        else:
            if new.is_draft:
                messages.success(
                    request,
                    f"Draft v{new.version}, a copy of v{version}, is open: ask a medical director "
                    f"to approve it.",
                )
                return _go(request, "publish")
            messages.success(request, f"Version {new.version} (a copy of v{version}) is in use.")
            _tell_about_layers(request, new)
            return _go(request, "versions")
    context = {
        "source": source,
        "refused": refused,
        "note": request.POST.get("note", ""),
        "in_use": versions.in_use(clinic).version,
    }
    return render(request, "rules/rollback.html", context, status=400 if refused else 200)


def _version_number(text: str) -> int | None:
    return int(text) if _is_id(text) else None
