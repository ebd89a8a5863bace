"""Routes of the emoji app: custom emoji, packs, pack files, reactions, the image files."""

from django.urls import path, re_path

from emoji.reactions.views import EmojiReactionViewSet
from emoji.views import EmojiFileViewSet, EmojiPackViewSet, EmojiViewSet, serve_emoji

urlpatterns = [
    # custom emoji listings
    path("api/v1/pleroma/emoji", EmojiViewSet.as_view({"get": "pleroma"})),
    path("api/v1/custom_emojis", EmojiViewSet.as_view({"get": "mastodon"})),
    # emoji packs
    path("api/v1/pleroma/emoji/pack", EmojiPackViewSet.as_view(
        {"get": "retrieve", "post": "create", "patch": "partial_update", "delete": "destroy"})),
    path("api/v1/pleroma/emoji/packs", EmojiPackViewSet.as_view({"get": "list"})),
    path("api/v1/pleroma/emoji/packs/archive", EmojiPackViewSet.as_view({"get": "archive"})),
    path("api/v1/pleroma/emoji/packs/import", EmojiPackViewSet.as_view({"get": "import_packs"})),
    path("api/v1/pleroma/emoji/packs/remote", EmojiPackViewSet.as_view({"get": "remote"})),
    path("api/v1/pleroma/emoji/packs/download", EmojiPackViewSet.as_view({"post": "download"})),
    # emoji files of a pack
    path("api/v1/pleroma/emoji/packs/files", EmojiFileViewSet.as_view(
        {"post": "create", "patch": "partial_update", "delete": "destroy"})),
    # emoji reactions
    path("api/v1/pleroma/statuses/<str:id>/reactions", EmojiReactionViewSet.as_view({"get": "list"})),
    path("api/v1/pleroma/statuses/<str:id>/reactions/<str:emoji>", EmojiReactionViewSet.as_view(
        {"get": "list_emoji", "put": "react", "delete": "unreact"})),
    # the image files (Pleroma serves them at /emoji/<pack>/<file>)
    re_path(r"^emoji/(?P<pack>[^/]+)/(?P<path>.+)$", serve_emoji),
]
