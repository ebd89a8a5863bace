"""Hooks other apps register from their AppConfig.ready() (dependencies point one way)."""

from collections.abc import Callable

# Functions user -> {counter name: int} merged into the own Account's counters
# (e.g. conversations adds `unread_conversation_count`).
own_counters: list[Callable] = []
