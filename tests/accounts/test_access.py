"""Every URL x every role: who reaches which page. Add each new URL to ROUTES."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from screening.accounts.models import Role
from screening.intake.invitations import create_invitation
from screening.records.impact import start_run
from screening.rules.approval import request_publish
from screening.rules.editing import save_rule
from screening.rules.models import RuleSet, Scenario
from screening.rules.services import published_rule_set
from screening.rules.versions import RULE_FIELDS, publish_draft
from screening.rules.versions import start_draft as open_rules_draft
from tests.conftest import ROLES, make_member
from tests.intake.factories import make_draft
from tests.records.factories import make_client, make_screening

OK, FORBIDDEN, NOT_ALLOWED, TO_LOGIN, ONWARD = 200, 403, 405, "login", "onward"
ANON = "anonymous"
SUPERUSER = "superuser"

# url name -> expected result per visitor; anything a role may not reach is 403.
ROUTES = {
    "home": {
        ANON: TO_LOGIN,
        SUPERUSER: OK,
        Role.PRACTITIONER: OK,
        Role.RECORDS_KEEPER: OK,
        Role.RULES_ADMIN: OK,
        Role.MEDICAL_DIRECTOR: OK,
    },
    "login": {ANON: OK},
    # Sign-in security, for everyone signed in. A verified session is sent on from the code
    # step (and a user with no authenticator to enrol one).
    "accounts:verify": {
        ANON: TO_LOGIN,
        SUPERUSER: ONWARD,
        Role.PRACTITIONER: ONWARD,
        Role.RECORDS_KEEPER: ONWARD,
        Role.RULES_ADMIN: ONWARD,
        Role.MEDICAL_DIRECTOR: ONWARD,
    },
    "accounts:two_factor": {
        ANON: TO_LOGIN,
        SUPERUSER: OK,
        Role.PRACTITIONER: OK,
        Role.RECORDS_KEEPER: OK,
        Role.RULES_ADMIN: OK,
        Role.MEDICAL_DIRECTOR: OK,
    },
    # Browsers post CSP reports, signed in or not; GET is not allowed (see test_headers.py).
    "csp_report": {visitor: NOT_ALLOWED for visitor in (ANON, SUPERUSER, *ROLES)},
    "accounts:sessions": {
        ANON: TO_LOGIN,
        SUPERUSER: OK,
        Role.PRACTITIONER: OK,
        Role.RECORDS_KEEPER: OK,
        Role.RULES_ADMIN: OK,
        Role.MEDICAL_DIRECTOR: OK,
    },
    "admin:index": {SUPERUSER: OK},
    # Consultations; the POST-only save endpoint is covered in tests/intake/test_views.py.
    "intake:new": {ANON: TO_LOGIN, Role.PRACTITIONER: ONWARD},
    "intake:consultation": {ANON: TO_LOGIN, Role.PRACTITIONER: OK},
    "intake:discard": {ANON: TO_LOGIN, Role.PRACTITIONER: OK},
    # Invitations: made and listed by practitioners and records keepers (revoke and review are
    # POST-only: tests/intake/test_invitations.py). The client's link opens for anyone.
    "intake:invitations": {ANON: TO_LOGIN, Role.PRACTITIONER: OK, Role.RECORDS_KEEPER: OK},
    "intake:invitation_new": {ANON: TO_LOGIN, Role.PRACTITIONER: OK, Role.RECORDS_KEEPER: OK},
    "invitation_open": {visitor: OK for visitor in [ANON, SUPERUSER, *ROLES]},
    "invitation_thanks": {visitor: OK for visitor in [ANON, SUPERUSER, *ROLES]},
    # Records: practitioners and records keepers of the clinic.
    "records:screening_list": {ANON: TO_LOGIN, Role.PRACTITIONER: OK, Role.RECORDS_KEEPER: OK},
    "records:due_rescreen": {ANON: TO_LOGIN, Role.PRACTITIONER: OK, Role.RECORDS_KEEPER: OK},
    "records:client_search": {ANON: TO_LOGIN, Role.PRACTITIONER: OK, Role.RECORDS_KEEPER: OK},
    "records:client_detail": {ANON: TO_LOGIN, Role.PRACTITIONER: OK, Role.RECORDS_KEEPER: OK},
    "records:screening_detail": {ANON: TO_LOGIN, Role.PRACTITIONER: OK, Role.RECORDS_KEEPER: OK},
    # Corrections: a records keeper corrects the answers or overrides the outcome.
    "intake:correct": {ANON: TO_LOGIN, Role.RECORDS_KEEPER: OK},
    "records:screening_override": {ANON: TO_LOGIN, Role.RECORDS_KEEPER: OK},
    # Consent: taken by practitioners at the chair; its wording kept by records keepers.
    "records:screening_consent": {ANON: TO_LOGIN, Role.PRACTITIONER: OK},
    # A referral's letter, and a no-date postponement's follow-up date (posted on the record).
    "records:screening_letter": {ANON: TO_LOGIN, Role.PRACTITIONER: OK, Role.RECORDS_KEEPER: OK},
    "records:screening_follow_up": {
        ANON: TO_LOGIN,
        Role.PRACTITIONER: OK,
        Role.RECORDS_KEEPER: OK,
    },
    "records:consent_text": {ANON: TO_LOGIN, Role.RECORDS_KEEPER: OK},
    # Records keepers only: the dashboard and the questionnaire export (the streamed CSV export
    # and the per-record pages are covered in tests/records/).
    "records:dashboard": {ANON: TO_LOGIN, Role.RECORDS_KEEPER: OK},
    "records:questionnaire_fhir": {ANON: TO_LOGIN, Role.RECORDS_KEEPER: OK},
    # API keys of the clinic (the API itself: tests/api/test_access.py, by key scope).
    "api_keys": {ANON: TO_LOGIN, Role.RECORDS_KEEPER: OK},
    "cds_clients": {ANON: TO_LOGIN, Role.RECORDS_KEEPER: OK},
    # CDS Hooks discovery and a card's source link are public (no client data).
    "cds_discovery": {visitor: OK for visitor in [ANON, SUPERUSER, *ROLES]},
    "cds_precaution": {visitor: OK for visitor in [ANON, SUPERUSER, *ROLES]},
    # The sources the precautions cite: every signed-in user.
    "sources": {ANON: TO_LOGIN, SUPERUSER: OK, **{role: OK for role in ROLES}},
    # Rule administration: rules admins edit; medical directors read the versions, rules,
    # vocabulary and scenarios they approve (the POST-only endpoints are in tests/rules/).
    "rules:versions": {ANON: TO_LOGIN, Role.RULES_ADMIN: OK, Role.MEDICAL_DIRECTOR: OK},
    "rules:version": {ANON: TO_LOGIN, Role.RULES_ADMIN: OK, Role.MEDICAL_DIRECTOR: OK},
    "rules:vocabulary": {ANON: TO_LOGIN, Role.RULES_ADMIN: OK, Role.MEDICAL_DIRECTOR: OK},
    "rules:rollback": {ANON: TO_LOGIN, Role.RULES_ADMIN: OK},
    "rules:diff": {ANON: TO_LOGIN, Role.RULES_ADMIN: OK, Role.MEDICAL_DIRECTOR: OK},
    "rules:scenarios": {ANON: TO_LOGIN, Role.RULES_ADMIN: OK, Role.MEDICAL_DIRECTOR: OK},
    "rules:scenario_new": {ANON: TO_LOGIN, Role.RULES_ADMIN: OK},
    "rules:scenario_edit": {ANON: TO_LOGIN, Role.RULES_ADMIN: OK},
    "rules:rule_new": {ANON: TO_LOGIN, Role.RULES_ADMIN: OK},
    "rules:rule_edit": {ANON: TO_LOGIN, Role.RULES_ADMIN: OK},
    "rules:publish": {ANON: TO_LOGIN, Role.RULES_ADMIN: OK},
    "impact:run": {ANON: TO_LOGIN, Role.RULES_ADMIN: OK, Role.MEDICAL_DIRECTOR: OK},
    # Publish requests: read by rules admins and medical directors (approve and reject are
    # POST-only: tests/rules/test_approval.py).
    "rules:requests": {ANON: TO_LOGIN, Role.RULES_ADMIN: OK, Role.MEDICAL_DIRECTOR: OK},
    "rules:request": {ANON: TO_LOGIN, Role.RULES_ADMIN: OK, Role.MEDICAL_DIRECTOR: OK},
    # The same pages for the signed-in clinic's own layer of rules (under /rules/clinic/).
    "clinic_rules:versions": {ANON: TO_LOGIN, Role.RULES_ADMIN: OK, Role.MEDICAL_DIRECTOR: OK},
    "clinic_rules:version": {ANON: TO_LOGIN, Role.RULES_ADMIN: OK, Role.MEDICAL_DIRECTOR: OK},
    "clinic_rules:vocabulary": {ANON: TO_LOGIN, Role.RULES_ADMIN: OK, Role.MEDICAL_DIRECTOR: OK},
    "clinic_rules:rollback": {ANON: TO_LOGIN, Role.RULES_ADMIN: OK},
    "clinic_rules:diff": {ANON: TO_LOGIN, Role.RULES_ADMIN: OK, Role.MEDICAL_DIRECTOR: OK},
    "clinic_rules:scenarios": {ANON: TO_LOGIN, Role.RULES_ADMIN: OK, Role.MEDICAL_DIRECTOR: OK},
    "clinic_rules:scenario_new": {ANON: TO_LOGIN, Role.RULES_ADMIN: OK},
    "clinic_rules:scenario_edit": {ANON: TO_LOGIN, Role.RULES_ADMIN: OK},
    "clinic_rules:rule_new": {ANON: TO_LOGIN, Role.RULES_ADMIN: OK},
    "clinic_rules:rule_edit": {ANON: TO_LOGIN, Role.RULES_ADMIN: OK},
    "clinic_rules:publish": {ANON: TO_LOGIN, Role.RULES_ADMIN: OK},
    "clinic_rules:requests": {ANON: TO_LOGIN, Role.RULES_ADMIN: OK, Role.MEDICAL_DIRECTOR: OK},
    "clinic_rules:request": {ANON: TO_LOGIN, Role.RULES_ADMIN: OK, Role.MEDICAL_DIRECTOR: OK},
}


def own_draft_token(clinic, user):
    """A draft of the visitor's own (a practitioner's), so that only the role decides."""
    membership = getattr(user, "membership", None)
    if membership is None or membership.role != Role.PRACTITIONER:
        user = make_member(clinic, Role.PRACTITIONER)
    return [make_draft(clinic, user).token]


def own_client_id(clinic, user):
    return [make_client(clinic).pk]


def proceeding_screening_id(clinic, user):
    practitioner = make_member(clinic, Role.PRACTITIONER)
    return [make_screening(clinic=clinic, practitioner=practitioner, eczema="history").pk]


def referred_screening_id(clinic, user):
    practitioner = make_member(clinic, Role.PRACTITIONER)
    return [make_screening(clinic=clinic, practitioner=practitioner).pk]  # refer


def cold_sore_screening_id(clinic, user):
    practitioner = make_member(clinic, Role.PRACTITIONER)
    cold_sore = [{"type": "cold_sore", "in_treatment_area": True}]
    return [
        make_screening(clinic=clinic, practitioner=practitioner, active_infections=cold_sore).pk
    ]


def open_invitation_token(clinic, user):
    practitioner = make_member(clinic, Role.PRACTITIONER)
    return [create_invitation(clinic=clinic, practitioner=practitioner)[1]]


# url name -> its arguments, built from the clinic and the signed-in user (None when anonymous).
URL_ARGS = {
    "intake:consultation": own_draft_token,
    "intake:discard": own_draft_token,
    "records:client_detail": own_client_id,
    "records:screening_consent": proceeding_screening_id,
    "records:screening_detail": referred_screening_id,
    "intake:correct": referred_screening_id,
    "records:screening_override": referred_screening_id,
    "records:screening_letter": referred_screening_id,
    "records:screening_follow_up": cold_sore_screening_id,
    "invitation_open": open_invitation_token,
    "cds_precaution": lambda clinic, user: ["VITILIGO_FAMILY_HISTORY"],
    "rules:version": lambda clinic, user: [1],
    "rules:vocabulary": lambda clinic, user: [1],
    "rules:rollback": lambda clinic, user: [1],
    "rules:rule_new": lambda clinic, user: open_rules_draft() and [],
    "rules:scenario_edit": lambda clinic, user: [Scenario.objects.first().pk],
    "rules:publish": lambda clinic, user: open_rules_draft() and [],
    "rules:rule_edit": lambda clinic, user: [open_rules_draft().rules.first().pk],
    "impact:run": lambda clinic, user: [
        start_run(rule_set=open_rules_draft(), user=None, clinic=clinic).pk
    ],
}


def published_layer_version(clinic, user):
    """Version 1 of the clinic's layer, published, and version 2 open as its draft."""
    if not RuleSet.objects.filter(clinic=clinic).exists():
        open_rules_draft(clinic)
        publish_draft(user=None, note="A first layer", clinic=clinic)
        open_rules_draft(clinic)
    return [1]


