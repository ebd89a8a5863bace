"""Documented parameters the server does not honour are refused with 422 naming them
(core.views.ApiViewSet.unsupported_parameters), and docs/unsupported-parameters.md lists
exactly what the views declare."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from core import ids
from statuses import services as status_services
from tests.factories import AppFactory, UserFactory

DOC = Path(__file__).resolve().parents[2] / "docs" / "unsupported-parameters.md"
ROW = re.compile(r"^\| `(GET|POST|PUT|PATCH|DELETE) (/\S+)` \| `([^`]+)` \|")
CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def declared() -> set[tuple[str, str, str]]:
    """(METHOD, /path/:id, parameter) for every action that declares unsupported parameters."""
    found = set()
    for route, callback in _walk(get_resolver().url_patterns):
        cls = getattr(callback, "cls", None)
        unsupported = getattr(cls, "unsupported_parameters", None) or {}
        path = "/" + CONVERTER.sub(lambda m: ":id" if m.group(1) == "pk" else f":{m.group(1)}",
                                   route.lstrip("^").rstrip("$"))
        for method, action in (getattr(callback, "actions", None) or {}).items():
            if method == "head":  # DRF adds HEAD for GET once a route has been called
                continue
            for name in unsupported.get(action, ()):
                found.add((method.upper(), path, name))
    return found


def documented() -> set[tuple[str, str, str]]:
    rows = set()
    for line in DOC.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            rows.add(match.groups())
    return rows


def test_the_document_lists_what_the_views_refuse():
    assert declared() == documented()
    assert len(declared()) >= 8


@pytest.fixture
def setup(api, follow_pair):
    """Objects the routes need: a status, a conversation and an event of the caller."""
    client = api()
    friend = follow_pair(client.user)
    status = status_services.create_status(client.user, text="hello")
    direct = client.post("/api/v1/statuses", {"status": f"@{friend.nickname} psst",
                                              "visibility": "direct"}, format="json").json()
    conversation = client.get("/api/v1/pleroma/conversations/"
                              f"{direct['pleroma']['direct_conversation_id']}").json()
    event = client.post("/api/v1/pleroma/events", {
        "name": "Party", "status": "come", "start_time": "2031-01-01T01:00:00.000Z",
        "join_mode": "restricted"}, format="json").json()
    return client, {"status": ids.encode(status.pk), "conversation": conversation["id"],
                    "event": event["id"]}


@pytest.fixture
def follow_pair():
    def make(user):
        from relationships.models import Follow

        friend = UserFactory()
        Follow.objects.create(follower=user, followed=friend, state="accept")
        Follow.objects.create(follower=friend, followed=user, state="accept")
        return friend

    return make


# (method, path, parameter, value, the request's other parameters)
CASES = [
    ("get", "/api/v1/timelines/home", "reply_visibility", "following", {}),
    ("get", "/api/v1/timelines/public", "reply_visibility", "self", {}),
    ("get", "/api/v1/timelines/public", "instance", "example.org", {}),
    ("post", "/api/v1/statuses/{status}/mute", "expires_in", 3600, {}),
    ("put", "/api/v1/statuses/{status}", "scheduled_at", "2031-01-01T00:00:00Z", {"status": "edited"}),
    ("put", "/api/v1/statuses/{status}", "expires_in", 7200, {"status": "edited"}),
    ("put", "/api/v1/statuses/{status}", "quote_approval_policy", "nobody", {"status": "edited"}),
    ("get", "/api/v1/pleroma/statuses/{status}/quotes", "offset", 5, {}),
    ("get", "/api/pleroma/conversations/{conversation}/statuses", "offset", 5, {}),
    ("get", "/api/v1/pleroma/events/{event}/participation_requests", "offset", 5, {}),
    ("get", "/api/v2/notifications", "include_filtered", "true", {}),
]


def _send(client, method, path, params):
    if method == "get":
        return client.get(path, params)
    return getattr(client, method)(path, params, format="json")


@pytest.mark.parametrize("method,path,name,value,others", CASES, ids=[f"{c[0].upper()} {c[1]} {c[2]}" for c in CASES])
def test_refuses_the_parameter_and_serves_the_request_without_it(setup, method, path, name, value, others):
    client, objects = setup
    path = path.format(**objects)
    response = _send(client, method, path, {**others, name: value})
    assert (response.status_code, response.json()) == (422, {"error": f"Unsupported parameter: {name}"})
    assert _send(client, method, path, others).status_code == 200
    assert _send(client, method, path, {**others, name: ""}).status_code == 200


def _request(body, content_type):
    from rest_framework.parsers import FormParser, JSONParser
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    raw = APIRequestFactory().patch("/", body, format=content_type)
    return Request(raw, parsers=[JSONParser(), FormParser()])


# No route refuses a nested parameter now (update_credentials honours source[...]):
# the bracket reading is checked on the helper itself.
def test_the_form_spelling_of_a_nested_parameter_is_refused_too():
    from rest_framework.parsers import FormParser
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from core.exceptions import Unprocessable
    from core.views import refuse_unsupported

    raw = APIRequestFactory().patch("/", "source%5Bpolicy%5D=x", content_type="application/x-www-form-urlencoded")
    request = Request(raw, parsers=[FormParser()])
    with pytest.raises(Unprocessable, match=re.escape("Unsupported parameter: source[policy]")):
        refuse_unsupported(request, ("source[policy]",))


def test_a_nested_json_object_is_read_in_the_bracket_spelling():
    from core.exceptions import Unprocessable
    from core.views import refuse_unsupported

    with pytest.raises(Unprocessable, match=re.escape("Unsupported parameter: source[policy]")):
        refuse_unsupported(_request({"source": {"policy": "x"}}, "json"), ("source[policy]",))
    refuse_unsupported(_request({"source": {"policy": ""}}, "json"), ("source[policy]",))  # empty passes


def test_an_invite_token_is_refused_at_registration(anon, settings):
    from accounts import services as account_services

    token, _ = account_services.issue_token(AppFactory(), None, ["read", "write"])
    anon.credentials(HTTP_AUTHORIZATION=f"Bearer {token.token}")
    response = anon.post("/api/v1/accounts", {
        "username": "newcomer", "password": "a good password", "email": "n@example.org",
        "agreement": True, "token": "an-invite"}, format="json")
    assert (response.status_code, response.json()) == (422, {"error": "Unsupported parameter: token"})


def test_authentication_is_checked_first(anon):
    response = anon.get("/api/v1/timelines/home", {"reply_visibility": "self"})
    assert (response.status_code, response.json()) == (403, {"error": "Invalid credentials."})


def test_parameters_nobody_documents_are_ignored(api):
    assert api().get("/api/v1/timelines/home", {"some_client_extra": "1"}).status_code == 200
