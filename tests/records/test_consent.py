"""Consent at the chair: the client signs, the practitioner countersigns, the record keeps it."""

import base64
import hashlib
import io

import pytest
from django.test import Client as Browser
from django.urls import reverse
from PIL import Image, ImageDraw

from screening.accounts.models import Role
from screening.audit.models import AuditEvent
from screening.records.consents import DEFAULT_CONSENT_TEXT
from screening.records.models import Consent, ConsentText
from tests.audit.support import override
from tests.conftest import make_member
from tests.records.factories import make_client, make_screening


def png_url(*, ink=True, size=(300, 100), image_format="PNG") -> str:
    """A signature as the pad sends it: transparent, with a stroke unless ink is False."""
    image = Image.new("RGBA" if image_format == "PNG" else "RGB", size, (0, 0, 0, 0))
    if ink:
        ImageDraw.Draw(image).line([(10, 50), (120, 20), (200, 80)], fill=(0, 0, 0, 255), width=3)
    buffer = io.BytesIO()
    image.save(buffer, format=image_format)
    kind = "png" if image_format == "PNG" else "jpeg"
    return f"data:image/{kind};base64," + base64.b64encode(buffer.getvalue()).decode()


@pytest.fixture
def proceed(clinic, practitioner, seeded_rules):
    """A screening that proceeds with a caution (a history of eczema)."""
    client = make_client(clinic, name="Grace Hopper")
    return make_screening(clinic=clinic, practitioner=practitioner, client=client, eczema="history")


@pytest.fixture
def chair(client, practitioner):
    client.force_login(practitioner)
    return client


def consent_url(screening):
    return reverse("records:screening_consent", args=[screening.pk])


def sign(chair, screening, **fields):
    return chair.post(consent_url(screening), fields)


def countersign(chair, screening, signed_page, confirm=True, **changes):
    """Post the countersign step with what the signed page carried, as the browser does."""
    form = signed_page.context["form"]
    data = {name: form[name].value() or "" for name in ("signature", "typed_name", "signed")}
    data.update(changes)
    if confirm:
        data["confirm"] = "on"
    return chair.post(consent_url(screening), data)


def test_it_shows_the_clinics_text_and_the_records_cautions(chair, proceed):
    page = chair.get(consent_url(proceed))

    assert page.status_code == 200
    assert "fine needles make tiny channels" in page.text
    assert "version 1" in page.text
    assert "Eczema" in page.text  # the caution, by its title
    assert AuditEvent.objects.filter(action="viewed", object_id=str(proceed.pk)).exists()


def test_a_drawn_signature_countersigned_is_kept_with_the_record(chair, proceed, practitioner):
    drawn = png_url()
    signed_page = sign(chair, proceed, signature=drawn)
    assert signed_page.status_code == 200
    assert "Countersign and keep the consent" in signed_page.text
    assert not Consent.objects.exists()  # not before the practitioner confirms

    response = countersign(chair, proceed, signed_page)

    assert response.status_code == 302
    consent = Consent.objects.get(screening=proceed)
    assert bytes(consent.signature_png) == base64.b64decode(drawn.split(",", 1)[1])
    assert consent.text_version == 1
    assert consent.text_sha256 == hashlib.sha256(DEFAULT_CONSENT_TEXT.encode()).hexdigest()
    assert consent.client_name == "Grace Hopper"
    assert consent.practitioner == practitioner
    assert consent.client_signed_at <= consent.countersigned_at
    assert [c["rule"] for c in consent.cautions] == ["ECZEMA_HISTORY"]
    assert not consent.follows_override
    assert AuditEvent.objects.filter(
        action="created", object_type="records.consent", object_id=str(consent.pk)
    ).exists()

    record = chair.get(proceed.get_absolute_url())
    assert "Countersigned" in record.text
    assert 'alt="Signature of Grace Hopper"' in record.text
    assert consent.text_sha256 in record.text
    assert 'id="take-consent"' not in record.text
    assert AuditEvent.objects.filter(
        action="viewed", object_type="records.consent", object_id=str(consent.pk)
    ).exists()


def test_without_script_the_client_types_their_full_name(chair, proceed):
    signed_page = sign(chair, proceed, typed_name="  grace   HOPPER ")
    countersign(chair, proceed, signed_page)

    consent = Consent.objects.get(screening=proceed)
    assert consent.typed_name == "grace   HOPPER"
    assert consent.signature_png is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "Signature: sign in the box, or type your full name below it."),
        ({"typed_name": "Someone Else"}, "type the client&#x27;s full name as on the record"),
        ({"signature": "data:image/png;base64," + "A" * 500_000}, "too large to keep"),
        ({"signature": "data:image/png;base64,@@not base64@@"}, "could not be read"),
        ({"signature": "javascript:alert(1)"}, "could not be read"),
        ({"signature": png_url(image_format="JPEG")}, "could not be read"),
        ({"signature": "data:image/png;base64," + "eHh4eHh4eHh4eHh4"}, "could not be read"),
        ({"signature": png_url(ink=False)}, "The signature is empty"),
        ({"signature": png_url(size=(5000, 2000))}, "too large to keep"),
        ({"signature": "data:image/png;base64,\x00"}, "signature"),
    ],
)
def test_a_bad_signature_gets_a_clear_message_and_nothing_is_kept(chair, proceed, fields, message):
    page = sign(chair, proceed, **fields)

    assert page.status_code == 200
    assert message in page.text
    assert "Countersign and keep the consent" not in page.text
    assert not Consent.objects.exists()


