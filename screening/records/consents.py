"""Consent to treatment: the clinic's wording, who may sign when, and the signature itself.

A consent is taken only when the outcome in force of a screening is proceed (cautions included),
whether the rules gave it or a clinician's override did. The client signs (a drawing, or their
full name typed where the page has no script) and the practitioner countersigns by confirming.
"""

import base64
import binascii
import io
import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from PIL import Image

from screening import audit
from screening.accounts.models import Role
from screening.audit.models import AuditAction

from .amendments import current_version
from .models import Screening, in_force_of
from .models_consent import Consent, ConsentText

DEFAULT_CONSENT_TEXT = """\
I have read the information about microneedling that the clinic gave me, and the practitioner \
has explained the treatment: fine needles make tiny channels in the top layers of the skin so \
that it repairs itself.

I understand that redness, warmth, tightness and mild swelling are usual for a day or two, and \
that pinpoint bleeding, bruising, dryness, flaking or a breakout can happen. Less often the skin \
can become infected, darker or lighter in patches, or scar. Results differ from person to person \
and more than one session is usually needed; no result is promised.

The answers I gave about my health, medicines and skin are true and complete as far as I know. \
I will tell the clinic before my next session if any of them change.

I will follow the aftercare advice: keep the area clean, avoid make-up for a day, avoid sun, \
heat, swimming and exercise that makes me sweat for two days, use sun protection, and contact \
the clinic if I see signs of infection or anything that worries me.

I have been able to ask questions and I am happy with the answers. I agree to the treatment and \
know that I can change my mind at any time before or during it."""

# A drawn signature arrives as a PNG data URL; bigger than this is not a signature.
SIGNATURE_MAX_CHARACTERS = 400_000
SIGNATURE_MAX_PIXELS = 4000 * 2000
DATA_URL = re.compile(r"data:image/png;base64,([A-Za-z0-9+/=\s]+)")


UNREADABLE = "The signature could not be read: clear it and sign again."


class SignatureRefused(Exception):
    """The drawn signature cannot be kept; the message says why, for the person signing."""


class ConsentRefused(Exception):
    """No consent can be taken for this screening now; the message says why."""


def current_text(clinic) -> ConsentText:
    """The clinic's consent wording in use: its latest version, the default one to start with."""
    latest = ConsentText.objects.for_clinic(clinic).order_by("-version").first()
    if latest is not None:
        return latest
    try:
        with transaction.atomic():
            return ConsentText.objects.create(clinic=clinic, version=1, text=DEFAULT_CONSENT_TEXT)
    except IntegrityError:  # another request made version 1 first
        return ConsentText.objects.for_clinic(clinic).order_by("-version").first()


@transaction.atomic
def new_text_version(*, clinic, text: str, author, remote_addr=None) -> ConsentText:
    """Save `text` as the clinic's next consent version, audited in the same transaction."""
    latest = current_text(clinic)
    version = ConsentText.objects.create(
        clinic=clinic, version=latest.version + 1, text=text.strip(), created_by=author
    )
    audit.log_event(
        AuditAction.CREATED, user=author, clinic=clinic, obj=version, remote_addr=remote_addr
    )
    return version


@dataclass(frozen=True)
class Eligibility:
    allowed: bool
    reason: str = ""
    follows_override: bool = False


def eligibility(screening: Screening) -> Eligibility:
    """Whether consent may be taken now: only once, and only to proceed."""
    if Consent.objects.filter(screening=screening).exists():
        return Eligibility(False, "Consent has already been taken for this screening.")
    in_force = in_force_of(screening)
    if in_force["outcome"] != "proceed":
        return Eligibility(
            False,
            f"The outcome in force is {in_force['outcome']}: consent can be taken only when "
            "treatment may proceed. A clinical override to proceed would allow it.",
        )
    row = in_force["row"]
    overridden = bool(row and row.overridden and current_version(screening).outcome != "proceed")
    return Eligibility(True, follows_override=overridden)


