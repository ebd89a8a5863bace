"""Pleroma account features: imports, MFA, security, moves, aliases, extras."""

urlpatterns: list = []
