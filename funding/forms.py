from __future__ import annotations

from django import forms

from activeportal.lib.forms import DateInput, Form, ModelForm
from activeportal.lib.fy import FinancialYearError, fy_label, fy_parse
from activeportal.lib.money import parse_pounds

from .imports import MAX_FILE_BYTES, ImportFileError, max_rows, read_table
from .models import Allocation, FundingStream


class StreamForm(ModelForm):
    class Meta:
        model = FundingStream
        fields = ["name", "funder", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class FinancialYearField(forms.CharField):
    """A financial year typed as 2024-25, cleaned to its start year."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "For example 2024-25 (1 April to 31 March).")
        kwargs.setdefault("max_length", 9)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            return fy_label(value)
        return value

    def clean(self, value):
        value = super().clean(value)
        try:
            return fy_parse(value)
        except FinancialYearError as error:
            raise forms.ValidationError(str(error)) from error


class PoundsField(forms.CharField):
    """An amount typed as 12345.67, 12,345.67 or £12,345.67."""

    def clean(self, value):
        value = super().clean(value)
        try:
            return parse_pounds(value)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error


class AllocationForm(ModelForm):
    financial_year = FinancialYearField(label="Financial year")
    amount = PoundsField(label="Amount (£)", help_text="For example 12,345.67.")

    class Meta:
        model = Allocation
        fields = [
            "stream",
            "district",
            "financial_year",
            "amount",
            "recipient",
            "purpose",
            "status",
            "award_date",
        ]
        widgets = {"award_date": DateInput()}
        help_texts = {"award_date": "Within the financial year."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        streams = FundingStream.objects.filter(is_active=True)
        if self.instance.pk:
            del self.fields["status"]  # changed on its own page, along the allowed moves
            streams = FundingStream.objects.filter(is_active=True) | FundingStream.objects.filter(
                pk=self.instance.stream_id
            )
        self.fields["stream"].queryset = streams.distinct()
        self.fields["district"].queryset = self.fields["district"].queryset.filter(is_active=True)
        self.fields["recipient"].empty_label = "None"


class _AnyStatusField(forms.ChoiceField):
    # Offers the allowed moves; any status is accepted here so that an illegal move reaches
    # allocation_set_status, which refuses it with a message saying why.
    def valid_value(self, value) -> bool:
        return value in Allocation.Status.values


class AllocationStatusForm(Form):
    status = _AnyStatusField(label="New status", widget=forms.RadioSelect)

    def __init__(self, *args, allocation: Allocation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (status, Allocation.Status(status).label) for status in allocation.next_statuses()
        ]


class ImportUploadForm(Form):
    file = forms.FileField(
        label="Allocations file (CSV or XLSX)",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "file"
        ].help_text = (
            f"A header row, then one allocation per row. At most 20 MB and {max_rows():,} rows."
        )

    def clean_file(self):
        """Refuse a file that cannot be read as a table (too big, too many rows, not CSV or
        XLSX) beside the field; its rows are checked after."""
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError("The file is larger than 20 MB: split it.")
        try:
            read_table(file_name=upload.name, content=upload.read())
        except ImportFileError as error:
            raise forms.ValidationError(str(error)) from error
        finally:
            upload.seek(0)
        return upload


class YearChoiceForm(Form):
    year = forms.TypedChoiceField(label="Financial year", coerce=int)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, fy_label(year)) for year in years]


def year_chosen(data, *, years: list[int]) -> tuple[int, YearChoiceForm]:
    """The year asked for in a page's query (the latest of ``years`` if none or a bad one)."""
    form = YearChoiceForm(data or None, years=years)
    year = form.cleaned_data["year"] if form.is_valid() else years[0]
    if not form.is_bound:
        form = YearChoiceForm(initial={"year": year}, years=years)
    return year, form
