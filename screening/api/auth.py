"""Who is calling: a clinic API key sent as `Authorization: Bearer KEY`, and what it may do."""

from ninja.security import HttpBearer

from .keys import calling
from .models import ApiKey
from .problems import Problem


def bearer_token(request) -> str | None:
    kind, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if kind.lower() == "bearer" and token.strip() else None


class ApiKeyAuth(HttpBearer):
    """Finds the key; None (401) for a missing, wrong or revoked one. Never logs the header."""

    def __call__(self, request):
        token = bearer_token(request)
        return self.authenticate(request, token) if token else None

    def authenticate(self, request, token):
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
