from __future__ import annotations

from django.contrib import admin

from activeportal.accounts.admin import UserAdmin

from .models import (
    ActionItem,
    CaseStudy,
    District,
    FrameworkForAction,
    OfficerAssignment,
    Partner,
    Priority,
    Testimonial,
    WorkLogEntry,
)


class OfficerAssignmentInline(admin.TabularInline):
    model = OfficerAssignment
    fk_name = "officer"
    extra = 0
    autocomplete_fields = ["district"]


# An officer's districts are edited on the user's page; accounts sits below districts.
UserAdmin.inlines = [*UserAdmin.inlines, OfficerAssignmentInline]


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


@admin.register(WorkLogEntry)
class WorkLogEntryAdmin(admin.ModelAdmin):
    list_display = ["date", "district", "officer", "kind", "priority_area", "hours"]
    list_filter = ["district", "kind", "priority_area"]
    list_select_related = ["district", "officer"]
    date_hierarchy = "date"
    search_fields = ["summary"]


class PriorityInline(admin.TabularInline):
    model = Priority
    extra = 0


@admin.register(FrameworkForAction)
class FrameworkForActionAdmin(admin.ModelAdmin):
    list_display = ["district", "start_year", "end_year"]
    inlines = [PriorityInline]


class ActionItemInline(admin.TabularInline):
    model = ActionItem
    extra = 0
    readonly_fields = ["version"]


@admin.register(Priority)
class PriorityAdmin(admin.ModelAdmin):
    list_display = ["title", "framework", "position"]
    list_select_related = ["framework__district"]
    inlines = [ActionItemInline]


@admin.register(CaseStudy)
class CaseStudyAdmin(admin.ModelAdmin):
    list_display = ["title", "district", "programme", "consent_to_publish", "published"]
    list_filter = ["district", "published"]


@admin.register(Testimonial)
class TestimonialAdmin(admin.ModelAdmin):
    list_display = ["who", "district", "programme", "consent_to_publish", "published"]
    list_filter = ["district", "published"]
