"""ApiViewSet: the base of every API viewset (auth, scopes, parsers, errors, rendering)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rest_framework import status as http_status
from rest_framework.metadata import BaseMetadata
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from core import pagination
from core.exceptions import NotFound, Unprocessable
from core.params import request_params


class ApiMetadata(BaseMetadata):
    """OPTIONS answers name and description only: DRF's default introspects a serializer per
    method, which our shape-only entity serializers (no `fields`) and viewsets without a
    `serializer_class` cannot give; the OpenAPI document is where inputs are described."""

    def determine_metadata(self, request, view) -> dict:
        return {"name": view.get_view_name(), "description": view.get_view_description()}


class ApiViewSet(GenericViewSet):
    """Declare `scopes` per action; use `validated`, `render` and `render_page` in actions.

    `unsupported_parameters` names, per action, the parameters the references document for
    that endpoint that this server does not honour: a request that gives one a value is
    refused with 422 `Unsupported parameter: <name>` instead of being served as if it were
    not there (docs/unsupported-parameters.md lists them). Other unknown parameters are
    ignored, as clients send extras.
    """

    scopes: dict[str, list[str]] = {}
    anonymous_actions: tuple[str, ...] = ()
    unsupported_parameters: dict[str, tuple[str, ...]] = {}
    lookup_value_regex = "[^/]+"
    metadata_class = ApiMetadata

    # Actions that refuse their unsupported parameters themselves (`refuse_unsupported()`)
    # once they have found the object, so someone else's object is a 404 whatever was sent.
    unsupported_after_lookup: tuple[str, ...] = ()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication, scopes, throttles first
        if getattr(self, "action", None) not in self.unsupported_after_lookup:
            self.refuse_unsupported()

    def refuse_unsupported(self) -> None:
        names = self.unsupported_parameters.get(getattr(self, "action", None) or "", ())
        if names:
            refuse_unsupported(self.request, names)

    @property
    def viewer(self):
        user = self.request.user
        return user if user is not None and user.is_authenticated else None

    def params(self) -> dict:
        return request_params(self.request)

    def validated(self, input_class, data: Any = None, **context) -> dict:
        """Parse and validate the request (query merged under body) with an input serializer."""
        if data is None:
            data = self.request.data if self.request.method not in ("GET", "HEAD", "DELETE") else None
            merged = self.request.query_params.copy()
            if data is not None and hasattr(data, "lists"):
                for key, values in data.lists():
                    merged.setlist(key, values)
                data = merged
            elif isinstance(data, dict):
                plain = {k: (v if len(v) > 1 or k.endswith("[]") else v[0])
                         for k, v in merged.lists()}
                plain.update(data)
                data = plain
            else:
                data = merged
        serializer = input_class(data=data, context={"request": self.request, "view": self, **context})
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def serializer_context(self, serializer_class, objects: list, **extra) -> dict:
        context = {"request": self.request, "view": self, "viewer": self.viewer, **extra}
        builder = getattr(serializer_class, "context_for", None)
        if builder is not None:
            context.update(builder(self.viewer, objects, request=self.request))
        return context

    def render(self, obj, serializer_class=None, status: int = http_status.HTTP_200_OK, **extra):
        serializer_class = serializer_class or self.get_serializer_class()
        many = isinstance(obj, list | tuple)
        objects = list(obj) if many else [obj]
        context = self.serializer_context(serializer_class, objects, **extra)
        data = serializer_class(obj, many=many, context=context).data
        return Response(data, status=status)

    def render_page(self, queryset, serializer_class=None, *, key: str = "id",
                    cursor: Callable[[Any], Any] | None = None,
                    to_objects: Callable[[list], list] | None = None,
                    default: int = pagination.DEFAULT_LIMIT, maximum: int = pagination.MAX_LIMIT,
                    **extra):
        """Paginate on `key`, render the page, set the Link header from the page's cursors."""
        page = pagination.paginate(queryset, self.request, key=key, default=default, maximum=maximum)
        objects = to_objects(page) if to_objects else page
        response = self.render(list(objects), serializer_class, **extra)
        if cursor is None:
            def cursor(row):
                return getattr(row, key)
        return pagination.set_link(response, self.request, page, cursor)

    def not_found(self):
        raise NotFound()


def sent_parameters(request) -> dict[str, Any]:
    """Every parameter of the request with its value, nested JSON objects flattened into
    the bracket spelling of forms (`{"source": {"privacy": "x"}}` -> `source[privacy]`)."""
    sent: dict[str, Any] = {}

    def add(key: str, value: Any) -> None:
        if isinstance(value, dict):
            for inner, item in value.items():
                add(f"{key}[{inner}]", item)
        else:
            sent[key.removesuffix("[]")] = value

    sources = [request.query_params]
    if request.method not in ("GET", "HEAD") and request.content_type:
        sources.append(request.data)
    for source in sources:
        if hasattr(source, "lists"):
            for key, values in source.lists():
                add(key, [v for v in values if v not in (None, "")])
        elif isinstance(source, dict):
            for key, value in source.items():
                add(key, value)
    return sent


def refuse_unsupported(request, names) -> None:
    """422 for the first of `names` the request gives a value (empty values pass)."""
    sent = sent_parameters(request)
    for name in names:
        for key, value in sent.items():
            if (key == name or key.startswith(f"{name}[")) and value not in (None, "", [], {}):
                raise Unprocessable(f"Unsupported parameter: {name}")


def empty_response(status: int = 200) -> Response:
    return Response({}, status=status)
