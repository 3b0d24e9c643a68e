"""The clinic's side of invitations: make one and show its link, revoke it, review the answers."""

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from screening import audit
from screening.accounts.access import get_clinic_object_or_404, role_required
from screening.accounts.models import Role
from screening.forms import CleanTextForm
from screening.records.models import Client

from . import invitations
from .models import Invitation

INVITERS = (Role.PRACTITIONER, Role.RECORDS_KEEPER)
LISTED = 50


def clinic_practitioners(clinic):
    return (
        get_user_model()
        .objects.filter(membership__clinic=clinic, membership__role=Role.PRACTITIONER)
        .filter(is_active=True)
        .order_by("username")
    )


class InviteForm(CleanTextForm):
    """Who the invitation is for: a returning client (optional), for a records keeper the
    practitioner who will review it, and where email is set up the address to send the link to
    (used once, never kept)."""

    client = forms.IntegerField(required=False, widget=forms.HiddenInput)
    practitioner = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        label="Practitioner who will review the answers",
        error_messages={"invalid_choice": "Practitioner: choose one of the clinic's."},
    )
    email = forms.EmailField(
        required=False,
        max_length=254,
        label="Client's email address (optional)",
        help_text="The link is emailed to it. The address is not kept.",
        error_messages={
            "invalid": "Email address: enter one like name@example.org.",
            "max_length": "Email address: at most 254 characters.",
        },
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        if not settings.INVITATION_EMAIL:
            del self.fields["email"]
        if request.role == Role.PRACTITIONER:
            del self.fields["practitioner"]
        else:
            self.fields["practitioner"].queryset = clinic_practitioners(request.clinic)
            self.fields["practitioner"].required = True

    def clean_client(self):
        pk = self.cleaned_data["client"]
        if pk is None:
            return None
        client = Client.objects.for_clinic(self.request.clinic).filter(pk=pk).first()
        if client is None:
            raise forms.ValidationError("Client: not found in your clinic.")
        return client

    def reviewer(self):
        return self.cleaned_data.get("practitioner") or self.request.user


@role_required(*INVITERS)
@require_http_methods(["GET", "POST"])
def new_invitation(request):
    """GET: the form (client from ?client=N). POST: make the invitation and show its link once."""
    data = request.POST if request.method == "POST" else None
    initial = (
        {"client": request.GET.get("client")} if request.GET.get("client", "").isdigit() else {}
    )
    form = InviteForm(data, initial=initial, request=request)
    client = None
    if not form.is_bound and initial:
        client = Client.objects.for_clinic(request.clinic).filter(pk=initial["client"]).first()
    if form.is_valid():
        invitation, token = invitations.create_invitation(
            clinic=request.clinic,
            practitioner=form.reviewer(),
            client=form.cleaned_data["client"],
            remote_addr=audit.client_address(request),
        )
        link = invitations.link_of(token)
        email = form.cleaned_data.get("email")
        sent = bool(email) and invitations.email_link(invitation, link, email)
        context = {
            "invitation": invitation,
            "link": link,
            "qr": segno.make(link, error="m").svg_data_uri(scale=4),
            "email": "sent" if sent else "failed" if email else "",
        }
        return render(request, "intake/invitation_link.html", context, status=201)
    context = {"form": form, "client": client, "hours": settings.INVITATION_HOURS}
    return render(request, "intake/invitation_new.html", context)


@role_required(*INVITERS)
@require_GET
def invitation_list(request):
    listed = Invitation.objects.for_clinic(request.clinic).select_related("practitioner", "client")
    context = {"invitations": list(listed[:LISTED])}
    return render(request, "intake/invitation_list.html", context)


@role_required(*INVITERS)
@require_POST
def revoke_invitation(request, pk):
    invitation = get_clinic_object_or_404(Invitation, request, pk=pk)
    if invitations.revoke(invitation, user=request.user, remote_addr=audit.client_address(request)):
        messages.success(request, "The invitation is revoked: its link no longer works.")
    else:
        messages.info(request, "That invitation's link had already stopped working.")
    return redirect("intake:invitations")


@role_required(Role.PRACTITIONER)
@require_POST
def review_invitation(request, pk):
    """Start (or resume) the consultation filled with the client's answers."""
    submitted = Invitation.objects.for_clinic(request.clinic).filter(submitted_at__isnull=False)
    invitation = get_object_or_404(submitted, pk=pk)
    draft = invitations.start_review(invitation, practitioner=request.user)
    if draft.practitioner_id != request.user.pk:
        messages.info(request, "Another practitioner is already reviewing these answers.")
        return redirect("intake:invitations")
    return redirect(draft)
