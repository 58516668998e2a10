"""Writes of the reports app: snapshot builds, rebuild requests, social-value model versions."""

from __future__ import annotations

import hashlib
import json
import time
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from districts.models import District
from funding.models import Allocation
from referrals.models import FollowUp, Referral

from . import statistics
from .models import ImpactSnapshot, SnapshotBuild, SnapshotBuildJob, SocialValueModel
from .social_value import social_value

LONDON = ZoneInfo("Europe/London")


class ReportsError(Exception):
    """A reports action that cannot be done, with a message a person can act on."""


# --- reading the inputs (only the columns the figures need) -------------------------------


def _end_of_year(year: int) -> datetime:
    return datetime(year + 1, 4, 1, tzinfo=LONDON)


def load_frames(*, year: int, district_id: int | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The referral and follow-up frames for a build: everything submitted up to the end of Y."""
    referrals = Referral.objects.filter(submitted_at__lt=_end_of_year(year))
    if district_id is not None:
        referrals = referrals.filter(district_id=district_id)
    refs = statistics.referral_frame(list(referrals.values_list(*statistics.REFERRAL_COLUMNS)))
    follow_ups = FollowUp.objects.filter(
        referral__in=referrals.values("id"), completed_on__isnull=False
    )
    fups = statistics.follow_up_frame(list(follow_ups.values_list(*statistics.FOLLOW_UP_COLUMNS)))
    return refs, fups


def investment_to_end_of(*, model: SocialValueModel, year: int, district_id: int | None) -> dict:
    """Money invested in the programme: the model's streams, up to the end of Y and in Y."""
    allocations = Allocation.objects.filter(
        stream__in=model.investment_streams.all(), financial_year__lte=year
    ).exclude(status=Allocation.Status.WITHDRAWN)
    if district_id is not None:
        allocations = allocations.filter(district_id=district_id)
    sums = allocations.aggregate(
        to_date=Sum("amount"), in_year=Sum("amount", filter=Q(financial_year=year))
    )
    return {key: value or Decimal("0") for key, value in sums.items()}


def data_fingerprint() -> dict[str, Any]:
    """Row counts and last changes of the inputs: cheap to read, changes whenever they do."""
    refs = Referral.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    fups = FollowUp.objects.aggregate(
        n=Count("id"), done=Count("completed_on"), minutes=Sum("minutes"), last=Max("id")
    )
    allocs = Allocation.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    return {
        "referrals": refs["n"],
        "referrals_changed": refs["last"].isoformat() if refs["last"] else None,
        "follow_ups": fups["n"],
        "follow_ups_completed": fups["done"],
        "follow_up_minutes": fups["minutes"] or 0,
        "follow_ups_last_id": fups["last"],
        "allocations": allocs["n"],
        "allocations_changed": allocs["last"].isoformat() if allocs["last"] else None,
    }


def _inputs_hash(refs: pd.DataFrame, fups: pd.DataFrame, model: SocialValueModel, money) -> str:
    digest = hashlib.sha256()
    for frame in (refs.drop(columns=["long_term_conditions"]), fups):
        digest.update(pd.util.hash_pandas_object(frame.astype(str), index=False).values.tobytes())
    params = model.parameters()
    digest.update(repr(params).encode())
    digest.update(repr(sorted(model.investment_streams.values_list("id", flat=True))).encode())
    digest.update(json.dumps({k: str(v) for k, v in money.items()}, sort_keys=True).encode())
    return digest.hexdigest()


# --- building snapshots -------------------------------------------------------------------


def current_model() -> SocialValueModel:
    """The version builds use; the default one is created on first use."""
    model = SocialValueModel.objects.filter(is_current=True).first()
    return model or social_value_model_create_default()


def snapshot_build(*, year: int, district_id: int | None, model_id: int) -> ImpactSnapshot:
    """Build (or refresh) the snapshot of one year, scope and model version.

    Upserted on (year, district, model): building the same inputs twice leaves the one snapshot
    as it was. The write is one transaction, so a build that dies half-way writes nothing.
    """
    model = SocialValueModel.objects.get(pk=model_id)
    district = District.objects.get(pk=district_id) if district_id is not None else None
    counts = data_fingerprint()
    refs, fups = load_frames(year=year, district_id=district_id)
    money = investment_to_end_of(model=model, year=year, district_id=district_id)
    inputs_hash = _inputs_hash(refs, fups, model, money)
    existing = ImpactSnapshot.objects.filter(year=year, district=district, model=model).first()
    if existing and existing.inputs_hash == inputs_hash:
        if existing.source_counts != counts:
            ImpactSnapshot.objects.filter(pk=existing.pk).update(source_counts=counts)
            existing.source_counts = counts
        return existing
    figures = _figures(refs, fups, year=year, model=model, money=money)
    figures["scope"] = district.name if district else "partnership"
    with transaction.atomic():
        snapshot, _ = ImpactSnapshot.objects.update_or_create(
            year=year,
            district=district,
            model=model,
            defaults={
                "built_at": timezone.now(),
                "source_counts": counts,
                "inputs_hash": inputs_hash,
                "figures": figures,
            },
        )
        if settings.REPORTS_BUILD_PAUSE_MS:
            time.sleep(settings.REPORTS_BUILD_PAUSE_MS / 1000)  # failure tests: die mid-write
    return snapshot


def _figures(refs, fups, *, year: int, model: SocialValueModel, money: dict) -> dict[str, Any]:
    figures = statistics.year_figures(refs, fups, year)
    params = model.parameters()
    figures["social_value"] = {
        "to_date": social_value(
            transitions=figures["to_date"]["transitions"],
            params=params,
            investment=money["to_date"],
        ),
        "year": social_value(
            transitions=figures["transitions"], params=params, investment=money["in_year"]
        ),
    }
    figures["model"] = {"id": model.pk, "version": model.version, "name": model.name}
    return figures


# --- rebuild requests ---------------------------------------------------------------------


def rebuild_start(*, user=None, reason: str = "manual") -> SnapshotBuild:
    """Record a rebuild of every year and scope and queue it once this transaction commits."""
    from .tasks import rebuild_all

    with transaction.atomic():
        build = SnapshotBuild.objects.create(
            requested_by=user, reason=reason, model=current_model()
        )
        rebuild_all.delay_on_commit(build.pk)
    return build


def build_plan(*, build_id: int) -> list[SnapshotBuildJob]:
    """The jobs of a build (created once): each year with referrals × partnership and districts."""
    with transaction.atomic():
        build = SnapshotBuild.objects.select_for_update().get(pk=build_id)
        if not build.jobs.exists():
            years = sorted(
                set(Referral.objects.values_list("financial_year", flat=True).distinct())
            )
            scopes = [None, *District.objects.filter(is_active=True).values_list("id", flat=True)]
            SnapshotBuildJob.objects.bulk_create(
                SnapshotBuildJob(build=build, year=year, district_id=scope)
                for year in years
                for scope in scopes
            )
            build.total = len(years) * len(scopes)
        if build.model_id is None:
            build.model = current_model()
        build.state = SnapshotBuild.State.RUNNING if build.total else SnapshotBuild.State.DONE
        if not build.total:
            build.finished_at = timezone.now()
        build.save()
    return list(build.jobs.filter(done=False))


def build_job_done(*, job_id: int) -> None:
    """Mark one job done (idempotent) and the build finished when it was the last."""
    with transaction.atomic():
        job = SnapshotBuildJob.objects.select_related("build").get(pk=job_id)
        SnapshotBuildJob.objects.filter(pk=job_id).update(done=True)
        build = SnapshotBuild.objects.select_for_update().get(pk=job.build_id)
        if build.state != SnapshotBuild.State.DONE and not build.jobs.filter(done=False).exists():
            build.state = SnapshotBuild.State.DONE
            build.finished_at = timezone.now()
            build.save(update_fields=["state", "finished_at"])


def build_failed(*, job_id: int, error: str) -> None:
    """Record that one job of a build failed for good."""
    job = SnapshotBuildJob.objects.filter(pk=job_id).first()
    if job:
        SnapshotBuild.objects.filter(pk=job.build_id).update(
            state=SnapshotBuild.State.FAILED, error=error[:2000], finished_at=timezone.now()
        )


# --- social-value model versions ----------------------------------------------------------

DEFAULT_SOURCES = {
    "wellby_source": "HM Treasury, Wellbeing Guidance for Appraisal (Green Book supplement, "
    "2021): £13,000 in 2019 prices, range £10,000–£16,000",
    "value_active_source": "Sport England social value model, year 1 (2022/23 data)",
    "value_fairly_active_source": "Sport England social value model, year 1 (2022/23 data)",
    "value_inactive_to_active_condition_source": "Sport England social value model, year 1 "
    "(2022/23 data)",
    "secondary_source": "Set by the partnership; Sport England's model puts secondary (health "
    "and care system) value at 11–15% of primary value nationally",
    "adjustments_source": "Set by the partnership following Green Book / SROI practice",
}
DEFAULT_INVESTMENT_STREAM = "Active NoW"


def social_value_model_create_default() -> SocialValueModel:
    """The default version (DESIGN.md §4) if there is no version at all; else the current one."""
    from funding.models import FundingStream

    with transaction.atomic():
        existing = SocialValueModel.objects.select_for_update().order_by("version")
        if existing.exists():
            return existing.filter(is_current=True).first() or existing.first()
        model = SocialValueModel(version=1, is_current=True, **DEFAULT_SOURCES)
        model.full_clean()
        model.save()
        model.investment_streams.set(FundingStream.objects.filter(name=DEFAULT_INVESTMENT_STREAM))
    return model


def social_value_model_copy(*, model: SocialValueModel, user=None) -> SocialValueModel:
    """A new, editable version with the same parameters, sources and streams."""
    with transaction.atomic():
        last = SocialValueModel.objects.select_for_update().aggregate(v=Max("version"))["v"] or 0
        streams = list(model.investment_streams.all())
        copy = SocialValueModel.objects.get(pk=model.pk)
        copy.pk = None
        copy.version = last + 1
        copy.is_current = False
        copy.based_on = model
        copy.created_by = user
        copy.full_clean()
        copy.save()
        copy.investment_streams.set(streams)
    return copy


def social_value_model_check_editable(*, model: SocialValueModel) -> None:
    if model.is_locked:
        raise ReportsError(
            f"Version {model.version} has been used by impact snapshots, so its figures can no "
            "longer change. Copy it to a new version and edit the copy."
        )


def social_value_model_update(
    *, model: SocialValueModel, data: dict[str, Any], streams=None
) -> SocialValueModel:
    """Change the parameters of a version no snapshot has used yet."""
    with transaction.atomic():
        model = SocialValueModel.objects.select_for_update().get(pk=model.pk)
        social_value_model_check_editable(model=model)
        for field, value in data.items():
            setattr(model, field, value)
        model.full_clean()
        model.save()
        if streams is not None:
            model.investment_streams.set(streams)
    return model


def social_value_model_make_current(*, model: SocialValueModel) -> SocialValueModel:
    """Make ``model`` the version the next builds use."""
    with transaction.atomic():
        SocialValueModel.objects.filter(is_current=True).exclude(pk=model.pk).update(
            is_current=False
        )
        SocialValueModel.objects.filter(pk=model.pk).update(is_current=True)
    model.refresh_from_db()
    return model
