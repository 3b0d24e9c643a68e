"""Exports: the records CSV (filters, injection guard, streaming), FHIR, subject access."""

import csv
import datetime
import io
import json

import pytest
from django.urls import reverse
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from screening.engine import INTAKE_FIELDS
from screening.records.exports import safe_cell
from screening.records.fhir import questionnaire, questionnaire_response
from screening.records.models import Client
from tests.audit.support import amend, override
from tests.conftest import make_member
from tests.records.factories import make_client, make_screening


@pytest.fixture
def keeper_client(client, records_keeper):
    client.force_login(records_keeper)
    return client


def csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+44 1234", "'+44 1234"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("Ada", "Ada"),
        ("", ""),
        (None, ""),
        (3, "3"),
    ],
)
def test_it_defuses_formulas(value, expected):
    assert safe_cell(value) == expected


@pytest.mark.django_db
def test_it_exports_one_row_per_screening(keeper_client, clinic, practitioner):
    practitioner.first_name, practitioner.last_name = "Pat", "Smith"
    practitioner.save()
    client_record = Client.objects.create(
        clinic=clinic,
        name="=cmd|' /C calc'!A0",
        date_of_birth=datetime.date(1980, 2, 3),
        reference="@ref",
    )
    screening = make_screening(clinic=clinic, practitioner=practitioner, client=client_record)

    rows = csv_rows(keeper_client.get(reverse("records:export_csv")))

    assert rows[0] == [
        "screened_on",
        "client_name",
        "date_of_birth",
        "reference",
        "practitioner",
        "outcome",
        "precaution_codes",
        "rule_set_version",
        "outcome_in_force",
        "original_outcome",
        "corrected",
        "overridden",
    ]
    assert rows[1] == [
        screening.screened_on.isoformat(),
        "'=cmd|' /C calc'!A0",
        "1980-02-03",
        "'@ref",
        "Pat Smith",
        "refer",
        "VITILIGO_FAMILY_HISTORY",
        str(screening.rule_set_version),
        "refer",
        "refer",
        "no",
        "no",
    ]


@pytest.mark.django_db
def test_it_applies_the_lists_filters(keeper_client, clinic, practitioner):
    other_practitioner = make_member(clinic, "practitioner")
    make_screening(clinic=clinic, practitioner=practitioner)  # refer
    make_screening(
        clinic=clinic,
        practitioner=practitioner,
        client=make_client(clinic, "Bo"),
        vitiligo_family_history=False,
    )  # proceed
    make_screening(clinic=clinic, practitioner=other_practitioner, client=make_client(clinic, "Cy"))
    url = reverse("records:export_csv")

    assert len(csv_rows(keeper_client.get(url, {"outcome": "proceed"}))) == 2
    assert len(csv_rows(keeper_client.get(url, {"practitioner": other_practitioner.pk}))) == 2
    assert len(csv_rows(keeper_client.get(url, {"precaution": "VITILIGO_FAMILY_HISTORY"}))) == 3
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    assert len(csv_rows(keeper_client.get(url, {"date_from": tomorrow.isoformat()}))) == 1


