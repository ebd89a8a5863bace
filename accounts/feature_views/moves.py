"""Aliases and account moves: /api/pleroma/aliases and /api/pleroma/move_account."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from accounts import moves, security
from accounts.feature_views.common import BUSINESS_ERROR, SuccessSchema, require, success, text
from core.openapi import ERRORS, one
from core.views import ApiViewSet

AliasInput = inline_serializer("AliasInput", fields={"alias": serializers.CharField(help_text="nick@host")})
AliasesSchema = one(inline_serializer("Aliases", fields={
    "aliases": serializers.ListField(child=serializers.CharField())}))
MoveInput = inline_serializer("MoveAccountInput", fields={
    "password": serializers.CharField(), "target_account": serializers.CharField(help_text="nick@host")})


class AliasViewSet(ApiViewSet):
    """The accounts listed in the caller's `alsoKnownAs` (those that may move here)."""

    scopes = {"list": ["read:accounts"], "add": ["write:accounts"], "remove": ["write:accounts"]}

    @extend_schema(summary="The caller's aliases as nick@host", responses={200: AliasesSchema, 403: ERRORS[403]})
    def list(self, request):
        return Response({"aliases": moves.list_aliases(request.user)})

    @extend_schema(summary="Add an alias (a local account, or one found over webfinger)", request=AliasInput,
                   responses={200: SuccessSchema, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def add(self, request):
        (alias,) = require(self.params(), "alias")
        moves.add_alias(request.user, text(alias))
        return success()

    @extend_schema(summary="Remove an alias", request=AliasInput,
                   responses={200: SuccessSchema, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def remove(self, request):
        (alias,) = require(self.params(), "alias")
        moves.delete_alias(request.user, text(alias))
        return success()


class MoveViewSet(ApiViewSet):
    """POST /api/pleroma/move_account."""

    scopes = {"move_account": ["write:accounts"]}

    @extend_schema(summary="Move to another account that lists this one among its aliases",
                   request=MoveInput,
                   responses={200: BUSINESS_ERROR, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def move_account(self, request):
        password, target = require(self.params(), "password", "target_account")
        security.confirm_password(request.user, text(password))
        moves.move_account(request.user, text(target))
        return success()
