from __future__ import annotations

from django.contrib import admin

from .models import Allocation, FundingStream, ImportBatch


@admin.register(FundingStream)
class FundingStreamAdmin(admin.ModelAdmin):
    list_display = ["name", "funder", "is_active"]
    search_fields = ["name", "funder"]


@admin.register(Allocation)
class AllocationAdmin(admin.ModelAdmin):
    list_display = ["stream", "district", "financial_year", "amount", "status"]
    list_filter = ["financial_year", "status", "stream", "district"]
    list_select_related = ["stream", "district"]
    autocomplete_fields = ["recipient"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["file_name", "status", "row_count", "total", "created_by", "imported_at"]
    list_filter = ["status"]
    search_fields = ["file_name", "sha256"]
    exclude = ["rows"]
    readonly_fields = [
        "file_name",
        "sha256",
        "status",
        "row_count",
        "total",
        "created_by",
        "imported_at",
    ]

    def has_add_permission(self, request) -> bool:
        # A batch comes only from checking an uploaded file: one typed in here would have no rows.
        return False
