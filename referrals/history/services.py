"""Imports that write: the postcode look-up and the referral history. All or nothing."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from activeportal.lib.changes import Change, data_changed_announce
from activeportal.lib.errors import DomainError
from activeportal.lib.fy import fy_label, fy_of
from districts.models import District
from referrals.history import parse as imports
from referrals.models import (
    FollowUp,
    HistoryImportBatch,
    PostcodeLookup,
    Referral,
    ReferrerOrganisation,
    StatusChange,
)

if TYPE_CHECKING:
    from activeportal.accounts.models import User

logger = logging.getLogger(__name__)
LONDON = ZoneInfo("Europe/London")
MAX_ERRORS = 200
# Problems a refused confirmation shows; the rest are the same kind (references taken since).
MAX_SHOWN = 20
# The upload form's file fields, which a refused file's message is shown beside.
REFERRALS_FIELD = "referrals_file"
FOLLOW_UPS_FIELD = "follow_ups_file"


class ImportRejected(DomainError):
    """An import refused as a whole; ``problems`` lists every reason, row and column.

    The message is ``message`` when given, else the first five problems; ``field`` is the
    upload field of the file at fault.
    """

    def __init__(
        self, problems: list[str], *, message: str | None = None, field: str | None = None
    ) -> None:
        super().__init__(message or "; ".join(problems[:5]), field=field)
        self.problems = problems


# ---------------------------------------------------------------------------------------------
# Postcode look-up.


@dataclass
class PostcodeImportResult:
    created: int = 0
    updated: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated


def postcode_import(*, lines: Iterable[str], batch_size: int = 2000) -> PostcodeImportResult:
    """Upsert the postcode look-up from an ONS/MHCLG CSV, streamed row by row.

    All or nothing: rows are written in batches inside one transaction; after the first bad row
    nothing more is written, the rest is still checked so every problem is reported (up to
    200), and the transaction is rolled back. Re-importing a file updates rows, never doubles them.
    """
    result = PostcodeImportResult()
    problems: list[str] = []
    try:
        with transaction.atomic():
            batch: dict[str, imports.PostcodeRow] = {}
            try:
                for row in imports.read_postcode_rows(lines):
                    if isinstance(row, imports.RowError):
                        problems.append(row.message)
                        if len(problems) >= MAX_ERRORS:
                            problems.append(f"stopped after {MAX_ERRORS} problems")
                            break
                        continue
                    if problems:
                        continue
                    batch[row.postcode] = row  # a postcode repeated in the file: the last wins
                    if len(batch) >= batch_size:
                        _upsert_postcodes(batch, result)
                        batch = {}
            except imports.HeaderError as error:
                problems.append(str(error))
            if not problems:
                _upsert_postcodes(batch, result)
            if problems:
                raise ImportRejected(problems)
    except UnicodeDecodeError as error:
        raise ImportRejected([f"the file is not UTF-8 text ({error.reason})"]) from error
    return result


def _upsert_postcodes(batch: dict[str, imports.PostcodeRow], result: PostcodeImportResult) -> None:
    if not batch:
        return
    existing = set(
        PostcodeLookup.objects.filter(postcode__in=batch).values_list("postcode", flat=True)
    )
    objects = [
        PostcodeLookup(
            postcode=r.postcode,
            lsoa_code=r.lsoa_code,
            imd_decile=r.imd_decile,
            district_ons_code=r.district_ons_code,
        )
        for r in batch.values()
    ]
    for obj in objects:
        obj.clean_fields()
    PostcodeLookup.objects.bulk_create(
        objects,
        update_conflicts=True,
        unique_fields=["postcode"],
        update_fields=["lsoa_code", "imd_decile", "district_ons_code"],
    )
    result.created += len(batch) - len(existing)
    result.updated += len(existing)


# ---------------------------------------------------------------------------------------------
# Referral history.


@dataclass
class HistoryImportResult:
    referrals: int = 0
    follow_ups: int = 0
    organisations_created: list[str] = field(default_factory=list)


def _guess_type(name: str) -> str:
    """An organisation type from its name; the hub can correct it in the admin."""
    T = ReferrerOrganisation.Type
    lower = name.lower()
    for words, org_type in (
        (("mental health", "cmht"), T.MENTAL_HEALTH_TRUST),
        (("hospital",), T.HOSPITAL),
        (("primary care network", "pcn", "social prescrib", "link worker"), T.SOCIAL_PRESCRIBING),
        (("social care", "reablement", "adult services"), T.SOCIAL_CARE),
        (("community", "nursing", "therapy", "falls service"), T.COMMUNITY_HEALTH),
        (("surgery", "medical", "practice", "health centre", "gp"), T.GP_PRACTICE),
        (("self",), T.SELF_REFERRAL),
    ):
        if any(word in lower for word in words):
            return org_type
    return T.VCSE


def _validate_history(
    *, referrals_data: bytes, follow_ups_data: bytes | None
) -> tuple[list[dict], list[dict], list[str]]:
    districts: dict[str, int] = {}
    for pk, name, ons in District.objects.values_list("pk", "name", "ons_code"):
        districts[name.lower()] = pk
        districts[ons.lower()] = pk
    # A first read only to find the postcodes to look up; problems are reported by the parse.
    referral_rows_raw = imports.read_csv_text(
        referrals_data, imports.REFERRALS_FILE, imports.Problems()
    )
    postcodes_wanted = set()
    if referral_rows_raw:
        for raw in referral_rows_raw[1:]:
            pc = imports._normalise_postcode(raw.get("postcode", ""))
            if pc:
                postcodes_wanted.add(pc)
    postcodes = {
        p: (lsoa, decile, ons)
        for p, lsoa, decile, ons in PostcodeLookup.objects.filter(
            postcode__in=postcodes_wanted
        ).values_list("postcode", "lsoa_code", "imd_decile", "district_ons_code")
    }
    problems = imports.Problems()
    today = timezone.localdate()
    referrals = imports.parse_referrals(
        referrals_data, districts=districts, postcodes=postcodes, today=today, problems=problems
    )
    # A reference is imported once: one already in the portal is refused.
    references = {r["reference"].upper(): r for r in referrals}
    taken = Referral.objects.annotate(up=Lower("reference")).filter(
        up__in=[r.lower() for r in references]
    )
    for row in sorted(
        (references[ref.upper()] for ref in taken.values_list("reference", flat=True)),
        key=lambda r: r["row"],
    ):
        problems.add(
            imports.REFERRALS_FILE,
            row["row"],
            "reference",
            f"'{row['reference']}' is already in the portal; a reference is imported once",
        )
    follow_ups: list[dict] = []
    if follow_ups_data is not None:
        submitted: dict[str, date | None] = {
            key: date.fromisoformat(r["submitted_on"]) for key, r in references.items()
        }
        for raw in (referral_rows_raw or [{}])[1:]:
            # A row with problems of its own still names a reference: no second error for it.
            submitted.setdefault(raw.get("reference", "").upper(), None)
        named = _follow_up_references(follow_ups_data)
        recorded: set[tuple[str, str]] = set()
        for reference, at in (
            Referral.objects.annotate(up=Lower("reference"))
            .filter(up__in=[n.lower() for n in named])
            .values_list("reference", "submitted_at")
        ):
            submitted.setdefault(reference.upper(), at.astimezone(LONDON).date())
        for reference, timepoint in (
            FollowUp.objects.annotate(up=Lower("referral__reference"))
            .filter(up__in=[n.lower() for n in named])
            .values_list("referral__reference", "timepoint")
        ):
            recorded.add((reference.upper(), timepoint))
        follow_ups = imports.parse_follow_ups(
            follow_ups_data,
            submitted_on=submitted,
            recorded=recorded,
            today=today,
            problems=problems,
        )
    return referrals, follow_ups, problems.messages


def _follow_up_references(data: bytes) -> set[str]:
    scratch = imports.Problems()
    table = imports.read_csv_text(data, imports.FOLLOW_UPS_FILE, scratch) or []
    return {row.get("reference", "").upper() for row in table[1:] if row.get("reference")}


def history_import_preview(
    *,
    user: User,
    referrals_data: bytes,
    referrals_filename: str,
    follow_ups_data: bytes | None,
    follow_ups_filename: str = "",
) -> HistoryImportBatch:
    """Validate both files; if every row passes, keep the rows in a batch and return it.

    Raises ImportRejected listing every problem (file, row, column) when any row fails, shown
    beside the upload field of the file at fault; nothing is kept then. Batches waiting for
    confirmation for more than a day are discarded here.
    """
    history_import_batches_discard_stale()
    referrals, follow_ups, problems = _validate_history(
        referrals_data=referrals_data, follow_ups_data=follow_ups_data
    )
    if not referrals and not problems:
        problems = [f"{imports.REFERRALS_FILE}: has no referrals"]
    if problems:
        raise ImportRejected(problems, field=_field_at_fault(problems))
    known = {
        name.lower()
        for name in ReferrerOrganisation.objects.annotate(low=Lower("name"))
        .filter(low__in={r["organisation"].lower() for r in referrals})
        .values_list("name", flat=True)
    }
    new_orgs: dict[str, dict] = {}
    for r in referrals:
        name = r["organisation"]
        if name.lower() not in known and name.lower() not in new_orgs:
            new_orgs[name.lower()] = {
                "name": name,
                "type": _guess_type(name),
                "district_id": r["district_id"],
            }
    types = dict(ReferrerOrganisation.Type.choices)
    district_names = dict(District.objects.values_list("pk", "name"))
    per_year = Counter(fy_of(date.fromisoformat(r["submitted_on"])) for r in referrals)
    per_pathway = Counter(r["pathway"] for r in referrals)
    summary = {
        "referrals": len(referrals),
        "follow_ups": len(follow_ups),
        "per_year": [
            {"year": fy_label(year), "referrals": count} for year, count in sorted(per_year.items())
        ],
        "per_pathway": dict(per_pathway),
        "new_organisations": [
            {
                "name": o["name"],
                "type": types[o["type"]],
                "district": district_names.get(o["district_id"], ""),
            }
            for o in new_orgs.values()
        ],
    }
    batch = HistoryImportBatch(
        created_by=user,
        referrals_filename=referrals_filename[:200],
        follow_ups_filename=(follow_ups_filename or "")[:200],
        rows={
            "referrals": referrals,
            "follow_ups": follow_ups,
            "new_organisations": list(new_orgs.values()),
        },
        summary=summary,
    )
    batch.full_clean()
    batch.save()
    return batch


def _field_at_fault(problems: list[str]) -> str:
    """The upload field a refused preview is shown beside: follow-ups only when all its problems
    are in that file."""
    if all(problem.startswith(imports.FOLLOW_UPS_FILE) for problem in problems):
        return FOLLOW_UPS_FIELD
    return REFERRALS_FIELD


def _not_imported(problems: list[str]) -> ImportRejected:
    """A refused confirmation: nothing was written, and why."""
    return ImportRejected(
        problems, message="Nothing was imported: " + "; ".join(problems[:MAX_SHOWN])
    )


def history_import_batches_discard_stale() -> int:
    """Discard batches waiting for confirmation for more than a day, clearing their rows (which
    identify people); return how many. Each preview runs it first."""
    stale = HistoryImportBatch.objects.filter(
        state=HistoryImportBatch.State.PREVIEW,
        created_at__lt=timezone.now() - timedelta(days=1),
    )
    for batch in stale:
        batch.state, batch.rows = HistoryImportBatch.State.DISCARDED, {}
        batch.save(update_fields=["state", "rows"])
    return len(stale)


def history_import_discard(*, batch: HistoryImportBatch) -> HistoryImportBatch:
    """Drop a previewed batch and its rows; return it, discarded."""
    if batch.state != HistoryImportBatch.State.PREVIEW:
        raise ImportRejected(["This import is no longer waiting for confirmation."])
    batch.state, batch.rows = HistoryImportBatch.State.DISCARDED, {}
    batch.save(update_fields=["state", "rows"])
    return batch


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(12, 0), LONDON)


def referral_history_import(*, batch: HistoryImportBatch, user: User) -> HistoryImportResult:
    """Write a previewed batch: all of it, or nothing.

    References taken since the preview (or organisations created meanwhile) are re-checked
    inside the transaction. Imported referrals get source=import, their financial year from
    the submission date and a status history of one entry (the status as given). After the
    commit the statistics rebuild hook runs.
    """
    with transaction.atomic():
        batch = HistoryImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.state != HistoryImportBatch.State.PREVIEW:
            raise _not_imported(["This import is no longer waiting for confirmation."])
        rows = batch.rows
        references = [r["reference"] for r in rows["referrals"]]
        taken = list(
            Referral.objects.annotate(up=Lower("reference"))
            .filter(up__in=[r.lower() for r in references])
            .values_list("reference", flat=True)
        )
        if taken:
            raise _not_imported(
                [f"reference '{ref}' was added to the portal after the preview" for ref in taken]
            )
        result = HistoryImportResult()
        organisations = {
            o.name.lower(): o
            for o in ReferrerOrganisation.objects.annotate(low=Lower("name")).filter(
                low__in=[r["organisation"].lower() for r in rows["referrals"]]
            )
        }
        for spec in rows["new_organisations"]:
            if spec["name"].lower() in organisations:
                continue
            org = ReferrerOrganisation(
                name=spec["name"], type=spec["type"], district_id=spec["district_id"]
            )
            org.full_clean()
            org.save()
            organisations[org.name.lower()] = org
            result.organisations_created.append(org.name)

        now = timezone.now()
        referrals = []
        for r in rows["referrals"]:
            submitted = date.fromisoformat(r["submitted_on"])
            referral = Referral(
                reference=r["reference"],
                pathway=r["pathway"],
                source=Referral.Source.IMPORT,
                organisation=organisations[r["organisation"].lower()],
                submitted_at=_moment(submitted),
                financial_year=fy_of(submitted),
                first_name=r["first_name"],
                last_name=r["last_name"],
                date_of_birth=(
                    date.fromisoformat(r["date_of_birth"]) if r["date_of_birth"] else None
                ),
                nhs_number=r["nhs_number"],
                postcode=r["postcode"],
                lsoa_code=r["lsoa_code"],
                imd_decile=r["imd_decile"],
                postcode_not_found=r["postcode_not_found"],
                district_id=r["district_id"],
                baseline_minutes=r["baseline_minutes"],
                status=r["status"],
                status_changed_at=_moment(submitted),
                referred_onto_activity=r["referred_onto_activity"],
            )
            referral.clean_fields(exclude=["organisation", "district"])
            # bulk_create does not call save(), which is what sets this field.
            referral.next_step_due_on = referral.next_step_due()
            referrals.append(referral)
        Referral.objects.bulk_create(referrals, batch_size=500)
        by_reference = dict(
            Referral.objects.annotate(up=Lower("reference"))
            .filter(
                up__in={r.lower() for r in references}.union(
                    f["reference"].lower() for f in rows["follow_ups"]
                )
            )
            .values_list("up", "pk")
        )
        submitted_at = dict(
            Referral.objects.filter(pk__in=by_reference.values()).values_list("pk", "submitted_at")
        )
        StatusChange.objects.bulk_create(
            [
                StatusChange(
                    referral_id=by_reference[x.reference.lower()],
                    from_status="",
                    to_status=x.status,
                    changed_by=user,
                    changed_at=x.submitted_at,
                    note=f"History import {batch.pk}: status as recorded before the portal.",
                )
                for x in referrals
            ],
            batch_size=1000,
        )
        follow_ups = []
        for f in rows["follow_ups"]:
            pk = by_reference[f["reference"].lower()]
            start = submitted_at[pk].astimezone(LONDON).date()
            follow_up = FollowUp(
                referral_id=pk,
                timepoint=f["timepoint"],
                due_on=FollowUp.due_after(start, f["timepoint"]),
                completed_on=date.fromisoformat(f["completed_on"]),
                minutes=f["minutes"],
                life_satisfaction=f["life_satisfaction"],
                recorded_by=user,
            )
            follow_up.clean_fields(exclude=["referral"])
            follow_ups.append(follow_up)
        FollowUp.objects.bulk_create(follow_ups, batch_size=1000)

        result.referrals, result.follow_ups = len(referrals), len(follow_ups)
        batch.state, batch.rows, batch.imported_at = HistoryImportBatch.State.IMPORTED, {}, now
        batch.summary = {**batch.summary, "organisations_created": result.organisations_created}
        batch.save(update_fields=["state", "rows", "imported_at", "summary"])
        data_changed_announce(
            kind=Change.HISTORY_IMPORTED, financial_years={r.financial_year for r in referrals}
        )
    return result
