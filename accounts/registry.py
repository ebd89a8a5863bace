"""Hooks other apps register from their AppConfig.ready() (dependencies point one way)."""

from collections.abc import Callable

# Functions user -> {counter name: int} merged into the own Account's counters
# (e.g. conversations adds `unread_conversation_count`).
own_counters: list[Callable] = []

# Functions (user, source dict) -> None called by update_credentials, inside its transaction,
# with the validated `source[...]` parameters (e.g. preferences keeps `source[sensitive]`).
source_writers: list[Callable] = []

# Functions user -> dict merged into the own Account's `source` (verify/update_credentials).
source_readers: list[Callable] = []

# Functions (viewer, accounts) -> {account pk: {Relationship field: value}} merged into each
# Relationship, in a fixed number of queries for the batch (domain_blocks: domain_blocking).
relationship_parts: list[Callable] = []
