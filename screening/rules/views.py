"""Rule administration pages: versions, the draft's rules and vocabulary, scenarios."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Max
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from screening import engine
from screening.accounts.access import role_required
from screening.accounts.models import Role

from . import editing, versions
from .diff import diff_versions
from .forms import (
    MedicationClassForm,
    MedicationNameForm,
    RuleForm,
    ScenarioForm,
    rule_initial,
    scenario_initial,
)
from .models import Rule, RuleSet, RuleSetStatus, Scenario
from .presentation import editor_schema, rule_rows
from .scenarios import run_scenarios
from .services import NoPublishedRuleSet, compile_rule_set, published_rule_set

rules_admin = role_required(Role.RULES_ADMIN)


def _draft_or_404() -> RuleSet:
    draft = versions.current_draft()
    if draft is None:
        raise Http404("There is no draft.")
    return draft


@rules_admin
def version_list(request):
    rule_sets = list(RuleSet.objects.select_related("published_by"))
    try:
        in_use = published_rule_set().version
    except NoPublishedRuleSet:
        in_use = None
    context = {
        "rule_sets": rule_sets,
        "in_use": in_use,
        "draft": versions.current_draft(),
        "versions": [rs.version for rs in rule_sets],
    }
    return render(request, "rules/version_list.html", context)


@rules_admin
@require_POST
def draft_start(request):
    draft = versions.start_draft()
    messages.success(request, f"Draft v{draft.version} is open for editing.")
    return redirect("rules:version", version=draft.version)


@rules_admin
@require_POST
def draft_discard(request):
    versions.discard_draft()
    messages.success(request, "The draft was discarded.")
    return redirect("rules:versions")


@rules_admin
def version_detail(request, version):
    rule_set = get_object_or_404(RuleSet, version=version)
    context = {"rule_set": rule_set, "rows": rule_rows(rule_set)}
    return render(request, "rules/version_detail.html", context)


def _render_rule_form(request, draft, form, rule, status=200, conflict=None):
    context = {
        "draft": draft,
        "form": form,
        "rule": rule,
        "conflict": conflict,
        "schema": editor_schema(draft),
        "problems": form.condition_problems,
    }
    return render(request, "rules/rule_form.html", context, status=status)


@rules_admin
def rule_edit(request, pk=None):
    draft = _draft_or_404()
    rule = get_object_or_404(Rule, pk=pk, rule_set=draft) if pk else None
    codes = list(draft.medication_classes.values_list("code", flat=True))
    if request.method != "POST":
        initial = rule_initial(rule) if rule else {"condition": '{"all": []}'}
        return _render_rule_form(request, draft, RuleForm(initial=initial, class_codes=codes), rule)
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
    except editing.EditConflict as conflict:
        data = request.POST.copy()
        data["revision"] = conflict.current.revision  # saving again overwrites, knowingly
        form = RuleForm(data, class_codes=codes)
        form.is_valid()
        return _render_rule_form(request, draft, form, rule, status=409, conflict=conflict.current)
    messages.success(request, f"Rule {saved.code} saved.")
    return redirect("rules:version", version=draft.version)


@rules_admin
@require_POST
def rule_delete(request, pk):
    draft = _draft_or_404()
    editing.delete_rule(draft=draft, rule_id=get_object_or_404(Rule, pk=pk, rule_set=draft).pk)
    messages.success(request, "Rule deleted from the draft.")
    return redirect("rules:version", version=draft.version)


@rules_admin
def vocabulary_page(request, version):
    rule_set = get_object_or_404(RuleSet, version=version)
    form = None
    if rule_set.is_draft:
        form = MedicationNameForm(
            request.POST or None, rule_set=rule_set, initial={"revision": rule_set.revision}
        )
    status = 200
    if request.method == "POST":
        if form is None:
            raise Http404("Published versions are read-only.")
        status = _add_to_vocabulary(request, form, rule_set, editing.add_medication_name, "name")
        if status is None:
            return redirect("rules:vocabulary", version=version)
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
    except engine.VocabularyInvalid as error:
        form.add_error(None, str(error))
        return 400
    messages.success(request, f"'{data[key]}' added to the draft's vocabulary.")
    return None


def _vocabulary_page(request, rule_set, name_form, class_form=None, status=200):
    if rule_set.is_draft and class_form is None:
        class_form = MedicationClassForm(rule_set=rule_set, initial={"revision": rule_set.revision})
    context = {
        "rule_set": rule_set,
        "form": name_form,
        "class_form": class_form,
        "classes": rule_set.medication_classes.all(),
        "names": rule_set.medication_names.all(),
    }
    return render(request, "rules/vocabulary.html", context, status=status)


@rules_admin
@require_POST
def vocabulary_class_add(request):
    draft = _draft_or_404()
    form = MedicationClassForm(request.POST, rule_set=draft)
    status = _add_to_vocabulary(request, form, draft, editing.add_medication_class, "code")
    if status is None:
        return redirect("rules:vocabulary", version=draft.version)
    name_form = MedicationNameForm(rule_set=draft, initial={"revision": draft.revision})
    return _vocabulary_page(request, draft, name_form, form, status=status)


@rules_admin
@require_POST
def vocabulary_remove(request, pk):
    draft = _draft_or_404()
    try:
        revision = int(request.POST.get("revision", ""))
        editing.remove_medication_name(draft=draft, name_id=pk, revision=revision)
    except (ValueError, editing.EditConflict):
        messages.error(request, "Someone else changed the vocabulary; nothing was removed.")
    else:
        messages.success(request, "Name removed from the draft.")
    return redirect("rules:vocabulary", version=draft.version)


@rules_admin
def version_diff(request):
    top = RuleSet.objects.aggregate(top=Max("version"))["top"] or 1
    try:
        old_v = int(request.GET.get("old", max(top - 1, 1)))
        new_v = int(request.GET.get("new", top))
    except ValueError as error:
        raise Http404("Unknown version.") from error
    old = get_object_or_404(RuleSet, version=old_v)
    new = get_object_or_404(RuleSet, version=new_v)
    context = {
        "diff": diff_versions(old, new),
        "versions": list(RuleSet.objects.values_list("version", flat=True)),
    }
    return render(request, "rules/diff.html", context)


@rules_admin
def scenario_run(request):
    target = request.GET.get("target", "draft")
    rule_set = versions.current_draft() if target == "draft" else None
    if rule_set is None:
        target, rule_set = "published", published_rule_set()
    try:
        results, error = run_scenarios(compile_rule_set(rule_set)), None
    except (engine.RuleSetInvalid, engine.VocabularyInvalid) as problem:
        results, error = [], str(problem)
    failures = [r for r in results if not r.passed]
    context = {
        "rule_set": rule_set,
        "target": target,
        "results": sorted(results, key=lambda r: r.passed),
        "failures": failures,
        "error": error,
        "inactive": Scenario.objects.filter(active=False),
    }
    return render(request, "rules/scenarios.html", context)


@rules_admin
@require_http_methods(["GET", "POST"])
def scenario_edit(request, pk=None):
    """A new scenario (from a copy of `?copy=<id>`, or of a clean baseline), or an edit."""
    scenario = get_object_or_404(Scenario, pk=pk) if pk is not None else None
    form = ScenarioForm(
        request.POST if request.method == "POST" else None,
        scenario=scenario,
        known_codes=Rule.objects.values_list("code", flat=True).distinct(),
        initial=scenario_initial(scenario or _scenario_to_copy(request)),
    )
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, f"Scenario '{saved.name}' saved; the results below include it.")
        return redirect("rules:scenarios")
    return render(request, "rules/scenario_form.html", {"form": form, "scenario": scenario})


def _scenario_to_copy(request) -> Scenario:
    """The scenario `?copy=<id>` names, else a clean baseline: a proceed with no precautions."""
    wanted = request.GET.get("copy", "").strip()
    copied = Scenario.objects.filter(pk=int(wanted)).first() if _is_id(wanted) else None
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
    draft = _draft_or_404()
    if request.method == "POST":
        note = request.POST.get("note", "")
        try:
            published = versions.publish_draft(user=request.user, note=note)
        except versions.PublishRefused as refused:
            context = {"draft": draft, "note": note, "refused": refused}
            return render(request, "rules/publish.html", context, status=400)
        messages.success(request, f"Version {published.version} is published and in use.")
        return redirect("rules:versions")
    latest = draft.impact_runs.first()
    context = {"draft": draft, "note": "", "refused": None, "latest_impact": latest}
    return render(request, "rules/publish.html", context)


@rules_admin
def rollback(request, version):
    source = get_object_or_404(RuleSet, version=version, status=RuleSetStatus.PUBLISHED)
    refused = None
    if request.method == "POST":
        try:
            new = versions.roll_back_to(
                version=version,
                user=request.user,
                note=request.POST.get("note", ""),
                seen_in_use=_version_number(request.POST.get("in_use", "")),
            )
        except versions.VersionRefused as error:
            refused = error
        else:
            messages.success(request, f"Version {new.version} (a copy of v{version}) is in use.")
            return redirect("rules:versions")
    context = {
        "source": source,
        "refused": refused,
        "note": request.POST.get("note", ""),
        "in_use": published_rule_set().version,
    }
    return render(request, "rules/rollback.html", context, status=400 if refused else 200)


def _version_number(text: str) -> int | None:
    return int(text) if _is_id(text) else None
