"""Lists and their members: every write goes through here.

As in Mastodon, only accounts the owner follows (or has asked to follow) may be added.
Unfollowing an account hides it from the owner's lists (their accounts and timelines read
members through the owner's follows) rather than deleting the membership.
"""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from core import ids
from core.exceptions import NotFound, Unprocessable
from lists.models import List, ListMember
from relationships.models import Follow

TITLE_MAX = 255
LISTS_MAX = 100  # per owner, as a bound on what one account may create
UNSET = object()


def _check_title(title: str | None) -> str:
    title = (title or "").strip()
    if not title:
        raise Unprocessable("Validation failed: Title can't be blank")
    if len(title) > TITLE_MAX:
        raise Unprocessable(f"Validation failed: Title is too long (maximum is {TITLE_MAX} characters)")
    return title


def create_list(owner: User, *, title: str | None, replies_policy: str = List.RepliesPolicy.LIST,
                exclusive: bool = False) -> List:
    """A new list of owner's."""
    title = _check_title(title)
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=owner.pk).first()  # one count at a time per owner
        if List.objects.filter(owner=owner).count() >= LISTS_MAX:
            raise Unprocessable(f"Validation failed: You cannot have more than {LISTS_MAX} lists")
        return List.objects.create(owner=owner, title=title, replies_policy=replies_policy, exclusive=exclusive)


def update_list(lst: List, *, title=UNSET, replies_policy=UNSET, exclusive=UNSET) -> List:
    """Change what is given; absent values stay."""
    if title is not UNSET:
        lst.title = _check_title(title)
    if replies_policy is not UNSET:
        lst.replies_policy = replies_policy
    if exclusive is not UNSET:
        lst.exclusive = exclusive
    with transaction.atomic():
        lst.save(update_fields=["title", "replies_policy", "exclusive"])
    return lst


def delete_list(lst: List) -> None:
    lst.delete()


def get_own_list(owner: User, list_id: str) -> List:
    """owner's list, or 404 for someone else's or a missing one (ids leak nothing)."""
    pk = ids.decode(str(list_id))
    lst = List.objects.filter(pk=pk, owner=owner).first() if pk else None
    if lst is None:
        raise NotFound()
    return lst


def _accounts(account_ids: list[str]) -> list[User]:
    pks = [ids.decode(str(i)) for i in account_ids]
    if not pks or any(pk is None for pk in pks):
        raise NotFound()
    found = list(User.objects.filter(pk__in=pks, is_active=True, is_deleted=False))
    if len(found) != len(set(pks)):
        raise NotFound()
    return found


def add_accounts(lst: List, account_ids: list[str]) -> None:
    """Add accounts the owner follows (all or none; adding a member again is a no-op)."""
    accounts = _accounts(account_ids)
    followed = set(Follow.objects.filter(follower_id=lst.owner_id, followed__in=accounts)
                   .values_list("followed_id", flat=True))
    if any(a.pk not in followed for a in accounts):
        raise Unprocessable("Validation failed: Account must be followed to be added to a list")
    with transaction.atomic():
        if not List.objects.select_for_update().filter(pk=lst.pk).exists():
            raise NotFound()  # deleted meanwhile
        ListMember.objects.bulk_create([ListMember(list=lst, account=a) for a in accounts],
                                       ignore_conflicts=True)


def remove_accounts(lst: List, account_ids: list[str]) -> None:
    """Remove accounts from the list (ones not on it are ignored, unknown ids are 404)."""
    pks = [ids.decode(str(i)) for i in account_ids]
    if not pks or any(pk is None for pk in pks):
        raise NotFound()
    ListMember.objects.filter(list=lst, account_id__in=pks).delete()


def members(lst: List):
    """The list's members the owner still follows, as ListMember rows (cursor: their id)."""
    return (ListMember.objects.filter(list=lst, account__is_active=True, account__is_deleted=False,
                                      account_id__in=Follow.objects.filter(follower_id=lst.owner_id)
                                      .values("followed_id"))
            .select_related("account"))


def lists_with(owner: User, account: User):
    """owner's lists that account is on."""
    return List.objects.filter(owner=owner, members__account=account).order_by("id")
