"""FHIR in: the exported QuestionnaireResponse read back as the same intake, problems by linkId."""

import copy
import json
from pathlib import Path

import pytest
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from screening.records.fhir import questionnaire_response, response_items
from screening.records.fhir_in import ResponseInvalid, intake_from_response
from screening.records.models import Screening
from tests.api.support import assert_problem, call, new_key, with_client
from tests.conftest import make_member
from tests.records.factories import make_screening

ROOT = Path(__file__).resolve().parent.parent.parent
SCENARIOS = json.loads((ROOT / "fixtures" / "scenarios_v1.json").read_text())["scenarios"]
URL = "/api/v1/fhir/QuestionnaireResponse"


def response_of(answers: dict) -> dict:
    return {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "item": response_items(answers),
    }


def link_ids(raised) -> list[str]:
    return [error["field"] for error in raised.value.errors]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s["name"] for s in SCENARIOS])
def test_export_then_import_gives_the_same_intake(scenario):
    resource = response_of(scenario["intake"])
    QuestionnaireResponse.model_validate(resource)
    assert intake_from_response(resource) == scenario["intake"]


@pytest.mark.django_db
def test_a_saved_records_export_imports_as_its_intake(clinic):
    screening = make_screening(clinic=clinic, practitioner=make_member(clinic, "practitioner"))
    assert intake_from_response(questionnaire_response(screening)) == {
        name: value for name, value in screening.intake.items() if name != "client"
    } | ({"client": screening.intake["client"]} if "client" in screening.intake else {})


def test_an_absent_required_answer_is_named_by_its_link_id():
    resource = response_of(with_client())
    resource["item"] = [item for item in resource["item"] if item["linkId"] != "pregnant"]
    with pytest.raises(ResponseInvalid) as raised:
        intake_from_response(resource)
    assert link_ids(raised) == ["pregnant"]


def test_absent_lists_are_empty_and_absent_nullables_null():
    answers = with_client()
    resource = response_of(answers)
    kept = [
        i
        for i in resource["item"]
        if i["linkId"] not in ("medications", "diabetes_well_controlled")
    ]
    resource["item"] = kept
    intake = intake_from_response(resource)
    assert intake["medications"] == [] and intake["diabetes_well_controlled"] is None


def test_a_wrong_answer_type_and_a_bad_group_entry_name_their_link_ids():
    answers = with_client(
        recent_procedures=[{"type": "dermal_filler", "days_ago": 3, "in_treatment_area": True}]
    )
    resource = response_of(answers)
    for item in resource["item"]:
        if item["linkId"] == "pregnant":
            item["answer"] = [{"valueString": "no"}]
        if item["linkId"] == "recent_procedures":
            item["item"] = [i for i in item["item"] if i["linkId"] != "recent_procedures.type"]
    with pytest.raises(ResponseInvalid) as raised:
        intake_from_response(resource)
    assert set(link_ids(raised)) == {"pregnant", "recent_procedures.type"}


def test_fhir_resources_problems_are_named_by_link_id():
    resource = response_of(with_client())
    resource["item"][3]["answer"] = [{"valueBoolean": "perhaps"}]
    with pytest.raises(ResponseInvalid) as raised:
        intake_from_response(resource)
    assert link_ids(raised) == [resource["item"][3]["linkId"]]


@pytest.mark.django_db
def test_the_endpoint_screens_and_saves_like_the_json_one(client, clinic):
    _, key = new_key(clinic, ["screen"])
    resource = response_of(with_client(vitiligo_family_history=True))
    response = call(client, "post", URL, key, resource, HTTP_IDEMPOTENCY_KEY="fhir-1")
    assert response.status_code == 201
    assert response.json()["decision"]["outcome"] == "refer"
    again = call(client, "post", URL, key, copy.deepcopy(resource), HTTP_IDEMPOTENCY_KEY="fhir-1")
    assert again.status_code == 200 and again.json()["id"] == response.json()["id"]
    assert Screening.objects.count() == 1
    bad = response_of(with_client())
    bad["item"] = [item for item in bad["item"] if item["linkId"] != "eczema"]
    problem = assert_problem(call(client, "post", URL, key, bad), 422)
    assert [error["field"] for error in problem["errors"]] == ["eczema"]
    assert_problem(call(client, "post", URL, key, raw=b'{"resourceType": "Patient"}'), 422)
