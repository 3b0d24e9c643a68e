"""RFC 9457 problem details: every error the API and CDS service answer is one of these."""

import json

from django.http import HttpResponse

from screening.accounts.ratelimit import retry_after

PROBLEM = "application/problem+json"
TITLES = {
    400: "Bad request",
    401: "A valid API key is needed",
    403: "The key may not do this",
    404: "Not found",
    409: "Idempotency-Key already used",
    422: "The input is not valid",
    429: "Too many requests",
    503: "No rule set is published",
}


class Problem(Exception):
    """Raise to answer with problem details; `errors` lists {field, message} for bad input."""

    def __init__(self, status: int, detail: str = "", errors: list[dict] | None = None):
        super().__init__(detail)
        self.status, self.detail, self.errors = status, detail, errors


def problem_response(status: int, detail: str = "", errors: list[dict] | None = None):
    body = {"type": "about:blank", "title": TITLES.get(status, "Error"), "status": status}
    if detail:
        body["detail"] = detail
    if errors is not None:
        body["errors"] = errors
    response = HttpResponse(json.dumps(body), status=status, content_type=PROBLEM)
    if status == 401:
        response["WWW-Authenticate"] = "Bearer"
    if status == 429:
        response["Retry-After"] = str(retry_after(60))
    return response


def invalid_input(errors: list[dict]) -> Problem:
    count = len(errors)
    return Problem(422, f"{count} problem{'s' if count != 1 else ''} with the input.", errors)
