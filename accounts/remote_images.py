"""Copies of remote accounts' avatars and headers (README "Remote media").

`remote_avatar`/`remote_header` keep the origin's URLs; `avatar`/`header` of a remote account
hold our copy of them once a task made it, and are emptied whenever the origin's URL changes
(a new copy is then made). The stored name carries the day it was made
(`avatars/remote-20261203T134500-<token>.png`, UTC), which is what the retention purge compares.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core import remote_media

KINDS = ("avatar", "header")
PREFIX = {"avatar": "avatars/remote-", "header": "headers/remote-"}
STAMP = "%Y%m%dT%H%M%S"  # when the copy was made: names of one format compare as times


def schedule_caching(user: User) -> None:
    """After commit, a task copying the account's images that are not copied yet."""
    if not settings.REMOTE_MEDIA_CACHE or user.domain is None:
        return
    if not any(getattr(user, f"remote_{kind}") and not getattr(user, kind) for kind in KINDS):
        return
    from accounts import tasks

    pk = str(user.pk)
    transaction.on_commit(lambda: tasks.cache_remote_account_images.delay(pk))


def forget_outdated_copies(user: User, changed: Iterable[str]) -> list[str]:
    """When the origin's image URL changed, drop our copy of the old one (deleted after
    commit); returns the User fields this changed."""
    emptied: list[str] = []
    for kind in KINDS:
        field = getattr(user, kind)
        if f"remote_{kind}" in changed and field:
            name = field.name
            setattr(user, kind, "")
            emptied.append(kind)
            transaction.on_commit(lambda name=name: default_storage.delete(name))
    return emptied


def cache_account_images(user_id) -> list[str]:
    """Copy a remote account's avatar and header here; returns the kinds copied. Safe to run
    twice (a kind already copied is skipped). A refused image stays hotlinked;
    remote_media.Unavailable propagates for the task to retry."""
    user = User.objects.filter(pk=user_id, domain__isnull=False).first()
    if user is None or not settings.REMOTE_MEDIA_CACHE:
        return []
    copied = []
    for kind in KINDS:
        url = getattr(user, f"remote_{kind}")
        if not url or getattr(user, kind):
            continue
        try:
            found = remote_media.identify(data := remote_media.download(url), images_only=True)
        except remote_media.Refused:
            continue
        name = f"remote-{timezone.now():{STAMP}}-{secrets.token_hex(16)}.{found.extension}"
        field = getattr(user, kind)
        field.save(name, ContentFile(data), save=False)
        stored = field.name
        with transaction.atomic():
            locked = User.objects.select_for_update().filter(pk=user.pk).first()
            if locked is None or getattr(locked, f"remote_{kind}") != url or getattr(locked, kind):
                transaction.on_commit(lambda stored=stored: default_storage.delete(stored))
                continue  # changed meanwhile, or copied by another run
            setattr(locked, kind, stored)
            locked.save(update_fields=[kind])  # drops the account's rendered entry
        copied.append(kind)
    return copied


def purge_cached_images(older_than: datetime.timedelta) -> int:
    """Delete the copies of remote avatars and headers made more than `older_than` ago; the
    accounts link to the origin again. Returns how many images were purged."""
    cutoff = f"{timezone.now() - older_than:{STAMP}}~"  # "~" sorts after "-": the cutoff second included
    purged = 0
    for kind in KINDS:
        prefix = PREFIX[kind]
        pks = list(User.objects.filter(domain__isnull=False, **{f"{kind}__startswith": prefix,
                                                                 f"{kind}__lt": f"{prefix}{cutoff}"})
                   .values_list("pk", flat=True))
        for pk in pks:
            with transaction.atomic():
                user = User.objects.select_for_update().filter(pk=pk).first()
                field = getattr(user, kind) if user is not None else None
                if not field or not field.name.startswith(prefix) or field.name >= f"{prefix}{cutoff}":
                    continue
                name = field.name
                setattr(user, kind, "")
                user.save(update_fields=[kind])
                transaction.on_commit(lambda name=name: default_storage.delete(name))
            purged += 1
    return purged
