"""What the browser is told and allowed: the Content-Security-Policy on every page, no copy of a
person's data kept by a browser or proxy (Cache-Control: no-store), no link or redirect to
wherever ``next`` says, and chart text drawn as text."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import plotly.graph_objects as go
import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from activeportal.lib import charts
from referrals.models import HistoryImportBatch, Status
from reports.models import SnapshotBuild
from tests.factories import (
    ActionItemFactory,
    ActivityOpportunityFactory,
    AllocationFactory,
    FollowUpFactory,
    FundingStreamFactory,
    PartnerFactory,
    ReferralFactory,
    WorkLogEntryFactory,
)
from tests.pages import form_of

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
WALKED_APPS = ("districts", "funding", "referrals", "reports")


def _directives(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


def _patterns(patterns) -> Iterator[URLPattern]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns)
        else:
            yield pattern


def _url_names(app: str) -> Iterator[str]:
    """Every URL name of one app, as ``app:name``."""
    for top in get_resolver().url_patterns:
        if isinstance(top, URLResolver) and top.namespace == app:
            for pattern in _patterns(top.url_patterns):
                yield f"{app}:{pattern.name}"


@pytest.fixture
def world(
    breckland, practice_a, referrer_a, officer_breckland, manager, hub_user, built
) -> dict[str, str]:
    """Objects for every parameter of the walked URLs, each within its reader's scope."""
    referral = ReferralFactory(organisation=practice_a, referrer=referrer_a, district=breckland)
    matched = ReferralFactory(organisation=practice_a, referrer=referrer_a, status=Status.ACTIVE)
    follow_up = FollowUpFactory(referral=matched)
    entry = WorkLogEntryFactory(officer=officer_breckland, district=breckland)
    action = ActionItemFactory(priority__framework__district=breckland)
    allocation = AllocationFactory(district=breckland, stream=FundingStreamFactory())
    batch = HistoryImportBatch.objects.create(created_by=hub_user, referrals_filename="r.csv")
    build = SnapshotBuild.objects.create(state=SnapshotBuild.State.DONE)
    return {
        "referral": str(referral.pk),
        "matched": str(matched.pk),
        "follow_up": str(follow_up.pk),
        "opportunity": str(ActivityOpportunityFactory(district=breckland).pk),
        "entry": str(entry.pk),
        "partner": str(PartnerFactory().pk),
        "framework": str(action.priority.framework.pk),
        "priority": str(action.priority.pk),
        "action": str(action.pk),
        "stream": str(allocation.stream.pk),
        "allocation": str(allocation.pk),
        "batch": str(batch.pk),
        "build": str(build.pk),
        "model": str(built.pk),
    }


