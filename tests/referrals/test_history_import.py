from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from referrals.history.services import (
    ImportRejected,
    history_import_preview,
    referral_history_import,
)
from referrals.models import (
    FollowUp,
    HistoryImportBatch,
    PostcodeLookup,
    Referral,
    ReferrerOrganisation,
    StatusChange,
)

HEAD = (
    "reference,submitted_on,pathway,referrer_organisation,district,imd_decile,postcode,"
    "nhs_number,first_name,last_name,date_of_birth,baseline_minutes,status,referred_onto_activity"
)
# 943 476 5919: a test-range NHS number (begins with 9, never issued) with a valid check digit.
ROW1 = (
    "OLD-0001,2023-02-10,general,Practice A,Norwich,3,NR1 3AB,943 476 5919,"
    "Zoë,O'Brien-Łukasz,1950-05-01,20,completed,yes"
)
ROW2 = "OLD-0002,2024-05-02,falls,Lakeside Surgery,E07000143,,,,,,,,declined,no"
FU_HEAD = "reference,timepoint,completed_on,minutes,life_satisfaction"
FU1 = "OLD-0001,6w,2023-03-30,90,7"
FU2 = "OLD-0001,12w,2023-05-10,160,"


def csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture(autouse=True)
def test_numbers(settings):
    settings.ALLOW_TEST_NHS_NUMBERS = True


@pytest.fixture
def ready(db, norwich, breckland, practice_a):
    PostcodeLookup.objects.create(
        postcode="NR1 3AB", lsoa_code="E01026620", imd_decile=2, district_ons_code="E07000148"
    )


def preview(user, referrals, follow_ups=None):
    return history_import_preview(
        user=user,
        referrals_data=referrals,
        referrals_filename="referrals.csv",
        follow_ups_data=follow_ups,
        follow_ups_filename="follow-ups.csv" if follow_ups is not None else "",
    )


def problems_of(user, referrals, follow_ups=None) -> list[str]:
    batches = HistoryImportBatch.objects.count()
    with pytest.raises(ImportRejected) as caught:
        preview(user, referrals, follow_ups)
    assert HistoryImportBatch.objects.count() == batches
    return caught.value.problems


def test_a_good_upload_previews_then_imports(ready, hub_user):
    batch = preview(hub_user, csv(HEAD, ROW1, ROW2), csv(FU_HEAD, FU1, FU2))
    assert Referral.objects.count() == 0
    assert batch.summary["referrals"] == 2
    assert batch.summary["follow_ups"] == 2
    assert batch.summary["per_year"] == [
        {"year": "2022-23", "referrals": 1},
        {"year": "2024-25", "referrals": 1},
    ]
    assert batch.summary["new_organisations"] == [
        {"name": "Lakeside Surgery", "type": "GP practice", "district": "Breckland"}
    ]

    result = referral_history_import(batch=batch, user=hub_user)
    assert (result.referrals, result.follow_ups) == (2, 2)
    assert result.organisations_created == ["Lakeside Surgery"]

    old = Referral.objects.get(reference="OLD-0001")
    assert old.source == "import"
    assert old.financial_year == 2022
    assert old.first_name == "Zoë" and old.last_name == "O'Brien-Łukasz"
    assert old.nhs_number == "9434765919"
    assert old.district.name == "Norwich"
    assert old.imd_decile == 3  # as given, not the look-up's
    assert old.lsoa_code == "E01026620"
    assert old.status == "completed" and old.referred_onto_activity is True
    assert old.baseline_minutes == 20
    assert list(old.status_changes.values_list("to_status", flat=True)) == ["completed"]
    assert sorted(old.follow_ups.values_list("timepoint", "minutes", "due_on")) == [
        ("12w", 160, date(2023, 5, 5)),
        ("6w", 90, date(2023, 3, 24)),
    ]

    new = Referral.objects.get(reference="OLD-0002")
    assert new.organisation.name == "Lakeside Surgery"
    assert new.organisation.type == "gp_practice"
    assert new.financial_year == 2024
    assert new.baseline_minutes is None and new.imd_decile is None
    assert new.referred_onto_activity is False

    batch.refresh_from_db()
    assert batch.state == "imported" and batch.rows == {}


