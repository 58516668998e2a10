"""Writes of the reports app: snapshot builds, rebuild requests, social-value model versions."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone

from activeportal.accounts.models import User
from activeportal.lib.changes import Change
from activeportal.lib.errors import DomainError, full_clean_or_raise
from districts.models import District
from funding.models import Allocation, FundingStream
from referrals.models import FollowUp, Referral

from . import inputs, statistics
from .models import ImpactSnapshot, SnapshotBuild, SnapshotBuildJob, SocialValueModel
from .social_value import Parameters, social_value
from .tasks import rebuild_all


class ReportsError(DomainError):
    """A reports action that cannot be done, with a message a person can act on."""


# --- the inputs besides the referral frames ----------------------------------------------


def investment_by_scope(
    *, model: SocialValueModel, keys: Iterable[tuple[int, int | None]]
) -> dict[tuple[int, int | None], dict[str, Decimal]]:
    """Money invested in the programme per (year, district or None): the model's streams, up to
    the end of the year and in the year. One query, summed per year and district."""
    sums = (
        Allocation.objects.filter(stream__in=model.investment_streams.all())
        .exclude(status=Allocation.Status.WITHDRAWN)
        .values_list("financial_year", "district_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    rows = list(sums)
    money = {}
    for year, district_id in keys:
        mine = [(fy, t) for fy, d, t in rows if district_id is None or d == district_id]
        money[(year, district_id)] = {
            "to_date": sum((t for fy, t in mine if fy <= year), Decimal("0")),
            "in_year": sum((t for fy, t in mine if fy == year), Decimal("0")),
        }
    return money


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


def _inputs_hash(stats: dict[str, Any], params: Parameters, streams: list[int], money: dict) -> str:
    """A digest of everything a snapshot's content comes from: its statistics (the aggregates
    of the referral rows, cheap to hash), the model's parameters and streams, and the money."""
    digest = hashlib.sha256()
    digest.update(json.dumps(stats, sort_keys=True).encode())
    digest.update(repr(params).encode())
    digest.update(repr(streams).encode())
    digest.update(json.dumps({k: str(v) for k, v in money.items()}, sort_keys=True).encode())
    return digest.hexdigest()


# --- building snapshots -------------------------------------------------------------------


def current_model() -> SocialValueModel:
    """The version builds use; the default one is created on first use."""
    model = SocialValueModel.objects.filter(is_current=True).first()
    return model or social_value_model_create_default()


def snapshot_scopes() -> tuple[list[int], list[int]]:
    """What a full rebuild builds: the years with referrals, and the active districts (each
    year also has a partnership snapshot)."""
    # order_by(): the model's default ordering would add submitted_at to the DISTINCT.
    years = Referral.objects.order_by().values_list("financial_year", flat=True).distinct()
    years = sorted(years)
    districts = list(District.objects.filter(is_active=True).values_list("id", flat=True))
    return years, districts


def snapshot_build(*, year: int, district_id: int | None, model_id: int) -> ImpactSnapshot:
    """Build (or refresh) the snapshot of one year, scope and model version.

    The same code as a full rebuild, reading only this scope's referrals up to the end of
    ``year``. Upserted on (year, district, model): building the same inputs twice leaves the one
    snapshot as it was. The write is one transaction, so a build that dies half-way writes
    nothing.
    """
    model = SocialValueModel.objects.get(pk=model_id)
    counts = data_fingerprint()
    refs, fups = inputs.load_inputs(year=year, district_id=district_id)
    districts = [] if district_id is None else [district_id]
    stats = statistics.snapshot_figures(refs, fups, years=[year], districts=districts)
    return _snapshots_save({(year, district_id): stats[(year, district_id)]}, model, counts)[0]


def snapshots_build_all(
    *, model_id: int, years: list[int], districts: list[int]
) -> list[ImpactSnapshot]:
    """Build (or refresh) every snapshot of ``years`` × (the partnership and ``districts``)
    from one read of the referrals and follow-ups, in one transaction: all or nothing."""
    model = SocialValueModel.objects.get(pk=model_id)
    counts = data_fingerprint()
    refs, fups = inputs.load_inputs()
    stats = statistics.snapshot_figures(refs, fups, years=years, districts=districts)
    return _snapshots_save(stats, model, counts)


def _snapshots_save(stats: dict, model: SocialValueModel, counts: dict) -> list[ImpactSnapshot]:
    """Upsert one snapshot per (year, district) of ``stats``; a snapshot whose inputs hash is
    unchanged is left as it was (its source counts refreshed)."""
    params = model.parameters()
    streams = sorted(model.investment_streams.values_list("id", flat=True))
    money = investment_by_scope(model=model, keys=stats)
    names = dict(District.objects.filter(pk__in=[d for _, d in stats]).values_list("id", "name"))
    existing = {
        (s.year, s.district_id): s
        for s in ImpactSnapshot.objects.filter(model=model, year__in={y for y, _ in stats})
    }
    saved = []
    with transaction.atomic():
        for (year, district_id), figures in stats.items():
            inputs_hash = _inputs_hash(figures, params, streams, money[(year, district_id)])
            snapshot = existing.get((year, district_id))
            if snapshot and snapshot.inputs_hash == inputs_hash:
                if snapshot.source_counts != counts:
                    ImpactSnapshot.objects.filter(pk=snapshot.pk).update(source_counts=counts)
                    snapshot.source_counts = counts
                saved.append(snapshot)
                continue
            figures = _figures(figures, model=model, money=money[(year, district_id)])
            figures["scope"] = names[district_id] if district_id else "partnership"
            snapshot, _ = ImpactSnapshot.objects.update_or_create(
                year=year,
                district_id=district_id,
                model=model,
                defaults={
                    "built_at": timezone.now(),
                    "source_counts": counts,
                    "inputs_hash": inputs_hash,
                    "figures": figures,
                },
            )
            saved.append(snapshot)
        if settings.REPORTS_BUILD_PAUSE_MS:
            time.sleep(settings.REPORTS_BUILD_PAUSE_MS / 1000)  # failure tests: die mid-write
    return saved


