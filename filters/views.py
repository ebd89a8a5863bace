"""Filters v1 (/api/v1/filters) and v2 (/api/v2/filters, their keywords and statuses)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers

from core.exceptions import Unprocessable
from core.openapi import ERRORS
from core.params import parse_bool
from core.views import ApiViewSet, empty_response
from filters import services
from filters.serializers import (
    FilterKeywordSerializer,
    FilterSerializer,
    FilterStatusSerializer,
    V1FilterSerializer,
    keyword_attributes,
    nested_attributes,
)

READ, WRITE = ["read:filters"], ["write:filters"]
EMPTY = inline_serializer("FilterEmpty", fields={})
CONTEXT_HELP = "home, notifications, public, thread, account"


def _contexts(value) -> list:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise Unprocessable("Validation failed: Context contains invalid values")


def _text(value, name: str):
    if value is not None and not isinstance(value, str | int | float):
        raise Unprocessable(f"Invalid {name}")
    return value


V1Input = inline_serializer("V1FilterInput", fields={
    "phrase": serializers.CharField(), "context": serializers.ListField(child=serializers.CharField(),
                                                                        help_text=CONTEXT_HELP),
    "irreversible": serializers.BooleanField(required=False),
    "whole_word": serializers.BooleanField(required=False),
    "expires_in": serializers.IntegerField(required=False, allow_null=True)})
V2Input = inline_serializer("FilterInput", fields={
    "title": serializers.CharField(), "context": serializers.ListField(child=serializers.CharField(),
                                                                       help_text=CONTEXT_HELP),
    "filter_action": serializers.ChoiceField(["warn", "hide"], required=False),
    "expires_in": serializers.IntegerField(required=False, allow_null=True),
    "keywords_attributes": serializers.ListField(child=serializers.DictField(), required=False)})
KeywordInput = inline_serializer("FilterKeywordInput", fields={
    "keyword": serializers.CharField(), "whole_word": serializers.BooleanField(required=False)})
StatusInput = inline_serializer("FilterStatusInput", fields={"status_id": serializers.CharField()})
V1Schema = V1FilterSerializer
PK = OpenApiParameter("pk", str, OpenApiParameter.PATH)


class V1FilterViewSet(ApiViewSet):
    """v1 filters: each a keyword of the caller's filters (Mastodon's mapping)."""

    scopes = {"list": READ, "retrieve": READ, "create": WRITE, "update": WRITE, "destroy": WRITE}
    serializer_class = V1FilterSerializer

    @extend_schema(summary="The caller's filters (v1)", responses={200: V1FilterSerializer(many=True),
                                                                   403: ERRORS[403]})
    def list(self, request):
        return self.render(list(services.v1_filters(request.user)))

    @extend_schema(summary="One filter (v1)", parameters=[PK],
                   responses={200: V1FilterSerializer, 403: ERRORS[403], 404: ERRORS[404]})
    def retrieve(self, request, pk: str):
        return self.render(services.get_own_keyword(request.user, pk))

    @extend_schema(summary="Create a filter (v1)", request=V1Input,
                   responses={200: V1FilterSerializer, 403: ERRORS[403], 422: ERRORS[422]})
    def create(self, request):
        params = self.params()
        created = services.create_v1_filter(
            request.user, phrase=_text(params.get("phrase"), "phrase"), context=_contexts(params.get("context")),
            irreversible=parse_bool(params.get("irreversible")),
            whole_word=parse_bool(params.get("whole_word"), default=True),
            expires_in=_text(params.get("expires_in"), "expires_in"))
        return self.render(created)

    @extend_schema(summary="Change a filter (v1)", parameters=[PK], request=V1Input,
                   responses={200: V1FilterSerializer, 403: ERRORS[403], 404: ERRORS[404], 422: ERRORS[422]})
    def update(self, request, pk: str):
        params = self.params()
        changes = {}
        if "phrase" in params:
            changes["phrase"] = _text(params["phrase"], "phrase")
        if "context" in params:
            changes["context"] = _contexts(params["context"])
        for name in ("irreversible", "whole_word"):
            if name in params:
                changes[name] = parse_bool(params[name])
        if "expires_in" in params:
            changes["expires_in"] = _text(params["expires_in"], "expires_in")
        return self.render(services.update_v1_filter(request.user, pk, **changes))

    @extend_schema(summary="Remove a filter (v1)", parameters=[PK],
                   responses={200: EMPTY, 403: ERRORS[403], 404: ERRORS[404]})
    def destroy(self, request, pk: str):
        services.delete_v1_filter(request.user, pk)
        return empty_response()


class FilterViewSet(ApiViewSet):
    """v2 filters of the caller, with their keywords and statuses."""

    scopes = {"list": READ, "retrieve": READ, "create": WRITE, "update": WRITE, "destroy": WRITE}
    serializer_class = FilterSerializer

    def keywords(self) -> list[dict] | None:
        raw = nested_attributes(self.request, "keywords_attributes")
        return keyword_attributes(raw) if raw is not None else None

    @extend_schema(summary="The caller's filters", responses={200: FilterSerializer(many=True), 403: ERRORS[403]})
    def list(self, request):
        return self.render(list(services.own_filters(request.user)))

    @extend_schema(summary="One filter", parameters=[PK],
                   responses={200: FilterSerializer, 403: ERRORS[403], 404: ERRORS[404]})
    def retrieve(self, request, pk: str):
        return self.render(services.get_own_filter(request.user, pk))

    @extend_schema(summary="Create a filter", request=V2Input,
                   responses={200: FilterSerializer, 403: ERRORS[403], 422: ERRORS[422]})
    def create(self, request):
        params = self.params()
        created = services.create_filter(
            request.user, title=_text(params.get("title"), "title"), context=_contexts(params.get("context")),
            action=_text(params.get("filter_action"), "filter_action") or "warn",
            expires_in=_text(params.get("expires_in"), "expires_in"), keywords=self.keywords())
        return self.render(created)

    @extend_schema(summary="Change a filter and add, change or remove its keywords", parameters=[PK],
                   request=V2Input,
                   responses={200: FilterSerializer, 403: ERRORS[403], 404: ERRORS[404], 422: ERRORS[422]})
    def update(self, request, pk: str):
        params = self.params()
        changes = {}
        if "title" in params:
            changes["title"] = _text(params["title"], "title")
        if "context" in params:
            changes["context"] = _contexts(params["context"])
        if params.get("filter_action") not in (None, ""):
            changes["action"] = _text(params["filter_action"], "filter_action")
        if "expires_in" in params:
            changes["expires_in"] = _text(params["expires_in"], "expires_in")
        return self.render(services.update_filter(request.user, pk, keywords=self.keywords(), **changes))

    @extend_schema(summary="Remove a filter", parameters=[PK],
                   responses={200: EMPTY, 403: ERRORS[403], 404: ERRORS[404]})
    def destroy(self, request, pk: str):
        services.delete_filter(request.user, pk)
        return empty_response()


class FilterKeywordViewSet(ApiViewSet):
    """The keywords of the caller's filters."""

    scopes = {"list": READ, "retrieve": READ, "create": WRITE, "update": WRITE, "destroy": WRITE}
    serializer_class = FilterKeywordSerializer

    @extend_schema(summary="A filter's keywords", parameters=[PK],
                   responses={200: FilterKeywordSerializer(many=True), 403: ERRORS[403], 404: ERRORS[404]})
    def list(self, request, pk: str):
        return self.render(list(services.get_own_filter(request.user, pk).keywords.all()))

    @extend_schema(summary="Add a keyword to a filter", parameters=[PK], request=KeywordInput,
                   responses={200: FilterKeywordSerializer, 403: ERRORS[403], 404: ERRORS[404], 422: ERRORS[422]})
    def create(self, request, pk: str):
        params = self.params()
        return self.render(services.add_keyword(
            request.user, pk, keyword=_text(params.get("keyword"), "keyword"),
            whole_word=parse_bool(params.get("whole_word"), default=True)))

    @extend_schema(summary="One keyword", parameters=[PK],
                   responses={200: FilterKeywordSerializer, 403: ERRORS[403], 404: ERRORS[404]})
    def retrieve(self, request, pk: str):
        return self.render(services.get_own_keyword(request.user, pk))

    @extend_schema(summary="Change a keyword", parameters=[PK], request=KeywordInput,
                   responses={200: FilterKeywordSerializer, 403: ERRORS[403], 404: ERRORS[404], 422: ERRORS[422]})
    def update(self, request, pk: str):
        params = self.params()
        changes = {}
        if "keyword" in params:
            changes["keyword"] = _text(params["keyword"], "keyword")
        if "whole_word" in params:
            changes["whole_word"] = parse_bool(params["whole_word"])
        return self.render(services.update_keyword(request.user, pk, **changes))

    @extend_schema(summary="Remove a keyword", parameters=[PK],
                   responses={200: EMPTY, 403: ERRORS[403], 404: ERRORS[404]})
    def destroy(self, request, pk: str):
        services.delete_keyword(request.user, pk)
        return empty_response()


