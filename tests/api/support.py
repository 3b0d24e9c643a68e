import copy
import json

from screening.api.keys import create_key
from tests.engine.baseline import BASELINE

ALL_SCOPES = ["evaluate", "screen", "read"]
CLIENT = {"name": "Grace Hopper", "date_of_birth": "1986-12-09", "reference": "GH-1"}


def new_key(clinic, scopes=None, label=None):
    """A fresh key of `clinic`: (row, the key itself)."""
    new_key.count = getattr(new_key, "count", 0) + 1
    return create_key(
        clinic=clinic, label=label or f"system-{new_key.count}", scopes=scopes or ALL_SCOPES
    )


def intake(**answers):
    return {**copy.deepcopy(BASELINE), **answers}


def with_client(**answers):
    return {**intake(**answers), "client": dict(CLIENT)}


def call(client, method, url, key=None, body=None, raw=None, **headers):
    if key is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    data = raw if raw is not None else (json.dumps(body) if body is not None else None)
    send = getattr(client, method.lower())
    if data is None:
        return send(url, **headers)
    return send(url, data=data, content_type="application/json", **headers)


def assert_problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"]
    return body