def test_the_decile_comes_from_the_look_up_when_left_empty(ready, hub_user):
    row = ROW1.replace(",3,NR1 3AB", ",,nr13ab")
    referral_history_import(batch=preview(hub_user, csv(HEAD, row)), user=hub_user)
    referral = Referral.objects.get()
    assert (referral.postcode, referral.imd_decile) == ("NR1 3AB", 2)


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (
            ROW1.replace("2023-02-10", "2023-02-30"),
            "row 2, submitted_on: '2023-02-30' is not a date in the form YYYY-MM-DD",
        ),
        (
            ROW1.replace("2023-02-10", "10/02/2023"),
            "row 2, submitted_on: '10/02/2023' is not a date",
        ),
        (
            ROW1.replace("2023-02-10", "2099-01-01"),
            "row 2, submitted_on: '2099-01-01' is in the future",
        ),
        (
            ROW1.replace(",general,", ",fall,"),
            "referrals.csv row 2, pathway: 'fall' is not general, falls or smi",
        ),
        (ROW1.replace(",3,NR1", ",11,NR1"), "row 2, imd_decile: '11' is not 1–10"),
        (ROW1.replace(",3,NR1", ",0,NR1"), "row 2, imd_decile: '0' is not 1–10"),
        (
            ROW1.replace("943 476 5919", "943 476 5918"),
            "row 2, nhs_number: is not a valid NHS number",
        ),
        (
            ROW1.replace("943 476 5919", "1111111111"),
            "row 2, nhs_number: is not a valid NHS number",
        ),
        (ROW1.replace("NR1 3AB", "XX"), "row 2, postcode: is not a UK postcode"),
        (ROW1.replace(",Norwich,", ",Atlantis,"), "row 2, district: 'Atlantis' is not a district"),
        (
            ROW1.replace(",20,completed", ",10081,completed"),
            "row 2, baseline_minutes: '10081' is not a whole number from 0 to 10,080",
        ),
        (
            ROW1.replace(",20,completed", ",-5,completed"),
            "row 2, baseline_minutes: '-5' is not a whole number",
        ),
        (
            ROW1.replace(",completed,", ",finished,"),
            "row 2, status: 'finished' is not one of submitted",
        ),
        (ROW1.replace(",yes", ",maybe"), "row 2, referred_onto_activity: 'maybe' is not yes or no"),
        (ROW1.replace("1950-05-01", "2024-01-01"), "row 2, date_of_birth: is not before the date"),
        (ROW1.replace("OLD-0001", ""), "row 2, reference: '' is not a reference"),
        (ROW1.replace("Practice A", ""), "row 2, referrer_organisation: is empty"),
    ],
)
def test_each_bad_referral_value_is_reported_by_row_and_column(ready, hub_user, row, problem):
    problems = problems_of(hub_user, csv(HEAD, row))
    assert any(problem in p for p in problems), problems
    assert Referral.objects.count() == 0


def test_a_missing_column_is_reported(ready, hub_user):
    head = HEAD.replace(",pathway", "")
    row = ROW1.replace(",general", "")
    assert problems_of(hub_user, csv(head, row)) == ["referrals.csv: missing column(s) pathway"]


def test_an_unexpected_column_is_reported(ready, hub_user):
    problems = problems_of(hub_user, csv(HEAD + ",notes", ROW1 + ",x"))
    assert problems[0].startswith("referrals.csv: unexpected column(s) 'notes'")


def test_a_reference_repeated_in_the_file_is_reported(ready, hub_user):
    problems = problems_of(hub_user, csv(HEAD, ROW1, ROW1.replace("2023-02-10", "2023-02-11")))
    assert problems == ["referrals.csv row 3, reference: 'OLD-0001' is repeated (first on row 2)"]


def test_every_problem_of_both_files_is_listed(ready, hub_user):
    problems = problems_of(
        hub_user,
        csv(HEAD, ROW1.replace(",general,", ",fall,"), ROW2.replace(",no", ",perhaps")),
        csv(
            FU_HEAD,
            "NOPE-1,6w,2023-03-30,90,7",
            "OLD-0001,3m,2023-03-30,90,",
            "OLD-0001,6w,2023-03-30,10081,11",
        ),
    )
    assert problems == [
        "referrals.csv row 2, pathway: 'fall' is not general, falls or smi",
        "referrals.csv row 3, referred_onto_activity: 'perhaps' is not yes or no",
        "follow-ups.csv row 2, reference: 'NOPE-1' is not in referrals.csv nor already in the "
        "portal",
        "follow-ups.csv row 3, timepoint: '3m' is not 6w, 12w, 6m or 12m",
        "follow-ups.csv row 4, minutes: '10081' is not a whole number from 0 to 10,080",
        "follow-ups.csv row 4, life_satisfaction: '11' is not 0–10 (or empty)",
    ]


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (
            "OLD-0001,6w,2023-02-01,90,",
            "completed_on: '2023-02-01' is not after the referral was submitted (2023-02-10)",
        ),
        ("OLD-0001,6w,2023-13-01,90,", "completed_on: '2023-13-01' is not a date"),
        ("OLD-0001,6w,2023-03-30,lots,", "minutes: 'lots' is not a whole number"),
        ("OLD-0009,6w,2023-03-30,90,", "reference: 'OLD-0009' is not in referrals.csv"),
    ],
)
def test_each_bad_follow_up_value_is_reported(ready, hub_user, row, problem):
    problems = problems_of(hub_user, csv(HEAD, ROW1), csv(FU_HEAD, row))
    assert any(problem in p for p in problems), problems