def layer_rule_id(clinic, user):
    draft = open_rules_draft(clinic)
    floor_rule = published_rule_set().rules.first()
    values = {field: getattr(floor_rule, field) for field in RULE_FIELDS}
    saved = save_rule(draft=draft, rule=None, values=values, revision=None)
    return [saved.pk]


def own_scenario_id(clinic, user):
    baseline = Scenario.objects.filter(expected_outcome="proceed", required_codes=[]).first()
    own = Scenario.objects.create(
        name="Ours", clinic=clinic, intake=baseline.intake, expected_outcome="proceed"
    )
    return [own.pk]


def floor_request_id(clinic, user):
    open_rules_draft()
    asker = make_member(clinic, Role.RULES_ADMIN)
    return [request_publish(user=asker, note="A change").pk]


def layer_request_id(clinic, user):
    open_rules_draft(clinic)
    asker = make_member(clinic, Role.RULES_ADMIN)
    return [request_publish(user=asker, note="A change", clinic=clinic).pk]


URL_ARGS.update(
    {
        "rules:request": floor_request_id,
        "clinic_rules:request": layer_request_id,
        "clinic_rules:version": published_layer_version,
        "clinic_rules:vocabulary": published_layer_version,
        "clinic_rules:rollback": published_layer_version,
        "clinic_rules:rule_new": lambda clinic, user: open_rules_draft(clinic) and [],
        "clinic_rules:publish": lambda clinic, user: open_rules_draft(clinic) and [],
        "clinic_rules:rule_edit": layer_rule_id,
        "clinic_rules:diff": lambda clinic, user: published_layer_version(clinic, user) and [],
        "clinic_rules:scenario_edit": own_scenario_id,
    }
)


