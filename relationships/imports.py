"""Follow, block and mute imports (pleroma-accounts 2-4): parse the list, record the import
with one item per account, and let a task work through the items.

Pleroma is silent about what it skipped; here each item keeps its outcome so that
GET /api/v1/pleroma/imports/:id can show progress and what was left out.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone

from accounts import registry, remote
from accounts.models import User
from core.exceptions import ApiError, BadRequest
from relationships import follows
from relationships.models import Block, Follow, Import, ImportItem

MAX_ENTRIES = 20_000
MAX_BYTES = 2_000_000
CHUNK = 500  # pending items read, resolved and (when unknown) skipped together
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


def _names_remote(identifier: str) -> bool:
    _, host = remote.split_acct(identifier)
    return identifier.startswith(("http://", "https://")) or not remote.is_local_host(host)


def _resolve_many(identifiers: list[str]) -> dict[str, tuple[User | None, str]]:
    """{identifier: (live local account or None, why not)} in one query for the lot."""
    nicknames = {ident: remote.local_nickname(ident) for ident in identifiers}
    wanted = {nick.lower() for nick in nicknames.values() if nick}
    users = {user.nickname.lower(): user for user in User.objects.annotate(
        nickname_lower=Lower("nickname")).filter(nickname_lower__in=wanted, is_deleted=False, is_active=True)}
    resolved = {}
    for ident, nick in nicknames.items():
        user = users.get(nick.lower()) if nick else None
        if user is not None:
            resolved[ident] = (user, "")
        elif nick is None and _names_remote(ident):
            # Another server's account: found (fetched) through federation, or why not:
            # "account not found" or "server unreachable".
            resolved[ident] = registry.find_remote_account(ident)
        else:
            resolved[ident] = (None, "account not found")
    return resolved


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


def process_item(batch: Import, item: ImportItem, target: User) -> None:
    """Perform one item naming a local account and record its outcome (in one transaction)."""
    reason = ""
    outcome = ImportItem.Outcome.SKIPPED
    if target.pk == batch.user_id:
        reason = "that is your own account"
    elif _exists(batch.kind, batch.user, target):
        outcome = ImportItem.Outcome.ALREADY
    else:
        try:
            _apply(batch.kind, batch.user, target)
            outcome = ImportItem.Outcome.DONE
            if batch.kind == Import.Kind.FOLLOWS:
                pending = Follow.objects.filter(follower=batch.user, followed=target,
                                                state=Follow.State.PENDING).exists()
                # Another server's account stays pending until its Accept arrives; an
                # unlocked one accepts by itself, so only a locked one is "requested".
                if pending and not target.is_local and not target.locked:
                    pending = False
                reason = "requested" if pending else "followed"
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
    pending = batch.items.filter(outcome=ImportItem.Outcome.PENDING).order_by("position")
    while chunk := list(pending[:CHUNK]):
        resolved = _resolve_many([item.identifier for item in chunk])
        missing: dict[str, list] = {}
        for item in chunk:
            target, reason = resolved[item.identifier]
            if target is None:
                missing.setdefault(reason, []).append(item.pk)
            else:
                process_item(batch, item, target)
        # Items naming no local account: skipped a chunk at a time (20 000 unknown names
        # would otherwise cost four queries each).
        with transaction.atomic():
            for reason, pks in missing.items():
                skipped = ImportItem.objects.filter(pk__in=pks, outcome=ImportItem.Outcome.PENDING).update(
                    outcome=ImportItem.Outcome.SKIPPED, reason=reason)
                Import.objects.filter(pk=batch.pk).update(processed=F("processed") + skipped)
    Import.objects.filter(pk=batch.pk).update(state=Import.State.DONE, finished_at=timezone.now())
