import http.client
import itertools
import queue
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from screening.accounts.models import Clinic, Membership, Role
from screening.devtools import bench
from screening.intake.models import Draft

JSON = "application/json"

# A healthy client's answers as the consultation form posts them (INTAKE.md's baseline).
ANSWERS = {
    "client_name": "Bench Client",
    "client_date_of_birth": "1990-03-14",
    "client_reference": "",
    "treatment_areas": "face",
    "treatment_goal": "fine_lines_wrinkles",
    "fitzpatrick_type": "2",
    "acne_in_area": "none",
    "eczema": "none",
    "psoriasis": "none",
    "rosacea": "none",
    "skin_cancer_history": "none",
    "diabetes": "none",
    "chemotherapy_or_radiotherapy": "none",
    "uses_topical_products": "yes",
    "topical_products_1_name": "CeraVe moisturising cream",
    "topical_products_1_last_used_days_ago": "0",
    "medications": "",
    "allergy_details": "",
    **dict.fromkeys(
        [
            "history_of_pih",
            "has_active_infections",
            "unwell_or_fever_today",
            "cold_sore_history",
            "antiviral_prophylaxis_arranged",
            "open_wounds_in_area",
            "has_other_skin_conditions",
            "sunburn_in_area_last_14_days",
            "tanning_in_area_last_14_days",
            "tattoo_or_pmu_in_area",
            "suspicious_lesion_in_area",
            "has_vitiligo",
            "vitiligo_family_history",
            "previous_depigmentation",
            "has_autoimmune_conditions",
            "keloid_or_hypertrophic_scarring",
            "bleeding_disorder",
            "immunodeficiency_or_transplant",
            "radiotherapy_to_treatment_area_ever",
            "cardiac_condition_or_implanted_device",
            "pregnant",
            "breastfeeding",
            "takes_medications",
            "isotretinoin_ever",
            "has_allergies",
            "had_recent_procedures",
        ],
        "no",
    ),
}


class Command(bench.BenchCommand):
    help = (
        "Serve the app with gunicorn (production settings, 2 workers) on PostgreSQL and time, each "
        "beside a bare baseline view in the same run: the consultation page against a template "
        "page of the same size, an autosave against a one-row JSON update, a submit against a "
        "one-row JSON insert. Prints req/s, p50 and p99 of each and their ratio. Writes "
        "drafts, screenings and audit events of a 'Bench clinic': use a database of its own."
    )

    def handle(self, *args, seconds, rounds, threads, **options):
        self.migrated_postgresql()
        call_command("collectstatic", interactive=False, verbosity=0)
        practitioner = bench_practitioner()
        clinic = practitioner.membership.clinic
        stored = {name: [value] for name, value in ANSWERS.items()}
        open_drafts = itertools.cycle(
            [str(d.pk) for d in new_drafts(clinic, practitioner, stored, threads)]
        )
        to_submit = queue.SimpleQueue()  # each submit closes a draft of its own
        for draft in new_drafts(clinic, practitioner, stored, int(400 * (seconds * rounds + 2))):
            to_submit.put(str(draft.pk))
        cookies = bench.signed_in(practitioner)
        secret = cookies.pop("csrf")
        get = {"Cookie": cookies["Cookie"]}
        post = {**get, "Content-Type": "application/x-www-form-urlencoded"}
        body = urlencode({**ANSWERS, "csrfmiddlewaretoken": secret}).encode()
        insert = f"/bench/insert?clinic={clinic.pk}&user={practitioner.pk}"

        def form_page():
            return "GET", f"/consultations/{next(open_drafts)}/", b"", get

        def autosave():
            token = next(open_drafts)
            return "POST", f"/consultations/{token}/save/", body, {**post, "Accept": JSON}

        def submit():
            return "POST", f"/consultations/{to_submit.get_nowait()}/", body, post

        environment = bench.server_environment(AUTOSAVE_PER_MINUTE="100000000")
        with bench.gunicorn(environment):
            size = form_page_size(*form_page()[1::2])
            pairs = [
                (
                    bench.Side("form page", form_page),
                    bench.Side(
                        "same-size template page",
                        lambda: ("GET", f"/bench/page?bytes={size}", b"", {}),
                    ),
                ),
                (
                    bench.Side("autosave", autosave),
                    bench.Side(
                        "one-row JSON update",
                        lambda: ("POST", f"/bench/update?row={next(open_drafts)}", body, post),
                    ),
                ),
                (
                    bench.Side("submit", submit, ok=(302,)),
                    bench.Side("one-row JSON insert", lambda: ("POST", insert, body, post)),
                ),
            ]
            self.stdout.write(
                f"gunicorn, 2 workers, PostgreSQL; {threads} client threads; best of {rounds} "
                f"rounds of {seconds:g} s; the form page is {size} bytes."
            )
            bench.compare(pairs, seconds=seconds, threads=threads, rounds=rounds, out=self.stdout)


def bench_practitioner():
    clinic, _ = Clinic.objects.get_or_create(name="Bench clinic")
    user, created = get_user_model().objects.get_or_create(username="bench-practitioner")
    if created:
        user.set_unusable_password()
        user.save()
        Membership.objects.create(user=user, clinic=clinic, role=Role.PRACTITIONER)
    return user


def new_drafts(clinic, practitioner, data, count):
    return Draft.objects.bulk_create(
        Draft(clinic=clinic, practitioner=practitioner, data=data) for _ in range(count)
    )


def form_page_size(path, headers) -> int:
    """The consultation page's size in bytes (its first request also starts the session)."""
    connection = http.client.HTTPConnection("127.0.0.1", bench.PORT, timeout=60)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    content = response.read()
    connection.close()
    if response.status != 200:
        raise CommandError(f"The consultation page answered {response.status}.")
    return len(content)
