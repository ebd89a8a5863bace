"""Every authenticated route, found by walking the URL patterns, refuses anonymous callers,
tokens without its scope and deactivated users' tokens; admin routes refuse non-staff."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from accounts import services as account_services
from core import ids
from core import scopes as scope_rules
from tests.factories import AppFactory, UserFactory

PLACEHOLDER_ID = ids.encode(ids.new_id())
CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")
# Routes whose refusal differs by design (documented in the reference).
EXEMPT = {
    "api/v1/apps/verify_credentials",  # 401 for Pleroma-FE's app token logic
    "api/v1/accounts",  # registration: app token, its own refusals
}


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def api_operations():
    """(path, method, action, required scopes, anonymous ok) for every DRF action."""
    found = []
    for route, callback in _walk(get_resolver().url_patterns):
        cls = getattr(callback, "cls", None)
        actions = getattr(callback, "actions", None) or {}
        if cls is None or not hasattr(cls, "scopes") or route.rstrip("$").lstrip("^") in EXEMPT:
            continue
        path = "/" + CONVERTER.sub(PLACEHOLDER_ID, route.lstrip("^").rstrip("$"))
        for method, action in actions.items():
            required = cls.scopes.get(action, cls.scopes.get(method))
            if required is None:
                continue
            anonymous = action in getattr(cls, "anonymous_actions", ())
            found.append((path, method, action, tuple(required), anonymous))
    return found


OPERATIONS = api_operations()
AUTHENTICATED = [op for op in OPERATIONS if not op[4]]


def _call(client, method, path):
    return getattr(client, method)(path, {}, format="json") if method != "get" else client.get(path)


def _token_client(user, scopes):
    from rest_framework.test import APIClient

    token, _ = account_services.issue_token(AppFactory(), user, list(scopes))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token.token}")
    return client


def _unrelated_scope(required):
    for candidate in ("push", "read:lists", "write:lists", "read:filters"):
        if not scope_rules.granted([candidate], required):
            return candidate
    return "nothing"


def test_routes_were_found():
    assert len(AUTHENTICATED) > 10


SCOPED = [op for op in AUTHENTICATED if op[3]]
ADMIN = [op for op in AUTHENTICATED if any(scope_rules.is_admin_scope(s) for s in op[3])]


def _ids(ops):
    return [f"{m.upper()} {p}" for p, m, *_ in ops]


@pytest.mark.parametrize("path,method,action,required,anonymous", AUTHENTICATED, ids=_ids(AUTHENTICATED))
def test_refuses_anonymous(anon, path, method, action, required, anonymous):
    response = _call(anon, method, path)
    assert response.status_code == 403, response.content
    assert response.json() == {"error": "Invalid credentials."}


@pytest.mark.parametrize("path,method,action,required,anonymous", SCOPED, ids=_ids(SCOPED))
def test_refuses_a_token_without_the_scope(db, path, method, action, required, anonymous):
    client = _token_client(UserFactory(is_admin=True), [_unrelated_scope(required)])
    response = _call(client, method, path)
    assert response.status_code == 403, response.content
    assert response.json()["error"].startswith("Insufficient permissions: ")


@pytest.mark.parametrize("path,method,action,required,anonymous", AUTHENTICATED, ids=_ids(AUTHENTICATED))
def test_refuses_a_deactivated_users_token(db, path, method, action, required, anonymous):
    user = UserFactory()
    client = _token_client(user, list(required) or ["read", "write", "follow"])
    user.is_active = False
    user.save()
    response = _call(client, method, path)
    assert response.status_code == 403, response.content


@pytest.mark.parametrize("path,method,action,required,anonymous", ADMIN, ids=_ids(ADMIN))
def test_admin_routes_refuse_non_staff(db, path, method, action, required, anonymous):
    client = _token_client(UserFactory(), list(required))
    response = _call(client, method, path)
    assert response.status_code == 403
    assert response.json() == {"error": "User is not a staff member."}