def test_a_follow_up_repeated_in_the_file_is_reported(ready, hub_user):
    problems = problems_of(hub_user, csv(HEAD, ROW1), csv(FU_HEAD, FU1, FU1))
    assert problems == ["follow-ups.csv row 3, timepoint: 6w for 'OLD-0001' is repeated (row 2)"]


def test_follow_ups_may_name_referrals_already_in_the_portal(ready, hub_user):
    referral_history_import(batch=preview(hub_user, csv(HEAD, ROW1)), user=hub_user)
    batch = preview(hub_user, csv(HEAD, ROW2), csv(FU_HEAD, FU1))
    referral_history_import(batch=batch, user=hub_user)
    assert FollowUp.objects.get().referral.reference == "OLD-0001"
    # ...but not a timepoint already recorded.
    problems = problems_of(hub_user, csv(HEAD, ROW2.replace("0002", "0003")), csv(FU_HEAD, FU1))
    assert problems == ["follow-ups.csv row 2, timepoint: 6w for 'OLD-0001' is already recorded"]


def test_uploading_the_same_file_again_does_not_double_the_referrals(ready, hub_user):
    referral_history_import(batch=preview(hub_user, csv(HEAD, ROW1, ROW2)), user=hub_user)
    problems = problems_of(hub_user, csv(HEAD, ROW1, ROW2))
    taken = "is already in the portal; a reference is imported once"
    assert problems == [
        f"referrals.csv row 2, reference: 'OLD-0001' {taken}",
        f"referrals.csv row 3, reference: 'OLD-0002' {taken}",
    ]
    assert Referral.objects.count() == 2


def test_a_reference_taken_after_the_preview_leaves_nothing_written(ready, hub_user, manager):
    first = preview(hub_user, csv(HEAD, ROW1, ROW2), csv(FU_HEAD, FU1))
    second = preview(manager, csv(HEAD, ROW2))
    referral_history_import(batch=second, user=manager)
    counts = (
        Referral.objects.count(),
        ReferrerOrganisation.objects.count(),
        StatusChange.objects.count(),
    )
    with pytest.raises(ImportRejected, match="OLD-0002"):
        referral_history_import(batch=first, user=hub_user)
    after = (
        Referral.objects.count(),
        ReferrerOrganisation.objects.count(),
        StatusChange.objects.count(),
    )
    assert after == counts
    assert FollowUp.objects.count() == 0


def test_a_batch_is_imported_once(ready, hub_user):
    batch = preview(hub_user, csv(HEAD, ROW1))
    referral_history_import(batch=batch, user=hub_user)
    with pytest.raises(ImportRejected, match="no longer waiting"):
        referral_history_import(batch=batch, user=hub_user)
    assert Referral.objects.count() == 1


def test_a_file_that_is_not_utf8_is_refused(ready, hub_user):
    problems = problems_of(
        hub_user, csv(HEAD, ROW1).replace("Zoë".encode(), "Zo\xeb".encode("latin-1"))
    )
    assert problems == ["referrals.csv: is not UTF-8 text; save it as “CSV UTF-8” and try again"]


# ---------------------------------------------------------------------------------------------
# The pages.


def upload(client, referrals: bytes, follow_ups: bytes | None = None):
    data = {"referrals_file": SimpleUploadedFile("referrals.csv", referrals, "text/csv")}
    if follow_ups is not None:
        data["follow_ups_file"] = SimpleUploadedFile("follow-ups.csv", follow_ups, "text/csv")
    return client.post("/referrals/import/", data)


@pytest.mark.parametrize("role", ["hub", "manager", "admin"])
def test_hub_manager_and_admin_may_use_the_upload_page(ready, client, users_by_role, role):
    client.force_login(users_by_role[role])
    response = client.get("/referrals/import/")
    assert response.status_code == 200
    assert b"Referrals file (referrals.csv)" in response.content


