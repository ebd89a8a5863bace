from django.contrib import admin

from push.models import PushSubscription


@admin.register(PushSubscription)
class PushSubscriptionAdmin(admin.ModelAdmin):
    """Users' Web Push subscriptions (the endpoint names the push service)."""

    list_display = ("user", "endpoint", "policy", "standard", "created_at")
    search_fields = ("user__nickname", "endpoint")
    list_filter = ("policy", "standard")
    raw_id_fields = ("user", "token")
