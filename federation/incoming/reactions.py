"""Like, Announce and Block received, and their Undo (reference/federation.md §3.8, §3.12,
§3.13): a favourite, a reblog by the remote account, a block of a local account. The same
(actor, object) twice is one effect, whatever the activity ids."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest

from accounts.models import User
from core.exceptions import ApiError
from federation.incoming import follows as follow_handlers
from federation.incoming import notes
from federation.incoming.common import (
    Ignored,
    Rejected,
    as_list,
    cancelled_first,
    local_account,
    object_id,
    status_by_uri,
)
from federation.models import IncomingActivity
from notifications.models import Notification
from notifications.services import notify
from relationships import follows
from statuses.models import Favourite, Mention, Status
from statuses.queries import PUBLIC_VISIBILITIES


def _target(activity: dict) -> Status:
    status = status_by_uri(object_id(activity.get("object")))
    if status is None:
        raise Ignored("the object is not a status this server has")
    return status.reblog_of if status.reblog_of_id else status


def _notify_local(status: Status, remote: User, kind: str) -> None:
    if status.account.is_local:
        notify(status.account, remote, kind, status=status)


def _forget(status: Status, remote: User, kind: str) -> None:
    Notification.objects.filter(user_id=status.account_id, account=remote, type=kind, status=status).delete()


# -- Like ---------------------------------------------------------------------------------------

def handle_like(activity: dict, remote: User, prepared=None) -> None:
    if cancelled_first(remote.remote_ap_id, activity["id"], "Undo"):
        raise Ignored("undone before it arrived")
    status = _target(activity)
    _, created = Favourite.objects.get_or_create(account=remote, status=status)
    if not created:
        raise Ignored("already favourited")
    Status.objects.filter(pk=status.pk).update(favourites_count=F("favourites_count") + 1)
    _notify_local(status, remote, "favourite")


def undo_like(inner: dict, remote: User) -> None:
    status = _target(inner)
    deleted, _ = Favourite.objects.filter(account=remote, status=status).delete()
    if not deleted:
        raise Ignored("no such favourite")
    Status.objects.filter(pk=status.pk).update(favourites_count=Greatest(F("favourites_count") - 1, 0))
    _forget(status, remote, "favourite")


# -- EmojiReact ---------------------------------------------------------------------------------

MISSKEY_LEGACY = {"like": "👍", "love": "❤️", "laugh": "😆", "hmm": "🤔", "surprise": "😮", "congrats": "🎉",
                  "angry": "💢", "confused": "😥", "rip": "😇", "pudding": "🍮", "star": "⭐"}


def _reaction(activity: dict) -> tuple[str, str | None]:
    """(emoji, custom emoji url or None) of an EmojiReact (§3.12): a unicode emoji, fully
    qualified, or `:shortcode:` with exactly one Emoji tag of that name."""
    from emoji import unicode
    from emoji.reactions.services import CUSTOM

    content = activity.get("content")
    if not isinstance(content, str) or not content:
        raise Rejected("EmojiReact without content")
    content = MISSKEY_LEGACY.get(content, content)
    if unicode.is_rgi(content):
        return unicode.qualify(content), None
    match = CUSTOM.match(content if content.startswith(":") else f":{content}:")
    emojis = notes.emojis_of(activity)
    if match is None or len(emojis) != 1 or match.group(1) not in emojis:
        raise Rejected("EmojiReact does not contain an Emoji tag")
    return match.group(1), emojis[match.group(1)]


def handle_emoji_react(activity: dict, remote: User, prepared=None) -> None:
    from emoji.reactions.services import NOTIFICATION_TYPE, notification_emoji
    from statuses.models import EmojiReaction

    if cancelled_first(remote.remote_ap_id, activity["id"], "Undo"):
        raise Ignored("undone before it arrived")
    status = _target(activity)
    name, url = _reaction(activity)
    _, created = EmojiReaction.objects.get_or_create(account=remote, status=status, emoji=name,
                                                     defaults={"emoji_url": url})
    if not created:
        raise Ignored("already reacted with this emoji")
    if status.account.is_local:
        notify(status.account, remote, NOTIFICATION_TYPE, status=status,
               emoji=notification_emoji(name, url), emoji_url=url)


def undo_emoji_react(inner: dict, remote: User) -> None:
    from emoji.reactions.services import NOTIFICATION_TYPE, notification_emoji
    from statuses.models import EmojiReaction

    status = _target(inner)
    name, url = _reaction(inner)
    reaction = EmojiReaction.objects.filter(account=remote, status=status, emoji=name).first()
    if reaction is None:
        raise Ignored("no such reaction")
    Notification.objects.filter(user_id=status.account_id, account=remote, type=NOTIFICATION_TYPE, status=status,
                                emoji=notification_emoji(reaction.emoji, reaction.emoji_url)).delete()
    reaction.delete()


def handle_like_or_reaction(activity: dict, remote: User, prepared=None) -> None:
    """A Like carrying `_misskey_reaction` is an EmojiReact (§3.12)."""
    if isinstance(activity.get("_misskey_reaction"), str):
        handle_emoji_react({**activity, "content": activity["_misskey_reaction"]}, remote)
    else:
        handle_like(activity, remote)


def undo_like_or_reaction(inner: dict, remote: User) -> None:
    if isinstance(inner.get("_misskey_reaction"), str):
        undo_emoji_react({**inner, "content": inner["_misskey_reaction"]}, remote)
    else:
        undo_like(inner, remote)


# -- Announce -----------------------------------------------------------------------------------

def prepare_announce(activity: dict, remote: User) -> list:
    """A boosted note this server does not have is fetched (with its missing parents)."""
    uri = object_id(activity.get("object"))
    if not uri or status_by_uri(uri) is not None or notes.is_local_uri(uri):
        return []
    return notes.fetch_thread(uri)


def handle_announce(activity: dict, remote: User, prepared: list) -> None:
    if cancelled_first(remote.remote_ap_id, activity["id"], "Undo"):
        raise Ignored("undone before it arrived")
    if prepared:
        notes.store_thread(prepared)
    target = _target(activity)
    addressed = as_list(activity.get("to")) + as_list(activity.get("cc"))
    public = any(a in notes.PUBLIC_ADDRESSES for a in addressed)
    if target.visibility not in PUBLIC_VISIBILITIES and not (
            target.visibility == "private" and target.account_id == remote.pk and not public):
        raise Rejected("can not announce this object")
    if Status.objects.filter(account=remote, reblog_of=target).exists():
        raise Ignored("already announced")
    published = notes.published_at(activity)
    try:
        with transaction.atomic():
            boost = Status.objects.create(
                account=remote, reblog_of=target, reblog_of_account_id=target.account_id,
                visibility="public" if public else "private", content="", local=False,
                ap_id=activity["id"], created_at=published)
    except IntegrityError as exc:
        raise Ignored("already announced") from exc
    if target.account.is_local and target.account_id != remote.pk:
        Mention.objects.create(status=boost, account_id=target.account_id)
    Status.objects.filter(pk=target.pk).update(reblogs_count=F("reblogs_count") + 1)
    _notify_local(target, remote, "reblog")


def undo_announce(inner: dict, remote: User) -> None:
    boost = Status.objects.filter(account=remote, ap_id=object_id(inner), reblog_of__isnull=False).first()
    if boost is None:
        target = _target(inner)
        boost = Status.objects.filter(account=remote, reblog_of=target).first()
    if boost is None:
        raise Ignored("no such reblog")
    target = Status.objects.select_related("account").get(pk=boost.reblog_of_id)
    boost.delete()
    Status.objects.filter(pk=target.pk).update(reblogs_count=Greatest(F("reblogs_count") - 1, 0))
    _forget(target, remote, "reblog")


# -- Block --------------------------------------------------------------------------------------

def handle_block(activity: dict, remote: User, prepared=None) -> None:
    local = local_account(object_id(activity.get("object")))
    if local is None:
        raise Ignored("Block of an account that is not ours")
    try:
        follows.block(remote, local)  # the follows between them end, both ways
    except ApiError as exc:
        raise Ignored(str(exc)) from exc


def undo_block(inner: dict, remote: User) -> None:
    local = local_account(object_id(inner.get("object")))
    if local is None:
        raise Ignored("Undo of a Block of an account that is not ours")
    follows.unblock(remote, local)


# -- Undo ---------------------------------------------------------------------------------------

def _undo_join(inner: dict, remote: User) -> None:
    from federation.incoming import events

    events.undo_join(inner, remote)


UNDOERS = {"Follow": follow_handlers.undo_follow, "Like": undo_like_or_reaction, "Announce": undo_announce,
           "Block": undo_block, "EmojiReact": undo_emoji_react, "Join": _undo_join}


def handle_undo(activity: dict, remote: User, prepared=None) -> None:
    """Undo of an embedded activity, or of one named by id that this server received."""
    inner = activity.get("object")
    if isinstance(inner, str):
        stored = IncomingActivity.objects.filter(ap_id=inner).first()
        if stored is not None:
            inner = stored.payload
        elif Status.objects.filter(ap_id=inner, reblog_of__isnull=False).exists():
            inner = {"id": inner, "type": "Announce", "actor": remote.remote_ap_id}
    if not isinstance(inner, dict) or inner.get("type") not in UNDOERS:
        raise Ignored("Undo of something this server does not act on")
    if object_id(inner.get("actor")) != remote.remote_ap_id:
        raise Rejected("Undo of another actor's activity")
    UNDOERS[inner["type"]](inner, remote)
