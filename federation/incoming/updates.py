"""Update received (reference/federation.md §3.10, §4.9): an edit of a remote note (content,
content warning, sensitivity, media, emoji, hashtags, new mentions; applied only when its
`updated` is newer than what is stored) and a remote profile refreshed from the embedded
actor."""

from __future__ import annotations

from django.utils import timezone

from accounts.models import User
from federation import actors
from federation.incoming import notes
from federation.incoming.common import Ignored, Rejected, object_id, same_host
from statuses.models import Status

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
    return None


def handle_update(activity: dict, remote: User, prepared=None) -> None:
    obj = activity["object"]
    if obj.get("type") in ACTOR_TYPES:
        update_profile(obj, remote)
        return
    note = notes.check_note(obj, remote)
    status = Status.objects.select_for_update().filter(ap_id=note["id"]).first()
    if status is None:
        raise Ignored("Update of an object this server does not have")
    if status.account_id != remote.pk:
        raise Rejected("Update of an object owned by another actor")
    counted = notes.refresh_poll(status, note)  # a Question's counts change without `updated`
    try:
        edit_note(status, note, activity)
    except Ignored:
        if not counted:
            raise


def edit_note(status: Status, note: dict, activity: dict | None) -> None:
    """Apply a remote edit in place when it is newer (§3.10: without a newer `updated`,
    nothing of the content changes)."""
    updated = notes.updated_at(note)
    if updated is None:
        raise Ignored("Update without `updated`: no content change")
    stored = status.edited_at or status.created_at
    if updated <= stored:
        raise Ignored("Update not newer than the stored version")
    summary = note.get("summary") if isinstance(note.get("summary"), str) else ""
    if len(summary) > notes.MAX_SUMMARY:
        raise Rejected(f"The summary is over {notes.MAX_SUMMARY} characters")
    from core import markup

    content = notes._content(note)
    status.content = content
    status.content_source = markup.strip_tags(content)
    status.spoiler_text = markup.strip_tags(summary)
    status.sensitive = note.get("sensitive") is True
    status.emojis = notes.emojis_of(note)
    status.edited_at = min(updated, timezone.now())
    language = notes._language(note, activity, note.get("content"))
    if language:
        status.language = language
    notes.store_tags(status, notes.hashtags_of(note))
    notes.store_media(status, notes.attachments_of(note))
    # saved last: saving drops the status's rendered entry, after its tags and media changed
    status.save(update_fields=["content", "content_source", "spoiler_text", "sensitive", "emojis",
                               "edited_at", "language"])
    notes.mention_and_notify(status, notes.mentioned_accounts(note, activity))


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
