from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from activeportal.accounts import views as account_views
from activeportal.health.views import bench_ping, healthz

admin.site.site_header = "ActivePortal administration"
admin.site.site_title = "ActivePortal"

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/login/", account_views.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/", account_views.two_factor_overview, name="two-factor"),
    path("accounts/two-factor/setup/", account_views.two_factor_setup, name="two-factor-setup"),
    path("accounts/two-factor/verify/", account_views.two_factor_verify, name="two-factor-verify"),
    path(
        "accounts/two-factor/recovery-codes/",
        account_views.recovery_codes_shown,
        name="two-factor-recovery-codes",
    ),
    path(
        "accounts/two-factor/recovery-codes/new/",
        account_views.recovery_codes_new,
        name="two-factor-recovery-codes-new",
    ),
    path(
        "accounts/users/<int:user_id>/two-factor-reset/",
        account_views.two_factor_reset,
        name="two-factor-reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("healthz", healthz, name="healthz"),
    path("bench/ping/", bench_ping, name="bench-ping"),
    path("districts/", include("districts.urls")),
    path("funding/", include("funding.urls")),
    path("referrals/", include("referrals.urls")),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
    path("transparency/", include("transparency.urls")),
    path("", include("activeportal.pages.urls")),
]