def test_the_practitioner_must_confirm_to_countersign(chair, proceed):
    signed_page = sign(chair, proceed, signature=png_url())

    page = countersign(chair, proceed, signed_page, confirm=False)

    assert page.status_code == 200
    assert "Confirm that you saw the client sign" in page.text
    assert "Countersign and keep the consent" in page.text  # still the practitioner's step
    assert not Consent.objects.exists()


def test_a_signature_changed_after_signing_is_signed_again(chair, proceed):
    signed_page = sign(chair, proceed, signature=png_url())

    page = countersign(chair, proceed, signed_page, signature=png_url(size=(200, 90)))

    assert "The client&#x27;s signature could not be kept: sign again." in page.text
    assert "Countersign and keep the consent" not in page.text
    assert not Consent.objects.exists()


def test_a_forged_countersign_step_keeps_nothing(chair, proceed):
    page = chair.post(
        consent_url(proceed), {"typed_name": "Grace Hopper", "signed": "forged", "confirm": "on"}
    )
    assert "sign again" in page.text
    assert not Consent.objects.exists()


@pytest.mark.parametrize("answers", [{"vitiligo_family_history": True}, {"pregnant": True}])
def test_no_consent_for_a_refer_or_postpone_outcome(chair, clinic, practitioner, answers):
    screening = make_screening(clinic=clinic, practitioner=practitioner, **answers)
    assert screening.outcome in ("refer", "postpone")

    page = chair.get(consent_url(screening), follow=True)
    assert "consent can be taken only when treatment may proceed" in page.text
    assert 'id="take-consent"' not in page.text

    chair.post(consent_url(screening), {"typed_name": "Ada Lovelace"})
    assert not Consent.objects.exists()


def test_an_override_to_proceed_allows_consent_and_says_so(
    chair, clinic, practitioner, records_keeper
):
    screening = make_screening(clinic=clinic, practitioner=practitioner)  # refers
    override(screening, records_keeper, outcome="proceed")

    page = chair.get(consent_url(screening))
    assert "This consent follows a clinical override" in page.text
    countersign(chair, screening, sign(chair, screening, typed_name="Ada Lovelace"))

    consent = Consent.objects.get(screening=screening)
    assert consent.follows_override
    assert "VITILIGO_FAMILY_HISTORY" in [c["rule"] for c in consent.cautions]
    assert "follows a clinical override" in chair.get(screening.get_absolute_url()).text


def test_consent_is_taken_once(chair, proceed):
    signed_page = sign(chair, proceed, typed_name="Grace Hopper")
    countersign(chair, proceed, signed_page)

    again = countersign(chair, proceed, signed_page, signature="")
    assert again.status_code == 302
    assert Consent.objects.count() == 1
    page = chair.get(consent_url(proceed), follow=True)
    assert "Consent has already been taken" in page.text


def test_another_clinics_practitioner_cannot_reach_it(client, other_clinic, proceed):
    client.force_login(make_member(other_clinic, Role.PRACTITIONER))
    assert client.get(consent_url(proceed)).status_code == 404


def test_a_records_keeper_edits_the_text_as_a_new_version(
    client, chair, clinic, records_keeper, proceed, practitioner
):
    countersign(chair, proceed, sign(chair, proceed, typed_name="Grace Hopper"))
    client.force_login(records_keeper)
    url = reverse("records:consent_text")
    assert "fine needles make tiny channels" in client.get(url).text

    unchanged = client.post(url, {"text": DEFAULT_CONSENT_TEXT})
    assert "Nothing was changed" in unchanged.text
    response = client.post(url, {"text": "I agree to microneedling <b>today</b>."})

    assert response.status_code == 302
    latest = ConsentText.objects.for_clinic(clinic).first()
    assert (latest.version, latest.created_by) == (2, records_keeper)
    assert AuditEvent.objects.filter(
        action="created", object_type="records.consenttext", object_id=str(latest.pk)
    ).exists()
    assert Consent.objects.get().text_version == 1  # signed consents keep their version
    client.force_login(practitioner)
    second = make_screening(clinic=clinic, practitioner=practitioner, eczema="history")
    page = client.get(consent_url(second))
    assert "I agree to microneedling &lt;b&gt;today&lt;/b&gt;." in page.text
    assert "version 2" in page.text


def test_the_subject_access_export_holds_the_consent(client, chair, records_keeper, proceed):
    drawn = png_url()
    countersign(chair, proceed, sign(chair, proceed, signature=drawn))
    client.force_login(records_keeper)

    export = client.get(reverse("records:client_export", args=[proceed.client_id])).json()

    consent = export["screenings"][0]["consent"]
    assert consent["signature_png_base64"] == drawn.split(",", 1)[1]
    assert consent["text_version"] == 1
    assert consent["client_name"] == "Grace Hopper"


def test_the_consent_pages_check_csrf(practitioner, records_keeper, proceed):
    chair = Browser(enforce_csrf_checks=True)
    chair.force_login(practitioner)
    assert chair.post(consent_url(proceed), {"typed_name": "Grace Hopper"}).status_code == 403
    keeper = Browser(enforce_csrf_checks=True)
    keeper.force_login(records_keeper)
    assert keeper.post(reverse("records:consent_text"), {"text": "New"}).status_code == 403
    assert not Consent.objects.exists()
    assert ConsentText.objects.filter(version=2).count() == 0