def _figures(stats: dict, *, model: SocialValueModel, money: dict) -> dict[str, Any]:
    figures = dict(stats)
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


REBUILD_ON = {Change.HISTORY_IMPORTED, Change.ALLOCATIONS_CHANGED}


def statistics_on_data_changed(*, kind: Change, financial_years: frozenset[int], **_: Any) -> None:
    """Receiver of ``data_changed``: after an import, queue a rebuild of every year on commit.

    Every year is rebuilt, not only those named: social value per £1 reads the investment to
    date, which a change in one year moves for every later year. A referral's move needs no
    rebuild of its own: the impact pages see it by the data-changed check and the nightly
    rebuild takes it in.
    """
    if kind in REBUILD_ON:
        rebuild_start(reason="import")


def rebuild_start(*, user: User | None = None, reason: str = "manual") -> SnapshotBuild:
    """Record a rebuild of every year and scope and queue it once this transaction commits."""
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
            years, districts = snapshot_scopes()
            scopes = [None, *districts]
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


def build_read_year(*, build_id: int, year: int) -> dict[str, list]:
    """Read the referrals of one financial year (by their stored year) and their completed
    follow-ups, and return what they add to every snapshot (``statistics.fragment``, plain
    JSON). The year's jobs count as done for the progress bar; nothing else is written."""
    refs, fups = inputs.load_inputs(in_year=year)
    fragment = statistics.fragment(refs, fups)
    SnapshotBuildJob.objects.filter(build_id=build_id, year=year).update(done=True)
    return fragment


def build_finish(*, build_id: int, fragments: list[dict[str, list]], counts: dict) -> int:
    """Add up the years' fragments and write every snapshot of the build, with its progress,
    in one transaction: a rebuild that dies here leaves every snapshot as it was, and running
    this again finishes it. ``counts`` is the data fingerprint taken before the reads."""
    build = SnapshotBuild.objects.get(pk=build_id)
    jobs = list(build.jobs.all())
    years = sorted({job.year for job in jobs})
    districts = sorted({job.district_id for job in jobs if job.district_id is not None})
    stats = statistics.snapshot_figures_from(fragments, years=years, districts=districts)
    model = SocialValueModel.objects.get(pk=build.model_id)
    with transaction.atomic():
        _snapshots_save(stats, model, counts)
        build.jobs.update(done=True)
        SnapshotBuild.objects.filter(pk=build_id).exclude(state=SnapshotBuild.State.DONE).update(
            state=SnapshotBuild.State.DONE, finished_at=timezone.now()
        )
    return len(jobs)


def build_years(*, build_id: int) -> list[int]:
    """Plan a build (``build_plan``) and return the years whose referrals it reads."""
    return sorted({job.year for job in build_plan(build_id=build_id)})


def build_run(*, build_id: int) -> int:
    """A whole rebuild in this process, as the Celery chord runs it: plan, read each year,
    add up and write; returns how many snapshots the build has."""
    counts = data_fingerprint()
    years = build_years(build_id=build_id)
    if not years:
        return 0
    fragments = [build_read_year(build_id=build_id, year=year) for year in years]
    return build_finish(build_id=build_id, fragments=fragments, counts=counts)


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


def build_failed(*, build_id: int, error: str) -> None:
    """Record that a build failed for good."""
    SnapshotBuild.objects.filter(pk=build_id).update(
        state=SnapshotBuild.State.FAILED, error=error[:2000], finished_at=timezone.now()
    )


def build_job_failed(*, job_id: int, error: str) -> None:
    """Record that one job of a build failed for good."""
    job = SnapshotBuildJob.objects.filter(pk=job_id).first()
    if job:
        build_failed(build_id=job.build_id, error=error)


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
    with transaction.atomic():
        existing = SocialValueModel.objects.select_for_update().order_by("version")
        if existing.exists():
            return existing.filter(is_current=True).first() or existing.first()
        model = SocialValueModel(version=1, is_current=True, **DEFAULT_SOURCES)
        full_clean_or_raise(model, ReportsError)
        model.save()
        model.investment_streams.set(FundingStream.objects.filter(name=DEFAULT_INVESTMENT_STREAM))
    return model


def social_value_model_copy(
    *, model: SocialValueModel, user: User | None = None
) -> SocialValueModel:
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
        full_clean_or_raise(copy, ReportsError)
        copy.save()
        copy.investment_streams.set(streams)
    return copy


def social_value_model_check_editable(*, model: SocialValueModel) -> SocialValueModel:
    """``model`` if it may still change; a ReportsError if snapshots have used its figures."""
    if model.is_locked:
        raise ReportsError(
            f"Version {model.version} has been used by impact snapshots, so its figures can no "
            "longer change. Copy it to a new version and edit the copy."
        )
    return model


def social_value_model_update(
    *,
    model: SocialValueModel,
    data: dict[str, Any],
    streams: Iterable[FundingStream] | None = None,
) -> SocialValueModel:
    """Change the parameters of a version no snapshot has used yet."""
    with transaction.atomic():
        model = SocialValueModel.objects.select_for_update().get(pk=model.pk)
        social_value_model_check_editable(model=model)
        for field, value in data.items():
            setattr(model, field, value)
        full_clean_or_raise(model, ReportsError)
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
