"""Hooks other apps register from their AppConfig.ready() (dependencies point one way)."""

from collections.abc import Callable

# Functions (user, requester, accepted: bool) -> None called inside the transaction that
# authorises or rejects `requester`'s follow request of `user` (federation tells a remote
# requester's server).
follow_request_answered: list[Callable] = []

# Functions (user, follower) -> None called inside the transaction that removes `follower`
# from `user`'s followers (remove_from_followers, domain blocks): federation tells a remote
# follower's server with a Reject of its Follow.
follower_removed: list[Callable] = []

# Functions (follower, target) -> bool: True refuses the follow as a block would
# (domain_blocks: the follower's domain is one the target blocks).
follow_refusals: list[Callable] = []
