from __future__ import annotations

from django.contrib import admin

from .models import ReferrerOrganisation


@admin.register(ReferrerOrganisation)
class ReferrerOrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "ods_code", "district"]
    list_filter = ["type", "district"]
    search_fields = ["name", "ods_code"]
