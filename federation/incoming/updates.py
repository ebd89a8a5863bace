"""Update received (reference/federation.md §3.10, §4.9): an edit of a remote note (content,
content warning, sensitivity, media, emoji, hashtags, new mentions; applied only when its
`updated` is newer than what is stored; poll counts and a quote's consent whatever its
`updated`) and a remote profile refreshed from the embedded actor."""

from __future__ import annotations

from django.utils import timezone

from accounts.models import User
from federation import actors
from federation.incoming import notes
from federation.incoming.common import Ignored, Rejected, object_id, same_host
from statuses.models import MediaAttachment, Status
from statuses.services import editing, remote_media

ACTOR_TYPES = actors.ACTOR_TYPES


def prepare_update(activity: dict, remote: User) -> None:
    obj = activity.get("object")
    if not isinstance(obj, dict):
        raise Ignored("Update without an embedded object")
    if obj.get("type") in ACTOR_TYPES:
        # A profile is only ever updated by itself (the recommendation of §3.10).
        if obj.get("id") != remote.remote_ap_id:
            raise Rejected("An actor may only update itself")
        return None
    if not same_host(object_id(obj), remote.remote_ap_id or ""):
        raise Rejected("Object id and actor are on different hosts")
    note = notes.check_note(obj, remote)
    incoming = notes.with_stamp(note, remote, activity)  # its quote's stamp, fetched here
    if Status.objects.filter(ap_id=note["id"]).exists():
        return [incoming]
    # An Update before its Create (§3.5): a note that passes the Create's checks is stored
    # as if created, with its missing parents.
    return [incoming, *notes.fetch_ancestors(note)]


def handle_update(activity: dict, remote: User, prepared=None) -> None:
    obj = activity["object"]
    if obj.get("type") in ACTOR_TYPES:
        update_profile(obj, remote)
        return
    note = notes.check_note(obj, remote)
    status = Status.objects.select_for_update().filter(ap_id=note["id"]).first()
    if status is None:
        if not prepared:
            raise Ignored("Update of an object this server does not have")
        notes.store_thread(prepared)
        return
    if status.account_id != remote.pk:
        raise Rejected("Update of an object owned by another actor")
    from federation import quotes

    counted = notes.refresh_poll(status, note)  # a Question's counts change without `updated`
    # and so does a quote's consent (FEP-044f: the stamp comes in an Update of the same version)
    stamp = prepared[0].stamp if prepared else None
    requoted = quotes.refresh_received(status, note, notes.quote_uri(note), stamp)
    try:
        edit_note(status, note, activity)
    except Ignored:
        if not counted and not requoted:
            raise
        return
    if note.get("type") == "Event":
        from federation.incoming import events

        events.refresh_event(status, note)


def edit_note(status: Status, note: dict, activity: dict | None) -> None:
    """Apply a remote edit when it is newer (§3.10: without a newer `updated`, nothing of
    the content changes), keeping the replaced version in the status's history."""
    from core import markup

    updated = notes.updated_at(note)
    if updated is None:
        raise Ignored("Update without `updated`: no content change")
    stored = status.edited_at or status.created_at
    if updated <= stored:
        raise Ignored("Update not newer than the stored version")
    summary = note.get("summary") if isinstance(note.get("summary"), str) else ""
    if len(summary) > notes.MAX_SUMMARY:
        raise Rejected(f"The summary is over {notes.MAX_SUMMARY} characters")
    content = notes.content_of(note)
    edited_at = min(updated, timezone.now())
    mentioned = notes.mentioned_accounts(note, activity)
    language = notes.language_of(note, activity, note.get("content"))
    media = [MediaAttachment(account_id=status.account_id, file="", cache_state=remote_media.initial_state(),
                             **fields) for fields in notes.attachments_of(note)]
    editing.apply_remote_edit(status, content=content, spoiler_text=markup.strip_tags(summary),
                              sensitive=note.get("sensitive") is True, media=media, edited_at=edited_at,
                              hashtags=notes.hashtags_of(note), mentions=[u for u in mentioned if u.is_local],
                              source=markup.strip_tags(content))
    remote_media.schedule_caching(m.pk for m in media if not m._state.adding)  # saved: the edit applied
    notes.mention_and_notify(status, [u for u in mentioned if not u.is_local])
    extra = {"emojis": notes.emojis_of(note), **({"language": language} if language else {})}
    Status.objects.filter(pk=status.pk).update(**extra)  # drops the rendered entry too


def update_profile(document: dict, remote: User) -> None:
    """Update{Person}: the account rebuilt from the embedded actor (no refetch); a key the
    document leaves out is kept."""
    try:
        fields = actors.actor_fields(document, remote.remote_ap_id)
    except actors.ActorError as exc:
        raise Rejected(f"unusable actor: {exc}") from exc
    if not fields["public_key_pem"]:
        fields["public_key_id"], fields["public_key_pem"] = remote.public_key_id, remote.public_key_pem
    if fields["nickname"].lower() != remote.nickname.lower():
        fields.pop("nickname")  # a rename goes through a fetch of the actor, not a body
    actors.store_actor(remote.remote_ap_id, fields)
