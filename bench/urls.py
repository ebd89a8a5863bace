from django.urls import path

from bench.views import AuthenticatedCeiling, PublicCeiling, plain_ceiling

urlpatterns = [
    path("bench/ceiling/plain", plain_ceiling),
    path("bench/ceiling/public", PublicCeiling.as_view()),
    path("bench/ceiling/auth", AuthenticatedCeiling.as_view()),
]
