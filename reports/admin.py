from __future__ import annotations

from django.contrib import admin

from .models import ImpactSnapshot, SnapshotBuild, SocialValueModel


@admin.register(SocialValueModel)
class SocialValueModelAdmin(admin.ModelAdmin):
    list_display = ["version", "name", "method", "is_current", "created_at"]
    filter_horizontal = ["investment_streams"]


@admin.register(ImpactSnapshot)
class ImpactSnapshotAdmin(admin.ModelAdmin):
    list_display = ["year", "district", "model", "built_at"]
    list_filter = ["year", "district"]
    readonly_fields = ["year", "district", "model", "built_at", "source_counts", "inputs_hash"]


@admin.register(SnapshotBuild)
class SnapshotBuildAdmin(admin.ModelAdmin):
    list_display = ["pk", "reason", "state", "total", "created_at", "finished_at"]
    list_filter = ["state", "reason"]
