"""The record page: every answer by section, what changed since last time, and the print layout."""

import datetime
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from screening.records.comparison import changed_answers
from screening.records.presentation import answers_by_section
from tests.engine.baseline import BASELINE
from tests.records.factories import make_client
from tests.records.support import START, screening_at


def detail(client, screening):
    return client.get(reverse("records:screening_detail", args=[screening.pk])).content.decode()


def test_it_groups_answers_by_section_with_form_labels():
    sections = answers_by_section({"client": {"name": "Ada"}, **BASELINE})
    titles = [section["title"] for section in sections]
    assert titles[0] == "Client and treatment"
    assert titles[-1] == "Medicines, allergies and procedures"
    treatment = {a["label"]: a["answer"] for a in sections[0]["answers"]}
    assert treatment["Fitzpatrick skin type"] == "2"
    assert treatment["Treatment areas"] == "Face"
    pigment = {a["label"]: a["answer"] for a in sections[3]["answers"]}
    assert pigment["History of dark marks after spots or injury (PIH)"] == "no"


def test_it_keeps_an_answer_no_section_names():
    sections = answers_by_section({**BASELINE, "retired_field": True})
    assert sections[-1]["title"] == "Other answers"


def test_it_shows_every_answer_the_version_and_who_screened(client, clinic, practitioner):
    screening = screening_at(START, clinic=clinic, practitioner=practitioner)
    client.force_login(practitioner)

    html = detail(client, screening)

    assert "Infection and skin today" in html
    assert "Family history of vitiligo" in html
    assert "vitiligo_family_history</dt>" not in html  # labels, not field names
    assert f"version {screening.rule_set_version}" in html
    assert practitioner.get_username() in html
    assert "5 Jan 2026" in html


def test_it_lists_what_changed_since_the_previous_screening(client, clinic, practitioner):
    ada = make_client(clinic)
    kept = {"clinic": clinic, "practitioner": practitioner, "client": ada}
    first = screening_at(START, **kept)
    second = screening_at(
        START + datetime.timedelta(days=30),
        **kept,
        medications=["Xarelto 20 mg"],
        eczema="active_elsewhere",
        autoimmune_conditions=["lupus"],
    )
    client.force_login(practitioner)

    html = detail(client, second)

    assert "Changed since the previous screening" in html
    assert "Medications" in html and "<strong>New:</strong> Xarelto 20 mg" in html
    assert "Autoimmune conditions" in html and "Lupus" in html
    assert "Eczema" in html and "Active elsewhere" in html
    assert "Changed since the previous screening" not in detail(client, first)


def test_it_compares_lists_by_entry_and_ignores_the_age():
    before = {**BASELINE, "medications": ["Aspirin"], "client_age_years": 34}
    now = {**BASELINE, "medications": ["aspirin", "Roaccutane"], "client_age_years": 35}

    changes = changed_answers(before, now)

    assert [c["field"] for c in changes] == ["medications"]
    assert changes[0]["added"] == ["Roaccutane"] and changes[0]["removed"] == []
    assert changes[0]["label"] == "Medications"


def test_it_spells_out_changed_list_items():
    before = {**BASELINE, "recent_procedures": []}
    now = {
        **BASELINE,
        "recent_procedures": [{"type": "dermal_filler", "days_ago": 10, "in_treatment_area": True}],
    }
    (change,) = changed_answers(before, now)
    assert change["added"] == ["Type: Dermal filler, Days ago: 10, In the treatment area: yes"]
    assert change["before"] == "none"


def test_it_says_when_nothing_changed():
    assert changed_answers(BASELINE, dict(BASELINE)) == []


def test_it_prints_on_a4_with_the_clinic_name_and_no_navigation(client, clinic, practitioner):
    screening = screening_at(START, clinic=clinic, practitioner=practitioner)
    client.force_login(practitioner)

    html = detail(client, screening)

    assert 'href="/static/css/records-print.css" media="print"' in html
    assert f'd-print-block print-clinic">{clinic.name}' in html
    stylesheet = (Path(settings.BASE_DIR) / "static/css/records-print.css").read_text()
    assert "size: A4" in stylesheet
    assert "header, footer, nav" in stylesheet


def test_it_says_when_an_allergy_was_read_from_the_text(client, clinic, practitioner):
    screening = screening_at(
        START,
        clinic=clinic,
        practitioner=practitioner,
        allergies=[],
        allergy_details="hives after EMLA <b>numbing</b> cream",
    )
    client.force_login(practitioner)

    html = detail(client, screening)

    assert screening.outcome == "refer"
    assert "ALLERGY_TOPICAL_ANAESTHETIC" in html
    assert "hives after EMLA &lt;b&gt;numbing&lt;/b&gt; cream" in html
    assert "read from the text as “Allergies: Topical anaesthetic (numbing cream)”" in html


def test_findings_and_the_referral_summary_lead_with_titles(client, clinic, practitioner):
    screening = screening_at(START, clinic=clinic, practitioner=practitioner)
    client.force_login(practitioner)

    html = detail(client, screening)

    assert "</span> Family history of vitiligo</h3>" in html
    assert 'Precaution code <span class="font-monospace">VITILIGO_FAMILY_HISTORY</span>' in html
    letter = html[html.index('<article class="referral-letter"') : html.index("</article>")]
    assert "<strong>Family history of vitiligo.</strong>" in letter
    assert "VITILIGO_FAMILY_HISTORY" not in letter
