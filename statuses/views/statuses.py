"""Status endpoints: post, show, multifetch, delete, context, source and the status actions."""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from accounts.serializers import AccountSerializer
from core import ids, ratelimit
from core.exceptions import NotFound
from core.openapi import ERRORS, PAGINATION_PARAMETERS
from core.params import get_list
from core.views import ApiViewSet
from statuses import idempotency, services, timelines
from statuses.inputs import CreateStatusInput, ReblogInput, UpdateStatusInput
from statuses.models import Favourite, Status
from statuses.queries import blocked_ids, get_visible_status
from statuses.serializers import ScheduledStatusSerializer, StatusSerializer, StatusSourceSerializer
from statuses.services import editing, polls, scheduling

ContextSchema = inline_serializer("Context", fields={
    "ancestors": StatusSerializer(many=True), "descendants": StatusSerializer(many=True)})
StatusEditListSchema = inline_serializer("StatusEdit", fields={
    "content": serializers.CharField(), "spoiler_text": serializers.CharField(),
    "sensitive": serializers.BooleanField(), "created_at": serializers.CharField(),
    "account": serializers.DictField(), "poll": serializers.DictField(allow_null=True),
    "media_attachments": serializers.ListField(child=serializers.DictField()),
    "emojis": serializers.ListField(child=serializers.DictField())}, many=True)
MULTIFETCH_LIMIT = 100


def status_response(view, status: Status, **extra) -> Response:
    """Render one status after a write: the entity is read by id, so it shows the write."""
    return view.render(status, StatusSerializer, **extra)


