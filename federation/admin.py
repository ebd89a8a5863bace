"""Deliveries in the Django admin, with the delivery health page per remote instance
(/admin/federation/delivery/health/) and its retry / drop actions."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from federation import health
from federation.models import Delivery, Instance, QuoteApproval, QuoteAuthorization
from mrf.config import host_of


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("id", "inbox", "state", "attempts", "last_status", "last_error", "delivered_at")
    list_filter = ("state",)
    search_fields = ("inbox",)
    readonly_fields = ("activity", "inbox", "attempts", "last_status", "last_error", "delivered_at")
    actions = ["retry_instances", "drop_instances"]
    change_list_template = "admin/federation/delivery/change_list.html"

    def get_urls(self):
        return [path("health/", self.admin_site.admin_view(self.health_view), name="federation_delivery_health"),
                *super().get_urls()]

    def health_view(self, request):
        """Delivery health per remote instance; POST host + action=retry|drop acts on one."""
        if request.method == "POST" and self.has_change_permission(request):
            host = request.POST.get("host", "").strip().lower()
            if host and request.POST.get("action") == "retry":
                self.message_user(request, f"{health.retry(host)} deliveries to {host} queued again")
            elif host and request.POST.get("action") == "drop":
                self.message_user(request, f"{health.drop(host)} deliveries to {host} dropped")
            return HttpResponseRedirect(reverse("admin:federation_delivery_health"))
        context = {**self.admin_site.each_context(request), "title": "Delivery health",
                   "instances": health.instances(), "opts": self.model._meta,
                   "can_change": self.has_change_permission(request)}
        return TemplateResponse(request, "admin/federation/delivery/health.html", context)

    @admin.action(description="Send the queues of the selected deliveries' instances again")
    def retry_instances(self, request, queryset):
        hosts = {host_of(inbox) for inbox in queryset.values_list("inbox", flat=True)}
        count = sum(health.retry(host) for host in hosts)
        self.message_user(request, f"{count} deliveries to {len(hosts)} instances queued again")

    @admin.action(description="Drop the queues of the selected deliveries' instances")
    def drop_instances(self, request, queryset):
        hosts = {host_of(inbox) for inbox in queryset.values_list("inbox", flat=True)}
        count = sum(health.drop(host) for host in hosts)
        self.message_user(request, f"{count} deliveries to {len(hosts)} instances dropped", messages.WARNING)


@admin.register(Instance)
class InstanceAdmin(admin.ModelAdmin):
    """What delivery learnt about each remote server (the health page adds its queue)."""

    list_display = ("host", "unreachable_since", "failing_since", "failure_days", "last_success_at",
                    "last_failure_at", "last_probe_at")
    list_filter = (("unreachable_since", admin.EmptyFieldListFilter),)
    search_fields = ("host",)
    readonly_fields = ("host", "last_success_at", "failing_since", "last_failure_at", "failure_days",
                       "unreachable_since", "last_probe_at")


@admin.register(QuoteAuthorization)
class QuoteAuthorizationAdmin(admin.ModelAdmin):
    """QuoteAuthorization stamps this server issued (FEP-044f); revoking one sends its Delete."""

    list_display = ("id", "quoted", "quoting_uri", "quoter_uri", "created_at")
    search_fields = ("quoting_uri", "quoter_uri")
    readonly_fields = ("quoted", "quoting_uri", "quoter_uri", "request_uri", "created_at")
    actions = ["revoke_stamps"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Revoke the selected stamps (a Delete goes to the quoters' servers)")
    def revoke_stamps(self, request, queryset):
        from django.db import transaction

        from federation import quotes

        with transaction.atomic():
            stamps = list(queryset.select_related("quoted__account"))
            for stamp in stamps:
                quotes.revoke(stamp)
        self.message_user(request, f"{len(stamps)} stamps revoked")


@admin.register(QuoteApproval)
class QuoteApprovalAdmin(admin.ModelAdmin):
    """Where the consent of each quote taking part in FEP-044f stands."""

    list_display = ("status", "quoted_uri", "state", "authorization_uri", "updated_at")
    list_filter = ("state",)
    search_fields = ("quoted_uri", "authorization_uri")
    readonly_fields = ("status", "quoted_uri", "state", "authorization_uri", "request_uri", "updated_at")
