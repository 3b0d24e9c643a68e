"""The sources page and the links from each finding to the section it cites."""

import re

import pytest
from django.urls import reverse

from screening.rules.sources import source_link
from tests.records.factories import make_screening

pytestmark = pytest.mark.django_db


def test_the_page_shows_each_seed_by_section_and_the_references_as_citations(client, practitioner):
    client.force_login(practitioner)
    html = client.get(reverse("sources")).content.decode()
    assert "Microneedling and the risk of vitiligo" in html
    assert '<h3 class="h6" id="s4-l30" tabindex="-1">Risk Factors and Considerations</h3>' in html
    assert "Individuals with a family history of vitiligo" in html
    assert (
        "Alster TS, Graham PM (2018). Microneedling: a review and practical guide. "
        "Dermatologic Surgery 44(3):397-404" in html
    )
    assert ".txt" not in html


def test_a_seed_source_links_to_its_section_by_line():
    link = source_link("004_9562d260a1800167.txt", "Risk Factors and Considerations, lines 30-31")
    assert link["title"] == "Microneedling and the risk of vitiligo"
    assert link["href"] == reverse("sources") + "#s4-l30"
    # The same heading twice in one document: the line number picks the second.
    second = source_link("002_ff63f61c4da03db6.txt", "Preparing for and Recovering, lines 36-37")
    assert second["href"].endswith("#s2-l36")


def test_an_external_source_is_a_citation():
    link = source_link("E11 SkinPen Precision contraindications (clinic reproductions)")
    assert link["href"].endswith("#ref-e11")
    assert link["citation"].startswith("Bellus Medical. SkinPen Precision contraindications")


def test_every_seeded_rule_source_is_found():
    from tests.engine.test_seeded_rules import rules_data

    for rule in rules_data()["rules"]:
        if rule["source"] != "Project rule":
            assert source_link(rule["source"], rule["source_section"])["href"], rule["code"]


def test_each_finding_links_to_its_source_without_file_names(client, clinic, practitioner):
    screening = make_screening(clinic=clinic, practitioner=practitioner)
    client.force_login(practitioner)
    url = reverse("records:screening_detail", args=[screening.pk])
    html = client.get(url).content.decode()
    assert re.search(r'<a href="/sources/#s4-l30">Microneedling and the risk of vitiligo</a>', html)
    assert ".txt" not in html
