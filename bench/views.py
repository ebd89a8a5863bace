"""Ceilings for the benchmark: the cheapest views this stack can serve, to compare against.

Mounted under /bench/ only when PLEROMA_BENCH_ENDPOINTS=true (see pleroma_py/urls.py).
"""

from django.http import JsonResponse
from rest_framework.response import Response
from rest_framework.views import APIView

from core.authentication import BearerAuthentication
from core.permissions import ScopePermission
from statuses.models import Status

FIELDS = ("id", "content", "created_at", "visibility")


def _rows():
    return [
        {"id": str(s["id"]), "content": s["content"], "created_at": s["created_at"].isoformat(),
         "visibility": s["visibility"]}
        for s in Status.objects.order_by("-id").values(*FIELDS)[:20]
    ]


def plain_ceiling(request):
    """A plain Django view: 20 rows from PostgreSQL as JSON."""
    return JsonResponse(_rows(), safe=False)


class PublicCeiling(APIView):
    """A DRF view reading 20 rows with no authentication."""

    authentication_classes: list = []
    permission_classes: list = []

    def get(self, request):
        return Response(_rows())


class AuthenticatedCeiling(APIView):
    """A DRF view that looks up a bearer token, then reads 20 rows."""

    authentication_classes = [BearerAuthentication]
    permission_classes = [ScopePermission]
    scopes = {"get": ["read"]}

    def get(self, request):
        return Response(_rows())
