"""Follow, block and mute imports (pleroma-accounts 2-4): parse the list, record the import
with one item per account, and let a task work through the items.

Pleroma is silent about what it skipped; here each item keeps its outcome so that
GET /api/v1/pleroma/imports/:id can show progress and what was left out.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts import remote
from accounts.models import User
from core.exceptions import ApiError, BadRequest
from relationships import follows
from relationships.models import Block, Follow, Import, ImportItem

MAX_ENTRIES = 20_000
MAX_BYTES = 2_000_000
CSV_HEADER = "account address"


def parse_list(text: str) -> list[str]:
    """Identifiers from Mastodon's CSV export (header and extra columns dropped) or from
    any whitespace-separated list of nick, nick@host, @nick@host or actor URLs."""
    out: list[str] = []
    for line in text.splitlines():
        line = line.split(",", 1)[0].strip()
        if not line or line.lower() == CSV_HEADER:
            continue
        for token in line.split():
            token = token.strip()
            if token.startswith("@"):
                token = token[1:]
            if token:
                out.append(token[:500])
    return out


def read_list(value) -> str:
    """The list as text, from a string or an uploaded file."""
    if hasattr(value, "read"):
        data = value.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise ApiError("File is too large", status=413)
        return data.decode("utf-8", errors="replace")
    return str(value)


def request_import(user: User, kind: str, text: str) -> Import:
    """Record an import and queue the task that performs it."""
    from relationships import tasks

    identifiers = parse_list(text)
    if len(identifiers) > MAX_ENTRIES:
        raise BadRequest(f"Too many entries (at most {MAX_ENTRIES})")
    with transaction.atomic():
        batch = Import.objects.create(user=user, kind=kind, total=len(identifiers))
        ImportItem.objects.bulk_create(
            ImportItem(batch=batch, position=i, identifier=ident) for i, ident in enumerate(identifiers))
        transaction.on_commit(lambda: tasks.run_import.delay(str(batch.pk)))
    return batch


def _resolve(identifier: str) -> tuple[User | None, str]:
    user = remote.local_user(identifier)
    if user is not None:
        return user, ""
    _, host = remote.split_acct(identifier)
    if identifier.startswith(("http://", "https://")) or not remote.is_local_host(host):
        return None, "remote accounts cannot be imported"
    return None, "account not found"


def _exists(kind: str, user: User, target: User) -> bool:
    if kind == Import.Kind.FOLLOWS:
        return Follow.objects.filter(follower=user, followed=target).exists()
    if kind == Import.Kind.BLOCKS:
        return Block.objects.filter(blocker=user, blocked=target).exists()
    return follows.active_mutes().filter(muter=user, muted=target).exists()


def _apply(kind: str, user: User, target: User) -> None:
    if kind == Import.Kind.FOLLOWS:
        follows.follow(user, target)
    elif kind == Import.Kind.BLOCKS:
        follows.block(user, target)
    else:
        follows.mute(user, target, notifications=True)


def process_item(batch: Import, item: ImportItem) -> None:
    """Perform one item and record its outcome (in one transaction)."""
    target, reason = _resolve(item.identifier)
    outcome = ImportItem.Outcome.SKIPPED
    if target is not None and target.pk == batch.user_id:
        reason = "that is your own account"
    elif target is not None and _exists(batch.kind, batch.user, target):
        outcome = ImportItem.Outcome.ALREADY
    elif target is not None:
        try:
            _apply(batch.kind, batch.user, target)
            outcome = ImportItem.Outcome.DONE
        except ApiError as exc:
            reason = exc.message
    with transaction.atomic():
        updated = ImportItem.objects.filter(pk=item.pk, outcome=ImportItem.Outcome.PENDING).update(
            outcome=outcome, reason=reason[:200], account=target)
        if updated:
            Import.objects.filter(pk=batch.pk).update(processed=F("processed") + 1)


def run_import(batch: Import) -> None:
    """Work through the pending items; items done by an earlier run are not redone."""
    if batch.state in (Import.State.DONE, Import.State.FAILED):
        return
    Import.objects.filter(pk=batch.pk).update(state=Import.State.RUNNING)
    batch.user = User.objects.get(pk=batch.user_id)
    if not batch.user.is_active or batch.user.is_deleted:
        Import.objects.filter(pk=batch.pk).update(state=Import.State.FAILED, finished_at=timezone.now())
        return
    for item in batch.items.filter(outcome=ImportItem.Outcome.PENDING).order_by("position").iterator(
            chunk_size=200):
        process_item(batch, item)
    Import.objects.filter(pk=batch.pk).update(state=Import.State.DONE, finished_at=timezone.now())
