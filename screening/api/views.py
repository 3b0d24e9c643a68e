"""The records keepers' pages: API keys (create, the key shown once; list; revoke) and CDS
clients (register a JWT issuer with its public key or JWKS; list; remove)."""

from django.contrib import messages
from django.db import IntegrityError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from screening.accounts.access import get_clinic_object_or_404, role_required
from screening.accounts.models import Role

from .clients import register_client, remove_client
from .forms import CdsClientForm, NewKeyForm
from .keys import KeyProblem, create_key, revoke_key
from .models import ApiKey, CdsClient, Scope


@role_required(Role.RECORDS_KEEPER)
def api_keys(request):
    new_key = None
    form = NewKeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        scopes = [s for s in Scope.values if s in form.cleaned_data["scopes"]]
        try:
            api_key, new_key = create_key(
                clinic=request.clinic,
                label=form.cleaned_data["label"],
                scopes=scopes,
                created_by=request.user,
            )
        except KeyProblem as problem:
            form.add_error("label", str(problem))
        else:
            form = NewKeyForm()
    keys = ApiKey.objects.for_clinic(request.clinic)
    status = 200 if request.method == "GET" or new_key else 400
    return render(
        request,
        "api/keys.html",
        {"form": form, "keys": keys, "new_key": new_key},
        status=status,
    )


@require_POST
@role_required(Role.RECORDS_KEEPER)
def api_key_revoke(request, pk):
    api_key = get_clinic_object_or_404(ApiKey, request, pk=pk)
    revoke_key(api_key, revoked_by=request.user)
    messages.success(request, f"The key “{api_key.label}” is revoked: it no longer works.")
    return redirect("api_keys")


@role_required(Role.RECORDS_KEEPER)
def cds_clients(request):
    form = CdsClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            client = register_client(
                clinic=request.clinic, registered_by=request.user, **form.cleaned_data
            )
        except IntegrityError:  # registered by someone else since the form was checked
            form.add_error("issuer", "This issuer is registered already.")
        else:
            messages.success(
                request,
                f"“{client.issuer}” is registered: its signed CDS Hooks calls are accepted.",
            )
            return redirect("cds_clients")
    clients = CdsClient.objects.for_clinic(request.clinic).order_by("issuer")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "api/cds_clients.html", {"form": form, "clients": clients}, status=status
    )


@require_POST
@role_required(Role.RECORDS_KEEPER)
def cds_client_remove(request, pk):
    client = get_clinic_object_or_404(CdsClient, request, pk=pk)
    remove_client(client, removed_by=request.user)
    messages.success(request, f"“{client.issuer}” is removed: its calls are refused from now on.")
    return redirect("cds_clients")
