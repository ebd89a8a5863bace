import re

from django import forms
from django.contrib import admin

from mrf.config import normalise_host
from mrf.models import SIMPLE_ACTIONS, InstancePolicy, KeywordRule

HOST_PATTERN = re.compile(r"^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:\d{1,5})?$")


class InstancePolicyForm(forms.ModelForm):
    class Meta:
        model = InstancePolicy
        fields = ("host", "reason", *SIMPLE_ACTIONS, "quarantine")

    def clean_host(self) -> str:
        host = normalise_host(self.cleaned_data["host"])
        host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", host).split("/", 1)[0]
        if not HOST_PATTERN.match(host):
            raise forms.ValidationError("A host name (example.com) or *.example.com")
        return host


@admin.register(InstancePolicy)
class InstancePolicyAdmin(admin.ModelAdmin):
    form = InstancePolicyForm
    list_display = ("host", *SIMPLE_ACTIONS, "quarantine", "reason")
    list_filter = (*SIMPLE_ACTIONS, "quarantine")
    search_fields = ("host", "reason")
    fieldsets = ((None, {"fields": ("host", "reason")}),
                 ("Actions", {"fields": (*SIMPLE_ACTIONS, "quarantine")}))


class KeywordRuleForm(forms.ModelForm):
    class Meta:
        model = KeywordRule
        fields = ("action", "pattern", "is_regex", "replacement")

    def clean(self):
        data = super().clean()
        if data.get("is_regex") and data.get("pattern"):
            try:
                re.compile(data["pattern"])
            except re.error as exc:
                raise forms.ValidationError({"pattern": f"Not a regular expression: {exc}"}) from None
        return data


@admin.register(KeywordRule)
class KeywordRuleAdmin(admin.ModelAdmin):
    form = KeywordRuleForm
    list_display = ("action", "pattern", "is_regex", "replacement")
    list_filter = ("action", "is_regex")
    search_fields = ("pattern",)
