"""Django admin for emoji packs: every change goes through emoji.services, so pack.json, the
files on disk and the emoji cache stay right."""

from __future__ import annotations

from urllib.parse import quote

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from core.exceptions import ApiError
from emoji import paths, services
from emoji.models import Emoji, EmojiPack, PackDownload


def preview(emoji: Emoji) -> str:
    return format_html('<img src="{}" alt=":{}:" title=":{}:" style="height:32px;vertical-align:middle">',
                       quote(emoji.url_path), emoji.shortcode, emoji.shortcode)


class EmojiPackForm(forms.ModelForm):
    share_files = forms.BooleanField(required=False, label="Share files",
                                     help_text="Other instances may download this pack")

    class Meta:
        model = EmojiPack
        fields = ["name", "description", "license", "homepage", "share_files", "fallback_src"]

    def clean_name(self):
        try:
            name = paths.pack_name(self.cleaned_data["name"])
        except ApiError as exc:
            raise forms.ValidationError(exc.message) from exc
        if self.instance.pk is None and (paths.emoji_root() / name).exists():
            raise forms.ValidationError(f'A pack named "{name}" already exists')
        return name


class EmojiInlineForm(forms.ModelForm):
    upload = forms.FileField(required=False, help_text="Image for a new emoji (PNG, GIF, JPEG, WebP)")
    tags_text = forms.CharField(required=False, label="Tags", help_text="Comma separated")

    class Meta:
        model = Emoji
        fields = ["shortcode", "filename"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["filename"].required = False
        if not self.instance._state.adding:
            self.fields["tags_text"].initial = ", ".join(self.instance.tags)

    def clean(self):
        data = super().clean()
        shortcode, filename, upload = data.get("shortcode"), data.get("filename"), data.get("upload")
        if self.instance._state.adding and not upload and shortcode:
            raise forms.ValidationError("Choose an image to upload for a new emoji.")
        if upload and not filename:
            data["filename"] = filename = upload.name
        if shortcode and not paths.is_shortcode(shortcode):
            self.add_error("shortcode", "Letters, digits, _ and - only.")
        if filename and paths.clean_filename(filename) is None:
            self.add_error("filename", "A relative image path inside the pack (.png, .gif, ...).")
        data["tags"] = [t.strip() for t in (data.get("tags_text") or "").split(",") if t.strip()]
        return data


class EmojiInline(admin.TabularInline):
    model = Emoji
    form = EmojiInlineForm
    fields = ["image", "shortcode", "filename", "tags_text", "upload"]
    readonly_fields = ["image"]
    extra = 1

    @admin.display(description="Preview")
    def image(self, emoji: Emoji) -> str:
        return "" if emoji._state.adding else preview(emoji)


@admin.register(EmojiPack)
class EmojiPackAdmin(admin.ModelAdmin):
    form = EmojiPackForm
    inlines = [EmojiInline]
    list_display = ["name", "emoji_count", "share_files", "previews", "updated_at"]
    list_filter = ["share_files"]
    search_fields = ["name", "description", "emoji__shortcode"]
    actions = ["share", "unshare", "delete_packs"]
    change_list_template = "admin/emoji/emojipack/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("emoji")

    def get_readonly_fields(self, request, obj=None):
        return ["name"] if obj else []

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # deletes rows only; ours removes the files too
        return actions

    @admin.display(description="Emoji")
    def emoji_count(self, pack: EmojiPack) -> int:
        return len(pack.emoji.all())

    @admin.display(description="Preview")
    def previews(self, pack: EmojiPack) -> str:
        return format_html_join("", "{}", ((preview(e),) for e in list(pack.emoji.all())[:8]))

    def _metadata(self, form, pack: EmojiPack | None) -> dict:
        metadata = pack.metadata() if pack else {}
        for key, field in (("description", "description"), ("license", "license"),
                           ("homepage", "homepage"), ("fallback-src", "fallback_src")):
            value = form.cleaned_data.get(field)
            if value:
                metadata[key] = value
            else:
                metadata.pop(key, None)
        metadata["share-files"] = bool(form.cleaned_data.get("share_files"))
        return metadata

    def save_model(self, request, obj, form, change):
        try:
            if change:
                current = EmojiPack.objects.get(pk=obj.pk)
                services.update_metadata(current.name, self._metadata(form, current))
            else:
                created = services.create_pack(obj.name, self._metadata(form, None))
                obj.pk = created.pk
            obj.refresh_from_db()
        except ApiError as exc:
            self._fail(request, exc)

    def construct_change_message(self, request, form, formsets, add=False):
        # The inline rows are saved by the services, not by formset.save().
        return [{"added": {}}] if add else [{"changed": {"fields": form.changed_data}}]

    def save_related(self, request, form, formsets, change):
        if form.instance.pk is None:
            return
        for formset in formsets:
            self.save_formset(request, form, formset, change)

    def save_formset(self, request, form, formset, change):
        pack = EmojiPack.objects.get(pk=form.instance.pk)
        try:
            for inline in formset.deleted_forms:
                if not inline.instance._state.adding:
                    services.remove_file(pack, inline.instance.shortcode)
            for inline in formset.forms:
                if inline in formset.deleted_forms or not inline.has_changed():
                    continue
                self._save_emoji(pack, inline)
        except ApiError as exc:
            self._fail(request, exc)

    def _save_emoji(self, pack: EmojiPack, inline) -> None:
        data = inline.cleaned_data
        if not data.get("shortcode"):
            return
        emoji = inline.instance
        if emoji._state.adding:
            upload = data["upload"]
            filename = data.get("filename") or upload.name
            services.add_file(pack, data=upload.read(), filename=filename, shortcode=data["shortcode"])
            emoji = Emoji.objects.get(shortcode=data["shortcode"])
        else:
            original = Emoji.objects.get(pk=emoji.pk)
            if (data["shortcode"], data["filename"]) != (original.shortcode, original.filename):
                services.rename_file(pack, shortcode=original.shortcode, new_shortcode=data["shortcode"],
                                     new_filename=data["filename"],
                                     force=data["shortcode"] == original.shortcode)
            emoji = Emoji.objects.get(pk=emoji.pk)
        if data["tags"] != emoji.tags:
            services.set_tags(emoji, data["tags"])

    def _fail(self, request, exc: ApiError) -> None:
        """Show the service's refusal; each service call is atomic, so what it refused is unchanged."""
        messages.error(request, exc.message)

    def delete_model(self, request, obj):
        services.delete_pack(obj.name)

    def delete_queryset(self, request, queryset):
        for pack in queryset:
            services.delete_pack(pack.name)

    @admin.action(description="Delete selected packs with their files")
    def delete_packs(self, request, queryset):
        names = [pack.name for pack in queryset]
        self.delete_queryset(request, queryset)
        self.message_user(request, f"Deleted {', '.join(names)}.")

    @admin.action(description="Share selected packs")
    def share(self, request, queryset):
        for pack in queryset:
            services.set_share_files(pack, True)

    @admin.action(description="Stop sharing selected packs")
    def unshare(self, request, queryset):
        for pack in queryset:
            services.set_share_files(pack, False)

    def get_urls(self):
        extra = [
            path("import/", self.admin_site.admin_view(self.import_view), name="emoji_emojipack_import"),
            path("download/", self.admin_site.admin_view(self.download_view),
                 name="emoji_emojipack_download"),
        ]
        return extra + super().get_urls()

    def import_view(self, request):
        if request.method != "POST" or not self.has_add_permission(request):
            return HttpResponseRedirect(reverse("admin:emoji_emojipack_changelist"))
        imported = services.import_packs()
        self.message_user(request, f"Imported: {', '.join(imported)}." if imported
                          else "No new pack directories found.")
        return HttpResponseRedirect(reverse("admin:emoji_emojipack_changelist"))

    def download_view(self, request):
        form = DownloadForm(request.POST or None)
        if request.method == "POST" and form.is_valid() and self.has_add_permission(request):
            data = form.cleaned_data
            try:
                download = services.request_download(request.user, data["url"], data["name"],
                                                     data.get("as_name") or None)
            except ApiError as exc:
                form.add_error(None, exc.message)
            else:
                self.message_user(request, f"Downloading {download.remote_name} as {download.name}.")
                return HttpResponseRedirect(reverse("admin:emoji_packdownload_changelist"))
        context = {**self.admin_site.each_context(request), "form": form, "title": "Download a pack",
                   "opts": self.model._meta}
        return TemplateResponse(request, "admin/emoji/emojipack/download.html", context)


class DownloadForm(forms.Form):
    url = forms.URLField(label="Instance URL")
    name = forms.CharField(label="Remote pack name")
    as_name = forms.CharField(label="Save as", required=False)


@admin.register(Emoji)
class EmojiAdmin(admin.ModelAdmin):
    list_display = ["image", "shortcode", "pack", "filename", "tags"]
    list_filter = ["pack"]
    search_fields = ["shortcode", "filename"]
    list_select_related = ["pack"]
    fields = ["image", "pack", "shortcode", "filename", "tags"]
    readonly_fields = ["image", "pack", "shortcode", "filename", "tags"]

    @admin.display(description="Preview")
    def image(self, emoji: Emoji) -> str:
        return preview(emoji)

    def has_add_permission(self, request):
        return False  # emoji are uploaded on their pack's page

    def delete_model(self, request, obj):
        services.remove_file(obj.pack, obj.shortcode)

    def delete_queryset(self, request, queryset):
        for emoji in queryset.select_related("pack"):
            services.remove_file(emoji.pack, emoji.shortcode)


@admin.register(PackDownload)
class PackDownloadAdmin(admin.ModelAdmin):
    list_display = ["remote_name", "name", "url", "state", "progress", "error", "created_at"]
    list_filter = ["state"]
    readonly_fields = [f.name for f in PackDownload._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