class FilterStatusViewSet(ApiViewSet):
    """The statuses of the caller's filters."""

    scopes = {"list": READ, "retrieve": READ, "create": WRITE, "destroy": WRITE}
    serializer_class = FilterStatusSerializer

    @extend_schema(summary="A filter's statuses", parameters=[PK],
                   responses={200: FilterStatusSerializer(many=True), 403: ERRORS[403], 404: ERRORS[404]})
    def list(self, request, pk: str):
        return self.render(list(services.get_own_filter(request.user, pk).statuses.all()))

    @extend_schema(summary="Add a status to a filter", parameters=[PK], request=StatusInput,
                   responses={200: FilterStatusSerializer, 403: ERRORS[403], 404: ERRORS[404], 422: ERRORS[422]})
    def create(self, request, pk: str):
        status_id = _text(self.params().get("status_id"), "status_id")
        return self.render(services.add_status(request.user, pk, status_id=status_id))

    @extend_schema(summary="One filtered status", parameters=[PK],
                   responses={200: FilterStatusSerializer, 403: ERRORS[403], 404: ERRORS[404]})
    def retrieve(self, request, pk: str):
        return self.render(services.get_own_filter_status(request.user, pk))

    @extend_schema(summary="Stop filtering a status", parameters=[PK],
                   responses={200: EMPTY, 403: ERRORS[403], 404: ERRORS[404]})
    def destroy(self, request, pk: str):
        services.delete_status(request.user, pk)
        return empty_response()
