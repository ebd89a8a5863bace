"""Every route the seed spec (shared/reference/seed-pleroma-api.txt) names resolves, after the
path rewriting of core.middleware, to a view that handles its method; both the /api/pleroma
and the /api/v1/pleroma form of each Pleroma route (the seed: one is an alias of the other).

The spec is read at test time from `shared/reference/` beside the repository root (or beside
one of its parents: a worktree sits one level further down). Its routes are headings of two
kinds: `METHOD /path` lines, and `/path` lines followed by a section naming the method on a
line of its own (`- Method` then `GET`); a section of several methods (the mascot, aliases)
gives a route per method, and `- PATCH` followed by a path (the `update_*` list) is a route.
A path inside a sentence (the next line goes on with it) is a mention. Path lines that are
not routes are listed in NOT_ROUTES, so a change of format shows.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import Resolver404, resolve

from core import ids
from core.middleware import normalise_path

REPO_ROOT = Path(__file__).resolve().parents[2]
SEED_NAME = Path("shared") / "reference" / "seed-pleroma-api.txt"
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
HEADING = re.compile(rf"^(?:({'|'.join(METHODS)}) )?(/api/\S+)$")
LISTED_METHOD = re.compile(rf"(?:^|\s)- ({'|'.join(METHODS)})$")
# Path lines of the seed that are not routes: mentions inside a note, a pointer to another
# document (the admin API is not listed as routes there), a wildcard whose routes follow.
NOT_ROUTES = {
    "/api/v1/custom_emojis",  # "Same data as Mastodon API's ... but in a different format"
    "POST /api/v1/upload",  # the mascot: "Behaves exactly the same as POST /api/v1/upload"
    "/api/v1/pleroma/admin/",  # "See Admin-API"
    "/api/v1/pleroma/accounts/update_*",  # its three PATCH routes are listed under it
}
PLACEHOLDER = re.compile(r":(\w+)")
SAMPLE_ID = ids.encode(ids.new_id())
PLACEHOLDER_VALUES = {"emoji": "%F0%9F%91%8D"}


def seed_path() -> Path:
    for directory in (REPO_ROOT.parent, *REPO_ROOT.parent.parents):
        candidate = directory / SEED_NAME
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        f"the seed spec {SEED_NAME} was not found beside {REPO_ROOT} or any of its parents")


def parse_seed(text: str) -> tuple[list[tuple[str, str]], set[str]]:
    """([(method, path)] in the order of the spec, {path lines that name no route})."""
    lines = [line.strip() for line in text.splitlines()]
    routes: list[tuple[str, str]] = []
    not_routes: set[str] = set()
    section: tuple[str, list[str]] | None = None

    def close() -> None:
        if section is None:
            return
        path, methods = section
        if not methods:
            not_routes.add(path)
        routes.extend((method, path) for method in dict.fromkeys(methods))

    for number, line in enumerate(lines):
        previous = lines[number - 1] if number else ""
        following = lines[number + 1] if number + 1 < len(lines) else ""
        heading = HEADING.match(line)
        if heading is not None:
            method, path = heading.groups()
            listed = LISTED_METHOD.search(previous)
            if listed is not None:  # "- PATCH" then the path: one route of a list
                routes.append((listed.group(1), path))
            elif following[:1].islower() or following.startswith("."):  # mid-sentence: a mention
                not_routes.add(line)
            else:
                close()
                section = (path, [method] if method else [])
            continue
        if section is not None and line in METHODS:
            section[1].append(line)
    close()
    return routes, not_routes


def url_of(path: str) -> str:
    path = path.split("?", 1)[0]
    return PLACEHOLDER.sub(lambda m: PLACEHOLDER_VALUES.get(m.group(1), SAMPLE_ID), path)


def both_forms(path: str) -> list[str]:
    """A Pleroma route under both prefixes; other routes as they are."""
    for old, new in (("/api/pleroma/", "/api/v1/pleroma/"), ("/api/v1/pleroma/", "/api/pleroma/")):
        if path.startswith(old):
            return [path, new + path[len(old):]]
    return [path]


def handled_methods(url: str) -> set[str]:
    """The methods the view at `url` (after core.middleware's rewriting) handles."""
    match = resolve(normalise_path(url))
    actions = getattr(match.func, "actions", None)
    if actions:
        return {method.upper() for method in actions}
    view_class = getattr(match.func, "view_class", None) or getattr(match.func, "cls", None)
    if view_class is not None:
        return {method for method in METHODS if hasattr(view_class, method.lower())}
    return set()


SEED = seed_path()
ROUTES, NON_ROUTES = parse_seed(SEED.read_text(encoding="utf-8"))
CASES = [(method, url) for method, path in ROUTES for url in both_forms(url_of(path))]


def test_the_seed_spec_is_found_and_parsed():
    assert SEED.is_file()
    assert NON_ROUTES == NOT_ROUTES
    assert len(ROUTES) == 73
    assert ("GET", "/api/v1/pleroma/statuses/:id/quotes") in ROUTES
    assert ("PUT", "/api/v1/pleroma/mascot") in ROUTES and ("GET", "/api/v1/pleroma/mascot") in ROUTES
    assert ("PATCH", "/api/v1/pleroma/accounts/update_banner") in ROUTES
    assert {m for m, p in ROUTES if p == "/api/pleroma/aliases"} == {"GET", "PUT", "DELETE"}


def test_a_missing_seed_spec_fails_clearly(monkeypatch, tmp_path):
    monkeypatch.setattr(f"{__name__}.REPO_ROOT", tmp_path / "repo")
    with pytest.raises(FileNotFoundError, match="seed-pleroma-api.txt was not found"):
        seed_path()


@pytest.mark.parametrize("method,url", CASES, ids=[f"{m} {u}" for m, u in CASES])
def test_the_seed_route_is_served(method, url):
    try:
        methods = handled_methods(url)
    except Resolver404:
        pytest.fail(f"{method} {url}: no route")
    assert method in methods, f"{method} {url}: the view handles only {sorted(methods)}"
