"""The Tag and FeaturedTag entities; inputs."""

from __future__ import annotations

from django.conf import settings
from rest_framework import serializers

from core import ids
from tags import services


class TagSerializer(serializers.BaseSerializer):
    """Mastodon's Tag entity: name, url, usage history, whether the viewer follows it."""

    @classmethod
    def context_for(cls, viewer, hashtags, request=None) -> dict:
        pks = [h.pk for h in hashtags]
        return {"following": services.followed_ids(viewer, pks), "history": services.history(pks)}

    def to_representation(self, hashtag) -> dict:
        return {"id": str(hashtag.pk), "name": hashtag.name, "url": services.tag_url(hashtag.name),
                "history": self.context["history"].get(hashtag.pk, []),
                "following": hashtag.pk in self.context["following"]}


class FeaturedTagSerializer(serializers.BaseSerializer):
    """Mastodon's FeaturedTag entity (the count, a string as in Mastodon, and the last use are the owner's public posts)."""

    @classmethod
    def context_for(cls, viewer, featured, request=None) -> dict:
        usage: dict = {}
        for user_id in {f.user_id for f in featured}:
            owned = [f.hashtag_id for f in featured if f.user_id == user_id]
            usage.update({(user_id, pk): value for pk, value in services.featured_usage(user_id, owned).items()})
        return {"usage": usage}

    def to_representation(self, featured) -> dict:
        count, last = self.context["usage"].get((featured.user_id, featured.hashtag_id), (0, None))
        name = featured.hashtag.name
        return {"id": ids.encode(featured.pk), "name": name,
                "url": f"{settings.PLEROMA_URL}/@{featured.user.nickname}/tagged/{name}",
                "statuses_count": str(count), "last_status_at": last.date().isoformat() if last else None}


class FeatureTagInput(serializers.Serializer):
    """POST /api/v1/featured_tags"""

    name = serializers.CharField(max_length=300, allow_blank=True)
