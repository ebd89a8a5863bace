"""Hooks other apps register from their AppConfig.ready() (dependencies point one way)."""

from __future__ import annotations

from collections.abc import Callable

# Functions (report, statuses) -> None called inside the transaction that filed a report
# (POST /api/v1/reports): federation sends a Flag to the target's server when asked to.
after_report: list[Callable] = []
