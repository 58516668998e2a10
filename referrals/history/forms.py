"""The upload form of the referral history import."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile

from activeportal.lib.forms import Form

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class HistoryUploadForm(Form):
    referrals_file = forms.FileField(
        label="Referrals file (referrals.csv)",
        help_text="CSV, UTF-8, with the columns listed above.",
    )
    follow_ups_file = forms.FileField(
        label="Follow-ups file (follow-ups.csv)",
        required=False,
        help_text="Optional. Follow-ups of the referrals above or of referrals already here.",
    )

    def _clean_csv(self, name: str) -> UploadedFile | None:
        upload = self.cleaned_data.get(name)
        if upload is None:
            return None
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError("Choose a .csv file (save the spreadsheet as CSV UTF-8).")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 20 MB; split it into years.")
        return upload

    def clean_referrals_file(self) -> UploadedFile | None:
        return self._clean_csv("referrals_file")

    def clean_follow_ups_file(self) -> UploadedFile | None:
        return self._clean_csv("follow_ups_file")
