"""Taking consent at the chair (the client signs, the practitioner countersigns), and the clinic's
consent wording (records keepers)."""

import datetime
import hashlib

from django import forms
from django.contrib import messages
from django.core import signing
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from screening import audit
from screening.accounts.access import get_clinic_object_or_404, role_required
from screening.accounts.models import Role
from screening.audit.models import AuditAction
from screening.forms import CleanTextForm

from .consents import (
    ConsentRefused,
    SignatureRefused,
    cautions_of,
    current_text,
    eligibility,
    new_text_version,
    png_data_url,
    read_signature,
    same_name,
    take_consent,
)
from .models import Screening
from .models_consent import ConsentText

SIGNED_SALT = "records.consent.signed"
SIGNED_MAX_AGE = 3600  # the practitioner countersigns within the hour


class SignForm(CleanTextForm):
    """The client's step: draw a signature, or type their full name."""

    signature = forms.CharField(required=False, widget=forms.HiddenInput)
    typed_name = forms.CharField(
        required=False,
        max_length=200,
        label="Or type your full name",
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )

    def __init__(self, *args, client_name: str, **kwargs):
        self.client_name = client_name
        super().__init__(*args, **kwargs)
        self.fields["typed_name"].help_text = f"As on the record: {client_name}."

    def clean_signature(self):
        data_url = self.cleaned_data["signature"]
        if not data_url:
            return None
        try:
            return read_signature(data_url)
        except SignatureRefused as refused:
            raise forms.ValidationError(f"Signature: {refused}") from None

    def clean_typed_name(self):
        typed = self.cleaned_data["typed_name"]
        if typed and not same_name(typed, self.client_name):
            raise forms.ValidationError(
                f"Full name: type the client's full name as on the record ({self.client_name})."
            )
        return typed.strip()

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("signature") and not cleaned.get("typed_name"):
            raise forms.ValidationError(
                "Signature: sign in the box, or type your full name below it."
            )
        return cleaned


class CountersignForm(SignForm):
    """The practitioner's step: the client's signature as signed, and the confirmation."""

    signed = forms.CharField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label="I explained the treatment, answered the client's questions and saw them sign.",
        error_messages={"required": "Confirm that you saw the client sign (confirmation)."},
    )

    def __init__(self, *args, screening_pk: int, **kwargs):
        self.screening_pk = screening_pk
        super().__init__(*args, **kwargs)
        self.fields["typed_name"].widget = forms.HiddenInput()

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            signed = signing.loads(cleaned["signed"], salt=SIGNED_SALT, max_age=SIGNED_MAX_AGE)
        except signing.BadSignature:
            signed = None
        if not isinstance(signed, dict) or signed.get("screening") != self.screening_pk:
            raise forms.ValidationError("The client's signature has expired.", code="expired")
        if signed.get("digest") != digest(self.data.get("signature", ""), cleaned["typed_name"]):
            raise forms.ValidationError("The signature changed.", code="expired")
        cleaned["client_signed_at"] = datetime.datetime.fromisoformat(signed["at"])
        return cleaned


def digest(data_url: str, typed_name: str) -> str:
    return hashlib.sha256(f"{data_url}\0{typed_name}".encode("utf-8", "replace")).hexdigest()


def signed_token(screening: Screening, data_url: str, typed_name: str) -> str:
    """What the countersign step checks: this screening, this signature, signed at this time."""
    at = timezone.now().isoformat()
    payload = {"screening": screening.pk, "digest": digest(data_url, typed_name), "at": at}
    return signing.dumps(payload, salt=SIGNED_SALT)


@role_required(Role.PRACTITIONER)
@require_http_methods(["GET", "POST"])
def screening_consent(request, pk):
    screening = get_clinic_object_or_404(Screening, request, pk=pk)
    allowed = eligibility(screening)
    if not allowed.allowed:
        messages.error(request, allowed.reason)
        return redirect(screening)
    name = screening.client.name
    form = SignForm(request.POST if request.method == "POST" else None, client_name=name)
    if request.method == "POST" and "signed" in request.POST:
        form = CountersignForm(request.POST, client_name=name, screening_pk=screening.pk)
        if form.is_valid():
            return countersigned(request, screening, form)
        if not form.has_error("confirm") or len(form.errors) > 1:
            messages.error(request, "The client's signature could not be kept: sign again.")
            form = SignForm(client_name=name)
    elif form.is_bound and form.is_valid():
        form = countersign_form(screening, request.POST, form.cleaned_data)
    audit.log(request, AuditAction.VIEWED, screening)  # the page names the client
    return render(request, "records/consent_form.html", context(screening, allowed, form))


def countersign_form(screening, posted, cleaned) -> CountersignForm:
    """The practitioner's step, carrying what the client signed and when."""
    data_url = posted.get("signature", "") if cleaned["signature"] else ""
    initial = {
        "signature": data_url,
        "typed_name": cleaned["typed_name"],
        "signed": signed_token(screening, data_url, cleaned["typed_name"]),
    }
    form = CountersignForm(
        initial=initial, client_name=screening.client.name, screening_pk=screening.pk
    )
    form.signature_png = cleaned["signature"]
    return form


def countersigned(request, screening, form):
    try:
        take_consent(
            screening=screening,
            practitioner=request.user,
            signature_png=form.cleaned_data["signature"],
            typed_name=form.cleaned_data["typed_name"],
            client_signed_at=form.cleaned_data["client_signed_at"],
            countersigned_at=timezone.now(),
            remote_addr=audit.client_address(request),
        )
    except ConsentRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "The consent is signed, countersigned and kept with the record.")
    return redirect(screening)


def context(screening, allowed, form) -> dict:
    countersigning = isinstance(form, CountersignForm)
    if countersigning and form.is_bound:
        form.signature_png = form.cleaned_data.get("signature")
        typed_name = form.cleaned_data.get("typed_name", "")
    else:
        typed_name = form["typed_name"].value() if countersigning else ""
    return {
        "screening": screening,
        "text": current_text(screening.clinic),
        "cautions": cautions_of(screening),
        "follows_override": allowed.follows_override,
        "override": screening.overrides.order_by("-created_at", "-pk").first(),
        "step": "countersign" if countersigning else "sign",
        "form": form,
        "signature_url": png_data_url(getattr(form, "signature_png", None)),
        "typed_name": typed_name,
    }


class ConsentTextForm(CleanTextForm):
    text = forms.CharField(
        label="Consent text",
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 18, "class": "form-control"}),
        error_messages={"required": "Write the consent text (consent text)."},
        help_text="Plain words for the client; a blank line between paragraphs. The record's "
        "precautions are listed under it. Saving makes a new version; consents already signed "
        "keep the version they were signed on.",
    )


@role_required(Role.RECORDS_KEEPER)
@require_http_methods(["GET", "POST"])
def consent_text(request):
    current = current_text(request.clinic)
    form = ConsentTextForm(request.POST or None, initial={"text": current.text})
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["text"].strip() == current.text:
            form.add_error("text", "Nothing was changed: edit the text to save a new version.")
        else:
            version = new_text_version(
                clinic=request.clinic,
                text=form.cleaned_data["text"],
                author=request.user,
                remote_addr=audit.client_address(request),
            )
            messages.success(request, f"Version {version.version} of the consent text is in use.")
            return redirect("records:consent_text")
    audit.log(request, AuditAction.VIEWED, current)
    versions = ConsentText.objects.for_clinic(request.clinic).select_related("created_by")
    context = {"form": form, "current": current, "versions": versions[:50]}
    return render(request, "records/consent_text.html", context)
