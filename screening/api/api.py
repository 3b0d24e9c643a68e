"""The NinjaAPI under /api/v1/: authentication, the error answers, the URLs."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from screening.records.services import CannotScreen
from screening.rules.services import NoPublishedRuleSet

from .auth import ApiKeyAuth
from .endpoints import router
from .problems import PROBLEM, Problem, problem_response


class ScreeningAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        """Ninja's description, with each error answer's media type: problem+json."""
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, answer in operation.get("responses", {}).items():
                    if int(status) >= 400 and "content" in answer:
                        answer["content"] = {PROBLEM: answer["content"]["application/json"]}
        return schema


api = ScreeningAPI(
    title="Microneedling screening API",
    version="1",
    description=(
        "Screen intakes (INTAKE.md) against the published rules, save screenings and read the "
        "clinic's records. Send a clinic API key as `Authorization: Bearer KEY`. Errors are RFC "
        "9457 problem details (`application/problem+json`)."
    ),
    urls_namespace="api",
    auth=ApiKeyAuth(),
)
api.add_router("/", router)


def field_of(location) -> str:
    parts = [str(part) for part in location if part not in ("query", "path", "body", "header")]
    return ".".join(parts) or "body"


@api.exception_handler(Problem)
def on_problem(request, exc: Problem):
    return problem_response(exc.status, exc.detail, exc.errors)


@api.exception_handler(AuthenticationError)
def on_authentication(request, exc):
    return problem_response(401, "Send a valid, unrevoked clinic API key as a Bearer token.")


@api.exception_handler(ValidationError)
def on_validation(request, exc: ValidationError):
    errors = [
        {"field": field_of(error.get("loc", ())), "message": error.get("msg", "not valid")}
        for error in exc.errors
    ]
    return problem_response(422, "The request's parameters are not valid.", errors)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return problem_response(404, "Nothing here for this clinic.")


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return problem_response(exc.status_code, str(exc))


@api.exception_handler(CannotScreen)
@api.exception_handler(NoPublishedRuleSet)
def on_no_rule_set(request, exc):
    return problem_response(503, "No rule set is published yet, so nothing can be screened.")


def without_sign_in(patterns):
    """Callers authenticate with a key, not a session: exempt the views from LoginRequired.

    A call is not one transaction: its rate-limit count commits at once, so that the count's
    row, which every call of the key updates, is locked for that statement only, not until the
    call ends (that queued a key's parallel calls one behind the other)."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            without_sign_in(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            pattern.callback = login_not_required(pattern.callback)
    return patterns


def api_urls():
    patterns, app_name, namespace = api.urls
    return without_sign_in(patterns), app_name, namespace
