from __future__ import annotations

from django.contrib import admin, messages

from . import services
from .models import JobRun, OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["task", "key", "state", "created_at", "attempts", "done_at"]
    list_filter = ["state", "task"]
    search_fields = ["key"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    actions = ["retry"]

    @admin.action(description="Send the chosen failed tasks again")
    def retry(self, request, queryset):
        failed = list(queryset.filter(state=OutboxMessage.State.FAILED))
        for message in failed:
            services.outbox_retry(message=message)
        self.message_user(request, f"{len(failed)} failed task(s) sent again.", messages.SUCCESS)

    def has_add_permission(self, request):
        return False


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    list_display = ["job", "slot", "claimed_at", "hostname"]
    list_filter = ["job"]
    readonly_fields = ["job", "slot", "claimed_at", "hostname"]

    def has_add_permission(self, request):
        return False