class StatusViewSet(ApiViewSet):
    """Statuses: POST/GET/DELETE and the per-status actions."""

    scopes = {
        "create": ["write:statuses"],
        "retrieve": ["read:statuses"],
        "list": ["read:statuses"],
        "destroy": ["write:statuses"],
        "context": ["read:statuses"],
        "source": ["read:statuses"],
        "update": ["write:statuses"],
        "history": ["read:statuses"],
        "favourite": ["write:favourites"],
        "unfavourite": ["write:favourites"],
        "reblog": ["write:statuses"],
        "unreblog": ["write:statuses"],
        "pin": ["write:accounts"],
        "unpin": ["write:accounts"],
        "mute": ["write:mutes"],
        "unmute": ["write:mutes"],
        "favourited_by": ["read:accounts"],
        "reblogged_by": ["read:accounts"],
    }
    anonymous_actions = ("retrieve", "list", "context", "history", "favourited_by", "reblogged_by")
    unsupported_parameters = {
        "mute": ("expires_in",),  # thread mutes do not expire
        # an edit changes the version, not when the status is posted or expires, nor who may quote it
        "update": ("scheduled_at", "expires_in", "quote_approval_policy"),
    }
    unsupported_after_lookup = ("update",)
    serializer_class = StatusSerializer

    def visible(self, pk: str) -> Status:
        return get_visible_status(self.viewer, pk)

    @extend_schema(summary="Post a new status", request=CreateStatusInput,
                   parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
                   responses={200: OpenApiResponse({"type": "object", "additionalProperties": True},
                                                   description="Status, or ScheduledStatus with scheduled_at"),
                              400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404], 422: ERRORS[422]})
    def create(self, request):
        ratelimit.hit("status_posting", str(request.user.pk))
        return idempotency.replay_or_run(request, self._post)

    def _post(self) -> Response:
        data = self.validated(CreateStatusInput)
        raw = self.params()
        kwargs = dict(
            text=data.get("status") or "", visibility=data.get("visibility") or None,
            content_type=data.get("content_type") or "text/plain",
            spoiler_text=data.get("spoiler_text") or "", sensitive=data.get("sensitive"),
            language=data.get("language") or None, in_reply_to=data.get("in_reply_to_id") or None,
            media_ids=data.get("media_ids") or (), expires_in=data.get("expires_in"),
            quote=data.get("quote_id") or data.get("quoted_status_id") or None,
            to=data.get("to"), application=getattr(self.request.auth, "application", None),
            params=raw, poll=polls.poll_from_params(raw))
        if data.get("scheduled_at") and not data.get("preview"):
            return self._schedule(data["scheduled_at"], kwargs)
        if data.get("preview"):
            # Render inside a transaction that is rolled back: nothing is stored or sent.
            with transaction.atomic():
                status = services.create_status(self.request.user, **kwargs)
                response = status_response(self, status)
                transaction.set_rollback(True)
            return response
        status = services.create_status(self.request.user, **kwargs)
        return status_response(self, status)

    def _schedule(self, scheduled_at: str, kwargs: dict) -> Response:
        """A post with `scheduled_at` is kept and answered as a ScheduledStatus."""
        when = scheduling.parse_scheduled_at(scheduled_at)
        posting = {key: kwargs.get(key) for key in scheduling.POSTING_KEYS}
        scheduled = scheduling.schedule_status(
            self.request.user, scheduled_at=when, posting=posting, hook_params=kwargs["params"],
            application=kwargs["application"], idempotency=self.request.headers.get("Idempotency-Key"))
        return self.render(scheduled, ScheduledStatusSerializer)

    @extend_schema(summary="View a status", responses={200: StatusSerializer, 404: ERRORS[404]})
    def retrieve(self, request, pk: str):
        return self.render(self.visible(pk))

    @extend_schema(summary="View several statuses (multifetch)",
                   parameters=[OpenApiParameter("id[]", str, many=True),
                               OpenApiParameter("ids[]", str, many=True)],
                   responses={200: StatusSerializer(many=True)})
    def list(self, request):
        wanted = get_list(request.query_params, "id") or get_list(request.query_params, "ids")
        pks = [pk for pk in (ids.decode(v) for v in wanted[:MULTIFETCH_LIMIT]) if pk is not None]
        found = {s.pk: s for s in Status.objects.visible_to(self.viewer).filter(pk__in=pks).for_api()}
        ordered = [found[pk] for pk in dict.fromkeys(pks) if pk in found]
        return self.render(ordered)

    @extend_schema(summary="Edit one's own status", request=UpdateStatusInput,
                   responses={200: StatusSerializer, 400: ERRORS[400], 403: ERRORS[403],
                              404: ERRORS[404], 422: ERRORS[422]})
    def update(self, request, pk: str):
        ratelimit.hit("status_posting", str(request.user.pk))
        status = self.visible(pk)
        if status.account_id != request.user.pk:
            raise NotFound()  # as Mastodon: someone else's status is not there to edit
        self.refuse_unsupported()
        data = self.validated(UpdateStatusInput)
        raw = self.params()
        editing.check_unchanged(status, visibility=data.get("visibility"),
                                in_reply_to_id=data.get("in_reply_to_id"),
                                quote_id=data.get("quote_id") or data.get("quoted_status_id"),
                                to=data.get("to"))
        edited = services.edit_status(
            request.user, status, text=data.get("status") or "", spoiler_text=data.get("spoiler_text") or "",
            sensitive=data.get("sensitive"), media_ids=data.get("media_ids") or (),
            media_attributes=editing.media_attributes_from_params(raw),
            poll=polls.poll_from_params(raw), content_type=data.get("content_type") or None,
            language=data.get("language"), params=raw)
        return status_response(self, edited)

    @extend_schema(summary="The versions of a status, the original first and the current last",
                   responses={200: StatusEditListSchema, 404: ERRORS[404]})
    def history(self, request, pk: str):
        status = services.interactions.original(self.visible(pk))
        return Response(editing.history(self.viewer, status))

    @extend_schema(summary="Delete a status (the response carries its source for redrafting)",
                   responses={200: StatusSerializer, 403: ERRORS[403], 404: ERRORS[404]})
    def destroy(self, request, pk: str):
        status = self.visible(pk)
        if status.account_id != request.user.pk and not (request.user.is_admin or request.user.is_moderator):
            raise NotFound()
        data = self.render(status, with_source=True).data
        services.delete_status(request.user, status)
        return Response(data)

    @extend_schema(summary="Ancestors and descendants of a status",
                   responses={200: ContextSchema, 404: ERRORS[404]})
    def context(self, request, pk: str):
        status_id = ids.decode(pk)
        status, thread = timelines.thread(self.viewer, status_id) if status_id else (None, [])
        if status is None:
            raise NotFound()
        # Filters and unrenderable statuses leave some out: the entities are matched by id.
        rendered = self.render(thread, filter_context="thread").data
        ancestors = [d for d in rendered if ids.decode(d["id"]) < status.pk]
        descendants = [d for d in rendered if ids.decode(d["id"]) > status.pk]
        return Response({"ancestors": ancestors, "descendants": descendants})

    @extend_schema(summary="The source text of a status",
                   responses={200: inline_serializer("StatusSource", fields={
                       "id": serializers.CharField(), "text": serializers.CharField(),
                       "spoiler_text": serializers.CharField(),
                       "content_type": serializers.CharField()}), 404: ERRORS[404]})
    def source(self, request, pk: str):
        return self.render(self.visible(pk), StatusSourceSerializer)

    def _act(self, pk: str, action, **kwargs) -> Response:
        ratelimit.hit("statuses_actions", str(self.request.user.pk))
        status = self.visible(pk)
        result = action(self.request.user, status, **kwargs)
        return status_response(self, result)

    @extend_schema(summary="Favourite a status", request=None,
                   responses={200: StatusSerializer, 403: ERRORS[403], 404: ERRORS[404]})
    def favourite(self, request, pk: str):
        return self._act(pk, services.favourite)

    @extend_schema(summary="Undo a favourite", request=None,
                   responses={200: StatusSerializer, 403: ERRORS[403], 404: ERRORS[404]})
    def unfavourite(self, request, pk: str):
        return self._act(pk, services.unfavourite)

    @extend_schema(summary="Reblog a status", request=ReblogInput,
                   responses={200: StatusSerializer, 403: ERRORS[403], 404: ERRORS[404],
                              422: ERRORS[422]})
    def reblog(self, request, pk: str):
        visibility = self.validated(ReblogInput).get("visibility") or None
        return self._act(pk, services.reblog, visibility=visibility)

    @extend_schema(summary="Undo a reblog", request=None,
                   responses={200: StatusSerializer, 403: ERRORS[403], 404: ERRORS[404]})
    def unreblog(self, request, pk: str):
        return self._act(pk, services.unreblog)

    @extend_schema(summary="Pin a status to the profile", request=None,
                   responses={200: StatusSerializer, 400: ERRORS[400], 403: ERRORS[403],
                              404: ERRORS[404], 422: ERRORS[422]})
    def pin(self, request, pk: str):
        return self._act(pk, services.pin)

    @extend_schema(summary="Unpin a status", request=None,
                   responses={200: StatusSerializer, 403: ERRORS[403], 404: ERRORS[404],
                              422: ERRORS[422]})
    def unpin(self, request, pk: str):
        return self._act(pk, services.unpin)

    @extend_schema(summary="Mute the thread of a status", request=None,
                   responses={200: StatusSerializer, 403: ERRORS[403], 404: ERRORS[404]})
    def mute(self, request, pk: str):
        return self._act(pk, services.mute_thread)

    @extend_schema(summary="Unmute the thread of a status", request=None,
                   responses={200: StatusSerializer, 403: ERRORS[403], 404: ERRORS[404]})
    def unmute(self, request, pk: str):
        return self._act(pk, services.unmute_thread)

    def _accounts_page(self, queryset, key: str):
        """Accounts behind join rows (favourites, reblogs), paged by the join row's id."""
        if self.viewer is not None:
            blocks, blockers = blocked_ids(self.viewer)
            queryset = queryset.exclude(account_id__in=blocks).exclude(account_id__in=blockers)
        queryset = queryset.filter(account__is_active=True).select_related("account")
        return self.render_page(queryset, AccountSerializer, key=key,
                                to_objects=lambda rows: [r.account for r in rows])

    @extend_schema(summary="Accounts that favourited a status", parameters=PAGINATION_PARAMETERS,
                   responses={200: AccountSerializer(many=True), 404: ERRORS[404]})
    def favourited_by(self, request, pk: str):
        status = services.interactions.original(self.visible(pk))
        return self._accounts_page(Favourite.objects.filter(status=status), "id")

    @extend_schema(summary="Accounts that reblogged a status", parameters=PAGINATION_PARAMETERS,
                   responses={200: AccountSerializer(many=True), 404: ERRORS[404]})
    def reblogged_by(self, request, pk: str):
        status = services.interactions.original(self.visible(pk))
        return self._accounts_page(Status.objects.filter(reblog_of=status), "id")

