from django.contrib import admin
from django.utils.html import format_html

from cards import services, tasks
from cards.models import PreviewCard


@admin.register(PreviewCard)
class PreviewCardAdmin(admin.ModelAdmin):
    list_display = ("url", "title", "type", "provider_name", "fetched_at", "preview")
    list_filter = ("type",)
    search_fields = ("url", "title", "provider_name")
    readonly_fields = ("preview", "fetched_at")
    actions = ("refresh", "remove")

    @admin.display(description="image")
    def preview(self, card: PreviewCard) -> str:
        if not card.image:
            return "-"
        return format_html('<img src="{}" style="max-height: 60px">', card.image.url)

    @admin.action(description="Fetch the selected cards again")
    def refresh(self, request, queryset) -> None:
        card_ids = [str(pk) for pk in queryset.values_list("pk", flat=True)]
        for card_id in card_ids:
            tasks.refresh_card.delay(card_id)
        self.message_user(request, f"{len(card_ids)} cards will be fetched again")

    @admin.action(description="Remove the selected cards (and their images)")
    def remove(self, request, queryset) -> None:
        count = 0
        for card in queryset:
            services.delete_card(card)
            count += 1
        self.message_user(request, f"{count} cards removed")

    def delete_model(self, request, card: PreviewCard) -> None:
        services.delete_card(card)

    def get_actions(self, request):
        # Django's bulk delete would leave the image files and the cached entities behind.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions
