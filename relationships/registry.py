"""Hooks other apps register from their AppConfig.ready() (dependencies point one way)."""

from collections.abc import Callable

# Functions (user, requester, accepted: bool) -> None called inside the transaction that
# authorises or rejects `requester`'s follow request of `user` (federation tells a remote
# requester's server).
follow_request_answered: list[Callable] = []
