"""Notification extensions: feature apps add fields to the Notification entity.

A loader registered from an AppConfig.ready() is called once per rendered page as
`loader(notifications)` and returns `{notification pk: {"field": value}}`, merged into each
entity (the events app adds `participation_message`). Fixed queries per page.
"""

from __future__ import annotations

from collections.abc import Callable

loaders: list[Callable[[list], dict]] = []


def register(loader: Callable[[list], dict]) -> Callable[[list], dict]:
    if loader not in loaders:
        loaders.append(loader)
    return loader


# Functions user -> a queryset of account ids whose notifications the user is not shown
# (domain_blocks: accounts of blocked domains the user does not follow), applied on read.
hidden_accounts: list[Callable] = []
