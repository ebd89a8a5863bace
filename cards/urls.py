from django.urls import path

from cards.views import StatusCardViewSet

urlpatterns = [
    # status cards
    path("api/v1/statuses/<str:pk>/card", StatusCardViewSet.as_view({"get": "retrieve"})),
]
