"""The impact pages: who may see them, what they show, downloads, the model editor."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from activeportal.accounts import roles
from reports import selectors, services
from reports.models import ImpactSnapshot, SnapshotBuild, SocialValueModel
from tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db

PAGES = [
    "/reports/",
    "/reports/2024/",
    "/reports/2024/?district=breckland",
    "/reports/2024/report/",
    "/reports/2024/download/months.csv",
    "/reports/social-value/",
    "/reports/social-value/{model}/",
]


@pytest.mark.parametrize("role", [roles.MANAGER, roles.ADMIN])
def test_managers_and_admins_see_every_impact_page(client, users_by_role, built, role):
    client.force_login(users_by_role[role])
    for path in PAGES:
        response = client.get(path.format(model=built.pk), follow=True)
        assert response.status_code == 200, path


@pytest.mark.parametrize("role", [roles.OFFICER, roles.REFERRER, roles.HUB])
def test_other_roles_get_403(client, users_by_role, built, role):
    client.force_login(users_by_role[role])
    for path in PAGES:
        assert client.get(path.format(model=built.pk)).status_code == 403, path


def test_anonymous_visitors_are_sent_to_sign_in(client, built):
    for path in PAGES:
        response = client.get(path.format(model=built.pk))
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/login/")


def test_no_role_user_gets_403(client, no_role_user, built):
    client.force_login(no_role_user)
    assert client.get("/reports/2024/").status_code == 403


def test_the_index_goes_to_the_latest_year(client, manager, built):
    client.force_login(manager)
    assert client.get("/reports/")["Location"] == "/reports/2024/"


def test_the_dashboard_shows_the_key_figures_and_social_value_arithmetic(client, manager, built):
    client.force_login(manager)
    page = client.get("/reports/2024/").content.decode()
    assert "Impact 2024-25" in page
    assert ">30<" in page  # referrals, partnership level: as counted
    assert "Sankey" in page or "sankey" in page
    assert "vendor/plotly/plotly.min.js" in page
    assert "cdn" not in page.lower()
    assert "Primary: £" in page
    assert "Value per £1:" in page
    assert "deadweight" in page
    assert "Rebuild now" in page
    assert "The data have not changed since" in page


def test_a_district_page_suppresses_small_numbers_for_managers(client, manager, built):
    client.force_login(manager)
    page = client.get("/reports/2024/?district=norwich").content.decode()
    assert "Impact 2024-25: Norwich" in page
    assert 'class="display-6 mb-0">*' in page  # 3 referrals
    assert "rounded to the nearest" in page


def test_an_admin_sees_exact_district_numbers(client, admin_user, built):
    client.force_login(admin_user)
    page = client.get("/reports/2024/?district=norwich").content.decode()
    assert 'class="display-6 mb-0">3<' in page


def test_the_figures_are_rendered_once_per_build_and_disclosure_level(
    client, manager, admin_user, built, breckland
):
    client.force_login(manager)
    with CaptureQueriesContext(connection) as rendered:
        first = client.get("/reports/2024/?district=norwich").content.decode()
    with CaptureQueriesContext(connection) as again:
        second = client.get("/reports/2024/?district=norwich").content.decode()
    assert len(again.captured_queries) < len(rendered.captured_queries)
    assert first.count("<table") == second.count("<table") > 5
    after_the_last_form = [
        p.rsplit("csrfmiddlewaretoken", 1)[1].split(">", 1)[1] for p in (first, second)
    ]
    assert after_the_last_form[0] == after_the_last_form[1]
    client.force_login(admin_user)  # exact numbers: not the manager's cached figures
    assert (
        'class="display-6 mb-0">3<'
        in client.get("/reports/2024/?district=norwich").content.decode()
    )
    client.force_login(manager)
    assert (
        'class="display-6 mb-0">*' in client.get("/reports/2024/?district=norwich").content.decode()
    )


def test_a_rebuilt_snapshot_shows_its_new_figures_at_once(client, manager, built, breckland):
    client.force_login(manager)
    assert 'class="display-6 mb-0">30<' in client.get("/reports/2024/").content.decode()
    report = client.get("/reports/2024/report/").content.decode()
    assert '<dd class="col-sm-5">30</dd>' in report
    ReferralFactory(statistical=True, district=breckland)
    services.snapshot_build(year=2024, district_id=None, model_id=built.pk)
    assert 'class="display-6 mb-0">31<' in client.get("/reports/2024/").content.decode()
    assert '<dd class="col-sm-5">31</dd>' in client.get("/reports/2024/report/").content.decode()


def test_an_unknown_district_is_404(client, manager, built):
    client.force_login(manager)
    assert client.get("/reports/2024/?district=nowhere").status_code == 404


def test_a_year_without_figures_says_so_and_offers_a_rebuild(client, manager, built):
    client.force_login(manager)
    page = client.get("/reports/2019/").content.decode()
    assert "No figures have been built" in page
    assert client.get("/reports/2019/report/").status_code == 404


def test_the_page_says_when_data_changed_since_the_build(client, manager, built, breckland):
    ReferralFactory(statistical=True, district=breckland)
    client.force_login(manager)
    page = client.get("/reports/2024/").content.decode()
    assert "The data have changed since" in page


def test_the_changed_check_is_kept_for_a_while_to_spare_the_referrals_table(
    client, manager, built, breckland, settings
):
    settings.REPORTS_CHANGED_CHECK_SECONDS = 60
    cache.clear()
    client.force_login(manager)
    assert "The data have not changed since" in client.get("/reports/2024/").content.decode()
    ReferralFactory(statistical=True, district=breckland)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/reports/2024/").content.decode()
    assert "The data have not changed since" in page
    assert not any("referrals_referral" in q["sql"] for q in queries.captured_queries)
    cache.clear()
    assert "The data have changed since" in client.get("/reports/2024/").content.decode()


def test_an_old_check_is_taken_again_by_one_page_while_the_others_use_it(
    client, manager, built, breckland, settings, time_machine
):
    settings.REPORTS_CHANGED_CHECK_SECONDS = 60
    cache.clear()
    client.force_login(manager)
    time_machine.move_to(timezone.now())
    assert "The data have not changed since" in client.get("/reports/2024/").content.decode()
    ReferralFactory(statistical=True, district=breckland)
    time_machine.shift(61)
    cache.add(selectors.FINGERPRINT_LOCK_KEY, True, 30)  # another process is taking it
    assert "The data have not changed since" in client.get("/reports/2024/").content.decode()
    cache.delete(selectors.FINGERPRINT_LOCK_KEY)
    assert "The data have changed since" in client.get("/reports/2024/").content.decode()
    assert cache.get(selectors.FINGERPRINT_LOCK_KEY) is None


def test_a_snapshot_built_after_the_kept_check_is_compared_afresh(
    client, manager, built, breckland, settings
):
    settings.REPORTS_CHANGED_CHECK_SECONDS = 60
    cache.clear()
    client.force_login(manager)
    ReferralFactory(statistical=True, district=breckland)
    assert "The data have changed since" in client.get("/reports/2024/").content.decode()
    for district_id in (None, breckland.pk):
        services.snapshot_build(year=2024, district_id=district_id, model_id=built.pk)
    assert "The data have not changed since" in client.get("/reports/2024/").content.decode()


def test_downloads_come_as_csv_and_xlsx_and_are_suppressed_like_the_page(client, manager, built):
    client.force_login(manager)
    csv = client.get("/reports/2024/download/districts.csv")
    assert csv["Content-Type"].startswith("text/csv")
    body = csv.content.decode("utf-8-sig")
    assert "Norwich,*" in body
    xlsx = client.get("/reports/2024/download/transitions-to-date.xlsx")
    assert xlsx["Content-Disposition"].endswith('.xlsx"')
    assert client.get("/reports/2024/download/nothing.csv").status_code == 404
    assert client.get("/reports/2024/download/months.pdf").status_code == 404


def test_the_dashboard_reads_snapshots_with_a_fixed_number_of_queries(
    client, manager, built, django_assert_max_num_queries
):
    client.force_login(manager)
    with django_assert_max_num_queries(16):
        assert client.get("/reports/2024/").status_code == 200


def test_the_report_page_is_printable_and_has_every_section(client, manager, built):
    client.force_login(manager)
    page = client.get("/reports/2024/report/").content.decode()
    for heading in (
        "Key statistics",
        "District-level data",
        "Pathways",
        "Outcomes",
        "Social value",
        "Case studies and testimonials",
    ):
        assert heading in page
    assert "css/print.css" in page


def test_rebuild_now_builds_and_the_status_fragment_reports_progress(
    client, manager, built, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/reports/rebuild/", {"next": "/reports/2024/"}, HTTP_HX_REQUEST="true"
        )
    assert response.status_code == 200
    build = SnapshotBuild.objects.get()
    assert build.state == SnapshotBuild.State.DONE
    status = client.get(f"/reports/builds/{build.pk}/").content.decode()
    assert 'aria-valuenow="100"' in status
    assert "See the updated figures" in status
    assert "hx-trigger" not in status


def test_rebuild_needs_a_post_and_the_manager_role(client, manager, hub_user):
    client.force_login(manager)
    assert client.get("/reports/rebuild/").status_code == 405
    client.force_login(hub_user)
    assert client.post("/reports/rebuild/").status_code == 403


def test_a_locked_version_cannot_be_edited(client, manager, built):
    client.force_login(manager)
    response = client.get(f"/reports/social-value/{built.pk}/edit/", follow=True)
    assert "Copy it to a new version" in response.content.decode()
    response = client.post(f"/reports/social-value/{built.pk}/edit/", {"deadweight_pct": "1"})
    built.refresh_from_db()
    assert built.deadweight_pct == Decimal(15)


def test_a_manager_copies_a_version_and_edits_the_copy(client, manager, built):
    client.force_login(manager)
    response = client.post(f"/reports/social-value/{built.pk}/copy/")
    copy = SocialValueModel.objects.get(version=2)
    assert response["Location"] == f"/reports/social-value/{copy.pk}/edit/"
    form = client.get(response["Location"]).content.decode()
    assert "Source of the WELLBY value" in form
    data = {
        "name": "Revised",
        "method": "per_level",
        "wellby_value": "13000",
        "wellby_source": "HM Treasury",
        "value_active": "2600",
        "value_active_source": "Sport England",
        "value_fairly_active": "1200",
        "value_fairly_active_source": "",
        "value_inactive_to_active_condition": "5000",
        "value_inactive_to_active_condition_source": "",
        "secondary_per_person": "150",
        "secondary_source": "",
        "deadweight_pct": "20",
        "attribution_pct": "80",
        "drop_off_pct": "10",
        "adjustments_source": "",
        "investment_streams": [],
        "notes": "",
    }
    response = client.post(f"/reports/social-value/{copy.pk}/edit/", data)
    assert response.status_code == 302
    copy.refresh_from_db()
    assert copy.value_active == Decimal(2600)
    assert copy.name == "Revised"

    bad = {**data, "deadweight_pct": "130", "value_active": "-5"}
    page = client.post(f"/reports/social-value/{copy.pk}/edit/", bad).content.decode()
    assert "Ensure this value is less than or equal to 100" in page
    assert "Ensure this value is greater than or equal to 0" in page
    copy.refresh_from_db()
    assert copy.deadweight_pct == Decimal(20)

    client.post(f"/reports/social-value/{copy.pk}/make-current/")
    assert SocialValueModel.objects.get(is_current=True) == copy
    assert ImpactSnapshot.objects.filter(model=copy).count() == 0


def test_an_unknown_version_is_404(client, manager, built):
    client.force_login(manager)
    assert client.get("/reports/social-value/999/").status_code == 404


def test_managers_have_an_impact_link(client, manager, built):
    client.force_login(manager)
    page = client.get("/reports/2024/").content.decode()
    assert 'href="/reports/"' in page


def test_the_report_shows_only_published_stories(client, manager, built, breckland):
    from districts.models import CaseStudy, Testimonial

    common = {"district": breckland, "programme": "Active NoW", "created_by": manager}
    CaseStudy.objects.create(
        title="Back to bowls",
        who="Participant",
        text="Published story",
        published=True,
        consent_to_publish=True,
        **common,
    )
    CaseStudy.objects.create(title="Draft", who="Participant", text="Not yet public", **common)
    Testimonial.objects.create(
        who="Walker", text="Loved the walks", published=True, consent_to_publish=True, **common
    )
    client.force_login(manager)
    page = client.get("/reports/2024/report/").content.decode()
    assert "Back to bowls" in page
    assert "Loved the walks" in page
    assert "Not yet public" not in page