def visitors():
    return [ANON, SUPERUSER, *ROLES]


def cases():
    for name, expected in ROUTES.items():
        for visitor in visitors():
            yield name, visitor, expected.get(visitor)


def log_in(client, clinic, visitor):
    if visitor == ANON:
        return None
    if visitor == SUPERUSER:
        user = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    else:
        user = make_member(clinic, visitor)
    client.force_login(user)
    return user


@pytest.mark.parametrize(("name", "visitor", "expected"), list(cases()))
def test_it_gives_each_role_exactly_its_pages(client, clinic, name, visitor, expected):
    user = log_in(client, clinic, visitor)
    url = reverse(name, args=URL_ARGS[name](clinic, user) if name in URL_ARGS else None)
    response = client.get(url)

    if expected == TO_LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    elif expected == OK:
        assert response.status_code == 200
        assert b"MISSING_TEMPLATE_VARIABLE" not in response.content
    elif expected == NOT_ALLOWED:
        assert response.status_code == NOT_ALLOWED
    elif expected == ONWARD:
        assert response.status_code == 302
        assert not response["Location"].startswith(reverse("login"))
    elif name == "admin:index" or (name == "login" and visitor != ANON):
        # The admin sends non-staff to its own login; signed-in users are sent on from login.
        assert response.status_code == 302
    else:
        assert response.status_code == FORBIDDEN


def test_it_shows_each_role_its_own_home(client, clinic):
    for role, phrase in [
        (Role.PRACTITIONER, b"Start a consultation"),
        (Role.RECORDS_KEEPER, b"Records"),
        (Role.RULES_ADMIN, b"Rules"),
        (Role.MEDICAL_DIRECTOR, b"Rules to approve"),
    ]:
        client.force_login(make_member(clinic, role))
        assert phrase in client.get(reverse("home")).content


def test_it_marks_signed_in_pages_no_store(client, practitioner):
    client.force_login(practitioner)
    response = client.get(reverse("home"))
    assert "no-store" in response["Cache-Control"]


def test_it_sends_a_content_security_policy_without_inline_script(client):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