@pytest.mark.parametrize("role", ["officer", "referrer"])
def test_officers_and_referrers_get_403(ready, client, users_by_role, role):
    client.force_login(users_by_role[role])
    assert client.get("/referrals/import/").status_code == 403
    assert upload(client, csv(HEAD, ROW1)).status_code == 403
    assert not HistoryImportBatch.objects.exists()


def test_anonymous_is_sent_to_sign_in(ready, client):
    response = client.get("/referrals/import/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_upload_preview_confirm_through_the_pages(ready, client, manager):
    client.force_login(manager)
    response = upload(client, csv(HEAD, ROW1, ROW2), csv(FU_HEAD, FU1))
    batch = HistoryImportBatch.objects.get()
    assert response["Location"] == f"/referrals/import/{batch.pk}/"
    page = client.get(f"/referrals/import/{batch.pk}/").content.decode()
    assert "Check the import" in page and "Lakeside Surgery" in page and "2022-23" in page
    assert "Import 2 referrals and 1 follow-ups" in page
    assert Referral.objects.count() == 0

    response = client.post(f"/referrals/import/{batch.pk}/confirm/", follow=True)
    assert "Imported 2 referrals and 1 follow-ups." in response.content.decode()
    assert "Referral history imported" in response.content.decode()
    assert Referral.objects.count() == 2


def test_bad_rows_are_shown_on_the_page_and_nothing_is_kept(ready, client, hub_user):
    client.force_login(hub_user)
    response = upload(client, csv(HEAD, ROW1.replace(",general,", ",fall,")))
    assert response.status_code == 200
    assert "referrals.csv row 2, pathway: &#x27;fall&#x27; is not general, falls or smi" in (
        response.content.decode()
    )
    assert not HistoryImportBatch.objects.exists()


def test_a_non_csv_file_is_refused_beside_the_field(ready, client, hub_user):
    client.force_login(hub_user)
    response = client.post(
        "/referrals/import/",
        {"referrals_file": SimpleUploadedFile("referrals.xlsx", b"x", "application/octet-stream")},
    )
    assert "Choose a .csv file" in response.content.decode()


def test_discard_writes_nothing_and_clears_the_rows(ready, client, hub_user):
    client.force_login(hub_user)
    upload(client, csv(HEAD, ROW1))
    batch = HistoryImportBatch.objects.get()
    client.post(f"/referrals/import/{batch.pk}/discard/")
    batch.refresh_from_db()
    assert batch.state == "discarded" and batch.rows == {}
    assert client.post(f"/referrals/import/{batch.pk}/confirm/").status_code == 302
    assert Referral.objects.count() == 0


def test_another_users_batch_is_404(ready, client, hub_user, manager):
    client.force_login(hub_user)
    upload(client, csv(HEAD, ROW1))
    batch = HistoryImportBatch.objects.get()
    client.force_login(manager)
    assert client.get(f"/referrals/import/{batch.pk}/").status_code == 404
    assert client.post(f"/referrals/import/{batch.pk}/confirm/").status_code == 404
    assert Referral.objects.count() == 0


def test_confirm_needs_post(ready, client, hub_user):
    client.force_login(hub_user)
    upload(client, csv(HEAD, ROW1))
    batch = HistoryImportBatch.objects.get()
    assert client.get(f"/referrals/import/{batch.pk}/confirm/").status_code == 405


def test_the_audit_trail_records_the_batch_but_not_its_rows(ready, hub_user):
    from auditlog.models import LogEntry

    batch = preview(hub_user, csv(HEAD, ROW1))
    referral_history_import(batch=batch, user=hub_user)
    entries = LogEntry.objects.get_for_object(batch)
    assert entries.count() == 2  # created, then imported
    assert all("rows" not in (entry.changes_dict or {}) for entry in entries)
    assert all("9434765919" not in str(entry.changes) for entry in entries)


def test_an_import_rebuilds_the_statistics_once_it_commits(
    ready, hub_user, django_capture_on_commit_callbacks
):
    from reports.models import ImpactSnapshot, SnapshotBuild

    batch = preview(hub_user, csv(HEAD, ROW1, ROW2), csv(FU_HEAD, FU1, FU2))
    with django_capture_on_commit_callbacks(execute=True):
        referral_history_import(batch=batch, user=hub_user)
    build = SnapshotBuild.objects.get()
    assert build.reason == "import"
    assert build.state == SnapshotBuild.State.DONE
    assert ImpactSnapshot.objects.filter(year=2024, district=None).exists()