def _pages(world: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Each walked URL name: who reads it, and its path with parameters filled in."""
    w = world
    return {
        "districts:list": ("officer", "/districts/all/"),
        "districts:mine": ("officer", "/districts/mine/"),
        "districts:worklog": ("officer", "/districts/work-log/"),
        "districts:worklog-download": ("officer", "/districts/work-log/download/"),
        "districts:worklog-add": ("officer", "/districts/work-log/add/"),
        "districts:worklog-edit": ("officer", f"/districts/work-log/{w['entry']}/edit/"),
        "districts:worklog-delete": ("officer", f"/districts/work-log/{w['entry']}/delete/"),
        "districts:partners": ("officer", "/districts/partners/"),
        "districts:partner-add": ("officer", "/districts/partners/add/"),
        "districts:partner-edit": ("officer", f"/districts/partners/{w['partner']}/edit/"),
        "districts:framework": ("officer", f"/districts/frameworks/{w['framework']}/"),
        "districts:framework-edit": ("officer", f"/districts/frameworks/{w['framework']}/edit/"),
        "districts:priority-add": (
            "officer",
            f"/districts/frameworks/{w['framework']}/priorities/add/",
        ),
        "districts:priority-edit": ("officer", f"/districts/priorities/{w['priority']}/edit/"),
        "districts:priority-move": ("officer", f"/districts/priorities/{w['priority']}/move/"),
        "districts:priority-delete": (
            "officer",
            f"/districts/priorities/{w['priority']}/delete/",
        ),
        "districts:action-add": ("officer", f"/districts/priorities/{w['priority']}/actions/add/"),
        "districts:action-edit": ("officer", f"/districts/actions/{w['action']}/edit/"),
        "districts:stories": ("officer", "/districts/stories/"),
        "districts:story-add": ("officer", "/districts/stories/case-studies/add/"),
        "districts:story-edit": ("officer", "/districts/stories/case-studies/1/edit/"),
        "districts:detail": ("officer", "/districts/breckland/"),
        "districts:framework-add": ("officer", "/districts/breckland/frameworks/add/"),
        "funding:dashboard": ("manager", "/funding/"),
        "funding:dashboard-download": ("manager", "/funding/download/streams/?year=2024"),
        "funding:stream-list": ("manager", "/funding/streams/"),
        "funding:stream-create": ("manager", "/funding/streams/new/"),
        "funding:stream-edit": ("manager", f"/funding/streams/{w['stream']}/edit/"),
        "funding:stream-deactivate": ("manager", f"/funding/streams/{w['stream']}/deactivate/"),
        "funding:stream-reactivate": ("manager", f"/funding/streams/{w['stream']}/reactivate/"),
        "funding:allocation-list": ("manager", "/funding/allocations/"),
        "funding:allocation-create": ("manager", "/funding/allocations/new/"),
        "funding:allocation-edit": ("manager", f"/funding/allocations/{w['allocation']}/edit/"),
        "funding:allocation-status": (
            "manager",
            f"/funding/allocations/{w['allocation']}/status/",
        ),
        "funding:import-upload": ("manager", "/funding/imports/new/"),
        "funding:import-preview": ("manager", "/funding/imports/1/"),
        "funding:import-confirm": ("manager", "/funding/imports/1/confirm/"),
        "referrals:home": ("referrer", "/referrals/"),
        "referrals:new": ("referrer", "/referrals/new/"),
        "referrals:detail": ("referrer", f"/referrals/{w['referral']}/"),
        "referrals:submitted": ("referrer", f"/referrals/{w['referral']}/submitted/"),
        "referrals:withdraw": ("referrer", f"/referrals/{w['referral']}/withdraw/"),
        "referrals:note-new": ("referrer", f"/referrals/{w['referral']}/notes/"),
        "referrals:summary": ("referrer", f"/referrals/{w['referral']}/summary/"),
        "referrals:updates": ("referrer", "/referrals/updates/"),
        "referrals:self": (None, "/referrals/self/"),
        "referrals:self-thanks": (None, "/referrals/self/thanks/"),
        "referrals:triage": ("hub", "/referrals/triage/"),
        "referrals:hub-bulk-assign": ("hub", "/referrals/triage/assign/"),
        "referrals:hub-referral": ("hub", f"/referrals/hub/{w['referral']}/"),
        "referrals:hub-assign": ("hub", f"/referrals/hub/{w['referral']}/assign/"),
        "referrals:hub-move": ("hub", f"/referrals/hub/{w['referral']}/move/"),
        "referrals:hub-close": ("hub", f"/referrals/hub/{w['referral']}/close/declined/"),
        "referrals:hub-contact": ("hub", f"/referrals/hub/{w['referral']}/contact/"),
        "referrals:hub-district": ("hub", f"/referrals/hub/{w['referral']}/district/"),
        "referrals:hub-match": ("hub", f"/referrals/hub/{w['referral']}/match/"),
        "referrals:hub-follow-up": (
            "hub",
            f"/referrals/hub/{w['matched']}/follow-ups/{w['follow_up']}/",
        ),
        "referrals:hub-follow-ups": ("hub", "/referrals/hub/follow-ups/"),
        "referrals:hub-activities": ("hub", "/referrals/hub/activities/"),
        "referrals:hub-activity-new": ("hub", "/referrals/hub/activities/new/"),
        "referrals:hub-activity-edit": ("hub", f"/referrals/hub/activities/{w['opportunity']}/"),
        "referrals:hub-subject-access": ("hub", "/referrals/hub/subject-access/"),
        "referrals:notifications": ("referrer", "/referrals/notifications/"),
        "referrals:import": ("hub", "/referrals/import/"),
        "referrals:import_preview": ("hub", f"/referrals/import/{w['batch']}/"),
        "referrals:import_confirm": ("hub", f"/referrals/import/{w['batch']}/confirm/"),
        "referrals:import_discard": ("hub", f"/referrals/import/{w['batch']}/discard/"),
        "reports:index": ("manager", "/reports/"),
        "reports:dashboard": ("manager", "/reports/2024/"),
        "reports:report": ("manager", "/reports/2024/report/"),
        "reports:report-words": ("manager", "/reports/2024/report/words/"),
        "reports:logo-edit": ("manager", "/reports/logo/edit/"),
        "reports:logo": ("manager", "/reports/logo/"),  # public, and cacheable when anonymous
        "reports:download": ("manager", "/reports/2024/download/months.csv"),
        "reports:rebuild": ("manager", "/reports/rebuild/"),
        "reports:build-status": ("manager", f"/reports/builds/{w['build']}/"),
        "reports:social-value-list": ("manager", "/reports/social-value/"),
        "reports:social-value-detail": ("manager", f"/reports/social-value/{w['model']}/"),
        "reports:social-value-copy": ("manager", f"/reports/social-value/{w['model']}/copy/"),
        "reports:social-value-edit": ("manager", f"/reports/social-value/{w['model']}/edit/"),
        "reports:social-value-make-current": (
            "manager",
            f"/reports/social-value/{w['model']}/make-current/",
        ),
    }


@pytest.fixture
def readers(officer_breckland, referrer_a, hub_user, manager) -> dict[str | None, Client]:
    clients: dict[str | None, Client] = {None: Client()}
    for role, user in [
        ("officer", officer_breckland),
        ("referrer", referrer_a),
        ("hub", hub_user),
        ("manager", manager),
    ]:
        clients[role] = Client()
        clients[role].force_login(user)
    return clients


@pytest.mark.django_db
def test_every_page_of_the_walked_apps_is_stored_nowhere(world, readers, settings):
    """A GET of each page by its reader (the public self-referral form by anyone) answers
    no-store, downloads and the pages a GET does not serve (405) included."""
    settings.SELF_REFERRAL_ENABLED = True
    pages = _pages(world)
    names = [name for app in WALKED_APPS for name in _url_names(app)]
    assert sorted(set(names) - set(pages)) == [], "a page the walk does not know of"
    statuses = {}
    for name in names:
        role, path = pages[name]
        response = readers[role].get(path)
        statuses[name] = response.status_code
        assert response.status_code < 500, path
        assert "no-store" in response.headers.get("Cache-Control", ""), path
    served = [name for name, status in statuses.items() if status == 200]
    # The walk reads the real pages, not only refusals: every page a GET serves.
    assert len(served) >= 50, statuses


@pytest.mark.django_db
def test_the_exports_and_the_hub_pages_are_stored_nowhere(world, readers):
    for role, path in [
        ("hub", f"/referrals/hub/{world['referral']}/"),
        ("hub", "/referrals/hub/subject-access/"),
        ("referrer", f"/referrals/{world['referral']}/summary/"),
        ("officer", "/districts/work-log/download/"),
        ("manager", "/reports/2024/download/months.xlsx"),
    ]:
        response = readers[role].get(path)
        assert response.status_code == 200, path
        assert "no-store" in response.headers["Cache-Control"], path


@pytest.mark.django_db
def test_the_public_transparency_page_may_be_cached(client, built):
    response = client.get("/transparency/")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")


@pytest.mark.django_db
def test_static_files_may_be_cached_by_a_signed_in_reader(manager, settings):
    settings.WHITENOISE_USE_FINDERS = True  # WhiteNoise serves the source files, as in DEBUG
    client = Client()
    client.force_login(manager)
    response = client.get("/static/js/charts.js")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")


@pytest.mark.django_db
def test_every_page_carries_the_content_security_policy(world, readers, settings):
    settings.SELF_REFERRAL_ENABLED = True
    pages = _pages(world)
    visited = [
        (None, "/accounts/login/"),
        (None, "/transparency/"),
        (None, "/referrals/self/"),
        *[pages[name] for app in WALKED_APPS for name in _url_names(app)],
    ]
    for role, path in visited:
        directives = _directives(readers[role].get(path))
        for directive, value in POLICY.items():
            assert directives.get(directive) == value, (path, directive)
        assert "'unsafe-inline'" not in directives["script-src"]
        assert "'unsafe-inline'" not in directives["style-src"]


@pytest.mark.django_db
def test_no_page_runs_an_inline_script_or_handler(world, readers):
    """The policy refuses them, so one left in a template is a feature that silently stops."""
    for role, path in [
        ("manager", "/funding/?year=2024"),
        ("manager", "/reports/2024/"),
        ("manager", "/reports/2024/report/"),
        ("hub", "/referrals/triage/"),
        ("referrer", f"/referrals/{world['referral']}/summary/"),
        ("referrer", "/referrals/new/"),
    ]:
        soup = BeautifulSoup(readers[role].get(path).content, "html.parser")
        for script in soup.find_all("script"):
            assert script.get("src") or script.get("type") == "application/json", (path, script)
        for element in soup.find_all(True):
            handlers = [name for name in element.attrs if name.startswith("on")]
            assert not handlers, (path, element)
            assert "style" not in element.attrs, (path, element)


@pytest.mark.django_db
def test_the_print_button_prints_from_a_script_file(client, manager, built):
    client.force_login(manager)
    soup = BeautifulSoup(client.get("/reports/2024/report/").content, "html.parser")
    button = soup.find("button", string="Print this report")
    assert button is not None and button.has_attr("data-print")
    assert soup.find("script", src=re.compile(r"js/print-button\.js$"))


# next, where the build status and the rebuild send the manager


@pytest.fixture
def finished_build(db) -> SnapshotBuild:
    return SnapshotBuild.objects.create(state=SnapshotBuild.State.DONE)


@pytest.mark.django_db
def test_the_build_status_never_links_to_a_script(client, manager, finished_build):
    client.force_login(manager)
    response = client.get(
        f"/reports/builds/{finished_build.pk}/?next=javascript:alert(document.domain)"
    )
    link = BeautifulSoup(response.content, "html.parser").find(
        "a", string="See the updated figures"
    )
    assert link["href"] == "/reports/"
    assert b"javascript:" not in response.content


@pytest.mark.django_db
def test_the_build_status_never_links_off_site(client, manager, finished_build):
    client.force_login(manager)
    response = client.get(f"/reports/builds/{finished_build.pk}/?next=//evil.example/")
    link = BeautifulSoup(response.content, "html.parser").find(
        "a", string="See the updated figures"
    )
    assert link["href"] == "/reports/"


@pytest.mark.django_db
def test_the_build_status_links_back_to_the_page_it_was_shown_on(client, manager, finished_build):
    client.force_login(manager)
    response = client.get(
        f"/reports/builds/{finished_build.pk}/?next=/reports/2024/%3Fdistrict%3Dbreckland"
    )
    link = BeautifulSoup(response.content, "html.parser").find(
        "a", string="See the updated figures"
    )
    assert link["href"] == "/reports/2024/?district=breckland"


@pytest.mark.django_db
def test_a_rebuild_never_redirects_off_site(client, manager, built):
    client.force_login(manager)
    form = form_of(client.get("/reports/2024/"), button="Rebuild now")
    response = form.submit(client, next="https://evil.example/")
    assert response.status_code == 302
    assert response.url == "/reports/"


@pytest.mark.django_db
def test_a_rebuild_goes_back_to_the_page_it_was_pressed_on(client, manager, built):
    client.force_login(manager)
    form = form_of(client.get("/reports/2024/?district=breckland"), button="Rebuild now")
    response = form.submit(client)
    assert response.status_code == 302
    assert response.url == "/reports/2024/?district=breckland"


# Chart text


def _figure(html: str) -> dict:
    data = BeautifulSoup(html, "html.parser").find("script", type="application/json")
    return json.loads(data.string)


LINK = '<a href="https://evil.example/">Evil</a>'


@pytest.mark.django_db
def test_a_stream_named_with_html_is_charted_as_text(client, manager, breckland):
    evil = FundingStreamFactory(name=LINK)
    AllocationFactory(stream=evil, district=breckland, amount=5000)
    client.force_login(manager)
    page = client.get("/funding/?year=2024").content.decode()
    streams = BeautifulSoup(page, "html.parser").find("script", id="chart-streams-figure")
    trace = json.loads(streams.string)["data"][0]
    # plotly.js shows &lt; as "<" and never reads it as the start of a tag.
    assert trace["name"] == '&lt;a href="https://evil.example/"&gt;Evil&lt;/a&gt;'
    assert "<a" not in json.dumps(json.loads(streams.string))


def test_every_text_of_a_chart_is_escaped():
    fig = charts.bar_chart(
        categories=["<b>Breckland</b>"], series={"A & B": [1]}, y_title="<i>£</i>"
    )
    fig.update_layout(title={"text": "<a href='x'>Title</a>"})
    figure = _figure(charts.chart_html(fig, label="Money"))
    trace = figure["data"][0]
    assert trace["name"] == "A &amp; B"
    assert trace["x"] == ["&lt;b&gt;Breckland&lt;/b&gt;"]
    assert figure["layout"]["yaxis"]["title"]["text"] == "&lt;i&gt;£&lt;/i&gt;"
    assert figure["layout"]["title"]["text"] == "&lt;a href='x'&gt;Title&lt;/a&gt;"
    # The portal's own hover markup stays markup.
    assert trace["hovertemplate"].startswith("%{x}<br>")


def test_a_sankeys_labels_are_escaped():
    fig = go.Figure(go.Sankey(node={"label": ["<a>one</a>", "two"]}, link={"source": [0]}))
    figure = _figure(charts.chart_html(fig, label="Flows"))
    assert figure["data"][0]["node"]["label"] == ["&lt;a&gt;one&lt;/a&gt;", "two"]