def cautions_of(screening: Screening) -> list[dict]:
    """The precautions of the answers in force, as listed under the consent text."""
    return [
        {
            "rule": finding["rule"],
            "title": finding.get("title") or finding["rule"],
            "message": finding.get("client_message") or finding.get("message", ""),
            "action": finding["action"],
        }
        for finding in current_version(screening).decision.get("findings", [])
    ]


def read_signature(data_url: str) -> bytes:
    """The PNG of a drawn signature, or SignatureRefused saying what is wrong with it."""
    if len(data_url) > SIGNATURE_MAX_CHARACTERS:
        raise SignatureRefused("The signature is too large to keep: clear it and sign again.")
    match = DATA_URL.fullmatch(data_url.strip())
    if match is None:
        raise SignatureRefused(UNREADABLE)
    try:
        png = base64.b64decode(re.sub(r"\s", "", match.group(1)), validate=True)
        with Image.open(io.BytesIO(png), formats=["PNG"]) as image:
            if image.width * image.height > SIGNATURE_MAX_PIXELS:
                raise SignatureRefused("The signature is too large to keep: sign again.")
            ink = image.convert("RGBA").getchannel("A").getbbox()
    except (binascii.Error, ValueError, OSError, Image.DecompressionBombError):
        raise SignatureRefused(UNREADABLE) from None
    if ink is None:
        raise SignatureRefused("The signature is empty: sign in the box.")
    return png


def same_name(typed: str, name: str) -> bool:
    def words(text):
        return " ".join(text.casefold().split())

    return bool(typed.strip()) and words(typed) == words(name)


@transaction.atomic
def take_consent(
    *,
    screening: Screening,
    practitioner,
    signature_png: bytes | None,
    typed_name: str,
    client_signed_at,
    countersigned_at,
    remote_addr=None,
) -> Consent:
    """Keep the client's signed consent and the practitioner's countersignature, audited.

    Raises ConsentRefused when the outcome in force does not allow it (checked again here, under
    the screening's lock, whatever the page showed)."""
    Screening.objects.select_for_update().filter(pk=screening.pk).values("pk").get()
    allowed = eligibility(screening)
    if not allowed.allowed:
        raise ConsentRefused(allowed.reason)
    text = current_text(screening.clinic)
    consent = Consent(
        clinic=screening.clinic,
        screening=screening,
        text=text,
        text_version=text.version,
        text_sha256=text.sha256,
        cautions=cautions_of(screening),
        outcome_in_force="proceed",
        follows_override=allowed.follows_override,
        client_name=screening.client.name,
        signature_png=signature_png,
        typed_name=typed_name.strip(),
        client_signed_at=client_signed_at,
        practitioner=practitioner,
        practitioner_name=practitioner.get_full_name() or practitioner.get_username(),
        countersigned_at=countersigned_at,
    )
    try:
        with transaction.atomic():
            consent.save()
    except IntegrityError:  # a second countersign raced the first (SQLite takes no row lock)
        raise ConsentRefused("Consent has already been taken for this screening.") from None
    audit.log_event(
        AuditAction.CREATED,
        user=practitioner,
        clinic=screening.clinic,
        obj=consent,
        remote_addr=remote_addr,
    )
    return consent


def png_data_url(png) -> str:
    """A signature's drawing, to show in an <img> (the pages allow data: images); "" for none."""
    if not png:
        return ""
    return "data:image/png;base64," + base64.b64encode(bytes(png)).decode()


def consent_context(screening: Screening, request, outcome_in_force: str) -> dict:
    """What the record page shows of consent: the consent kept (its read audited), or for a
    practitioner the button to take it when treatment may proceed."""
    consent = Consent.objects.filter(screening=screening).select_related("text").first()
    if consent is not None:
        audit.log(request, AuditAction.VIEWED, consent)
        shown = {"record": consent, "signature_url": png_data_url(consent.signature_png)}
        return {"consent": shown, "can_take_consent": False}
    practitioner = getattr(request, "role", None) == Role.PRACTITIONER
    return {"consent": None, "can_take_consent": practitioner and outcome_in_force == "proceed"}
