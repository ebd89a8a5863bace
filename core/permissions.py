"""ScopePermission: reads the viewset's `scopes` map and enforces Pleroma's rules.

`scopes = {"action": ["read:statuses"]}` on a view: any one listed scope (or an ancestor,
`read` for `read:statuses`) must be held by the token. Actions listed in
`anonymous_actions` are also open to anonymous callers; a token without the scope is
then downgraded to anonymous, as Pleroma's `fallback: :proceed_unauthenticated` does.
Actions absent from the map are public. Scopes under `admin` also need a staff user.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from rest_framework.permissions import BasePermission

from core import scopes as scope_rules
from core.authentication import scopes_of
from core.exceptions import Forbidden, InvalidCredentials


def required_scopes(view, request=None) -> list[str] | None:
    action = getattr(view, "action", None) or (request.method.lower() if request else None)
    mapping = getattr(view, "scopes", None) or {}
    if action in mapping:
        return mapping[action]
    if request is not None and request.method.lower() in mapping:
        return mapping[request.method.lower()]
    return mapping.get("*")


class ScopePermission(BasePermission):
    def has_permission(self, request, view) -> bool:
        required = required_scopes(view, request)
        if required is None:
            return True
        action = getattr(view, "action", None) or request.method.lower()
        anonymous_ok = action in getattr(view, "anonymous_actions", ())
        user = request.user
        held = scopes_of(request.auth)
        has_scope = held is None or not required or scope_rules.granted(held, required)
        if anonymous_ok:
            if user and user.is_authenticated and not has_scope:
                request.user = AnonymousUser()
                request.auth = None
            return True
        if getattr(view, "allow_app_token", False) and request.auth is not None and (
            user is None or not user.is_authenticated
        ):
            if not has_scope:
                raise Forbidden(f"Insufficient permissions: {' | '.join(required)}.")
            return True
        if not user or not user.is_authenticated:
            raise InvalidCredentials()
        # Pleroma's :admin_api pipeline refuses non-staff before the controller checks the
        # token's scope (pleroma-content 1.2): a user's `admin:write` request is "not staff".
        if any(scope_rules.is_admin_scope(s) for s in required) and not (
            user.is_admin or user.is_moderator
        ):
            raise Forbidden("User is not a staff member.")
        if not has_scope:
            raise Forbidden(f"Insufficient permissions: {' | '.join(required)}.")
        return True