@pytest.mark.django_db
def test_it_sends_bad_filters_back_to_the_list(keeper_client):
    response = keeper_client.get(reverse("records:export_csv"), {"date_from": "soon"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_the_csv_never_holds_another_clinics_records(keeper_client, clinic, other_clinic):
    make_screening(
        clinic=other_clinic,
        practitioner=make_member(other_clinic, "practitioner"),
        client=make_client(other_clinic, "Bea of Clinic B"),
    )
    make_screening(clinic=clinic, practitioner=make_member(clinic, "practitioner"))
    rows = csv_rows(keeper_client.get(reverse("records:export_csv")))
    assert len(rows) == 2
    assert "Bea of Clinic B" not in str(rows)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["practitioner", "rules_admin"])
def test_only_records_keepers_export(client, clinic, practitioner, role):
    screening = make_screening(clinic=clinic, practitioner=practitioner)
    client.force_login(make_member(clinic, role))
    for url in [
        reverse("records:export_csv"),
        reverse("records:screening_fhir", args=[screening.pk]),
        reverse("records:questionnaire_fhir"),
        reverse("records:client_export", args=[screening.client.pk]),
    ]:
        assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_exporting_the_csv_reads_the_rows_in_few_queries(
    keeper_client, clinic, practitioner, django_assert_max_num_queries
):
    for number in range(20):
        make_screening(
            clinic=clinic, practitioner=practitioner, client=make_client(clinic, f"C{number}")
        )
    # 17: the audit event is 5 (lock and read its chain's head, the event, its link, the head);
    # one reads the session's two-factor device.
    with django_assert_max_num_queries(17):
        rows = csv_rows(keeper_client.get(reverse("records:export_csv")))
    assert len(rows) == 21


# FHIR


def test_the_questionnaire_is_valid_fhir_and_covers_every_intake_field():
    resource = Questionnaire.model_validate(questionnaire())
    link_ids = [item.linkId for item in resource.item]
    assert link_ids == ["client", *INTAKE_FIELDS]
    eczema = next(item for item in resource.item if item.linkId == "eczema")
    assert eczema.type == "choice"
    assert [option.valueCoding.code for option in eczema.answerOption] == [
        "none",
        "history",
        "active_in_area",
        "active_elsewhere",
    ]
    procedures = next(item for item in resource.item if item.linkId == "recent_procedures")
    assert (procedures.type, procedures.repeats) == ("group", True)
    assert [item.linkId for item in procedures.item] == [
        "recent_procedures.type",
        "recent_procedures.days_ago",
        "recent_procedures.in_treatment_area",
    ]


@pytest.mark.django_db
def test_a_record_is_a_valid_questionnaire_response(keeper_client, clinic, practitioner):
    screening = make_screening(
        clinic=clinic,
        practitioner=practitioner,
        vitiligo_family_history=True,
        recent_procedures=[{"type": "dermal_filler", "days_ago": 10, "in_treatment_area": True}],
        medications=["Xarelto 20 mg"],
        isotretinoin_last_dose_months_ago=4.5,
    )

    response = keeper_client.get(reverse("records:screening_fhir", args=[screening.pk]))

    assert response["Content-Type"] == "application/fhir+json"
    resource = QuestionnaireResponse.model_validate(json.loads(response.content))
    assert resource.status == "completed"
    items = {item.linkId: item for item in resource.item}
    assert items["vitiligo_family_history"].answer[0].valueBoolean is True
    assert items["fitzpatrick_type"].answer[0].valueInteger == 2
    assert items["treatment_areas"].answer[0].valueCoding.code == "face"
    assert items["medications"].answer[0].valueString == "Xarelto 20 mg"
    assert float(items["isotretinoin_last_dose_months_ago"].answer[0].valueDecimal) == 4.5
    procedure = items["recent_procedures"].item
    assert [(i.linkId, i.answer[0]) for i in procedure][0][1].valueCoding.code == "dermal_filler"
    assert "diabetes_well_controlled" not in items  # null: no answer


@pytest.mark.django_db
def test_an_amended_record_exports_the_corrected_answers(clinic, practitioner, records_keeper):
    screening = make_screening(clinic=clinic, practitioner=practitioner)
    amend(screening, records_keeper, vitiligo_family_history=False)
    resource = QuestionnaireResponse.model_validate(questionnaire_response(screening))
    assert resource.status == "amended"
    items = {item.linkId: item for item in resource.item}
    assert items["vitiligo_family_history"].answer[0].valueBoolean is False


# Subject access


@pytest.mark.django_db
def test_a_subject_access_export_holds_all_of_the_clients_data(
    keeper_client, clinic, practitioner, records_keeper
):
    person = make_client(clinic, "Ada Lovelace")
    first = make_screening(clinic=clinic, practitioner=practitioner, client=person)
    make_screening(clinic=clinic, practitioner=practitioner, client=person, pregnant=True)
    make_screening(clinic=clinic, practitioner=practitioner, client=make_client(clinic, "Other"))
    amend(first, records_keeper, reason="Corrected history", vitiligo_family_history=False)
    override(first, records_keeper, outcome="postpone", comment="Wait for letter")
    person.reference = "R-1"
    person.save()

    response = keeper_client.get(reverse("records:client_export", args=[person.pk]))

    assert response["Content-Disposition"] == (
        f'attachment; filename="client-{person.pk}-subject-access.json"'
    )
    data = json.loads(response.content)
    assert data["client"]["name"] == "Ada Lovelace"
    assert data["client"]["reference"] == "R-1"
    assert [entry["change"] for entry in data["client_history"]] == ["Created", "Changed"]
    assert len(data["screenings"]) == 2
    oldest = data["screenings"][0]
    assert oldest["intake"]["vitiligo_family_history"] is True
    assert oldest["decision"]["outcome"] == "refer"
    assert [a["reason"] for a in oldest["amendments"]] == ["Corrected history"]
    assert oldest["amendments"][0]["decision"]["outcome"] == "proceed"
    assert [o["comment"] for o in oldest["overrides"]] == ["Wait for letter"]
    assert data["screenings"][1]["intake"]["pregnant"] is True


@pytest.mark.django_db
def test_a_subject_access_export_of_another_clinics_client_is_not_found(
    keeper_client, other_clinic
):
    person = make_client(other_clinic, "Bea")
    assert keeper_client.get(reverse("records:client_export", args=[person.pk])).status_code == 404
