"""Timelines (home, public, hashtag, an account's statuses), favourites and search."""

from __future__ import annotations

import re

from django.conf import settings
from django.db.models import BooleanField, Case, Q, Value, When
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from accounts.models import User
from accounts.serializers import AccountSerializer
from accounts.views import get_account
from core import ids, pagination, render_cache
from core.exceptions import NotFound
from core.openapi import ERRORS, PAGINATION_PARAMETERS
from core.views import ApiViewSet
from relationships.models import Follow
from statuses import rendering, timelines
from statuses.inputs import SearchInput
from statuses.models import Hashtag, Status
from statuses.queries import blocked_ids, get_visible_status
from statuses.serializers import StatusSerializer

TIMELINE_PARAMETERS = PAGINATION_PARAMETERS + [
    OpenApiParameter("only_media", bool), OpenApiParameter("local", bool),
    OpenApiParameter("remote", bool), OpenApiParameter("with_muted", bool),
    OpenApiParameter("exclude_visibilities[]", str, many=True),
]
ACCOUNT_STATUS_PARAMETERS = TIMELINE_PARAMETERS + [
    OpenApiParameter("pinned", bool), OpenApiParameter("exclude_replies", bool),
    OpenApiParameter("exclude_reblogs", bool), OpenApiParameter("tagged", str),
]
STATUS_URL_RE = re.compile(re.escape(settings.PLEROMA_URL) + r"/(?:notice|objects)/([0-9A-Za-z-]+)$")
SearchSchema = inline_serializer("SearchResults", fields={
    "accounts": AccountSerializer(many=True), "statuses": StatusSerializer(many=True),
    "hashtags": serializers.ListField()})


class TimelineViewSet(ApiViewSet):
    """Status timelines, paged by status id (favourites: by the Favourite id)."""

    scopes = {
        "home": ["read:statuses"],
        "public": ["read:statuses"],
        "hashtag": ["read:statuses"],
        "account_statuses": ["read:statuses"],
        "favourites": ["read:favourites"],
    }
    anonymous_actions = ("public", "hashtag", "account_statuses")
    # No reply filtering by relationship; no remote instances to show the public posts of.
    unsupported_parameters = {"home": ("reply_visibility",), "public": ("instance", "reply_visibility")}
    serializer_class = StatusSerializer

    def page(self, query: str, params: list, *, context: str | None = None):
        """One page; `context` names the viewer's filters that apply (filters hide some
        statuses: the Link cursors still come from the page as the query returned it)."""
        page = pagination.paginate_raw(self.request, query, params)
        if self.viewer is None and render_cache.enabled():
            body = rendering.anonymous_page([status.pk for status in page])
            response = HttpResponse(body, content_type="application/json; charset=utf-8")
        else:
            response = self.render(page, StatusSerializer, filter_context=context)
        return pagination.set_link(response, self.request, page)

    @extend_schema(summary="Home timeline", parameters=TIMELINE_PARAMETERS,
                   responses={200: StatusSerializer(many=True), 403: ERRORS[403]})
    def home(self, request):
        return self.page(*timelines.home(request.user, request.query_params), context="home")

    @extend_schema(summary="Public timeline", parameters=TIMELINE_PARAMETERS,
                   responses={200: StatusSerializer(many=True)})
    def public(self, request):
        return self.page(*timelines.public(self.viewer, request.query_params), context="public")

    @extend_schema(summary="Hashtag timeline", parameters=TIMELINE_PARAMETERS + [
        OpenApiParameter("any[]", str, many=True), OpenApiParameter("all[]", str, many=True),
        OpenApiParameter("none[]", str, many=True)],
        responses={200: StatusSerializer(many=True)})
    def hashtag(self, request, tag: str):
        return self.page(*timelines.hashtag(self.viewer, tag.lstrip("#"), request.query_params),
                         context="public")

    @extend_schema(summary="An account's statuses (:id may be a nickname)",
                   parameters=ACCOUNT_STATUS_PARAMETERS,
                   responses={200: StatusSerializer(many=True), 404: ERRORS[404]})
    def account_statuses(self, request, pk: str):
        account = get_account(pk)
        return self.page(*timelines.account_statuses(self.viewer, account, request.query_params),
                         context="account")

    @extend_schema(summary="Statuses the caller favourited (cursor: the favourite id)",
                   parameters=PAGINATION_PARAMETERS,
                   responses={200: StatusSerializer(many=True), 403: ERRORS[403]})
    def favourites(self, request):
        return self.render_page(timelines.favourites(request.user, request.user), StatusSerializer,
                                to_objects=lambda rows: [f.status for f in rows])


