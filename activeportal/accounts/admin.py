from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from . import two_factor
from .models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "organisation", "is_active"]
    list_filter = ["groups", "is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    autocomplete_fields = ["organisation"]
    inlines: list = []  # districts/admin.py adds the officer's districts
    readonly_fields = ["two_factor_status"]
    change_form_template = "admin/accounts/user/change_form.html"
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["first_name", "last_name", "job_title", "organisation"]}),
        ("Roles", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Two-factor sign-in", {"fields": ["two_factor_status"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]

    @admin.display(description="Two-factor sign-in")
    def two_factor_status(self, user: User) -> str:
        if not user.pk or not two_factor.has_authenticator(user):
            required = user.pk and two_factor.required_for(user)
            return "Off: set up at the next sign-in (required for this role)" if required else "Off"
        left = two_factor.recovery_codes_left(user)
        return f"On: authenticator app, {left} recovery code{'s' if left != 1 else ''} left"
