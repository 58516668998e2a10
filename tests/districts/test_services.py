from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from districts import services
from districts.models import ActionItem, CaseStudy, Priority, PriorityArea, WorkLogEntry
from tests.factories import (
    ActionItemFactory,
    FrameworkForActionFactory,
    PartnerFactory,
    PriorityFactory,
    WorkLogEntryFactory,
)

pytestmark = pytest.mark.django_db


def entry_data(district, **changes):
    data = {
        "district": district,
        "date": datetime.date.today(),
        "kind": WorkLogEntry.Kind.PARTNER_VISIT,
        "priority_area": PriorityArea.CAPACITY,
        "partners": [],
        "summary": "Visited the leisure centre",
        "hours": Decimal("1.5"),
        "people_reached": 10,
        "funding_secured": Decimal("0"),
    }
    return {**data, **changes}


def test_an_officer_logs_work_with_partners_of_the_district(officer_breckland, breckland):
    partners = [PartnerFactory(), PartnerFactory()]
    for p in partners:
        p.districts.add(breckland)
    entry = services.worklog_entry_create(
        officer=officer_breckland, data=entry_data(breckland, partners=partners)
    )
    assert entry.officer == officer_breckland
    assert set(entry.partners.all()) == set(partners)


def test_an_officer_cannot_log_work_in_another_district(officer_breckland, norwich):
    with pytest.raises(services.DistrictsError, match="not the locality officer for Norwich"):
        services.worklog_entry_create(officer=officer_breckland, data=entry_data(norwich))
    assert WorkLogEntry.objects.count() == 0


def test_a_partner_from_another_district_is_refused_and_nothing_saved(
    officer_breckland, breckland, norwich
):
    stranger = PartnerFactory(name="City Club")
    stranger.districts.add(norwich)
    with pytest.raises(services.DistrictsError) as exc:
        services.worklog_entry_create(
            officer=officer_breckland, data=entry_data(breckland, partners=[stranger])
        )
    assert exc.value.field == "partners"
    assert "City Club does not work in Breckland" in exc.value.message
    assert WorkLogEntry.objects.count() == 0


def test_a_future_date_is_refused(officer_breckland, breckland):
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    with pytest.raises(services.DistrictsError) as exc:
        services.worklog_entry_create(
            officer=officer_breckland, data=entry_data(breckland, date=tomorrow)
        )
    assert exc.value.field == "date"


def test_an_officer_may_not_change_a_colleagues_entry(officer_breckland, breckland):
    from tests.factories import UserFactory

    colleague = UserFactory(roles=["officer"], officer_of=[breckland])
    entry = WorkLogEntryFactory(officer=colleague, district=breckland)
    with pytest.raises(services.DistrictsError, match="only your own"):
        services.worklog_entry_update(
            entry=entry, user=officer_breckland, data=entry_data(breckland, summary="Mine now")
        )
    with pytest.raises(services.DistrictsError):
        services.worklog_entry_delete(entry=entry, user=officer_breckland)
    entry.refresh_from_db()
    assert entry.summary != "Mine now"


def test_partner_update_keeps_districts_the_officer_does_not_look_after(
    officer_breckland, breckland, norwich
):
    partner = PartnerFactory(name="Shared Trust")
    partner.districts.set([breckland, norwich])
    data = {
        "name": "Shared Trust (renamed)",
        "type": partner.type,
        "districts": [],
        "contact_name": "",
        "contact_email": "",
        "contact_phone": "",
    }
    services.partner_update(partner=partner, user=officer_breckland, data=data)
    partner.refresh_from_db()
    assert partner.name == "Shared Trust (renamed)"
    assert list(partner.districts.all()) == [norwich]


def test_priorities_move_up_and_down(officer_breckland, breckland):
    framework = FrameworkForActionFactory(district=breckland)
    first, _second, third = (
        services.priority_create(framework=framework, user=officer_breckland, title=t)
        for t in ("One", "Two", "Three")
    )
    services.priority_move(priority=third, user=officer_breckland, up=True)
    services.priority_move(priority=first, user=officer_breckland, up=True)  # already first
    order = list(Priority.objects.filter(framework=framework).values_list("title", flat=True))
    assert order == ["One", "Three", "Two"]


def test_the_second_of_two_edits_from_the_same_version_is_refused(officer_breckland, breckland):
    action = ActionItemFactory(priority__framework__district=breckland)
    data = {
        "description": action.description,
        "owner": "Council",
        "due_date": action.due_date,
        "status": ActionItem.Status.ON_TRACK,
    }
    first = ActionItem.objects.get(pk=action.pk)
    second = ActionItem.objects.get(pk=action.pk)
    services.action_update(action=first, user=officer_breckland, data=data, opened_version=1)
    with pytest.raises(services.DistrictsError, match="changed by someone else"):
        services.action_update(
            action=second,
            user=officer_breckland,
            data={**data, "status": ActionItem.Status.DONE},
            opened_version=1,
        )
    action.refresh_from_db()
    assert action.status == ActionItem.Status.ON_TRACK
    assert action.version == 2


def test_an_officer_cannot_add_a_priority_to_another_districts_framework(
    officer_breckland, norwich
):
    framework = FrameworkForActionFactory(district=norwich)
    with pytest.raises(services.DistrictsError):
        services.priority_create(framework=framework, user=officer_breckland, title="Mine")
    assert not PriorityFactory._meta.model.objects.exists()


def test_a_story_is_published_only_with_consent(officer_breckland, breckland):
    story = CaseStudy(
        district=breckland,
        programme="Active NoW",
        title="A walk",
        who="Participant",
        text="Text",
        published=True,
    )
    with pytest.raises(services.DistrictsError) as exc:
        services.story_save(story=story, user=officer_breckland)
    assert exc.value.field == "published"
    story.consent_to_publish = True
    services.story_save(story=story, user=officer_breckland)
    assert CaseStudy.objects.get().created_by == officer_breckland
