from __future__ import annotations

from django.contrib import admin

from .models import District, OfficerAssignment, Partner


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "ons_code", "population", "is_active"]
    search_fields = ["name", "ons_code"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(OfficerAssignment)
class OfficerAssignmentAdmin(admin.ModelAdmin):
    list_display = ["officer", "district", "since"]
    list_select_related = ["officer", "district"]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "type"]
    list_filter = ["type", "districts"]
    search_fields = ["name"]
