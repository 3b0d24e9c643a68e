"""Lists longer than the form's usual rows: a client with seven products is listed in full, and a
record listing more items than the usual rows is corrected through the form like any other."""

import re

import pytest
from django.urls import reverse

from screening.intake.forms import IntakeForm
from screening.intake.models import Draft
from screening.intake.sections import MOST_ROWS
from screening.records.models import Amendment
from tests.audit.support import corrected
from tests.records.factories import make_screening

PRODUCTS = [
    {"name": f"Moisturiser number {number}", "last_used_days_ago": number} for number in range(8)
]


@pytest.fixture
def keeper_client(client, records_keeper):
    client.force_login(records_keeper)
    return client


def row_legends(html: str, noun: str) -> list[str]:
    return re.findall(rf"<legend[^>]*>\s*({noun} \d+)\s*</legend>", html)


@pytest.mark.django_db
def test_a_record_with_more_products_than_the_usual_rows_shows_each_one_and_a_spare_row(
    keeper_client, clinic, practitioner
):
    screening = make_screening(clinic=clinic, practitioner=practitioner, topical_products=PRODUCTS)

    response = keeper_client.get(reverse("intake:correct", args=[screening.pk]))

    html = response.content.decode()
    assert "cannot be corrected" not in html
    for product in PRODUCTS:
        assert f'value="{product["name"]}"' in html
    assert row_legends(html, "Product") == [f"Product {n}" for n in range(1, 10)]  # 8 and 1 more


@pytest.mark.django_db
def test_correcting_another_answer_keeps_every_listed_product(keeper_client, clinic, practitioner):
    screening = make_screening(
        clinic=clinic,
        practitioner=practitioner,
        topical_products=PRODUCTS,
        vitiligo_family_history=True,
    )
    data = {
        "reason": "No relative has vitiligo.",
        **corrected(screening, vitiligo_family_history=False),
    }

    response = keeper_client.post(reverse("intake:correct", args=[screening.pk]), data)

    assert response.status_code == 302, response.context["form"].errors
    amendment = Amendment.objects.get()
    assert amendment.intake["topical_products"] == PRODUCTS
    assert amendment.intake["vitiligo_family_history"] is False


@pytest.mark.django_db
def test_a_product_added_in_the_spare_row_is_kept_and_a_half_filled_one_is_named(
    keeper_client, clinic, practitioner
):
    screening = make_screening(clinic=clinic, practitioner=practitioner, topical_products=PRODUCTS)
    url = reverse("intake:correct", args=[screening.pk])
    data = {"reason": "One more product.", **corrected(screening)}
    data["topical_products_9_name"] = "Vitamin C serum 15%"

    response = keeper_client.post(url, data)

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "topical_products_9_last_used_days_ago": [
            "Product 9: enter the days since it was last used (0 for today or daily), "
            "or clear the row."
        ]
    }
    html = response.content.decode()
    assert 'value="Vitamin C serum 15%"' in html  # nothing typed is lost
    assert "Product 9: enter the days" in html  # in the summary at the top, too

    data["topical_products_9_last_used_days_ago"] = "3"
    response = keeper_client.post(url, data)

    assert response.status_code == 302
    added = {"name": "Vitamin C serum 15%", "last_used_days_ago": 3}
    assert Amendment.objects.get().intake["topical_products"] == [*PRODUCTS, added]


@pytest.mark.django_db
def test_a_record_listing_more_than_the_form_can_hold_says_why_it_cannot_be_corrected(
    keeper_client, clinic, practitioner
):
    many = [{"name": f"Cream {n}", "last_used_days_ago": 1} for n in range(MOST_ROWS + 1)]
    screening = make_screening(clinic=clinic, practitioner=practitioner, topical_products=many)
    url = reverse("intake:correct", args=[screening.pk])

    page = keeper_client.get(url).content.decode()
    response = keeper_client.post(url, {"reason": "Try", **corrected(screening)})

    assert f"Topical products: {MOST_ROWS + 1} listed, the form holds {MOST_ROWS}" in page
    assert response.status_code == 200 and not Amendment.objects.exists()


def test_a_consultation_gains_a_row_once_the_usual_rows_are_filled():
    data = {f"topical_products_{n}_name": "Cream" for n in range(1, 7)}

    assert len(IntakeForm(data=data).rows["topical_products"].field_names) == 2 * 7
    assert len(IntakeForm(data={}).rows["topical_products"].field_names) == 2 * 6
    crafted = {f"topical_products_{MOST_ROWS + 5}_name": "Cream"}
    assert IntakeForm(data=crafted).rows["topical_products"].count == MOST_ROWS  # and no more


@pytest.mark.django_db
def test_a_seventh_product_saved_without_script_is_kept_and_comes_back_with_a_spare_row(
    client, practitioner
):
    client.force_login(practitioner)
    page = client.get(reverse("intake:new"))["Location"]
    products = {f"topical_products_{n}_name": f"Cream {n}" for n in range(1, 8)}

    client.post(page + "save/", {"client_name": "Ada Lovelace", **products})  # "Save and continue"
    html = client.get(page).content.decode()

    assert Draft.objects.get().data["topical_products_7_name"] == ["Cream 7"]
    assert 'value="Cream 7"' in html
    assert row_legends(html, "Product")[-2:] == ["Product 7", "Product 8"]
