from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.factories import UserFactory


@dataclass
class Person:
    nickname: str
    id: str
    token: str


@pytest.fixture
def people(streaming_server):
    """`people("alice", "bob")`: local accounts with a `read write follow` token each."""

    def make(*nicknames: str, scopes: str = "read write follow push") -> list[Person]:
        made = []
        for nickname in nicknames:
            user = UserFactory(nickname=nickname)
            from core import ids

            made.append(Person(nickname, ids.encode(user.pk), streaming_server.token(nickname, scopes=scopes)))
        return made

    return make


def ok(response, status: int = 200):
    assert response.status_code == status, (response.status_code, response.text[:500])
    return response.json()
