"""Hooks other apps register from their AppConfig.ready() (dependencies point one way)."""

from collections.abc import Callable

# Functions (user, requester, accepted: bool) -> None called inside the transaction that
# authorises or rejects `requester`'s follow request of `user` (federation tells a remote
# requester's server).
follow_request_answered: list[Callable] = []

# What happened between two accounts, announced to the apps that tell other servers
# (federation sends Follow, Undo, Reject, Block). Each runs inside the transaction of the
# verb, after its rows are written (or, for the removals, while the row still exists):
# `after_follow(row)`: a Follow row was created (pending or accepted);
# `after_unfollow(row)`: an accepted follow or a request is being removed by unfollow();
# `follower_removed(user, follower)`: `user` removed `follower` (remove_from_followers);
# `after_block(row, ended)`: a block was created; `ended` are the Follow rows it removed;
# `after_unblock(row)`: a block is being lifted.
after_follow: list[Callable] = []
after_unfollow: list[Callable] = []
follower_removed: list[Callable] = []
after_block: list[Callable] = []
after_unblock: list[Callable] = []
