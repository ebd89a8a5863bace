from django.urls import path

from domain_blocks.views import DomainBlockViewSet

urlpatterns = [
    # domain blocks
    path("api/v1/domain_blocks",
         DomainBlockViewSet.as_view({"get": "list", "post": "block", "delete": "unblock"})),
]
