from django import forms

from screening.forms import CleanTextForm, json_from_field

from .clients import KeyNotUsable, jwks_keys, pem_key
from .models import CdsClient, Scope


class NewKeyForm(CleanTextForm):
    label = forms.CharField(
        max_length=100, help_text="Which system will use the key, e.g. booking-system."
    )
    scopes = forms.MultipleChoiceField(
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=Scope.values,
        help_text="What the key may do.",
    )


class CdsClientForm(CleanTextForm):
    issuer = forms.CharField(
        max_length=300,
        help_text="The iss its JWTs carry, e.g. https://booking.example (given by its vendor).",
    )
    public_key_pem = forms.CharField(
        label="Public key (PEM)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="-----BEGIN PUBLIC KEY----- ... (RSA or EC). Or give its JWKS instead.",
    )
    jwks = forms.CharField(
        label="JWKS (JSON)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text='{"keys": [...]}, the keys it signs with (RSA or EC), each with its kid.',
    )

    def clean_issuer(self):
        issuer = self.cleaned_data["issuer"].strip()
        if CdsClient.objects.filter(issuer=issuer).exists():
            raise forms.ValidationError("This issuer is registered already.")
        return issuer

    def clean_public_key_pem(self):
        text = self.cleaned_data["public_key_pem"]
        return self.usable("Public key", pem_key, text) if text.strip() else ""

    def clean_jwks(self):
        text = self.cleaned_data["jwks"]
        if not text.strip():
            return None
        return self.usable("JWKS", jwks_keys, json_from_field(text, "JWKS"))

    def clean(self):
        # Once both passed their own checks: exactly one of the two must be given.
        given = [self.cleaned_data[n] for n in ("public_key_pem", "jwks") if n in self.cleaned_data]
        if len(given) == 2 and (all(given) or not any(given)):
            self.add_error("public_key_pem", "Give either the public key or the JWKS.")
        return self.cleaned_data

    @staticmethod
    def usable(name, check, value):
        try:
            return check(value)
        except KeyNotUsable as problem:
            raise forms.ValidationError(f"{name} {problem}") from None
