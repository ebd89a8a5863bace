from django.urls import path

from conversations.views import ConversationViewSet

urlpatterns = [
    # conversations (Mastodon)
    path("api/v1/conversations", ConversationViewSet.as_view({"get": "list"})),
    path("api/v1/conversations/<str:pk>", ConversationViewSet.as_view({"delete": "destroy"})),
    path("api/v1/conversations/<str:pk>/read", ConversationViewSet.as_view({"post": "mark_read"})),
    # conversations (Pleroma); `read` before `:id`, which would take it for an id
    path("api/v1/pleroma/conversations/read", ConversationViewSet.as_view({"post": "read_all"})),
    path("api/v1/pleroma/conversations/<str:pk>",
         ConversationViewSet.as_view({"get": "retrieve", "patch": "partial_update"})),
    path("api/v1/pleroma/conversations/<str:pk>/statuses", ConversationViewSet.as_view({"get": "statuses"})),
]
