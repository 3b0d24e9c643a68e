"""Who is calling: a clinic API key sent as `Authorization: Bearer KEY`, and what it may do."""

from ninja.security import HttpBearer

from screening.audit import client_address

from .keys import calling, evaluating
from .models import ApiKey
from .problems import Problem


def bearer_token(request) -> str | None:
    kind, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if kind.lower() == "bearer" and token.strip() else None


class ApiKeyAuth(HttpBearer):
    """Finds the key; None (401) for a missing, wrong or revoked one. Never logs the header.

    `evaluate`: the key of an evaluate call, counted with the call's audit event and the rules in
    use read (request.rules_in_use: rows for rules_in_use, or None)."""

    def __init__(self, *, evaluate: bool = False):
        super().__init__()
        self.evaluate = evaluate

    def __call__(self, request):
        token = bearer_token(request)
        return self.authenticate(request, token) if token else None

    def authenticate(self, request, token):
        if self.evaluate:
            called = evaluating(token, remote_addr=client_address(request))
            if called is not None:
                *called, request.rules_in_use = called
        else:
            called = calling(token)
        if called is None:
            return None
        api_key, over_limit = called
        if over_limit:
            raise Problem(429, "This key made too many requests; try again in a minute.")
        request.api_key = api_key
        return api_key


def require_scope(request, scope: str) -> ApiKey:
    api_key: ApiKey = request.auth
    if scope not in api_key.scopes:
        raise Problem(403, f"This key lacks the '{scope}' scope.")
    return api_key