class SearchViewSet(ApiViewSet):
    """Local search over accounts, statuses and hashtags (offset pagination, as Pleroma)."""

    scopes = {"search_v2": ["read:search"], "search_v1": ["read:search"]}
    anonymous_actions = ("search_v2", "search_v1")

    @extend_schema(summary="Search accounts, statuses and hashtags", parameters=[
        OpenApiParameter("q", str), OpenApiParameter("type", str), OpenApiParameter("limit", int),
        OpenApiParameter("offset", int), OpenApiParameter("following", bool),
        OpenApiParameter("account_id", str), OpenApiParameter("resolve", bool)],
        responses={200: SearchSchema, 400: ERRORS[400]})
    def search_v2(self, request):
        return Response(self.search(tag_objects=True))

    @extend_schema(summary="Search (v1: hashtags as strings)", parameters=[
        OpenApiParameter("q", str), OpenApiParameter("type", str), OpenApiParameter("limit", int),
        OpenApiParameter("offset", int)],
        responses={200: SearchSchema, 400: ERRORS[400]})
    def search_v1(self, request):
        return Response(self.search(tag_objects=False))

    def search(self, *, tag_objects: bool) -> dict:
        data = self.validated(SearchInput, data=self.request.query_params)
        query = (data.get("q") or "").strip()
        limit = data["limit"] if 0 < data["limit"] <= 40 else 20
        offset = data["offset"]
        wanted = data.get("type") or None
        result = {"accounts": [], "statuses": [], "hashtags": []}
        if not query:
            return result
        window = slice(offset, offset + limit)
        if wanted in (None, "accounts"):
            accounts = list(self.accounts(query, data.get("following"), resolve=data.get("resolve"))[window])
            result["accounts"] = self.render(accounts, AccountSerializer).data
        if wanted in (None, "statuses"):
            account = None
            if data.get("account_id"):
                account = User.objects.filter(pk=ids.decode(data["account_id"])).first()
            linked = self.linked_status(query, resolve=bool(data.get("resolve")))
            if linked is not None:
                statuses = [linked]
            else:
                statuses = list(timelines.text_search(self.viewer, query, account=account)
                                .for_api()[window])
            result["statuses"] = self.render(statuses, StatusSerializer).data
        if wanted in (None, "hashtags"):
            name = query.lstrip("#").lower()
            tags = list(Hashtag.objects.filter(name__istartswith=name).order_by("name")[window]) \
                if name else []
            result["hashtags"] = [
                {"name": t.name, "url": f"{settings.PLEROMA_URL}/tag/{t.name}", "history": [],
                 "following": False} if tag_objects else t.name for t in tags]
        return result

    def linked_status(self, query: str, *, resolve: bool = False) -> Status | None:
        """A status named by its URL, if visible: a local one (`/notice/<id>` or
        `/objects/<id>`), or, with `resolve` for a signed-in caller, one of another server
        (fetched when unknown, through statuses.registry.status_resolvers)."""
        match = STATUS_URL_RE.match(query)
        if match is None:
            if not (resolve and self.viewer is not None and query.startswith(("http://", "https://"))):
                return None
            from statuses import registry

            found = registry.resolve_remote_status(query)
            if found is None:
                return None
            try:
                return get_visible_status(self.viewer, ids.encode(found.pk))
            except NotFound:
                return None
        try:
            return get_visible_status(self.viewer, match.group(1))
        except NotFound:
            return None

    def accounts(self, query: str, following: bool, *, resolve: bool = False):
        from accounts.registry import resolve_remote_account

        term = query.lstrip("@")
        nickname, _, host = term.partition("@")
        remote = query.startswith(("http://", "https://")) or (host and host.lower() != settings.INSTANCE_DOMAIN)
        if remote:
            # An account elsewhere: as stored, or fetched (WebFinger, then its actor) when
            # `resolve` is asked by a signed-in caller (reference/federation.md §7).
            found = resolve_remote_account(query) if resolve and self.viewer is not None else None
            if found is not None:
                qs = User.objects.filter(pk=found.pk, is_active=True, is_deleted=False)
            else:
                qs = User.objects.filter(is_active=True, is_deleted=False, domain__isnull=False,
                                         nickname__iexact=term)
        else:
            qs = User.objects.filter(is_active=True, is_deleted=False).filter(
                Q(nickname__istartswith=nickname) | Q(display_name__istartswith=term))
        if self.viewer is not None:
            blocks, blockers = blocked_ids(self.viewer)
            qs = qs.exclude(pk__in=blocks).exclude(pk__in=blockers)
            if following:
                qs = qs.filter(pk__in=Follow.objects.filter(
                    follower=self.viewer, state=Follow.State.ACCEPTED).values("followed_id"))
        # Exact nickname first, then by nickname.
        exact = Case(When(nickname__iexact=nickname, then=Value(True)), default=Value(False),
                     output_field=BooleanField())
        return qs.annotate(exact=exact).order_by("-exact", "nickname")

