"""Pages of the referral history import: upload, preview and confirm, result."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from activeportal.accounts.roles import HUB, MANAGER, role_required
from activeportal.lib.errors import form_error_show, message_call
from activeportal.lib.http import AuthenticatedHttpRequest
from referrals.history.forms import HistoryUploadForm
from referrals.history.parse import FOLLOW_UP_COLUMNS, REFERRAL_COLUMNS
from referrals.history.services import (
    ImportRejected,
    history_import_discard,
    history_import_preview,
    referral_history_import,
)
from referrals.models import HistoryImportBatch


def _batch_for(request: AuthenticatedHttpRequest, pk: int) -> HistoryImportBatch:
    # A batch holds identifiable rows: only the person who uploaded it sees it.
    return get_object_or_404(HistoryImportBatch, pk=pk, created_by=request.user)


@role_required(MANAGER, HUB)
def history_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload referrals.csv (and follow-ups.csv); every row is checked before anything is kept."""
    problems: list[str] = []
    form = HistoryUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        referrals = form.cleaned_data["referrals_file"]
        follow_ups = form.cleaned_data["follow_ups_file"]
        try:
            batch = history_import_preview(
                user=request.user,
                referrals_data=referrals.read(),
                referrals_filename=referrals.name,
                follow_ups_data=follow_ups.read() if follow_ups else None,
                follow_ups_filename=follow_ups.name if follow_ups else "",
            )
        except ImportRejected as error:
            # Beside the file at fault, and every problem listed above the form.
            form_error_show(form, error)
            problems = error.problems
        else:
            return redirect("referrals:import_preview", pk=batch.pk)
    return render(
        request,
        "referrals/import_upload.html",
        {
            "form": form,
            "problems": problems,
            "referral_columns": REFERRAL_COLUMNS,
            "follow_up_columns": FOLLOW_UP_COLUMNS,
        },
    )


@role_required(MANAGER, HUB)
def history_preview(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """What the import will do, then confirm or discard; after the import, what it did."""
    batch = _batch_for(request, pk)
    return render(request, "referrals/import_preview.html", {"batch": batch})


@require_POST
@role_required(MANAGER, HUB)
def history_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Write the previewed batch, all or nothing; either way back to its page."""
    batch = _batch_for(request, pk)
    result = message_call(request, referral_history_import, batch=batch, user=request.user)
    if result is not None:
        messages.success(
            request,
            f"Imported {result.referrals:,} referrals and {result.follow_ups:,} follow-ups.",
        )
    return redirect("referrals:import_preview", pk=batch.pk)


@require_POST
@role_required(MANAGER, HUB)
def history_discard(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Drop the previewed batch; nothing is written."""
    batch = _batch_for(request, pk)
    if message_call(request, history_import_discard, batch=batch) is None:
        return redirect("referrals:import_preview", pk=batch.pk)
    messages.info(request, "The import was discarded; nothing was written.")
    return redirect("referrals:import")
