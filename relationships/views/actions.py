"""Relationship verbs on one account, and the Relationship lookup for many."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema

from accounts.models import User
from accounts.views import get_account
from core import ids
from core.openapi import ERRORS
from core.params import get_list
from core.views import ApiViewSet
from relationships import follows
from relationships.views.inputs import FollowInput, MuteInput, NoteInput
from relationships.views.serializers import (
    RelationshipListSchema,
    RelationshipSchema,
    RelationshipSerializer,
)

FOLLOW = ["follow", "write:follows"]
BLOCK = ["follow", "write:blocks"]
MUTE = ["follow", "write:mutes"]
ACCOUNT_ID = OpenApiParameter("id", str, OpenApiParameter.PATH, description="Account id or nickname")
REFUSALS = {403: ERRORS[403], 404: ERRORS[404]}


class RelationshipViewSet(ApiViewSet):
    """Follow, unfollow, block, mute, note and remove-from-followers; each answers the
    caller's Relationship with the account afterwards."""

    scopes = {
        "follow": FOLLOW, "unfollow": FOLLOW, "remove_from_followers": FOLLOW,
        "block": BLOCK, "unblock": BLOCK,
        "mute": MUTE, "unmute": MUTE,
        "note": ["write:accounts"],
        "relationships": ["follow", "read:follows"],
    }
    serializer_class = RelationshipSerializer

    def relationship(self, account: User):
        return self.render(account, RelationshipSerializer)

    @extend_schema(summary="Follow an account (a request if it is locked)", parameters=[ACCOUNT_ID],
                   request=FollowInput,
                   responses={200: RelationshipSchema, 400: ERRORS[400], **REFUSALS})
    def follow(self, request, pk: str):
        target = get_account(pk)
        data = self.validated(FollowInput)
        follows.follow(request.user, target, reblogs=data.get("reblogs"), notify=data.get("notify"))
        return self.relationship(target)

    @extend_schema(summary="Unfollow an account or withdraw a follow request", parameters=[ACCOUNT_ID],
                   request=None, responses={200: RelationshipSchema, **REFUSALS})
    def unfollow(self, request, pk: str):
        target = get_account(pk)
        follows.unfollow(request.user, target)
        return self.relationship(target)

    @extend_schema(summary="Make an account stop following the caller", parameters=[ACCOUNT_ID],
                   request=None, responses={200: RelationshipSchema, **REFUSALS})
    def remove_from_followers(self, request, pk: str):
        target = get_account(pk)
        follows.remove_from_followers(request.user, target)
        return self.relationship(target)

    @extend_schema(summary="Block an account (ends follows both ways)", parameters=[ACCOUNT_ID],
                   request=None, responses={200: RelationshipSchema, 400: ERRORS[400], **REFUSALS})
    def block(self, request, pk: str):
        target = get_account(pk)
        follows.block(request.user, target)
        return self.relationship(target)

    @extend_schema(summary="Unblock an account", parameters=[ACCOUNT_ID], request=None,
                   responses={200: RelationshipSchema, **REFUSALS})
    def unblock(self, request, pk: str):
        target = get_account(pk)
        follows.unblock(request.user, target)
        return self.relationship(target)

    @extend_schema(summary="Mute an account, optionally for a time", parameters=[ACCOUNT_ID],
                   request=MuteInput, responses={200: RelationshipSchema, 400: ERRORS[400], **REFUSALS})
    def mute(self, request, pk: str):
        target = get_account(pk)
        data = self.validated(MuteInput)
        expires_in = data.get("expires_in") or data.get("duration") or None
        follows.mute(request.user, target, notifications=data.get("notifications", True),
                     expires_in=expires_in)
        return self.relationship(target)

    @extend_schema(summary="Unmute an account", parameters=[ACCOUNT_ID], request=None,
                   responses={200: RelationshipSchema, **REFUSALS})
    def unmute(self, request, pk: str):
        target = get_account(pk)
        follows.unmute(request.user, target)
        return self.relationship(target)

    @extend_schema(summary="Set the caller's private note on an account", parameters=[ACCOUNT_ID],
                   request=NoteInput, responses={200: RelationshipSchema, 400: ERRORS[400], **REFUSALS})
    def note(self, request, pk: str):
        target = get_account(pk)
        follows.set_note(request.user, target, self.validated(NoteInput).get("comment") or "")
        return self.relationship(target)

    @extend_schema(summary="The caller's relationships with the given accounts", parameters=[
        OpenApiParameter("id[]", str, many=True, description="Account ids")],
        responses={200: RelationshipListSchema, 403: ERRORS[403]})
    def relationships(self, request):
        wanted = [pk for pk in (ids.decode(str(v)) for v in get_list(request.query_params, "id")) if pk]
        found = {u.pk: u for u in User.objects.filter(pk__in=wanted[:100], is_active=True, is_deleted=False)}
        ordered = list({pk: found[pk] for pk in wanted if pk in found}.values())
        return self.render(ordered, RelationshipSerializer)
