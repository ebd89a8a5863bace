"""Hashtags: show, follow, the followed ones; featured hashtags of a profile."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers

from accounts.views import get_account
from core.openapi import ERRORS, PAGINATION_PARAMETERS
from core.views import ApiViewSet, empty_response
from tags import services
from tags.models import FeaturedTag, FollowedTag
from tags.serializers import FeaturedTagSerializer, FeatureTagInput, TagSerializer

TagSchema = inline_serializer("Tag", fields={
    "id": serializers.CharField(), "name": serializers.CharField(), "url": serializers.CharField(),
    "history": serializers.ListField(child=serializers.DictField()), "following": serializers.BooleanField()})
FeaturedTagSchema = inline_serializer("FeaturedTag", fields={
    "id": serializers.CharField(), "name": serializers.CharField(), "url": serializers.CharField(),
    "statuses_count": serializers.CharField(), "last_status_at": serializers.CharField(allow_null=True)})
Empty = OpenApiResponse({"type": "object", "maxProperties": 0}, description="Empty object")


class TagViewSet(ApiViewSet):
    """GET /api/v1/tags/:name, follow and unfollow, GET /api/v1/followed_tags."""

    scopes = {"retrieve": ["read:statuses"], "follow": ["write:follows", "follow"],
              "unfollow": ["write:follows", "follow"], "followed": ["read:follows", "follow"]}
    anonymous_actions = ("retrieve",)
    serializer_class = TagSerializer

    @extend_schema(summary="A hashtag, its recent use and whether the caller follows it",
                   responses={200: TagSchema, 404: ERRORS[404]})
    def retrieve(self, request, name: str):
        return self.render(services.get_hashtag(name))

    @extend_schema(summary="Follow a hashtag: its public posts come into home", request=None,
                   responses={200: TagSchema, 403: ERRORS[403], 422: ERRORS[422]})
    def follow(self, request, name: str):
        return self.render(services.follow_tag(self.viewer, name))

    @extend_schema(summary="Stop following a hashtag", request=None,
                   responses={200: TagSchema, 403: ERRORS[403], 404: ERRORS[404]})
    def unfollow(self, request, name: str):
        return self.render(services.unfollow_tag(self.viewer, name))

    @extend_schema(summary="Hashtags the caller follows (cursor: when followed)", parameters=PAGINATION_PARAMETERS,
                   responses={200: type(TagSchema)(many=True), 403: ERRORS[403]})
    def followed(self, request):
        rows = FollowedTag.objects.filter(user=self.viewer).select_related("hashtag")
        return self.render_page(rows, TagSerializer, maximum=200, default=100,
                                to_objects=lambda page: [row.hashtag for row in page])


class FeaturedTagViewSet(ApiViewSet):
    """The hashtags featured on the caller's profile (and on anyone's, by account)."""

    scopes = {"list": ["read:accounts"], "create": ["write:accounts"], "destroy": ["write:accounts"],
              "suggestions": ["read:accounts"], "account_featured": ["read:accounts"]}
    anonymous_actions = ("account_featured",)
    serializer_class = FeaturedTagSerializer

    def _featured(self, user):
        return list(FeaturedTag.objects.filter(user=user).select_related("hashtag", "user").order_by("id"))

    @extend_schema(summary="Hashtags featured on the caller's profile",
                   responses={200: type(FeaturedTagSchema)(many=True), 403: ERRORS[403]})
    def list(self, request):
        return self.render(self._featured(self.viewer))

    @extend_schema(summary="Feature a hashtag on the caller's profile", request=FeatureTagInput,
                   responses={200: FeaturedTagSchema, 400: ERRORS[400], 403: ERRORS[403], 422: ERRORS[422]})
    def create(self, request):
        featured = services.feature_tag(self.viewer, self.validated(FeatureTagInput)["name"])
        return self.render(FeaturedTag.objects.select_related("hashtag", "user").get(pk=featured.pk))

    @extend_schema(summary="Stop featuring a hashtag", responses={200: Empty, 404: ERRORS[404]})
    def destroy(self, request, pk: str):
        services.unfeature_tag(services.get_own_featured_tag(self.viewer, pk))
        return empty_response()

    @extend_schema(summary="Hashtags the caller uses most and does not feature yet",
                   responses={200: type(TagSchema)(many=True), 403: ERRORS[403]})
    def suggestions(self, request):
        return self.render(services.suggested_tags(self.viewer), TagSerializer)

    @extend_schema(summary="Hashtags featured on an account's profile",
                   responses={200: type(FeaturedTagSchema)(many=True), 404: ERRORS[404]})
    def account_featured(self, request, pk: str):
        return self.render(self._featured(get_account(pk)))


