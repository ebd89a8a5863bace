"""ActivityStreams documents of a backup: the actor, and the Create/Announce of each status.

Shapes follow what Pleroma federates (and so writes into its backups); everything here
renders rows already loaded, without queries.
"""

from __future__ import annotations

from django.conf import settings

from accounts.serializers import absolute
from core import ids
from core.renderers import format_datetime

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
PUBLIC = f"{AS_CONTEXT}#Public"


def actor_context() -> list:
    return [AS_CONTEXT, f"{settings.PLEROMA_URL}/schemas/litepub-0.1.jsonld", {"@language": "und"}]


def actor_id(nickname: str) -> str:
    return f"{settings.PLEROMA_URL}/users/{nickname}"


def object_id(status_pk) -> str:
    return f"{settings.PLEROMA_URL}/objects/{ids.encode(status_pk)}"


def activity_id(status_pk) -> str:
    return f"{settings.PLEROMA_URL}/activities/{ids.encode(status_pk)}"


def context_id(context_pk) -> str | None:
    return f"{settings.PLEROMA_URL}/contexts/{context_pk}" if context_pk else None


def actor(user) -> dict:
    """The Person document (as served at the ap_id), with the backup's own `likes` and
    `bookmarks` collections."""
    from accounts.activitypub import actor_document

    return {**actor_document(user), "@context": actor_context(),
            "published": format_datetime(user.created_at),
            "likes": "likes.json", "bookmarks": "bookmarks.json"}


def addressing(status, author_id: str) -> tuple[list[str], list[str]]:
    """(to, cc) of a status as Pleroma addresses each visibility."""
    followers = f"{author_id}/followers"
    mentioned = [actor_id(m.account.nickname) for m in status.mentions.all()]
    visibility = status.visibility
    if visibility == "public":
        return [PUBLIC, *mentioned], [followers]
    if visibility == "unlisted":
        return [followers, *mentioned], [PUBLIC]
    if visibility == "local":
        return [f"{settings.PLEROMA_URL}/#Public", *mentioned], [followers]
    if visibility == "direct":
        return mentioned, []
    return [followers, *mentioned], []  # private, list


def attachment(media) -> dict:
    return {"type": "Document", "mediaType": media.mime_type, "url": absolute(media.file.url),
            "name": media.description or None, "blurhash": media.blurhash}


def note(status, author_id: str) -> dict:
    to, cc = addressing(status, author_id)
    tags = [{"type": "Mention", "href": actor_id(m.account.nickname),
             "name": f"@{m.account.nickname}"} for m in status.mentions.all()]
    tags += [{"type": "Hashtag", "href": f"{settings.PLEROMA_URL}/tags/{t.hashtag.name}",
              "name": f"#{t.hashtag.name}"} for t in status.status_tags.all()]
    return {
        "id": object_id(status.pk),
        "type": "Note",
        "attributedTo": author_id,
        "content": status.content,
        "source": {"content": status.content_source, "mediaType": status.content_type},
        "summary": status.spoiler_text,
        "sensitive": status.sensitive,
        "inReplyTo": object_id(status.in_reply_to_id) if status.in_reply_to_id else None,
        "quoteUrl": object_id(status.quote_id) if status.quote_id else None,
        "context": context_id(status.context_id),
        "published": format_datetime(status.created_at),
        "updated": format_datetime(status.edited_at) if status.edited_at else None,
        "to": to,
        "cc": cc,
        "tag": tags,
        "attachment": [attachment(m) for m in status.media_attachments.all()],
        "url": f"{settings.PLEROMA_URL}/notice/{ids.encode(status.pk)}",
    }


def activity(status, author_id: str) -> dict:
    """The Create of a post, or the Announce of a reblog, as in the outbox."""
    if status.reblog_of_id:
        return {"id": activity_id(status.pk), "type": "Announce", "actor": author_id,
                "object": object_id(status.reblog_of_id), "published": format_datetime(status.created_at),
                "to": [f"{author_id}/followers", PUBLIC], "cc": []}
    obj = note(status, author_id)
    return {"id": activity_id(status.pk), "type": "Create", "actor": author_id,
            "published": obj["published"], "to": obj["to"], "cc": obj["cc"], "object": obj}
